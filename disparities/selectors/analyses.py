"""Reads of the analyses page: the runs of the record-reading analyses (adjusted disparities, the
complaint funnel) and the outcome test by place, which reads the rollups only (stops, searches and
hits by district and race), never the records."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet, Sum

from cities.models import City

from ..figures import places
from ..measures import mapped_fields, not_recorded
from ..models import ANALYSIS_KINDS, AnalysisRun, Dataset, JobStatus, Kind, Rollup


def analysis_runs(*, city: City, dataset: Dataset) -> QuerySet[AnalysisRun]:
    return AnalysisRun.objects.for_city(city).filter(dataset=dataset)


def analysis_run_latest(*, dataset: Dataset, method: str, done: bool = False) -> AnalysisRun | None:
    runs = AnalysisRun.objects.filter(dataset=dataset, method=method)
    if done:
        runs = runs.filter(status=JobStatus.DONE)
    return runs.order_by("-id").first()


def analyses_offered(*, dataset: Dataset) -> list[str]:
    """The record-reading analyses this kind of dataset has."""
    return [method for method, kind in ANALYSIS_KINDS.items() if kind == dataset.kind]


def outcome_test_by_place(*, dataset: Dataset) -> dict[str, Any] | None:
    """Hit rates by race in each district, with the tests (figures/places.py), from the rollups;
    None for a dataset that is not of stops. What the file does not record says so."""
    if dataset.kind != Kind.STOP:
        return None
    absent = not_recorded(dataset.kind, dataset.mapping)
    if "hits" in absent:
        return {"recorded": False, "reason": absent["hits"]}
    fields = mapped_fields(dataset.mapping)
    if fields is not None and "district" not in fields:
        return {"recorded": False, "reason": "Not recorded in this file: no column for the district (or beat, sector, "
                "precinct) was mapped."}
    rows = (
        Rollup.objects.filter(dataset=dataset, is_person=True)
        .values("district", "race")
        .annotate(s=Sum("searches"), h=Sum("hits"))
        .order_by("district", "race")
    )
    result = places.outcome_test_by_place((r["district"], r["race"], r["s"] or 0, r["h"] or 0) for r in rows)
    return {"recorded": True, **result}


def report_analyses(*, dataset: Dataset) -> dict[str, Any] | None:
    """What the members' JSON report carries under `analyses`: each offered analysis's latest finished
    result (or null) and, for stops, the outcome test by district; None for a kind with none."""
    found: dict[str, Any] = {}
    for method in analyses_offered(dataset=dataset):
        run = analysis_run_latest(dataset=dataset, method=method, done=True)
        found[method] = run.result if run else None
    places = outcome_test_by_place(dataset=dataset)
    if places is not None:
        found["outcome_test_by_place"] = places
    return found or None


def scatter_data(test: dict[str, Any] | None) -> list[dict[str, Any]]:
    """What the scatter charts draw (the table beside each has the numbers): one chart per group."""
    if not test or not test.get("recorded"):
        return []
    charts = []
    for comparison in test["comparisons"]:
        points = [
            {"x": p["white"]["rate"], "y": p["group"]["rate"], "label": p["district"]}
            for p in comparison["points"]
            if p["white"]["rate"] is not None and p["group"]["rate"] is not None
        ]
        charts.append({
            "id": f"scatter-{comparison['race']}", "label": comparison["label"], "points": points,
            "x_label": "White hit rate", "y_label": f"{comparison['label']} hit rate",
        })  # fmt: skip
    return charts
