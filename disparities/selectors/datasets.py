"""Reads for the police data pages. Pages read datasets and rollups, never aggregate records."""

from collections import Counter

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Sum
from django.urls import reverse

from cities.models import City, Membership

from ..files import mapping as m
from ..files.reader import FileProblem, open_table, preview
from ..models import Dataset, ImportProblem, Race, Rollup, Status
from ..services.datasets import PREVIEW_ROWS
from ..services.imports import progress_key

PAGE_SIZE = 25


def home_panel(*, city: City, membership: Membership | None) -> dict:
    """The city home's panel: the latest police datasets."""
    datasets = list(Dataset.objects.for_city(city).visible().order_by("-uploaded_at", "-id")[:5])
    items = [
        {
            "title": dataset.name,
            "url": reverse("disparities:detail", args=[city.slug, dataset.pk]),
            "meta": f"{dataset.get_kind_display()}, "
            + (f"{dataset.rows_imported:,} rows" if dataset.status == Status.IMPORTED else dataset.get_status_display().lower()),
        }
        for dataset in datasets
    ]
    can_upload = membership is not None and membership.role in {"lead", "staff"}
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
    from . import dashboard

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
    for line in dashboard.headline(dataset=latest, benchmark=dashboard.default_benchmark(city=city)):
        fig = line["figure"]
        text = f"{fig.value:.2f}" if fig.value is not None else "—"
        if fig.interval:
            text += f" (95% interval {fig.interval[0]:.2f} to {fig.interval[1]:.2f})"
        if not fig.reliable and fig.unit.startswith("ratio"):
            text += f", {fig.note}"
        items.append(
            {"title": f"{line['label']}: {text}", "url": url, "meta": f"{latest.name}, not for publication"}
        )
    return items


def dataset_list(*, city: City, page: int | str | None = 1) -> Page:
    queryset = Dataset.objects.for_city(city).visible().select_related("uploaded_by").order_by("-uploaded_at", "-id")
    return Paginator(queryset, PAGE_SIZE).get_page(page)


def dataset_get(*, city: City, pk: int) -> Dataset:
    """The city's dataset, or Dataset.DoesNotExist (the view answers 404)."""
    return Dataset.objects.for_city(city).select_related("uploaded_by", "replaces").get(pk=pk)


def dataset_new_versions(*, dataset: Dataset) -> list[Dataset]:
    """New versions of this dataset still being prepared (they replace it when imported)."""
    return list(Dataset.objects.filter(city_id=dataset.city_id, replaces=dataset).order_by("-uploaded_at")[:5])


def dataset_progress(*, dataset: Dataset) -> dict:
    state = cache.get(progress_key(dataset.pk)) or {}
    fraction = state.get("fraction", 0.0)
    return {
        "rows": state.get("rows", 0),
        "rejected": state.get("rejected", 0),
        "rate": state.get("rate", 0),
        "percent": round(fraction * 100),
        "seconds_left": state.get("seconds_left"),
        "stage": state.get("stage", "waiting"),
    }


def dataset_mapping_preview(*, dataset: Dataset, mapping: dict) -> dict:
    """First rows of the file, and the distinct values (with counts) of every mapped categorical column."""
    try:
        table = open_table(dataset.file.path)
        rows, unreadable = preview(table, limit=PREVIEW_ROWS)
    except FileProblem as problem:
        return {"error": str(problem), "header": [], "rows": [], "counts": {}}
    counts: dict[str, Counter] = {}
    for field, column in mapping.get("columns", {}).items():
        if field in m.CATEGORICAL_FIELDS and column in table.header:
            counts[field] = m.distinct_values(rows, table.header, column)
    # Columns that identify people are not shown unless the analyst maps them.
    hidden = [
        i for i, column in enumerate(table.header)
        if column in mapping.get("personal_columns", []) and column not in mapping.get("columns", {}).values()
    ]  # fmt: skip
    shown = [[("(personal data hidden)" if i in hidden and cell else cell) for i, cell in enumerate(row)] for row in rows[:10]]
    return {
        "error": "",
        "header": table.header,
        "rows": shown,
        "rows_read": len(rows),
        "complete": len(rows) < PREVIEW_ROWS,
        "unreadable": unreadable,
        "counts": counts,
        "mapping": m.complete(mapping, table.header, rows),
        "sample": rows,
    }


def dataset_summary(*, dataset: Dataset) -> dict:
    """Counts by race from the rollups: rows, persons and incidents."""
    rows = (
        Rollup.objects.filter(dataset=dataset)
        .values("race")
        .annotate(rows=Sum("rows"), persons=Sum("persons"), incidents=Sum("incidents"))
        .order_by("-rows")
    )
    totals = Rollup.objects.filter(dataset=dataset).aggregate(
        rows=Sum("rows"), persons=Sum("persons"), incidents=Sum("incidents_all")
    )
    labels = dict(Race.choices)
    by_race = [{**row, "label": labels.get(row["race"], row["race"])} for row in rows]
    return {"by_race": by_race, "totals": totals}


def problem_list(*, dataset: Dataset, limit: int = 50) -> list[ImportProblem]:
    return list(ImportProblem.objects.filter(dataset=dataset).order_by("line", "id")[:limit])


def problem_rows(*, dataset: Dataset):
    """Every kept problem, in line order, streamed (for the CSV report)."""
    return ImportProblem.objects.filter(dataset=dataset).order_by("line", "id").values_list(
        "line", "kind", "column", "value", "reason"
    ).iterator(chunk_size=2000)
