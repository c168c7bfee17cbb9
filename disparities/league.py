"""What police data tells the league, from published dashboards only: a published dashboard as a
city story (`cities.stories`), each city's published dashboards and their headline disparity, its
county's population (`cities.network`), and "a city published a dashboard" as a milestone.

Every figure comes from the published snapshot (`PublishedSnapshot.content`, small cells already
protected): nothing here reads a city's members-only dashboards or raw records. A withdrawn
snapshot tells nothing.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from cities.models import City
from cities.network import Cell, Milestone
from cities.stories import StoryFacts, StoryFigure

from .figures import census
from .models import PublishedSnapshot

HEADLINES = (
    ("population", "black", "ratio", "Black residents: {unit} per resident, ratio to white"),
    ("population", "hispanic", "ratio", "Hispanic residents: {unit} per resident, ratio to white"),
    ("searches", "black", "search_rate_ratio", "Black: search rate, ratio to white"),
)


def _cell(content: dict[str, Any], table: str, row: str, column: str) -> dict[str, Any] | None:
    for t in content.get("tables", []):
        if t.get("key") == table:
            for r in t.get("rows", []):
                if r.get("key") == row:
                    return (r.get("cells") or {}).get(column)
    return None


def figure_text(fig: dict[str, Any] | None) -> str:
    """A published figure as anyone may read it: protected, or "not recorded", never 0."""
    if fig is None:
        return "not recorded"
    if fig.get("suppressed"):
        return "suppressed (small numbers protected)"
    if fig.get("value") is None:
        return "not recorded"
    text = f"{fig['value']:.2f}"
    interval = fig.get("interval")
    if interval and interval[0] is not None and interval[1] is not None:
        text += f" (95% interval {interval[0]:.2f} to {interval[1]:.2f})"
    return text


def headlines(snapshot: PublishedSnapshot) -> list[tuple[str, dict[str, Any] | None]]:
    content = snapshot.content or {}
    unit = content.get("event_unit") or "records"
    out = []
    for table, row, column, label in HEADLINES:
        fig = _cell(content, table, row, column)
        if fig is not None:
            out.append((label.format(unit=unit), fig))
    return out


def _source(snapshot: PublishedSnapshot) -> str:
    dataset = (snapshot.content or {}).get("dataset") or {}
    period = ""
    if dataset.get("period_start") and dataset.get("period_end"):
        period = f", {dataset['period_start'][:7]} to {dataset['period_end'][:7]}"
    return f'{snapshot.city.name}\'s published dashboard "{snapshot.title}", {snapshot.published_at:%d %B %Y}{period}'


def _public_url(snapshot: PublishedSnapshot) -> str:
    return reverse("disparities:public_snapshot", args=[snapshot.city.slug, snapshot.pk])


def story(*, city: City, key: str) -> StoryFacts | None:
    if not key.isdigit():
        return None
    snapshot = (
        PublishedSnapshot.objects.for_city(city)
        .filter(pk=int(key), withdrawn_at__isnull=True)
        .select_related("city")
        .first()
    )
    if snapshot is None:
        return None
    content = snapshot.content or {}
    dataset = content.get("dataset") or {}
    source = _source(snapshot)
    figures = [StoryFigure(label, figure_text(fig), source) for label, fig in headlines(snapshot)]
    total = _cell(content, "population", "total", "events")
    if total is not None:
        shown = (
            figure_text(total)
            if total.get("suppressed") or total.get("value") is None
            else f"{total['value']:,.0f}"
        )
        unit = content.get("event_unit") or "records"
        figures.insert(
            0, StoryFigure(f"{unit.capitalize()} of known race in the published dashboard", shown, source)
        )
    benchmark = content.get("benchmark") or {}
    what = (
        f"{city.name} published its police {str(dataset.get('kind_label') or 'data').lower()} by race "
        f'on {snapshot.published_at:%d %B %Y}: "{snapshot.title}".'
    )
    if snapshot.introduction.strip():
        what += f"\n\n{snapshot.introduction.strip()}"
    if benchmark.get("name"):
        what += f"\n\nRates per resident are measured against {benchmark['name']} ({benchmark.get('source', '')})."
    return StoryFacts(
        key=f"disparities:{snapshot.pk}",
        source_label="Published dashboard",
        title=f"{city.name} publishes its police data by race"[:200],
        summary=f"{city.name} put its police data, disaggregated by race, in front of the public, with "
        "small numbers protected.",
        what_we_did=what,
        partners=str(dataset.get("source_agency") or ""),
        how_it_went="The dashboard is public: " + _public_url(snapshot),
        figures=tuple(figures),
        topics=("police_data", "trust"),
        kind="case_study",
        url=_public_url(snapshot),
    )


def _live(cities: list[City]):
    return (
        PublishedSnapshot.objects.filter(city_id__in=[c.pk for c in cities], withdrawn_at__isnull=True)
        .select_related("city")
        .order_by("city_id", "-published_at", "-id")
    )


def published_dashboards(*, cities: list[City]) -> dict[int, Cell]:
    counts: dict[int, int] = {}
    slugs: dict[int, str] = {}
    for snapshot in _live(cities).only("id", "city_id", "city__slug"):
        counts[snapshot.city_id] = counts.get(snapshot.city_id, 0) + 1
        slugs[snapshot.city_id] = snapshot.city.slug
    return {
        city_id: Cell(float(n), f"{n:,}", url=reverse("disparities:public_index", args=[slugs[city_id]]))
        for city_id, n in counts.items()
    }


def headline_disparity(*, cities: list[City]) -> dict[int, Cell]:
    """The newest live dashboard's first headline figure (Black residents' rate per resident against
    the white rate), as published."""
    out: dict[int, Cell] = {}
    for snapshot in _live(cities):
        if snapshot.city_id in out:
            continue  # newest first: the first one of each city is its newest
        found = headlines(snapshot)
        if not found:
            continue
        label, fig = found[0]
        shown = fig is not None and not fig.get("suppressed") and fig.get("value") is not None
        out[snapshot.city_id] = Cell(
            float(fig["value"]) if shown else None,
            figure_text(fig).split(" (")[0],
            note=f"{label}, {snapshot.title}",
            url=_public_url(snapshot),
        )
    return out


def county_population(*, cities: list[City]) -> dict[int, Cell]:
    """Residents of the city's county (the Census county table shipped with the app)."""
    out = {}
    for city in cities:
        bench = census.county(city.county_fips) if city.county_fips else None
        if bench is not None and bench.total.value is not None:
            out[city.pk] = Cell(float(bench.total.value), f"{bench.total.value:,}", note=bench.name)
    return out


def milestones(*, since) -> list[Milestone]:
    return [
        Milestone(
            city_id=s.city_id,
            at=s.published_at,
            title=f"{s.city.name} published a police data dashboard: {s.title}",
            url=_public_url(s),
            kind="dashboard",
        )
        for s in PublishedSnapshot.objects.filter(withdrawn_at__isnull=True, published_at__gte=since)
        .select_related("city")
        .order_by("-published_at")[:100]
    ]
