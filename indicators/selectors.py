"""Everything the outcomes pages read: figures by group for an indicator, with their intervals,
ratios to the best group and to white residents, and the equality score; the justice theme from the
city's police data through `cities.evidence`; the city home's panel."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Min
from django.urls import reverse
from django.utils.http import urlencode

from cities import evidence
from cities.models import City, Membership, may
from library.selectors import suggest_resources

from . import acsmath
from .acsmath import Derived, Estimate, Score
from .catalogue import (
    BY_KEY,
    CATALOGUE,
    GROUP_LABELS,
    GROUPS,
    MILESTONE_TOPICS,
    MILESTONES,
    WHITE_REFERENCES,
    Indicator,
)
from .models import (
    CensusFile,
    CensusValue,
    IndicatorCommitment,
    IndicatorSettings,
    LocalFigure,
    LocalIndicator,
    LocalRace,
    LocalSex,
    PublishedIndicator,
)

LEVEL_ORDER = {"place": 0, "county subdivision": 1, "county": 2, "metro area": 3, "state": 4, "nation": 5}


def can_edit(membership: Membership | None) -> bool:
    return may(membership, "can_edit")


# ----------------------------------------------------------------------------------- geographies


@dataclass(frozen=True)
class Geo:
    geo_id: str
    name: str
    level: str


def geographies(*, city: City) -> list[Geo]:
    rows = (
        CensusValue.objects.for_city(city).values("geo_id", "level").annotate(name=Max("geo_name"))
        .order_by("geo_id")
    )  # fmt: skip
    found = [Geo(r["geo_id"], r["name"], r["level"]) for r in rows]
    return sorted(found, key=lambda g: (LEVEL_ORDER.get(g.level, 9), g.name))


def chosen_geography(*, city: City, geo_id: str = "") -> Geo | None:
    """The geography asked for in the URL if the city has it, else the city's own, else the first."""
    known = geographies(city=city)
    by_id = {g.geo_id: g for g in known}
    if geo_id and geo_id in by_id:
        return by_id[geo_id]
    own = IndicatorSettings.objects.filter(city=city).first()
    if own is not None and own.geo_id in by_id:
        return by_id[own.geo_id]
    return known[0] if known else None


def vintages(*, city: City, geo_id: str) -> list[int]:
    return sorted(
        set(
            CensusValue.objects.for_city(city)
            .filter(geo_id=geo_id)
            .values_list("vintage", flat=True)
            .distinct()
        )
    )


def census_files(*, city: City) -> list[CensusFile]:
    return list(
        CensusFile.objects.for_city(city)
        .annotate(n_values=Count("values"))
        .order_by("table", "race", "-vintage")
    )


# ---------------------------------------------------------------------------------- the figures


@dataclass
class GroupRow:
    group: str
    label: str
    figure: Derived
    vs_best: Derived | None = None
    vs_white: Derived | None = None
    best: bool = False
    reference: bool = False


@dataclass
class IndicatorResult:
    key: str
    label: str
    universe: str
    definition: str
    milestone: str
    lower_is_better: bool
    kind: str
    unit: str
    note: str
    sex_label: str
    rows: list[GroupRow]
    score: Score | None
    reference_label: str = ""
    best_label: str = ""
    period: str = ""
    source: str = ""
    interval: str = "90% margin of error (ACS)"
    baseline: dict[str, Any] | None = None  # {"vintage", "score", "change"}
    url: str = ""
    indicator_key: str = ""  # what the lead publishes: "poverty_male", "local-12" (all its sexes)
    assessments: list[evidence.Keeper] = field(default_factory=list)  # on the public page: published ones

    @property
    def shown_rows(self) -> list[GroupRow]:
        return [r for r in self.rows if r.figure.shown]

    @property
    def chart(self) -> list[dict[str, Any]]:
        return chart_bars(self)

    @property
    def chart_height(self) -> int:
        return chart_height(self)


Values = dict[tuple[str, str, int, int], Estimate]  # (table, race, vintage, cell) -> estimate


def _values(*, city: City, geo_id: str, tables: set[str] | None = None) -> Values:
    qs = CensusValue.objects.for_city(city).filter(geo_id=geo_id)
    if tables is not None:
        qs = qs.filter(table__in=tables)
    return {
        (v["table"], v["race"], v["vintage"], v["cell"]): Estimate(v["estimate"], v["moe"])
        for v in qs.values("table", "race", "vintage", "cell", "estimate", "moe")
    }


def figure_for(indicator: Indicator, cells: dict[int, Estimate]) -> Derived | None:
    """One group's figure for an indicator from its cells; None when the table is not loaded."""
    if not all(c in cells for c in indicator.numerator + indicator.denominator):
        return None
    if indicator.kind == "median":
        return acsmath.median(cells[indicator.numerator[0]])
    num = acsmath.sum_estimates(cells[c] for c in indicator.numerator)
    den = acsmath.sum_estimates(cells[c] for c in indicator.denominator)
    return acsmath.proportion(num, den)


def _groups_of(values: Values, indicator: Indicator, vintage: int) -> dict[str, Derived]:
    by_race: dict[str, dict[int, Estimate]] = defaultdict(dict)
    for (table, race, year, cell), est in values.items():
        if table == indicator.table and year == vintage:
            by_race[race][cell] = est
    out = {}
    for race, _label in GROUPS:
        if race in by_race:
            fig = figure_for(indicator, by_race[race])
            if fig is not None:
                out[race] = fig
    return out


def compare(
    figures: dict[str, Derived],
    *,
    labels: dict[str, str],
    order: list[str],
    lower_is_better: bool,
    kind: str,
    white: tuple[str, ...],
) -> tuple[list[GroupRow], Score | None, str, str]:
    """Rows by group with their ratios to the best group and to the white group, and the score."""
    best = acsmath.best_group(figures, lower_is_better=lower_is_better)
    reference = next((w for w in white if w in figures and figures[w].shown), None)
    rows = []
    for group in order:
        if group not in figures:
            continue
        fig = figures[group]
        row = GroupRow(group, labels[group], fig, best=group == best, reference=group == reference)
        if fig.shown and fig.value is not None:
            if best is not None and group != best:
                row.vs_best = acsmath.group_ratio(fig, figures[best])
            if reference is not None and group != reference:
                row.vs_white = acsmath.group_ratio(fig, figures[reference])
        rows.append(row)
    # Compare like with like: "white" and "white, not Hispanic" are not both in the score.
    scored = {g: f for g, f in figures.items() if not (g == "A" and "H" in figures)}
    score = acsmath.indicator_score(scored, lower_is_better=lower_is_better, kind=kind)
    return rows, score, (labels[best] if best else ""), (labels[reference] if reference else "")


def census_indicator(
    *, city: City, indicator: Indicator, geo: Geo, values: Values | None = None, vintage: int | None = None
) -> IndicatorResult | None:
    values = values if values is not None else _values(city=city, geo_id=geo.geo_id, tables={indicator.table})
    years = sorted({y for (t, _r, y, _c) in values if t == indicator.table})
    if not years:
        return None
    year = vintage if vintage in years else years[-1]
    figures = _groups_of(values, indicator, year)
    if not figures:
        return None
    rows, score, best_label, ref_label = compare(
        figures,
        labels=GROUP_LABELS,
        order=[g for g, _ in GROUPS],
        lower_is_better=indicator.lower_is_better,
        kind=indicator.kind,
        white=WHITE_REFERENCES,
    )
    result = IndicatorResult(
        key=indicator.key,
        label=indicator.label,
        universe=indicator.universe,
        definition=indicator.definition(),
        milestone=indicator.milestone,
        lower_is_better=indicator.lower_is_better,
        kind=indicator.kind,
        unit=indicator.unit,
        note=indicator.note,
        sex_label=indicator.sex_label,
        rows=rows,
        score=score,
        best_label=best_label,
        reference_label=ref_label,
        period=f"ACS 5-year estimates {year - 4}-{year}",
        source=f"US Census Bureau, table {indicator.table} by race, {geo.name}",
        url=reverse("indicators:indicator", args=[city.slug, indicator.key])
        + "?"
        + urlencode({"geo": geo.geo_id}),
        indicator_key=indicator.key,
    )
    if len(years) > 1 and year != years[0] and score is not None:
        base_figs = _groups_of(values, indicator, years[0])
        base_figs = {g: f for g, f in base_figs.items() if not (g == "A" and "H" in base_figs)}
        base = acsmath.indicator_score(
            base_figs, lower_is_better=indicator.lower_is_better, kind=indicator.kind
        )
        if base is not None:
            result.baseline = {"vintage": years[0], "score": base.score, "change": score.score - base.score}
    return result


LOCAL_LABELS = dict(LocalRace.choices)
LOCAL_ORDER = [r for r in LocalRace.values if r != "white"] + ["white"]


SMALL_CELL = range(1, 11)  # 1 to 10 people: never recoverable from what the public page shows


def _public_safe(k: int, n: int) -> Derived:
    """A local figure for the public page: hidden when the count, or those not counted, are 1 to 10
    people (its share and interval would give them away)."""
    if k in SMALL_CELL or (n - k) in SMALL_CELL:
        return Derived(
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            False,
            False,
            "Wilson",
            "Fewer than 11 people on one side of this figure: not shown on the public page.",
        )
    return acsmath.wilson(k, n)


def local_indicator(
    *, indicator: LocalIndicator, sex: str, figures: list[LocalFigure] | None = None, public: bool = False
) -> IndicatorResult | None:
    figures = figures if figures is not None else list(indicator.figures.all())
    compute = _public_safe if public else acsmath.wilson
    chosen = {f.race: compute(f.numerator, f.denominator) for f in figures if f.sex == sex}
    if not chosen:
        return None
    rows, score, best_label, ref_label = compare(
        chosen,
        labels=LOCAL_LABELS,
        order=LOCAL_ORDER,
        lower_is_better=indicator.lower_is_better,
        kind="proportion",
        white=("white",),
    )
    return IndicatorResult(
        key=f"local-{indicator.pk}-{sex}",
        label=indicator.title,
        universe=indicator.denominator_label,
        definition=f"{indicator.numerator_label} / {indicator.denominator_label}",
        milestone=indicator.milestone,
        lower_is_better=indicator.lower_is_better,
        kind="proportion",
        unit="percent",
        note="",
        sex_label=dict(LocalSex.choices)[sex],
        rows=rows,
        score=score,
        best_label=best_label,
        reference_label=ref_label,
        period=indicator.period,
        source=indicator.source,
        interval="90% Wilson interval (complete counts)",
        url=reverse("indicators:local_detail", args=[indicator.city.slug, indicator.pk]),
        indicator_key=f"local-{indicator.pk}",
    )


# ---------------------------------------------------------------------------------- the justice theme


@dataclass
class JusticeMeasure:
    title: str
    unit: str
    figures: list[evidence.Figure]
    source: str = ""
    period: str = ""


def justice_theme(*, city: City) -> list[JusticeMeasure]:
    """Rates per 1,000 residents by race from the city's own police data, lent by whichever app
    registers figures under the "justice" topic (`cities.evidence`)."""
    grouped: dict[str, JusticeMeasure] = {}
    for fig in evidence.figure_choices(city=city, topic="justice"):
        title = fig.extra.get("title") or fig.measure or fig.unit
        entry = grouped.setdefault(
            title,
            JusticeMeasure(title=title, unit=fig.unit, figures=[], source=fig.source, period=fig.period),
        )
        entry.figures.append(fig)
    return list(grouped.values())


# ---------------------------------------------------------------------------------- pages


@dataclass
class Milestone:
    key: str
    label: str
    indicators: list[IndicatorResult] = field(default_factory=list)
    score: int | None = None


def outcomes(*, city: City, geo: Geo | None, public: bool = False) -> list[Milestone]:
    """Every indicator with data, by milestone, with each milestone's (theme's) score."""
    milestones = {key: Milestone(key, label) for key, label in MILESTONES}
    if geo is not None:
        values = _values(city=city, geo_id=geo.geo_id)
        for indicator in CATALOGUE:
            result = census_indicator(city=city, indicator=indicator, geo=geo, values=values)
            if result is not None:
                milestones[indicator.milestone].indicators.append(result)
    locals_ = LocalIndicator.objects.for_city(city).select_related("city").prefetch_related("figures")
    for local in locals_:
        figs = list(local.figures.all())
        for sex in ("male", "all", "female"):
            result = local_indicator(indicator=local, sex=sex, figures=figs, public=public)
            if result is not None:
                milestones[local.milestone].indicators.append(result)
    for m in milestones.values():
        m.score = acsmath.theme_score(r.score.score for r in m.indicators if r.score is not None)
    return [m for m in milestones.values() if m.indicators or m.key == "justice"]


CITIES_PER_PAGE = 20


def across_cities(*, key: str, page: int = 1):
    """The curator's view of one Census indicator in every city that has loaded its table: each city's
    own geography, its figures by group and its score. Paginated (a few queries per city shown)."""
    from django.core.paginator import Paginator

    indicator = BY_KEY.get(key)
    if indicator is None:
        return None, None
    cities = City.objects.filter(
        pk__in=CensusFile.objects.filter(table=indicator.table).values("city_id")
    ).order_by("name", "pk")
    paged = Paginator(cities, CITIES_PER_PAGE).get_page(page)
    rows = []
    for city in paged.object_list:
        geo = chosen_geography(city=city)
        result = census_indicator(city=city, indicator=indicator, geo=geo) if geo else None
        rows.append({"city": city, "geo": geo, "result": result})
    return indicator, {"page": paged, "rows": rows}


@dataclass(frozen=True)
class Publication:
    """What the lead has put on the public outcomes page: the indicators' keys, and since when."""

    keys: frozenset[str]
    published_at: Any  # the latest publication's time

    def __contains__(self, key: str) -> bool:
        return key in self.keys


def published(*, city: City) -> Publication | None:
    """The indicators published on the public page; None while none is (the page answers 404)."""
    rows = list(PublishedIndicator.objects.for_city(city).values_list("indicator_key", "published_at"))
    if not rows:
        return None
    return Publication(frozenset(k for k, _ in rows), max(at for _, at in rows))


def is_published(*, city: City, indicator_key: str) -> bool:
    return PublishedIndicator.objects.for_city(city).filter(indicator_key=indicator_key).exists()


def public_outcomes(*, city: City) -> list[Milestone]:
    """What the public page shows: only the indicators the lead published, the Census ones of the
    city's own geography and the local indicators' shares (no counts: the page never shows how many
    people a share is of), and no police figures (the city publishes those from its police data
    pages, with their protections). A withdrawn indicator leaves nothing, not even its theme."""
    shown = published(city=city)
    if shown is None:
        return []
    geo = chosen_geography(city=city)
    milestones = []
    for m in outcomes(city=city, geo=geo, public=True):
        if m.key == "justice":
            continue
        m.indicators = [r for r in m.indicators if r.indicator_key in shown]
        kept: dict[str, list[evidence.Keeper]] = {}
        for r in m.indicators:
            if r.indicator_key not in kept:
                kept[r.indicator_key] = assessments_for(city=city, indicator_key=r.indicator_key, public=True)
            r.assessments = kept[r.indicator_key]
        if m.indicators:
            m.score = acsmath.theme_score(r.score.score for r in m.indicators if r.score is not None)
            milestones.append(m)
    return milestones


def indicator_detail(*, city: City, key: str, geo: Geo | None) -> dict[str, Any] | None:
    """One Census indicator: by race in the city's geography, against the others loaded, over vintages."""
    indicator = BY_KEY.get(key)
    if indicator is None:
        return None
    siblings = [i for i in CATALOGUE if i.table == indicator.table and i.key != key]
    main = census_indicator(city=city, indicator=indicator, geo=geo) if geo else None
    others = []
    for other in geographies(city=city):
        if geo is not None and other.geo_id == geo.geo_id:
            continue
        if other.level in ("state", "nation") or len(others) < 3:
            result = census_indicator(city=city, indicator=indicator, geo=other)
            if result is not None:
                others.append((other, result))
    over_time = []
    if geo is not None:
        values = _values(city=city, geo_id=geo.geo_id, tables={indicator.table})
        for year in sorted({y for (t, _r, y, _c) in values}):
            result = census_indicator(city=city, indicator=indicator, geo=geo, values=values, vintage=year)
            if result is not None:
                over_time.append((year, result))
    return {
        "indicator": indicator,
        "result": main,
        "others": others[:6],
        "over_time": over_time,
        "siblings": siblings,
    }


def practices_for(*, milestone: str, limit: int = 4) -> list:
    """What other cities do about it: published practices of the library on the milestone's topics."""
    return suggest_resources(topics=MILESTONE_TOPICS.get(milestone, ()), limit=limit)


def commitments_for(*, city: City, indicator_key: str) -> dict[str, Any]:
    """The city's commitments linked to an indicator, and the ones that could be linked."""
    from relationships.models import Commitment, CommitmentStatus

    linked_ids = list(
        IndicatorCommitment.objects.for_city(city).filter(indicator_key=indicator_key)
        .values_list("commitment_id", flat=True)
    )  # fmt: skip
    linked = list(Commitment.objects.for_city(city).filter(pk__in=linked_ids).order_by("due_date", "pk"))
    open_ones = list(
        Commitment.objects.for_city(city)
        .filter(status__in=[CommitmentStatus.OPEN, CommitmentStatus.IN_PROGRESS])
        .exclude(pk__in=linked_ids).order_by("what", "pk")[:200]
    )  # fmt: skip
    return {"linked": linked, "choices": open_ones, "key": indicator_key}


def assessments_for(
    *, city: City, indicator_key: str, membership: Membership | None = None, public: bool = False
) -> list[evidence.Keeper]:
    """The assessments (or any keeper registered in `cities.evidence`) that kept a figure of this
    indicator as evidence: those the member may open, or on the public page the published ones."""
    return evidence.kept_by(
        city=city, key_prefix=f"indicators:{indicator_key}:", public=public, membership=membership
    )


def vintage_span(*, city: City) -> dict[str, int | None]:
    return CensusFile.objects.for_city(city).aggregate(first=Min("vintage"), last=Max("vintage"))


# ---------------------------------------------------------------------------------- charts


CHART_X0 = 150  # the bars start after the group's label; the chart is 420 units wide
CHART_SPAN = 250
ROW_HEIGHT = 28


def chart_bars(result: IndicatorResult) -> list[dict[str, Any]]:
    """Bars (value and its interval) in the SVG's units, for a chart drawn on the server: the same
    numbers are in the table beside it."""
    shown = [r for r in result.rows if r.figure.shown and r.figure.value is not None]
    if not shown:
        return []
    top = max((r.figure.high if r.figure.high is not None else r.figure.value) for r in shown) or 1.0
    scale = CHART_SPAN / top
    bars = []
    for index, row in enumerate(shown):
        f = row.figure
        y = index * ROW_HEIGHT + 4
        low = f.low if f.low is not None else f.value
        high = f.high if f.high is not None else f.value
        bars.append(
            {
                "label": row.label,
                "y": y,
                "text_y": y + 15,
                "x0": CHART_X0,
                "width": round(max(f.value * scale, 0.5), 1),
                "low_x": round(CHART_X0 + low * scale, 1),
                "high_x": round(CHART_X0 + high * scale, 1),
                "mid_y": y + 10,
                "tick_top": y + 4,
                "tick_bottom": y + 16,
                "unreliable": not f.reliable,
                "value": f.value,
            }
        )
    return bars


def chart_height(result: IndicatorResult) -> int:
    return len([r for r in result.rows if r.figure.shown]) * ROW_HEIGHT + 8


# ---------------------------------------------------------------------------------- home panel


def home_panel(*, city: City, membership: Membership | None) -> dict | None:
    geo = chosen_geography(city=city)
    items = []
    if geo is not None:
        scored = []
        values = _values(city=city, geo_id=geo.geo_id)
        for indicator in CATALOGUE:
            result = census_indicator(city=city, indicator=indicator, geo=geo, values=values)
            if result is not None and result.score is not None:
                scored.append(result)
        for result in sorted(scored, key=lambda r: (r.score.score, r.key))[:4]:  # type: ignore[union-attr]
            items.append(
                {
                    "title": f"{result.label}: equality score {result.score.score}",  # type: ignore[union-attr]
                    "url": result.url,
                    "meta": f"({result.score.worst and GROUP_LABELS[result.score.worst]} against "  # type: ignore[union-attr]
                    f"{GROUP_LABELS[result.score.best]}, {geo.name})",  # type: ignore[union-attr]
                }
            )
    return {
        "key": "indicators",
        "title": "Community outcomes by race",
        "url": reverse("indicators:index", args=[city.slug]),
        "items": items,
        "empty": "No Census table is loaded yet. Upload a table by race (poverty B17001, health insurance "
        "C27001 ...) from data.census.gov or the Census API.",
        "action": {"label": "Upload a Census table", "url": reverse("indicators:upload", args=[city.slug])}
        if can_edit(membership)
        else None,
    }
