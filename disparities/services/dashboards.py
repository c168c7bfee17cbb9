"""Writes of the disparity dashboards: population benchmarks, veil of darkness and threshold test runs, and the audit
entry of a look at the records behind a figure.

A Census table that cannot be read, or figures that do not add up, raise `ValidationError` on the
field they concern (`file`, `geo_id`, `fips`), for the form to show (`cities.forms.add_service_errors`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename

from cities.models import AuditAction, City, User

from ..figures import census, threshold, veil
from ..measures import not_recorded
from ..models import (
    BENCHMARK_RACES,
    Benchmark,
    BenchmarkSource,
    Dataset,
    DatePrecision,
    JobStatus,
    Kind,
    Stop,
    ThresholdRun,
    VeilRun,
)
from ..selectors.drilldown import DrillPage
from ..selectors.filters import Filters
from ..selectors.tables import RACE_LABELS, threshold_cells
from .datasets import dataset_audit


@contextmanager
def _census_problems(field: str | None = None) -> Iterator[None]:
    """A Census table or typed figures that cannot be used, as the ValidationError a form shows."""
    try:
        yield
    except census.CensusFileError as problem:
        raise ValidationError({field: str(problem)} if field else str(problem)) from problem


def _benchmark_from(
    *,
    city: City,
    parsed: census.Benchmark,
    source_kind: str,
    created_by: User | None,
    filename: str = "",
    stored: str = "",
) -> Benchmark:
    fields = {"total": parsed.total.value, "total_moe": parsed.total.moe}
    for race in BENCHMARK_RACES:
        estimate = parsed.races.get(race)
        fields[race] = estimate.value if estimate else 0
        fields[f"{race}_moe"] = estimate.moe if estimate else None
    with transaction.atomic():
        first = not Benchmark.objects.for_city(city).exists()
        return Benchmark.objects.create(
            city=city,
            name=parsed.name,
            geo_id=parsed.geo_id,
            source_kind=source_kind,
            source=parsed.source,
            vintage=parsed.vintage,
            uploaded_filename=filename,
            file=stored,
            is_default=first,
            created_by=created_by,
            **fields,
        )


def benchmark_create_from_county(*, city: City, fips: str, created_by: User | None) -> Benchmark:
    parsed = census.county(fips)
    if parsed is None:
        raise ValidationError({"fips": "That county is not in the Census table. Choose it from the list."})
    return _benchmark_from(
        city=city, parsed=parsed, source_kind=BenchmarkSource.COUNTY_TABLE, created_by=created_by
    )


def benchmark_create_from_upload(
    *, city: City, data: bytes, filename: str, geo_id: str = "", created_by: User | None
) -> list[Benchmark]:
    """One benchmark per geography of the uploaded Census table (or only `geo_id` when given)."""
    with _census_problems("file"):
        parsed = census.parse_upload(data, filename=filename)
    if geo_id:
        parsed = {k: v for k, v in parsed.items() if k == geo_id}
        if not parsed:
            raise ValidationError({"geo_id": f"The file has no geography with the code {geo_id}."})
    if len(parsed) > 20:
        raise ValidationError(
            {
                "geo_id": f"The file has {len(parsed)} places; download the table for your city only, or give its code."
            }
        )
    # The table is kept as it was sent (once, shared by the places read from it), so the figures
    # can always be checked against their source. It is removed if the benchmarks cannot be saved.
    stored = default_storage.save(f"census/{city.pk}/{_safe_name(filename)}", ContentFile(data))
    try:
        return [
            _benchmark_from(
                city=city,
                parsed=b,
                source_kind=BenchmarkSource.UPLOAD,
                created_by=created_by,
                filename=filename,
                stored=stored,
            )
            for b in parsed.values()
        ]
    except Exception:
        default_storage.delete(stored)
        raise


def _safe_name(filename: str) -> str:
    name = Path(filename or "census.csv").name
    return get_valid_filename(name)[-100:] or "census.csv"


def benchmark_create_typed(
    *,
    city: City,
    name: str,
    residents: dict[str, int | None],
    total: int | None,
    source: str,
    vintage: str,
    created_by: User | None,
) -> Benchmark:
    with _census_problems():
        parsed = census.typed_benchmark(
            name=name, residents=residents, total=total, source=source, vintage=vintage
        )
    return _benchmark_from(city=city, parsed=parsed, source_kind=BenchmarkSource.TYPED, created_by=created_by)


def benchmark_set_default(*, benchmark: Benchmark) -> Benchmark:
    with transaction.atomic():
        Benchmark.objects.for_city(benchmark.city).filter(is_default=True).update(is_default=False)
        benchmark.is_default = True
        benchmark.save(update_fields=["is_default"])
    return benchmark


def benchmark_update(
    *,
    benchmark: Benchmark,
    name: str,
    source: str,
    vintage: str,
    residents: dict[str, int | None] | None = None,
    total: int | None = None,
) -> Benchmark:
    """Rename a benchmark or correct its source; figures only where they were typed in.

    A Census table's figures stay as the Bureau published them: to use other figures, a city types
    them in as a benchmark of its own. Reports computed on the old figures are no longer served from
    the cache (their key holds `updated_at`); published snapshots keep the figures they were made with.
    """
    fields = {"name": name, "source": source, "vintage": vintage}
    if residents is not None:
        if not benchmark.figures_editable:
            raise ValidationError(
                "The figures of a Census table cannot be changed. Type the figures in as a new benchmark."
            )
        with _census_problems():
            parsed = census.typed_benchmark(
                name=name, residents=residents, total=total, source=source, vintage=vintage
            )
        fields["total"] = parsed.total.value
        fields.update({race: parsed.races[race].value for race in BENCHMARK_RACES})
    for key, value in fields.items():
        setattr(benchmark, key, value)
    benchmark.updated_at = timezone.now()
    benchmark.save(update_fields=[*fields, "updated_at"])
    return benchmark


def benchmark_delete(*, benchmark: Benchmark) -> None:
    stored = benchmark.file.name
    with transaction.atomic():
        city = benchmark.city
        was_default = benchmark.is_default
        benchmark.delete()
        if was_default:
            nxt = Benchmark.objects.for_city(city).order_by("-id").first()
            if nxt is not None:
                nxt.is_default = True
                nxt.save(update_fields=["is_default"])
        if stored and not Benchmark.objects.filter(file=stored).exists():
            # The last benchmark read from the file: remove it once the deletion is committed.
            transaction.on_commit(lambda: default_storage.delete(stored))


# ---------------------------------------------------------------------------------------------
# Veil of darkness


class NotEligible(ValueError):
    pass


def veil_run_start(*, dataset: Dataset, started_by: User | None, enqueue: bool = True) -> VeilRun:
    """Queue a veil of darkness run on a stops dataset (the worker picks it up after commit).

    `enqueue=False` leaves the queued run for the caller to execute (`veil_run_execute`)."""
    from ..tasks import veil_run_task

    if dataset.kind != Kind.STOP:
        raise NotEligible("The veil of darkness test is for vehicle stops only.")
    running = VeilRun.objects.filter(
        dataset=dataset, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]
    ).first()
    if running is not None:
        return running
    run = VeilRun.objects.create(
        city=dataset.city, dataset=dataset, started_by=started_by, stage="Waiting for the worker"
    )
    if enqueue:
        veil_run_task.delay_on_commit(run.pk)
    return run


VEHICLE_TYPES = {"vehicular", "vehicle", "traffic"}


def veil_run_execute(*, run_id: int) -> VeilRun:
    """Read the dataset's stops (date, time, race, district), run the test and store the result."""
    run = VeilRun.objects.select_related("dataset", "dataset__city").get(pk=run_id)
    if run.status == JobStatus.DONE:
        return run
    run.status = JobStatus.RUNNING
    run.stage = "Reading the stops"
    run.save(update_fields=["status", "stage"])
    dataset = run.dataset
    city = dataset.city
    try:
        rows = Stop.objects.filter(dataset=dataset, is_person=True, in_total=True).values_list(
            "date", "time", "subject_race", "district", "type", "weight"
        )
        # A row of an aggregated file stands for `weight` stops: each is one observation of the model.
        read = [row[:5] for row in rows.iterator(chunk_size=20000) if row[0] for _ in range(row[5])]
        # Vehicle stops only; a file that gives no stop type at all is taken as all vehicle stops.
        typed = any(row[4] for row in read)
        stops = [
            (d, t, race, district)
            for d, t, race, district, kind in read
            if not typed or kind.lower() in VEHICLE_TYPES
        ]
        del read
        # A date that is only a year or a month gives no sunset: no time of day can be placed in the dark.
        if not dataset.has_time or dataset.date_precision != DatePrecision.DAY:
            stops = [(d, None, race, district) for d, _t, race, district in stops]
        run.stage = f"Computing sun times and fitting the model on {len(stops):,} vehicle stops"
        run.save(update_fields=["stage"])
        result = veil.veil_of_darkness(
            stops,
            latitude=float(city.latitude) if city.latitude is not None else None,
            longitude=float(city.longitude) if city.longitude is not None else None,
            timezone=city.timezone,
        )
        run.result = result.as_dict()
        run.status = JobStatus.DONE
        run.stage = ""
    except Exception as exc:  # the page says what went wrong; the worker log keeps the trace
        run.status = JobStatus.FAILED
        run.error = f"The test could not be run: {exc}. Try again; if it fails again, tell the site's team."
        raise
    finally:
        run.finished_at = timezone.now()
        run.save(update_fields=["result", "status", "stage", "error", "finished_at"])
    return run


# ---------------------------------------------------------------------------------------------
# Threshold test


def threshold_run_start(*, dataset: Dataset, started_by: User | None, enqueue: bool = True) -> ThresholdRun:
    """Queue a threshold test on a stops dataset (the worker picks it up after commit); a run already
    queued or running is returned as it is."""
    from ..tasks import threshold_run_task

    if dataset.kind != Kind.STOP:
        raise NotEligible("The threshold test is for stops and the searches made during them only.")
    running = ThresholdRun.objects.filter(
        dataset=dataset, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]
    ).first()
    if running is not None:
        return running
    run = ThresholdRun.objects.create(
        city=dataset.city, dataset=dataset, started_by=started_by, stage="Waiting for the worker"
    )
    if enqueue:
        threshold_run_task.delay_on_commit(run.pk)
    return run


def threshold_unrecorded(*, dataset: Dataset) -> str | None:
    """Why this file cannot give the threshold test at all (no searches, hits or districts recorded), or None."""
    absent = not_recorded(dataset.kind, dataset.mapping)
    for measure, what in (("searches", "searches"), ("hits", "whether searches found contraband")):
        if measure in absent:
            return f"This file does not record {what}: {absent[measure]} The test needs stops, searches and hits."
    columns = (dataset.mapping or {}).get("columns")
    if isinstance(columns, dict) and "district" not in columns:
        return (
            "This file does not record a district (no column for district was mapped). The test compares "
            "places to tell the standard of evidence from the risk of carrying contraband."
        )
    return None


def threshold_run_execute(*, run_id: int) -> ThresholdRun:
    """Read stops, searches and hits by district x race from the rollups, fit the model, store the result."""
    run = ThresholdRun.objects.select_related("dataset").get(pk=run_id)
    if run.status == JobStatus.DONE:
        return run
    run.status = JobStatus.RUNNING
    run.started_at = timezone.now()
    run.stage = "Reading stops, searches and hits by district and race"
    run.save(update_fields=["status", "stage", "started_at"])
    try:
        why = threshold_unrecorded(dataset=run.dataset)
        if why:
            result = threshold.ThresholdResult(eligible=False, reason=why)
        else:
            cells = threshold_cells(run.dataset)
            run.stage = (
                f"Sampling the model ({settings.THRESHOLD_TEST_CHAINS} chains of "
                f"{settings.THRESHOLD_TEST_DRAWS:,} draws after {settings.THRESHOLD_TEST_WARMUP:,} of warm-up)"
            )
            run.save(update_fields=["stage"])
            result = threshold.threshold_test(
                cells,
                labels=RACE_LABELS,
                chains=settings.THRESHOLD_TEST_CHAINS,
                warmup=settings.THRESHOLD_TEST_WARMUP,
                draws=settings.THRESHOLD_TEST_DRAWS,
                seed=run.pk,
                compile_cache=settings.THRESHOLD_TEST_COMPILE_CACHE or None,
            )
        run.result = result.as_dict()
        run.status = JobStatus.DONE
        run.stage = ""
    except Exception as exc:  # the page says what went wrong; the worker log keeps the trace
        run.status = JobStatus.FAILED
        run.error = f"The test could not be run: {exc}. Try again; if it fails again, tell the site's team."
        raise
    finally:
        run.finished_at = timezone.now()
        run.save(update_fields=["result", "status", "stage", "error", "finished_at"])
    return run


# ---------------------------------------------------------------------------------------------
# The records behind a figure


def drilldown_viewed(
    *, dataset: Dataset, page: DrillPage, filters: Filters, by: User | None, ip_address: str | None = None
) -> None:
    """One audit entry for one look at the records behind a figure (a page that lists none: nothing)."""
    if not page.records:
        return
    selection = page.selection
    who = RACE_LABELS.get(selection.race or selection.officer_race, "all races")
    details = [d for d in (selection.type and "a type", selection.period) if d]
    dataset_audit(
        dataset=dataset, action=AuditAction.VIEW, by=by, ip_address=ip_address,
        summary=f"Viewed {len(page.records)} of the {page.record_total} records behind a figure "
        f"({page.label}, {who}; {filters.describe()}{'; ' + ', '.join(details) if details else ''})",
    )  # fmt: skip
