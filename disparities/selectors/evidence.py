"""The police figures this app lends to the apps above it (equity assessments, indicators), through
`cities.evidence`: each cell of a dashboard's rates, shares and ratios, for the city's imported
datasets, against the city's default population benchmark. Members-only figures (not protected for
publication), so `published=False`.

A figure's key names the dataset, the benchmark, the table, the row and the column:
`disparities:<dataset>:<benchmark or 0>:<table>:<row>:<column>`. When the dataset is replaced or
deleted, `figure()` answers None and whoever kept a copy keeps it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.cache import cache
from django.urls import reverse

from cities.evidence import Figure
from cities.models import City

from ..models import Benchmark, Dataset, Status
from .dashboard import dashboard, default_benchmark
from .filters import Filters

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


class PoliceFigures:
    def figure_choices(self, *, city: City, topic: str = "") -> Iterable[Figure]:
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
        if len(parts) != 6 or not parts[1].isdigit() or not parts[2].isdigit():
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
