"""The reads of the dashboard pages, put together for their views: the members' report (cached), the
charts drawn from it, the benchmark a page uses, veil of darkness runs and published pages."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet

from cities.http import int_param
from cities.models import City

from ..figures import findings
from ..models import Benchmark, Dataset, JobStatus, PublishedSnapshot, Status, ThresholdRun, VeilRun
from . import analyses, report
from .dashboard import dashboard, default_benchmark, related_practices
from .filters import Filters, age_group_label, filter_options, month_label
from .tables import TYPE_LABEL
from .trends import trend_choices

BENCHMARK_CHOICES = 20  # benchmarks a dashboard offers to compute its rates on


def imported_datasets(*, city: City) -> QuerySet[Dataset]:
    """The city's datasets whose dashboards can be read: imported, and not a version being prepared."""
    return Dataset.objects.for_city(city).visible().filter(status=Status.IMPORTED).select_related("city")


def benchmark_chosen(*, city: City, pk: object = None) -> Benchmark | None:
    """The benchmark a page asks for (`?benchmark=`), if it is the city's; else the city's default."""
    pk = int_param(pk)
    if pk is not None:
        chosen = Benchmark.objects.for_city(city).filter(pk=pk).first()
        if chosen is not None:
            return chosen
    return default_benchmark(city=city)


def benchmark_list(*, city: City, limit: int = 50) -> list[Benchmark]:
    return list(Benchmark.objects.for_city(city).order_by("-is_default", "name", "id")[:limit])


def benchmarks(*, city: City) -> QuerySet[Benchmark]:
    return Benchmark.objects.for_city(city)


def veil_run_latest(*, dataset: Dataset, done: bool = False) -> VeilRun | None:
    runs = VeilRun.objects.filter(dataset=dataset)
    if done:
        runs = runs.filter(status=JobStatus.DONE).only("id", "result")
    return runs.order_by("-id").first()


def veil_runs(*, city: City, dataset: Dataset) -> QuerySet[VeilRun]:
    return VeilRun.objects.for_city(city).filter(dataset=dataset)


def threshold_run_latest(*, dataset: Dataset, done: bool = False) -> ThresholdRun | None:
    runs = ThresholdRun.objects.filter(dataset=dataset)
    if done:
        runs = runs.filter(status=JobStatus.DONE).only("id", "result", "finished_at")
    return runs.order_by("-id").first()


def threshold_runs(*, city: City, dataset: Dataset) -> QuerySet[ThresholdRun]:
    return ThresholdRun.objects.for_city(city).filter(dataset=dataset)


def member_report(*, dataset: Dataset, filters: Filters, benchmark: Benchmark | None) -> dict[str, Any]:
    """The members' report of the dataset under the filters (`report.document`).

    An imported dataset's rollups never change (a new version is a new dataset), so the document
    is cached per dataset import, benchmark, latest veil of darkness and threshold test runs and filters.
    """
    run = veil_run_latest(dataset=dataset, done=True)
    thresholds = threshold_run_latest(dataset=dataset, done=True)
    analysis_runs = {
        method: analyses.analysis_run_latest(dataset=dataset, method=method, done=True)
        for method in analyses.analyses_offered(dataset=dataset)
    }
    seconds = getattr(settings, "DISPARITY_REPORT_CACHE_SECONDS", 600)
    key = (
        "disparities:report:"
        + hashlib.sha256(
            json.dumps(
                [
                    report.VERSION,
                    dataset.pk,
                    str(dataset.imported_at),
                    benchmark.pk if benchmark else 0,
                    str(benchmark.updated_at) if benchmark else "",
                    run.pk if run else 0,
                    thresholds.pk if thresholds else 0,
                    [r.pk if r else 0 for r in analysis_runs.values()],
                    sorted(filters.as_query().items()),
                ]  # fmt: skip
            ).encode()
        ).hexdigest()
    )
    doc = cache.get(key) if seconds else None
    if doc is None:
        board = dashboard(dataset=dataset, filters=filters, benchmark=benchmark)
        found = analyses.report_analyses(dataset=dataset)
        doc = report.document(
            board,
            veil=run.result if run else None,
            threshold=thresholds.result if thresholds else None,
            analyses=found,
        )
        if seconds:
            cache.set(key, doc, seconds)
    return doc


def dashboard_page(*, dataset: Dataset, filters: Filters, benchmark: Benchmark | None) -> dict[str, Any]:
    """Everything the dashboard page shows besides the request's own: the report, the filters' values,
    the benchmarks and trends to choose from, the charts, the practices it suggests, the veil run."""
    doc = member_report(dataset=dataset, filters=filters, benchmark=benchmark)
    options = filter_options(dataset=dataset)
    return {
        "doc": doc,
        "options": options,
        # The filters' choices as words ("18–24", "April 2017"); the values stay what the URL carries.
        "age_group_choices": [(v, age_group_label(v)) for v in options["age_groups"]],
        "month_choices": [(m, month_label(m)) for m in options["months"]],
        "benchmarks": list(benchmarks(city=dataset.city)[:BENCHMARK_CHOICES]),
        "benchmark": benchmark,
        "trend_choices": trend_choices(
            dataset=dataset, benchmark=benchmark, measures=options.get("measures")
        ),
        "charts": chart_data(doc),
        **findings_context(doc),
        "practices": related_practices(kind=dataset.kind),
        "type_label": TYPE_LABEL.get(dataset.kind, "Type"),
        "veil": veil_run_latest(dataset=dataset),
        "threshold": threshold_run_latest(dataset=dataset),
    }


def pdf_from_html(html: str) -> bytes:
    """A PDF of a self-contained HTML page (WeasyPrint, with the system's Pango; no network)."""
    from weasyprint import HTML

    return HTML(string=html, base_url=None).write_pdf()


def findings_context(doc: dict) -> dict[str, Any]:
    """The headline findings in plain words, read from the report's own figures (never recomputed)."""
    return {"findings": findings.findings(doc), "findings_verb": findings.verb(doc)}


def chart_data(doc: dict) -> list[dict]:
    """What the charts draw: for each table with a chart, labels and values (the table beside it has the numbers)."""
    charts = []
    for table in doc["tables"]:
        columns = {c["key"]: c for c in table["columns"]}
        body = [r for r in table["rows"] if not r["total"]]
        if table["key"].startswith("trend_"):
            series = [
                {
                    "label": columns[key]["label"],
                    "values": [(r["cells"].get(key) or {}).get("value") for r in body],
                }
                for key in columns
            ]
            charts.append(
                {
                    "id": f"chart-{table['key']}",
                    "table": table["key"],
                    "type": "line",
                    "title": table["title"],
                    "labels": [r["label"] for r in body],
                    "series": series,
                    "format": next(iter(columns.values()))["format"] if columns else "count",
                }
            )
            continue
        key = _chart_column(table)
        if key is None:
            continue
        # A group the file does not record has no bar (an empty bar would read as 0): the table says why.
        body = [r for r in body if not (r["cells"].get(key) or {}).get("not_recorded")]
        values = [(r["cells"].get(key) or {}).get("value") for r in body]
        if not any(v is not None for v in values):
            continue
        charts.append(
            {
                "id": f"chart-{table['key']}",
                "table": table["key"],
                "type": "bar",
                "title": f"{table['title']}: {columns[key]['label']}",
                "labels": [r["label"] for r in body],
                "series": [{"label": columns[key]["label"], "values": values}],
                "intervals": [(r["cells"].get(key) or {}).get("interval") for r in body],
                "hidden": [(r["cells"].get(key) or {}).get("public_label") for r in body],
                "format": columns[key]["format"],
            }
        )
    return charts


def _chart_column(table: dict) -> str | None:
    preferred = {
        "population": "rate",
        "searches": "search_rate",
        "outcomes": "arrest_rate",
        "fines": "median",
        "per_arrest": "rate",
        "sustained": "sustained_rate",
        "officer_race": "sustained",
        "injuries": "injury_rate",
        "discretionary": "discretionary_hit_rate",
    }
    keys = [c["key"] for c in table["columns"]]
    want = preferred.get(table["key"])
    if want in keys:
        return want
    if table["key"] == "counts" and keys:
        return keys[-1]
    return None


def snapshot_list(*, city: City, limit: int = 100) -> list[PublishedSnapshot]:
    return list(
        PublishedSnapshot.objects.for_city(city)
        .select_related("dataset", "published_by")
        .order_by("-published_at", "-id")[:limit]
    )


def snapshots(*, city: City) -> QuerySet[PublishedSnapshot]:
    return PublishedSnapshot.objects.for_city(city)


def live_snapshots(*, city: City) -> QuerySet[PublishedSnapshot]:
    """The city's published pages that are not withdrawn, newest first (what the public may read)."""
    return PublishedSnapshot.objects.for_city(city).filter(withdrawn_at=None).order_by("-published_at", "-id")
