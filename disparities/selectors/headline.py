"""The city home's police data panel: the latest datasets and the headline disparities of the latest one."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.urls import reverse

from cities.models import City, Membership, may

from ..measures import NOT_RECORDED, RACE_NOT_RECORDED
from ..models import Benchmark, Dataset, Status
from .dashboard import dashboard, default_benchmark
from .filters import Filters


def home_panel(*, city: City, membership: Membership | None) -> dict:
    """The city home's panel: the latest police datasets."""
    datasets = list(Dataset.objects.for_city(city).visible().order_by("-uploaded_at", "-id")[:5])
    items = [
        {
            "title": dataset.name,
            "url": reverse("disparities:detail", args=[city.slug, dataset.pk]),
            "meta": f"{dataset.get_kind_display()}, "
            + (
                (
                    f"{dataset.records_imported:,} records in {dataset.rows_imported:,} aggregated rows"
                    if dataset.weighted
                    else f"{dataset.rows_imported:,} rows"
                )
                if dataset.status == Status.IMPORTED
                else dataset.get_status_display().lower()
            ),
        }
        for dataset in datasets
    ]
    can_upload = may(membership, "can_edit")
    items = _headline_items(city=city) + items
    return {
        "key": "disparities",
        "title": "Latest police data",
        "url": reverse("disparities:index", args=[city.slug]),
        "items": items,
        "empty": "No police data is loaded yet. Ask your police department for its stops, arrests, "
        "citations, use of force or complaints file, then upload it here.",
        "action": {"url": reverse("disparities:upload", args=[city.slug]), "label": "Upload police data"}
        if can_upload
        else None,
    }


def _headline_items(*, city: City) -> list[dict]:
    """The latest imported dataset's headline disparities (ratios to the white rate), for the city home."""
    latest = (
        Dataset.objects.for_city(city)
        .visible()
        .filter(status=Status.IMPORTED)
        .order_by("-imported_at", "-id")
        .first()
    )
    if latest is None:
        return []
    url = reverse("disparities:dashboard", args=[city.slug, latest.pk])
    items = []
    for line in headline(dataset=latest, benchmark=default_benchmark(city=city)):
        fig = line["figure"]
        text = f"{fig.value:.2f}" if fig.value is not None else "—"
        if fig.not_recorded:
            # Never 0 for what the file does not record: say so, in the words of the dashboard.
            text = RACE_NOT_RECORDED if RACE_NOT_RECORDED in fig.not_recorded.lower() else NOT_RECORDED
        if fig.interval:
            text += f" (95% interval {fig.interval[0]:.2f} to {fig.interval[1]:.2f})"
        if not fig.reliable and fig.unit.startswith("ratio"):
            text += f", {fig.note}"
        items.append(
            {"title": f"{line['label']}: {text}", "url": url, "meta": f"{latest.name}, not for publication"}
        )
    return items


def week_figures(*, city: City, membership: Membership | None) -> list[dict]:
    """The city home's "this week" figure: the latest dataset's headline disparity with its interval."""
    if not may(membership, "can_edit"):
        return []
    latest = (
        Dataset.objects.for_city(city)
        .visible()
        .filter(status=Status.IMPORTED)
        .order_by("-imported_at", "-id")
        .first()
    )
    if latest is None:
        return []
    lines = headline(dataset=latest, benchmark=default_benchmark(city=city))
    if not lines:
        return []
    line = lines[0]
    fig = line["figure"]
    if fig.not_recorded:
        value = RACE_NOT_RECORDED if RACE_NOT_RECORDED in fig.not_recorded.lower() else NOT_RECORDED
    elif fig.value is None:
        value = "—"
    else:
        value = f"{fig.value:.2f}" + ("×" if fig.unit.startswith("ratio") else "")
    detail = line["label"]
    if fig.interval and not fig.not_recorded:
        detail += f" (95% interval {fig.interval[0]:.2f} to {fig.interval[1]:.2f})"
    if not fig.reliable and fig.unit.startswith("ratio") and fig.note:
        detail += f", {fig.note}"
    return [
        {
            "label": f"Headline disparity, {latest.name}",
            "value": value,
            "detail": detail + ". Not for publication.",
            "url": reverse("disparities:dashboard", args=[city.slug, latest.pk]),
        }
    ]


HEADLINE_VERSION = 2  # raise when what `headline` returns changes


def headline(*, dataset: Dataset, benchmark: Benchmark | None) -> list[dict[str, Any]]:
    """The figures the city home shows for a dataset: Black and Hispanic rates against white.

    Every member's home shows them: they are cached per dataset import and benchmark version (an
    imported dataset never changes; an edited benchmark has a new `updated_at`).
    """
    key = "disparities:headline:" + ":".join(
        str(part)
        for part in (
            HEADLINE_VERSION,
            dataset.pk,
            dataset.imported_at.timestamp() if dataset.imported_at else 0,
            benchmark.pk if benchmark else 0,
            benchmark.updated_at.timestamp() if benchmark else 0,
        )
    )
    cached = cache.get(key)
    if cached is None:
        cached = _headline(dataset=dataset, benchmark=benchmark)
        cache.set(key, cached, 3600)
    return cached


def _headline(*, dataset: Dataset, benchmark: Benchmark | None) -> list[dict[str, Any]]:
    board = dashboard(dataset=dataset, filters=Filters(), benchmark=benchmark)
    out = []
    population = board.table("population")
    if population is not None:
        for row in population.rows:
            if (
                row.key in ("black", "hispanic")
                and row.cells["ratio"] is not None
                and (row.cells["ratio"].value is not None or row.cells["ratio"].not_recorded)
            ):
                out.append(
                    {
                        "label": f"{row.label}: {board.event_unit} per resident, ratio to white",
                        "figure": row.cells["ratio"],
                    }
                )
    searches = board.table("searches")
    if searches is not None:
        for row in searches.rows:
            if (
                row.key == "black"
                and row.cells.get("search_rate_ratio") is not None
                and (
                    row.cells["search_rate_ratio"].value is not None
                    or row.cells["search_rate_ratio"].not_recorded
                )
            ):
                out.append(
                    {"label": "Black: search rate, ratio to white", "figure": row.cells["search_rate_ratio"]}
                )
    if not out:
        counts = board.table("counts")
        total = next((r for r in counts.rows if r.total), None) if counts else None
        if total is not None:
            out.append({"label": f"{board.event_unit.capitalize()} (rows)", "figure": total.cells["rows"]})
    return out[:3]
