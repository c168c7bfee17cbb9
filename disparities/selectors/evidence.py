"""The police figures this app lends to the apps above it, through `cities.evidence` (registered in
`apps.py`): nothing imports disparities, so `indicators` (the justice theme) and `equity` read them
there.

Topic "justice": for the newest imported dataset of each kind, the rate per 1,000 residents of each
race against the city's default benchmark, with its ratio to the white rate. Each figure is the very
cell of the dashboard's "against the population" table (`selectors.dashboard`), unfiltered, so the
two always agree. Only members' figures: no record-level data, `published=False`.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse

from cities.evidence import Figure
from cities.models import City

from ..models import Dataset, Kind, Status
from .dashboard import dashboard, default_benchmark
from .filters import Filters
from .tables import KNOWN_RACES, race_label

TOPICS = ("", "justice")


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


def _figures(city: City, dataset: Dataset) -> list[Figure]:
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
                else "No population for this group in the benchmark.",
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
        if topic not in TOPICS:
            return []
        return [f for ds in _latest_datasets(city) for f in _figures(city, ds)]

    def figure(self, *, city: City, key: str) -> Figure | None:
        parts = key.split(":")
        if len(parts) != 4 or parts[1] != "justice" or not parts[2].isdigit():
            return None
        dataset = Dataset.objects.for_city(city).filter(pk=int(parts[2]), status=Status.IMPORTED).first()
        if dataset is None:
            return None
        return next((f for f in _figures(city, dataset) if f.key == key), None)
