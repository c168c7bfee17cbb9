"""Analyses that read a dataset's records, run as Celery jobs like the veil of darkness: the adjusted
disparities of stops (logistic regressions, `figures/adjusted.py`) and the complaint funnel
(`figures/complaints.py`). A run is queued, running, done or failed; its result is stored whole, and
the page polls it with htmx."""

from __future__ import annotations

import math

import pandas as pd
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cities.models import AuditAction, User

from ..figures import adjusted, complaints, purposes
from ..files import mapping as mapping_rules
from ..measures import mapped_fields, not_recorded
from ..models import (
    ANALYSIS_KINDS,
    AnalysisMethod,
    AnalysisRun,
    Complaint,
    Dataset,
    JobStatus,
    SavedMapping,
    Stop,
)
from .datasets import dataset_audit

STOP_FIELDS = (
    "subject_race", "subject_age_group", "subject_sex", "district", "time", "date", "reason", "type",
    "search_conducted", "arrest_made", "citation_issued",
)  # fmt: skip
# The regression's outcome -> (the record's field, the measure that says whether the file records it).
OUTCOME_FIELDS = {
    "search": ("search_conducted", "searches"),
    "arrest": ("arrest_made", "arrests"),
    "citation": ("citation_issued", "citations"),
}


class NotEligible(ValueError):
    pass


def analysis_run_start(
    *, dataset: Dataset, method: str, started_by: User | None, enqueue: bool = True
) -> AnalysisRun:
    """Queue an analysis of a dataset (the worker picks it up after commit); a run of the same
    analysis already queued or running is returned instead of a second one.

    `enqueue=False` leaves the queued run for the caller to execute (`analysis_run_execute`)."""
    from ..tasks import analysis_run_task

    if method not in ANALYSIS_KINDS:
        raise NotEligible("There is no such analysis.")
    if dataset.kind != ANALYSIS_KINDS[method]:
        kind = dict(Dataset._meta.get_field("kind").choices)[ANALYSIS_KINDS[method]]
        raise NotEligible(f"{AnalysisMethod(method).label} reads a dataset of {kind.lower()} only.")
    running = AnalysisRun.objects.filter(
        dataset=dataset, method=method, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]
    ).first()
    if running is not None:
        return running
    run = AnalysisRun.objects.create(
        city=dataset.city, dataset=dataset, method=method, started_by=started_by, stage="Waiting for the worker"
    )
    if enqueue:
        analysis_run_task.delay_on_commit(run.pk)
    return run


def stops_frame(*, dataset: Dataset) -> pd.DataFrame:
    """The dataset's stops of people as the regression reads them: one row a stop, what the file does
    not record as missing (an outcome the mapping does not give is missing on every stop)."""
    rows = Stop.objects.filter(dataset=dataset, is_person=True).values_list(*STOP_FIELDS)
    frame = pd.DataFrame.from_records(list(rows.iterator(chunk_size=20000)), columns=list(STOP_FIELDS))
    absent = not_recorded(dataset.kind, dataset.mapping)
    data = pd.DataFrame({
        "race": frame["subject_race"],
        "age_group": frame["subject_age_group"].replace("", None),
        "sex": frame["subject_sex"].replace({"unknown": None, "": None}),
        "district": frame["district"].replace("", None),
        "hour": [t.hour if t is not None else None for t in frame["time"]] if dataset.has_time else None,
        "month": [d.month if d is not None else None for d in frame["date"]],
        "reason": frame["reason"].replace("", None),
        "type": frame["type"].replace("", None),
    })  # fmt: skip
    for outcome, (field, measure) in OUTCOME_FIELDS.items():
        column = frame[field].astype("object")
        data[outcome] = None if measure in absent else column.where(column.notna(), None)
    return data


def complaint_records(*, dataset: Dataset) -> list[tuple[int, str, str, str, str]]:
    rows = Complaint.objects.filter(dataset=dataset).values_list(
        "line", "incident_id", "subject_race", "officer_race", "disposition"
    )
    return [(line, incident, race, officer, finding if finding != "unknown" else "")
            for line, incident, race, officer, finding in rows.iterator(chunk_size=20000)]  # fmt: skip


def purpose_groups(*, dataset: Dataset) -> dict[str, str]:
    """The city's grouping of this dataset's stop reasons, saved with its mapping ({} before any)."""
    saved = (dataset.mapping or {}).get("purpose_groups")
    return dict(saved) if isinstance(saved, dict) else {}


def _purposes(dataset: Dataset) -> dict:
    rows = Stop.objects.filter(dataset=dataset, is_person=True).values_list(
        "subject_race", "reason", "search_conducted", "search_basis", "contraband_found"
    )
    stops = list(rows.iterator(chunk_size=20000))
    fields = mapped_fields(dataset.mapping)
    absent = not_recorded(dataset.kind, dataset.mapping)
    saved = purpose_groups(dataset=dataset)
    reasons = {reason for _race, reason, *_rest in stops if reason}
    # Reasons the city has not grouped get the proposal from their words, marked as proposed.
    groups = {reason: saved[reason] if reason in saved else purposes.propose(reason) for reason in reasons}
    result = purposes.purpose_figures(
        stops,
        groups=groups,
        search_recorded="searches" not in absent,
        basis_recorded="searches_discretionary" not in absent,
        reason_recorded=fields is None or "reason" in fields,
    )
    for row in result["reasons"]:
        row["proposed"] = row["reason"] not in saved
    return result


def purpose_groups_save(
    *, dataset: Dataset, groups: dict[str, str], by: User | None, ip_address: str | None = None
) -> AnalysisRun:
    """Save the city's grouping of stop reasons with the dataset's mapping (and with the mapping kept
    for the next file of the same header), then count the stops again with it."""
    if dataset.kind != "stop":
        raise ValidationError("Stop purposes are grouped on a dataset of stops only.")
    if not groups:
        raise ValidationError("Nothing to save: group at least one stop reason.")
    wrong = sorted(g for g in groups.values() if g not in purposes.GROUP_KEYS)
    if wrong:
        raise ValidationError(f"Not a purpose group: {', '.join(wrong)}.")
    with transaction.atomic():
        locked = Dataset.objects.select_for_update().get(pk=dataset.pk)
        mapping = dict(locked.mapping or {})
        mapping["purpose_groups"] = {**purpose_groups(dataset=locked), **groups}
        locked.mapping = mapping
        locked.save(update_fields=["mapping"])
        header = locked.file_format.get("header", [])
        if header:
            SavedMapping.objects.for_city(locked.city).filter(
                kind=locked.kind, header_key=mapping_rules.header_key(header)
            ).update(mapping=mapping)
        dataset.mapping = mapping
        dataset_audit(
            dataset=locked, action=AuditAction.CHANGE, by=by, ip_address=ip_address,
            summary=f"Grouped {len(groups)} stop reasons into purposes (safety, regulatory and equipment, investigatory)",
        )  # fmt: skip
        return analysis_run_start(dataset=locked, method=AnalysisMethod.PURPOSES, started_by=by)


def _compute(run: AnalysisRun) -> dict:
    dataset = run.dataset
    if run.method == AnalysisMethod.PURPOSES:
        return _purposes(dataset)
    if run.method == AnalysisMethod.ADJUSTED:
        data = stops_frame(dataset=dataset)
        run.stage = f"Fitting the models on {len(data):,} stops"
        run.save(update_fields=["stage"])
        return adjusted.adjusted_disparities(data)
    fields = mapped_fields(dataset.mapping)
    recorded = (lambda name: True) if fields is None else (lambda name: name in fields)
    return complaints.complaint_funnel(
        complaint_records(dataset=dataset),
        finding_recorded=recorded("disposition"),
        officer_race_recorded=recorded("officer_race"),
        complainant_race_recorded=recorded("subject_race"),
    )


def _finite(value: object) -> object:
    """JSON for the database: a number that is not finite (a failed estimate) stored as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def analysis_run_execute(*, run_id: int) -> AnalysisRun:
    """Read the dataset's records, compute the analysis and store its result (or why it failed)."""
    run = AnalysisRun.objects.select_related("dataset", "dataset__city").get(pk=run_id)
    if run.status == JobStatus.DONE:
        return run
    run.status = JobStatus.RUNNING
    run.stage = "Reading the records"
    run.save(update_fields=["status", "stage"])
    try:
        run.result = _finite(_compute(run))
        run.status = JobStatus.DONE
        run.stage = ""
    except Exception as exc:  # the page says what went wrong; the worker log keeps the trace
        run.status = JobStatus.FAILED
        run.error = f"The analysis could not be run: {exc}. Try again; if it fails again, tell the site's team."
        raise
    finally:
        run.finished_at = timezone.now()
        run.save(update_fields=["result", "status", "stage", "error", "finished_at"])
    return run
