"""Reads for the police data pages. Pages read datasets and rollups, never aggregate records."""

from collections import Counter
from collections.abc import Iterator

from django.core.cache import cache
from django.core.paginator import Page, Paginator

from cities.models import City

from ..files import mapping as m
from ..files.reader import FileProblem, open_table, read_preview
from ..measures import MEASURES, SHARES, not_recorded, race_not_recorded
from ..models import Dataset, DatasetPreview, ImportProblem, ProblemKind, Race, Rollup
from ..services.datasets import PREVIEW_CELL_CHARS, preview_rows
from ..services.imports import progress_key, reader_limits
from .tables import person_rule

PAGE_SIZE = 25


def dataset_list(*, city: City, page: int | str | None = 1) -> Page:
    queryset = (
        Dataset.objects.for_city(city).visible().select_related("uploaded_by").order_by("-uploaded_at", "-id")
    )
    return Paginator(queryset, PAGE_SIZE).get_page(page)


def dataset_get(*, city: City, pk: int) -> Dataset:
    """The city's dataset, or Dataset.DoesNotExist (the view answers 404)."""
    return Dataset.objects.for_city(city).select_related("city", "uploaded_by", "replaces").get(pk=pk)


def dataset_new_versions(*, dataset: Dataset) -> list[Dataset]:
    """New versions of this dataset still being prepared (they replace it when imported)."""
    return list(
        Dataset.objects.filter(city_id=dataset.city_id, replaces=dataset).order_by("-uploaded_at")[:5]
    )


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
    """First rows of the file, and the distinct values (with counts) of every mapped categorical column.

    Read from the rows stored at upload (`DatasetPreview`): the file is not opened again on every view.
    Only a dataset uploaded before the rows were stored has its file read, within the same limits."""
    stored = DatasetPreview.objects.filter(dataset=dataset).first()
    if stored is not None:
        header, rows, unreadable, complete = stored.header, stored.rows, stored.unreadable, stored.complete
    elif not dataset.file:
        return {
            "error": "The file of this dataset was refused and not kept.",
            "header": [],
            "rows": [],
            "counts": {},
        }
    else:
        try:
            table = open_table(
                dataset.file.path, limits=reader_limits(), encoding=dataset.file_format.get("encoding", "")
            )
            sample = read_preview(table, limit=preview_rows())
        except FileProblem as problem:
            return {"error": str(problem), "header": [], "rows": [], "counts": {}}
        header, unreadable, complete = table.header, sample.unreadable, sample.complete
        rows = [[cell[:PREVIEW_CELL_CHARS] for cell in row] for row in sample.rows]
    counts: dict[str, Counter] = {}
    for field, column in mapping.get("columns", {}).items():
        if field in m.CATEGORICAL_FIELDS and column in header:
            counts[field] = m.distinct_values(rows, header, column)
    # Columns that identify people are not shown unless the analyst maps them.
    hidden = [
        i for i, column in enumerate(header)
        if column in mapping.get("personal_columns", []) and column not in mapping.get("columns", {}).values()
    ]  # fmt: skip
    shown = [
        [("(personal data hidden)" if i in hidden and cell else cell) for i, cell in enumerate(row)]
        for row in rows[:10]
    ]
    return {
        "error": "",
        "header": header,
        "rows": shown,
        "rows_read": len(rows),
        "complete": complete,
        "unreadable": unreadable,
        "counts": counts,
        "mapping": m.complete(mapping, header, rows),
        "sample": rows,
    }


def dataset_summary(*, dataset: Dataset) -> dict:
    """Counts by race from the rollups: rows, persons and incidents."""
    rows = (
        Rollup.objects.filter(dataset=dataset)
        .values("race")
        .annotate(**{name: MEASURES[name].total() for name in ("rows", "persons", "incidents")})
        .order_by("-rows")
    )
    totals = Rollup.objects.filter(dataset=dataset).aggregate(
        rows=MEASURES["rows"].total(),
        persons=MEASURES["persons"].total(),
        incidents=MEASURES["incidents_all"].total(),
    )
    labels = dict(Race.choices)
    by_race = [{**row, "label": labels.get(row["race"], row["race"])} for row in rows]
    present = {row["race"] for row in by_race}
    # A category the agency never records is "not recorded by this agency", not a row of zeros.
    absent = [
        {"race": race, "label": labels.get(race, race), "note": note}
        for race, note in race_not_recorded(dataset.mapping).items()
        if race not in present
    ]
    return {"by_race": by_race, "totals": totals, "races_not_recorded": absent, "person_rule": person_rule(dataset)}


def problem_list(*, dataset: Dataset, limit: int = 50) -> list[ImportProblem]:
    return list(ImportProblem.objects.filter(dataset=dataset).order_by("line", "id")[:limit])


def problem_rows(*, dataset: Dataset):
    """Every kept problem, in line order, streamed (for the CSV report)."""
    return (
        ImportProblem.objects.filter(dataset=dataset)
        .order_by("line", "id")
        .values_list("line", "kind", "column", "value", "reason")
        .iterator(chunk_size=2000)
    )


def problems_csv_rows(*, dataset: Dataset) -> Iterator[list]:
    """problems.csv: a header, then every kept problem in line order, with the raw values the file had
    (written through `cities.csvsafe`, so none of them is run by a spreadsheet)."""
    labels = dict(ProblemKind.choices)
    yield ["line", "problem", "column", "value", "reason"]
    for line, kind, column, value, reason in problem_rows(dataset=dataset):
        yield [line, labels.get(kind, kind), column, value, reason]


def mapping_not_recorded(*, kind: str, mapping: dict) -> list[str]:
    """What the dashboards will call "not recorded" with this mapping, in words for the mapping page:
    the shares of records (search rate, hit rate ...) whose columns are not mapped, fines, the time of
    day, and a race category the agency does not record."""
    absent = not_recorded(kind, mapping)
    out = [f"{SHARES[name].label}: {why}" for name, why in absent.items() if name in SHARES]
    if "fines" in absent:
        out.append(f"Fines: {absent['fines']}")
    if "with_time" in absent and kind == "stop":
        out.append(f"Time of day (for the veil of darkness): {absent['with_time']}")
    out.extend(race_not_recorded(mapping).values())
    return out
