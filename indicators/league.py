"""What outcome indicators tell the league: an indicator that moved as a city story
(`cities.stories`), and how many indicators each city has loaded (`cities.network`).

An indicator moved when the city's geography has more than one ACS vintage of its table and the
equality score of the latest differs from the earliest's. The figures are the Census Bureau's own
published estimates (90 % margins), by race, for the city's geography.
"""

from __future__ import annotations

from cities.models import City
from cities.network import Cell
from cities.stories import StoryFacts, StoryFigure

from . import selectors
from .catalogue import BY_KEY, CATALOGUE
from .models import CensusFile, LocalIndicator


def _share(value: float | None, unit: str) -> str:
    if value is None:
        return "not recorded"
    if unit == "dollars":
        return f"${round(value):,}"
    return f"{value * 100:.1f}%"


def story(*, city: City, key: str) -> StoryFacts | None:
    indicator = BY_KEY.get(key)
    geo = selectors.chosen_geography(city=city)
    if indicator is None or geo is None:
        return None
    result = selectors.census_indicator(city=city, indicator=indicator, geo=geo)
    if result is None or result.baseline is None or result.score is None or result.baseline["change"] == 0:
        return None
    base = result.baseline
    change = base["change"]
    latest = result.period.rsplit(" ", 1)[-1]
    source = result.source + ", " + result.period
    figures = [
        StoryFigure(f"Equality score, ACS 5-year estimates ending {base['vintage']}", str(base["score"]),
                    result.source),
        StoryFigure(f"Equality score, {result.period}", str(result.score.score), result.source),
        StoryFigure("Change in the equality score", f"{change:+d}", result.source),
    ]  # fmt: skip
    for row in result.rows:
        if row.figure.shown:
            text = _share(row.figure.value, result.unit)
            if row.figure.moe is not None:
                text += f" (±{_share(row.figure.moe, result.unit)}, 90% margin of error)"
            figures.append(StoryFigure(f"{result.label}: {row.label}", text, source))
    direction = "narrowed" if change > 0 else "widened"
    return StoryFacts(
        key=f"indicators:{indicator.key}",
        source_label="Outcome indicator that moved",
        title=f"{result.label} in {city.name}: the gap between groups {direction}"[:200],
        summary=f"Between the ACS estimates ending {base['vintage']} and {latest}, {city.name}'s equality "
        f"score for {result.label.lower()} moved from {base['score']} to {result.score.score}.",
        what_we_did=f"{city.name} tracks {result.label.lower()} by race in {geo.name} "
        f"({result.universe}). Tell the league what the city did that may have moved it.",
        how_it_went=f"The equality score {'rose' if change > 0 else 'fell'} by {abs(change)} points "
        f"(100 is equal outcomes). The best outcome is for {result.best_label or 'a group not shown'}.",
        figures=tuple(figures),
        topics=(),
        kind="case_study",
        url=result.url,
    )


def indicators_loaded(*, cities: list[City]) -> dict[int, Cell]:
    """Census indicators of the catalogue whose table the city loaded, plus its local indicators."""
    tables: dict[int, set[str]] = {}
    for city_id, table in CensusFile.objects.filter(city_id__in=[c.pk for c in cities]).values_list(
        "city_id", "table"
    ):
        tables.setdefault(city_id, set()).add(table)
    local: dict[int, int] = {}
    for city_id in LocalIndicator.objects.filter(city_id__in=[c.pk for c in cities]).values_list(
        "city_id", flat=True
    ):
        local[city_id] = local.get(city_id, 0) + 1
    out = {}
    for city_id in set(tables) | set(local):
        census_n = sum(1 for i in CATALOGUE if i.table in tables.get(city_id, set()))
        n = census_n + local.get(city_id, 0)
        out[city_id] = Cell(
            float(n), f"{n:,}", note=f"{census_n} from Census tables, {local.get(city_id, 0)} local"
        )
    return out
