"""The outcome indicators this app lends to the apps above it, through `cities.evidence`
(registered in `apps.py`): an equity assessment's step 2 offers them beside the dashboard's figures
and keeps a frozen copy.

Each figure is one group's value of one Census indicator for the city's own geography (or the one
chosen), as the indicator's page shows it: the share or median, its 90% ACS interval, and whether
it is reliable. Only figures the page shows are lent (not those with too few people). Key:
`indicators:<indicator>:<geo_id>:<group>`. Members' figures: `published=False`.
"""

from __future__ import annotations

from collections.abc import Iterable

from cities.evidence import Figure
from cities.models import City

from .catalogue import CATALOGUE
from .selectors import GroupRow, IndicatorResult, census_indicator, chosen_geography

BY_KEY = {indicator.key: indicator for indicator in CATALOGUE}


def _figure(result: IndicatorResult, row: GroupRow, geo_id: str) -> Figure:
    fig = row.figure
    percent = result.unit == "percent"
    scale = 100.0 if percent else 1.0

    def scaled(v: float | None) -> float | None:
        return None if v is None else v * scale

    return Figure(
        key=f"indicators:{result.key}:{geo_id}:{row.group}",
        label=f"{result.label}, {row.label} ({result.sex_label})" if result.sex_label else f"{result.label}, {row.label}",
        value=scaled(fig.value),
        unit="percent" if percent else result.unit,
        counts="people" if percent else "households",
        group=row.group,
        measure=result.key,
        low=scaled(fig.low),
        high=scaled(fig.high),
        interval=result.interval if fig.low is not None else "",
        numerator=fig.numerator if percent else None,
        denominator=fig.denominator if percent else None,
        reliable=bool(fig.reliable),
        not_recorded="" if fig.value is not None else (fig.why or "Not available for this group."),
        period=result.period,
        source=result.source,
        url=result.url,
    )  # fmt: skip


class IndicatorFigures:
    def figure_choices(self, *, city: City, topic: str = "") -> Iterable[Figure]:
        if topic:
            return []  # no topic is lent but the whole set
        geo = chosen_geography(city=city)
        if geo is None:
            return []
        found: list[Figure] = []
        for indicator in CATALOGUE:
            result = census_indicator(city=city, indicator=indicator, geo=geo)
            if result is not None:
                found.extend(_figure(result, row, geo.geo_id) for row in result.shown_rows)
        return found

    def figure(self, *, city: City, key: str) -> Figure | None:
        parts = key.split(":")
        if len(parts) != 4 or parts[1] not in BY_KEY:
            return None
        geo = chosen_geography(city=city, geo_id=parts[2])
        if geo is None or geo.geo_id != parts[2]:
            return None
        result = census_indicator(city=city, indicator=BY_KEY[parts[1]], geo=geo)
        if result is None:
            return None
        row = next((r for r in result.shown_rows if r.group == parts[3]), None)
        return None if row is None else _figure(result, row, geo.geo_id)
