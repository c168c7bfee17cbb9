"""The police figures this app lends to the apps above it (equity assessments, indicators), through
`cities.evidence` (registered in `apps.py`): nothing imports disparities.

- Any topic but "justice" (equity assessments): each cell of a dashboard's rates, shares and ratios,
  for the city's latest imported datasets, against the city's default population benchmark. A key
  names the dataset, the benchmark, the table, the row and the column:
  `disparities:<dataset>:<benchmark or 0>:<table>:<row>:<column>`.
- Topic "justice" (the outcomes pages' justice theme): for the newest imported dataset of each kind,
  the rate per 1,000 residents of each race against the default benchmark, with its ratio to the
  white rate: `disparities:justice:<dataset>:<race>`. Each is the very cell of the dashboard's
  "against the population" table, unfiltered, so the two always agree.

Members-only figures (not protected for publication), so `published=False`. When the dataset is
replaced or deleted, `figure()` answers None and whoever kept a copy keeps it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.cache import cache
from django.urls import reverse

from cities.evidence import Figure
from cities.http import int_param
from cities.models import City

from ..models import Benchmark, Dataset, Kind, Status
from .dashboard import dashboard, default_benchmark
from .filters import Filters
from .tables import KNOWN_RACES, race_label

FORMATS = {"percent", "rate", "ratio"}
LATEST = 3  # datasets offered: the latest imported ones
VERSION = 1


def _period(dataset: Dataset) -> str:
    if dataset.period_start and dataset.period_end:
        return f"{dataset.period_start:%Y-%m} to {dataset.period_end:%Y-%m}"
    return "period not stated"


def dataset_figures(*, city: City, dataset: Dataset, benchmark: Benchmark | None) -> list[Figure]:
    """The figures of a dataset's unfiltered dashboard against `benchmark`, as lent."""
    key = "disparities:evidence:" + ":".join(
        str(p)
        for p in (
            VERSION, dataset.pk, dataset.imported_at.timestamp() if dataset.imported_at else 0,
            benchmark.pk if benchmark else 0, benchmark.updated_at.timestamp() if benchmark else 0,
        )
    )  # fmt: skip
    cached = cache.get(key)
    if cached is not None:
        return cached
    board = dashboard(dataset=dataset, filters=Filters(), benchmark=benchmark)
    url = reverse("disparities:dashboard", args=[city.slug, dataset.pk])
    source = f"{dataset.name} ({dataset.get_kind_display().lower()} records"
    source += f", {dataset.source_agency})" if dataset.source_agency else ")"
    if benchmark is not None:
        source += f"; residents: {benchmark.name}, {benchmark.source}, {benchmark.vintage}"
    found = []
    for table in board.tables:
        if table.grid:
            continue
        for column in table.columns:
            if column.format not in FORMATS:
                continue
            for row in table.rows:
                cell = row.cells.get(column.key)
                if cell is None or cell.value is None:
                    continue
                low, high = cell.interval if cell.interval else (None, None)
                found.append(
                    Figure(
                        key=f"disparities:{dataset.pk}:{benchmark.pk if benchmark else 0}:{table.key}:{row.key}:{column.key}",
                        label=f"{column.label}, {row.label} ({dataset.name})",
                        value=float(cell.value),
                        unit=cell.unit,
                        counts=board.event_unit,
                        group=row.key,
                        measure=f"{table.key}.{column.key}",
                        low=low,
                        high=high,
                        interval=f"{round(cell.level * 100)}% {cell.method}" if cell.interval else "",
                        numerator=cell.numerator,
                        denominator=cell.denominator,
                        reliable=bool(cell.reliable),
                        period=_period(dataset),
                        source=source,
                        url=url,
                    )  # fmt: skip
                )
    cache.set(key, found, 3600)
    return found


def _latest_datasets(city: City) -> list[Dataset]:
    newest: dict[str, Dataset] = {}
    for ds in (
        Dataset.objects.for_city(city)
        .visible()
        .filter(status=Status.IMPORTED)
        .order_by("-imported_at", "-id")
    ):
        newest.setdefault(ds.kind, ds)
    return [newest[k] for k in Kind.values if k in newest]


def _justice_figures(city: City, dataset: Dataset) -> list[Figure]:
    benchmark = default_benchmark(city=city)
    if benchmark is None:
        return []
    board = dashboard(dataset=dataset, filters=Filters(), benchmark=benchmark)
    table = board.table("population")
    if table is None:
        return []
    period = ""
    if dataset.period_start and dataset.period_end:
        period = f"{dataset.period_start:%Y-%m} to {dataset.period_end:%Y-%m}"
    title = f"{board.event_unit.capitalize()} per 1,000 residents"
    url = reverse("disparities:dashboard", args=[city.slug, dataset.pk])
    found = []
    for row in table.rows:
        if row.key not in KNOWN_RACES:
            continue
        rate = row.cells.get("rate")
        if rate is None:
            continue
        ratio = row.cells.get("ratio")
        found.append(
            Figure(
                key=f"disparities:justice:{dataset.pk}:{row.key}",
                label=f"{title}, {race_label(row.key)}",
                value=rate.value,
                unit=rate.unit,
                counts=board.event_unit,
                group=row.key,
                measure=f"{dataset.kind}_per_capita",
                low=rate.interval[0] if rate.interval else None,
                high=rate.interval[1] if rate.interval else None,
                interval=f"{round(rate.level * 100)}% {rate.method}" if rate.interval else "",
                numerator=rate.numerator,
                denominator=rate.denominator,
                reliable=bool(rate.reliable),
                not_recorded=""
                if rate.value is not None
                else (rate.not_recorded or "No population for this group in the benchmark."),
                period=period,
                source=f"{dataset.name} (dataset {dataset.pk}); residents: {benchmark.name}, {benchmark.vintage}",
                url=url,
                extra={
                    "title": title,
                    "kind": dataset.kind,
                    "dataset": dataset.pk,
                    "group_label": race_label(row.key),
                    "ratio": ratio.value if ratio is not None else None,
                },
            )
        )
    return found


class PoliceFigures:
    def figure_choices(self, *, city: City, topic: str = "") -> Iterable[Figure]:
        if topic == "justice":
            return [f for ds in _latest_datasets(city) for f in _justice_figures(city, ds)]
        if topic:
            return []  # no other topic is lent
        benchmark = default_benchmark(city=city)
        datasets = (
            Dataset.objects.for_city(city)
            .visible()
            .filter(status=Status.IMPORTED)
            .order_by("-imported_at", "-id")
        )
        found: list[Figure] = []
        for dataset in datasets[:LATEST]:
            found.extend(dataset_figures(city=city, dataset=dataset, benchmark=benchmark))
        return found

    def figure(self, *, city: City, key: str) -> Figure | None:
        parts = key.split(":")
        if len(parts) == 4 and parts[1] == "justice":
            return self._justice_figure(city=city, key=key, dataset_id=int_param(parts[2]))
        if len(parts) != 6 or int_param(parts[1]) is None or int_param(parts[2]) is None:
            return None
        dataset = (
            Dataset.objects.for_city(city).visible().filter(status=Status.IMPORTED, pk=int(parts[1])).first()
        )
        if dataset is None:
            return None
        benchmark = None
        if parts[2] != "0":
            benchmark = Benchmark.objects.for_city(city).filter(pk=int(parts[2])).first()
            if benchmark is None:
                return None
        return next(
            (f for f in dataset_figures(city=city, dataset=dataset, benchmark=benchmark) if f.key == key),
            None,
        )

    @staticmethod
    def _justice_figure(*, city: City, key: str, dataset_id: int | None) -> Figure | None:
        if dataset_id is None:
            return None
        dataset = Dataset.objects.for_city(city).filter(pk=dataset_id, status=Status.IMPORTED).first()
        if dataset is None:
            return None
        return next((f for f in _justice_figures(city, dataset) if f.key == key), None)
