"""Reads for the disparity dashboards: every figure of a dataset's dashboard, from the rollups only.

`dashboard(dataset=, filters=, benchmark=)` returns a `Dashboard`: a list of tables, each a list of
rows of `stats.Figure` cells with the unit of every figure stated. The dashboard page, the CSV
exports, the printed report, the JSON report (`disparities/report.py`) and a published snapshot
all render this one structure, so they never disagree.

No request aggregates raw records: every query here reads `Rollup` / `FineRollup` rows of one
dataset (a few thousand rows whatever the dataset's size, index `(dataset_id, month)`). The
drill-down (`drilldown`) is the only reader of the typed tables, and it reads one bounded page.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.cache import cache
from django.db import OperationalError, connection, transaction
from django.db.models import Q, Sum

from ..figures import stats
from ..models import (
    RECORD_MODELS,
    Benchmark,
    Dataset,
    FineRollup,
    Kind,
    Race,
    Rollup,
    Sex,
    Status,
)

RACE_LABELS = dict(Race.choices)
RACE_ORDER = list(stats.RACES)
KNOWN_RACES = [r for r in RACE_ORDER if r != "unknown"]
MEASURES = (
    "rows",
    "persons",
    "incidents",
    "incidents_all",
    "searches",
    "searches_discretionary",
    "searches_incident_to_arrest",
    "searches_basis_unknown",
    "hits",
    "hits_discretionary",
    "frisks",
    "arrests",
    "citations",
    "warnings",
    "force",
    "injuries",
    "officer_injuries",
    "sustained",
    "sustained_incidents",
    "fines",
    "fines_total",
)

# What one event is, per kind: the count rates are computed on, and the word for it.
EVENT_UNIT = {
    Kind.STOP: "stops",
    Kind.ARREST: "arrests",
    Kind.CITATION: "citations",
    Kind.USE_OF_FORCE: "use-of-force incidents",
    Kind.COMPLAINT: "complaints",
}
TYPE_LABEL = {
    Kind.STOP: "Stop type",
    Kind.ARREST: "Charge",
    Kind.CITATION: "Violation",
    Kind.USE_OF_FORCE: "Force type",
    Kind.COMPLAINT: "Allegation",
}
DEFAULT_FINE_THRESHOLD = Decimal("100")
MAX_TYPES = 12  # charges, violations ... shown by name; the rest are grouped as "all others"
OPTIONS_LIMIT = 300

# Library topics (`library.models.Topic` keys) of the practices a dashboard of each kind suggests.
TOPICS = {
    Kind.STOP: ["police_data", "trust", "community_policing"],
    Kind.ARREST: ["police_data", "policy", "youth"],
    Kind.CITATION: ["police_data", "policy"],
    Kind.USE_OF_FORCE: ["policy", "training", "oversight"],
    Kind.COMPLAINT: ["oversight", "trust"],
}


def related_topics(*, kind: str) -> list[str]:
    """Library topics of the practices that a dashboard of this kind of dataset suggests."""
    return list(TOPICS.get(kind, []))


def related_practices(*, kind: str, limit: int = 4) -> list:
    """Published library practices on those topics, strongest evidence first."""
    from library.selectors import suggest_resources

    return suggest_resources(topics=related_topics(kind=kind), limit=limit)


# ---------------------------------------------------------------------------------------------
# Filters


MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def _month(value: str | None) -> dt.date | None:
    match = MONTH_RE.match((value or "").strip())
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (1 <= month <= 12 and 1900 <= year <= 2200):
        return None
    return dt.date(year, month, 1)


@dataclass(frozen=True)
class Filters:
    """What the dashboard is narrowed to. Kept in the URL: `?start=2016-01&end=2016-12&district=2`."""

    start: dt.date | None = None  # first month included
    end: dt.date | None = None  # last month included
    district: str = ""
    type: str = ""
    sex: str = ""
    age_group: str = ""
    fine_threshold: Decimal = DEFAULT_FINE_THRESHOLD
    trend: str = ""  # which figure the trend tables follow over time ("" = counts); see TRENDS

    FIELDS = ("start", "end", "district", "type", "sex", "age_group")

    @classmethod
    def from_query(cls, query: Any) -> Filters:
        def text(name: str) -> str:
            return (query.get(name) or "").strip()[:300]

        sex = text("sex")
        try:
            threshold = Decimal(text("fine_threshold") or DEFAULT_FINE_THRESHOLD)
            if not threshold.is_finite() or threshold < 0:
                threshold = DEFAULT_FINE_THRESHOLD
        except InvalidOperation:
            threshold = DEFAULT_FINE_THRESHOLD
        return cls(
            start=_month(text("start")),
            end=_month(text("end")),
            district=text("district"),
            type=text("type"),
            sex=sex if sex in Sex.values else "",
            age_group=text("age_group"),
            fine_threshold=threshold,
            trend=text("trend") if text("trend") in TRENDS and text("trend") != "count" else "",
        )

    def as_query(self) -> dict[str, str]:
        """The filters as URL parameters (only those set)."""
        out = {}
        if self.start:
            out["start"] = self.start.strftime("%Y-%m")
        if self.end:
            out["end"] = self.end.strftime("%Y-%m")
        for name in ("district", "type", "sex", "age_group"):
            if getattr(self, name):
                out[name] = getattr(self, name)
        if self.fine_threshold != DEFAULT_FINE_THRESHOLD:
            out["fine_threshold"] = str(self.fine_threshold)
        if self.trend:
            out["trend"] = self.trend
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.strftime("%Y-%m") if self.start else None,
            "end": self.end.strftime("%Y-%m") if self.end else None,
            "district": self.district or None,
            "type": self.type or None,
            "sex": self.sex or None,
            "age_group": self.age_group or None,
            "fine_threshold": float(self.fine_threshold),
            "trend": self.trend or "count",
        }

    @property
    def active(self) -> bool:
        return bool(self.start or self.end or self.district or self.type or self.sex or self.age_group)

    def q(self, *, with_type: bool = True) -> Q:
        """The rollup rows (or fine rollup rows) these filters select."""
        q = Q()
        if self.start:
            q &= Q(month__gte=self.start)
        if self.end:
            q &= Q(month__lte=self.end)
        if self.district:
            q &= Q(district=self.district)
        if self.type and with_type:
            q &= Q(type=self.type)
        if self.sex:
            q &= Q(sex=self.sex)
        if self.age_group:
            q &= Q(age_group=self.age_group)
        return q

    def record_q(self) -> Q:
        """The same filters on the typed records (drill-down)."""
        q = Q()
        if self.start:
            q &= Q(date__gte=self.start)
        if self.end:
            q &= Q(date__lt=_next_month(self.end))
        if self.district:
            q &= Q(district=self.district)
        if self.sex:
            q &= Q(subject_sex=self.sex)
        if self.age_group:
            q &= Q(subject_age_group=self.age_group)
        return q

    def describe(self) -> str:
        parts = []
        if self.start or self.end:
            parts.append(
                f"{self.start.strftime('%B %Y') if self.start else 'the first month'} to "
                f"{self.end.strftime('%B %Y') if self.end else 'the last month'}"
            )
        for name, label in (
            ("district", "district"),
            ("type", "type"),
            ("sex", "sex"),
            ("age_group", "age group"),
        ):
            if getattr(self, name):
                parts.append(f"{label} {getattr(self, name)}")
        return ", ".join(parts) if parts else "all records"


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + (day.month // 12), day.month % 12 + 1, 1)


def filter_options(*, dataset: Dataset) -> dict[str, Any]:
    """Values each filter can take in this dataset (read from the rollups, cached per import)."""
    key = f"disparities:options:{dataset.pk}:{dataset.imported_at.timestamp() if dataset.imported_at else 0}"
    options = cache.get(key)
    if options is not None:
        return options
    rollups = Rollup.objects.filter(dataset=dataset)

    def distinct(name: str) -> list[str]:
        values = rollups.exclude(**{name: ""}).order_by(name).values_list(name, flat=True).distinct()
        return list(values[:OPTIONS_LIMIT])

    months = rollups.exclude(month=None).order_by("month").values_list("month", flat=True).distinct()
    month_list = [m.strftime("%Y-%m") for m in months]
    sums = rollups.aggregate(**{m: Sum(m) for m in MEASURES})
    options = {
        "measures": sorted(m for m, v in sums.items() if v),
        "districts": distinct("district"),
        "types": distinct("type"),
        "age_groups": distinct("age_group"),
        "sexes": list(Sex.choices),
        "months": month_list,
    }
    cache.set(key, options, 3600)
    return options


# ---------------------------------------------------------------------------------------------
# Tables


@dataclass
class Column:
    key: str
    label: str
    format: str = "count"  # count | percent | rate | ratio | money | number
    drill: str = ""  # a drill-down measure: clicking a cell lists the records behind it (its numerator)
    of: str = ""  # for a share of records: the measure of its denominator, listed from the same page
    race: str = ""  # in a grid (types, trends) whose columns are races: the column's race


@dataclass
class Row:
    key: str
    label: str
    cells: dict[str, stats.Figure | None]
    total: bool = False
    drill: dict[str, str] = field(default_factory=dict)  # extra drill-down parameters (race, type ...)


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[Row]
    row_header: str = "Race"
    note: str = ""
    count_column: str = ""  # the column of counts protected together with the figures beside it
    chart: dict[str, Any] | None = None  # {"type": "bar", "column": "rate"}
    grid: bool = False  # rows x columns of counts with totals (trends): suppressed as a table

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "row_header": self.row_header,
            "note": self.note,
            "columns": [
                {
                    "key": c.key,
                    "label": c.label,
                    "format": c.format,
                    "drill": c.drill,
                    "of": c.of,
                    "race": c.race,
                }
                for c in self.columns
            ],
            "rows": [
                {
                    "key": r.key,
                    "label": r.label,
                    "total": r.total,
                    "drill": r.drill,
                    "cells": {k: _figure_dict(v) for k, v in r.cells.items()},
                }
                for r in self.rows
            ],
        }


def _figure_dict(fig: stats.Figure | None) -> dict[str, Any] | None:
    if fig is None:
        return None
    data = fig.as_dict()
    label = getattr(fig, "_public_label", None)
    if fig.suppressed:
        data["public_label"] = label or "suppressed"
    return data


@dataclass
class Dashboard:
    dataset: Dataset
    filters: Filters
    benchmark: Benchmark | None
    tables: list[Table]
    event_unit: str
    notes: list[str]
    arrest_dataset: Dataset | None = None
    public: bool = False

    def table(self, key: str) -> Table | None:
        return next((t for t in self.tables if t.key == key), None)


# Injuries are shares of the records about a person: a police dog's injury is not counted in them.
PERSON_ONLY = {"injuries", "officer_injuries"}


def _sum(measure: str) -> Sum:
    return Sum(measure, filter=Q(is_person=True)) if measure in PERSON_ONLY else Sum(measure)


def _sum_by(queryset, *keys: str, measures=MEASURES) -> list[dict[str, Any]]:
    return list(queryset.values(*keys).annotate(**{m: _sum(m) for m in measures}).order_by(*keys))


def _race_rows(dataset: Dataset, filters: Filters) -> dict[str, dict[str, int]]:
    by_race: dict[str, dict[str, int]] = {}
    for row in _sum_by(Rollup.objects.filter(dataset=dataset).filter(filters.q()), "race"):
        by_race[row["race"]] = {m: (row[m] or 0) for m in MEASURES}
    return by_race


def _label(race: str) -> str:
    return RACE_LABELS.get(race, race)


def _primary(dataset: Dataset) -> str:
    """The count rates are computed on: incidents (complaints, use of force) or persons."""
    if dataset.kind in (Kind.USE_OF_FORCE, Kind.COMPLAINT):
        return "incidents"
    return "persons"


def _races_present(by_race: dict[str, dict[str, int]]) -> list[str]:
    return [r for r in RACE_ORDER if r in by_race]


def _counts_table(dataset: Dataset, by_race: dict, unit: str) -> Table:
    incident_label = {
        Kind.COMPLAINT: "Complaints (by complainant race)",
        Kind.USE_OF_FORCE: "Incidents",
    }.get(dataset.kind, "Incidents")
    columns = [
        Column("rows", "Rows (records in the file)", drill="rows"),
        Column("persons", "Persons (records about a person)", drill="persons"),
    ]
    if dataset.has_incident_id:
        columns.append(Column("incidents", incident_label, drill="incidents"))
    rows = []
    totals = defaultdict(int)
    for race in _races_present(by_race):
        cells = {}
        for c in columns:
            value = by_race[race][c.key]
            totals[c.key] += value
            cells[c.key] = stats.count(value, unit=_unit_of(c.key, dataset, unit))
        rows.append(Row(race, _label(race), cells, drill={"race": race}))
    total_cells = {c.key: stats.count(totals[c.key], unit=_unit_of(c.key, dataset, unit)) for c in columns}
    if dataset.has_incident_id:
        # A complaint with complainants of two races counts under both: the total is the distinct count.
        incidents_all = sum(v["incidents_all"] for v in by_race.values())
        total_cells["incidents"] = stats.count(incidents_all, unit=_unit_of("incidents", dataset, unit))
    rows.append(Row("total", "All", total_cells, total=True))
    primary = "incidents" if dataset.has_incident_id and _primary(dataset) == "incidents" else "persons"
    note = ""
    if dataset.has_incident_id:
        note = (
            "One incident can involve people of several races: it then counts once under each race, "
            "and once in the total. Under a filter, an incident counts where its first row falls."
        )
    return Table(
        "counts",
        f"{unit.capitalize()} by race: rows, persons and incidents",
        columns,
        rows,
        note=note,
        count_column=primary,
        chart={"type": "bar", "column": primary},
    )


def _unit_of(measure: str, dataset: Dataset, unit: str) -> str:
    if measure == "rows":
        return "rows"
    if measure == "persons":
        return "persons"
    if measure == "incidents":
        return unit
    return unit


def _population_table(dataset: Dataset, by_race: dict, benchmark: Benchmark, unit: str) -> Table:
    measure = _primary(dataset)
    events = {r: by_race.get(r, {}).get(measure, 0) for r in RACE_ORDER}
    population = benchmark.population()
    share_rows = {s.race: s for s in stats.shares(events, population, unit=f"share of {unit}")}
    rates = stats.rates_by_race(events, population, unit=f"{unit} per 1,000 residents")
    pop_total = sum(population.values())
    columns = [
        Column("events", unit.capitalize(), drill=measure),
        Column("share", f"Share of {unit} (known race)", "percent", drill=measure),
        Column("population_share", "Share of residents", "percent"),
        Column("rate", f"{unit.capitalize()} per 1,000 residents", "rate", drill=measure),
        Column("ratio", "Ratio to the white rate", "ratio", drill=measure),
    ]
    rows = []
    for race in KNOWN_RACES:
        share = share_rows.get(race)
        pop = population.get(race, 0)
        pop_fig = stats.Figure(
            unit="share of residents",
            numerator=pop,
            denominator=pop_total,
            value=(pop / pop_total) if pop_total else None,
            interval=None,
            reliable=True,
            n=None,
            method="ACS estimate",
        )
        cells = {
            "events": stats.count(events[race], unit=unit),
            "share": share.events if share else None,
            "population_share": pop_fig,
            "rate": rates[race]["rate"] if race in rates else None,
            "ratio": rates[race]["ratio"] if race in rates and race != "white" else None,
        }
        rows.append(Row(race, _label(race), cells, drill={"race": race}))
    total_events = sum(events[r] for r in KNOWN_RACES)
    rows.append(
        Row(
            "total",
            "All known races",
            {
                "events": stats.count(total_events, unit=unit),
                "share": None,
                "population_share": None,
                "rate": stats.rate_per_resident(total_events, pop_total, unit=f"{unit} per 1,000 residents"),
                "ratio": None,
            },
            total=True,
        )
    )
    return Table(
        "population",
        f"{unit.capitalize()} against the population: shares, rate per 1,000 residents, ratio to the white rate",
        columns,
        rows,
        note=f"Residents: {benchmark.name}, {benchmark.source}, {benchmark.vintage}. "
        f"{unit.capitalize()} of unknown race are left out of the shares. Rates: exact Poisson interval; "
        "ratios: Katz log interval (95%).",
        count_column="events",
        chart={"type": "bar", "column": "rate"},
    )


def _share(k: int, n: int, num: str, den: str) -> stats.Figure | None:
    """k of n records as a share with its Wilson interval. More events than records (a file that
    flags an outcome on records its denominator leaves out) has no honest share: not applicable."""
    if k > n:
        return None
    return stats.proportion(k, n, unit=f"{num.replace('_', ' ')} per {den.rstrip('s')}")


def _proportion_table(
    key: str,
    title: str,
    by_race: dict,
    specs: list[tuple[str, str, str, str]],
    *,
    note: str = "",
    chart_column: str | None = None,
) -> Table:
    """Proportions by race with their ratio to white: specs are (key, label, numerator, denominator)."""
    columns: list[Column] = []
    for spec_key, label, num, _den in specs:
        columns.append(Column(f"{spec_key}_n", f"{label}: count", drill=num))
        columns.append(Column(spec_key, label, "percent", drill=num, of=_den))
        columns.append(Column(f"{spec_key}_ratio", f"{label}: ratio to white", "ratio", drill=num, of=_den))
    white = by_race.get("white", {})
    rows = []
    for race in _races_present(by_race):
        cells: dict[str, stats.Figure | None] = {}
        for spec_key, _label_text, num, den in specs:
            k, n = by_race[race][num], by_race[race][den]
            cells[f"{spec_key}_n"] = stats.count(k, unit=num.replace("_", " "))
            cells[spec_key] = _share(k, n, num, den)
            cells[f"{spec_key}_ratio"] = (
                stats.proportion_ratio(k, n, white.get(num, 0), white.get(den, 0))
                if race != "white" and k <= n and white.get(num, 0) <= white.get(den, 0)
                else None
            )
        rows.append(Row(race, _label(race), cells, drill={"race": race}))
    total_cells: dict[str, stats.Figure | None] = {}
    for spec_key, _label_text, num, den in specs:
        k = sum(v[num] for v in by_race.values())
        n = sum(v[den] for v in by_race.values())
        total_cells[f"{spec_key}_n"] = stats.count(k, unit=num.replace("_", " "))
        total_cells[spec_key] = _share(k, n, num, den)
        total_cells[f"{spec_key}_ratio"] = None
    rows.append(Row("total", "All", total_cells, total=True))
    return Table(
        key,
        title,
        columns,
        rows,
        note=note,
        count_column=f"{specs[0][0]}_n",
        chart={"type": "bar", "column": chart_column or specs[0][0]},
    )


def _type_table(
    dataset: Dataset, filters: Filters, unit: str, measure: str, benchmark: Benchmark | None
) -> Table:
    """Counts by type (charge, violation, force type, allegation) and race, the largest types first."""
    rows_qs = _sum_by(
        Rollup.objects.filter(dataset=dataset).filter(filters.q()), "type", "race", measures=(measure,)
    )
    by_type: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in rows_qs:
        by_type[r["type"]][r["race"]] += r[measure] or 0
    ordered = sorted(by_type, key=lambda t: (-sum(by_type[t].values()), t))
    races = [r for r in RACE_ORDER if any(by_type[t].get(r) for t in by_type)]
    shown = ordered[:MAX_TYPES]
    rest = ordered[MAX_TYPES:]
    population = benchmark.population() if benchmark else {}
    rows = []
    for t in shown:
        cells: dict[str, stats.Figure | None] = {
            r: stats.count(by_type[t].get(r, 0), unit=measure if measure == "rows" else unit) for r in races
        }
        rows.append(Row(t or "(none)", t or "(not recorded)", cells, drill={"type": t or "__none__"}))
    if rest:
        cells = {r: stats.count(sum(by_type[t].get(r, 0) for t in rest), unit=measure) for r in races}
        rows.append(Row("others", f"All {len(rest)} others", cells))
    if population and rows:
        for row in rows:
            for r in races:
                if r in population and r != "unknown":
                    fig = row.cells[r]
                    row.cells[f"{r}_rate"] = stats.rate_per_resident(
                        int(fig.value or 0), population[r], unit=f"{unit} per 1,000 residents"
                    )
    total = {r: stats.count(sum(by_type[t].get(r, 0) for t in by_type), unit=measure) for r in races}
    rows.append(Row("total", "All", total, total=True))
    columns = [Column(r, _label(r), drill="rows", race=r) for r in races]
    if population:
        columns += [
            Column(f"{r}_rate", f"{_label(r)} per 1,000 residents", "rate", drill="rows", race=r)
            for r in races
            if r in population and r != "unknown"
        ]
    label = TYPE_LABEL.get(dataset.kind, "Type")
    return Table(
        "types",
        f"{label} by race",
        columns,
        rows,
        row_header=label,
        note=f"Counted in {'records' if measure == 'rows' else unit}; the {MAX_TYPES} most frequent shown by name.",
        grid=True,
    )


@dataclass(frozen=True)
class Trend:
    """A figure followed over time: a count, a rate on residents, or a share of records."""

    label: str
    format: str  # count | rate | ratio | percent | money
    numerator: str = ""  # for a share: the measure counted ...
    denominator: str = ""  # ... among these records
    kinds: tuple[str, ...] = ()  # () = every kind
    needs_benchmark: bool = False


TRENDS: dict[str, Trend] = {
    "count": Trend("Counts", "count"),
    "rate": Trend("Rate per 1,000 residents", "rate", needs_benchmark=True),
    "ratio": Trend("Ratio to the white rate per resident", "ratio", needs_benchmark=True),
    "search_rate": Trend("Search rate", "percent", "searches", "persons", (Kind.STOP,)),
    "hit_rate": Trend("Hit rate (contraband found)", "percent", "hits", "searches", (Kind.STOP,)),
    "discretionary_rate": Trend(
        "Discretionary searches per stop", "percent", "searches_discretionary", "persons", (Kind.STOP,)
    ),
    "discretionary_hit_rate": Trend(
        "Hit rate of discretionary searches",
        "percent",
        "hits_discretionary",
        "searches_discretionary",
        (Kind.STOP,),
    ),
    "arrest_rate": Trend("Arrest rate", "percent", "arrests", "persons", (Kind.STOP,)),
    "citation_rate": Trend("Citation rate", "percent", "citations", "persons", (Kind.STOP,)),
    "warning_rate": Trend("Warning rate", "percent", "warnings", "persons", (Kind.STOP,)),
    "injury_rate": Trend("Subject injured", "percent", "injuries", "persons", (Kind.USE_OF_FORCE,)),
    "sustained_rate": Trend(
        "Share of complaints sustained", "percent", "sustained_incidents", "incidents", (Kind.COMPLAINT,)
    ),
    "fines_total": Trend("Total of fines ($)", "money", kinds=(Kind.CITATION,)),
}


def trend_choices(
    *, dataset: Dataset, benchmark: Benchmark | None, measures: Iterable[str] | None = None
) -> list[tuple[str, str]]:
    """The figures this dataset's trends can follow: rates on residents need a benchmark, and a
    share needs records to be a share of (`measures`: those the dataset has, from `filter_options`)."""
    present = set(measures) if measures is not None else None

    def fits(t: Trend) -> bool:
        if t.kinds and dataset.kind not in t.kinds:
            return False
        if t.needs_benchmark and benchmark is None:
            return False
        needed = t.denominator or ("fines" if t.format == "money" else "")
        return present is None or not needed or needed in present

    return [(key, t.label) for key, t in TRENDS.items() if fits(t)]


def _trend_tables(
    dataset: Dataset, filters: Filters, unit: str, benchmark: Benchmark | None = None
) -> list[Table]:
    """The chosen figure by year and race, and by month and race (one query for both)."""
    measure = _primary(dataset)
    key = filters.trend or "count"
    if key not in dict(trend_choices(dataset=dataset, benchmark=benchmark)):
        key = "count"
    trend = TRENDS[key]
    needed = {measure, trend.numerator, trend.denominator} - {""}
    if key == "fines_total":
        needed |= {"fines", "fines_total"}
    rows_qs = _sum_by(
        Rollup.objects.filter(dataset=dataset).filter(filters.q()).exclude(month=None),
        "month",
        "race",
        measures=tuple(sorted(needed)),
    )
    base = trend.denominator or ("fines" if key == "fines_total" else "")
    if base and not any(r.get(base) for r in rows_qs):
        key = "count"  # nothing to take a share of, or no fine amounts: the counts say more
    if key == "count":
        return [
            _trend_table(rows_qs, measure, unit, by="year"),
            _trend_table(rows_qs, measure, unit, by="month"),
        ]
    return [
        _figure_trend_table(rows_qs, key, trend, measure, unit, benchmark, by="year"),
        _figure_trend_table(rows_qs, key, trend, measure, unit, benchmark, by="month"),
    ]


def _periods(rows_qs: list[dict[str, Any]], by: str) -> dict[str, dict[str, dict[str, int]]]:
    """{period: {race: {measure: sum}}} by "year" ("2019") or "month" ("2019-04")."""
    periods: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    for r in rows_qs:
        period = r["month"].strftime("%Y-%m") if by == "month" else str(r["month"].year)
        for m, v in r.items():
            if m not in ("month", "race"):
                periods[period][r["race"]][m] += v or 0
    return periods


def _period_label(period: str, by: str) -> str:
    return dt.date(int(period[:4]), int(period[5:7]), 1).strftime("%b %Y") if by == "month" else period


def _figure_trend_table(
    rows_qs: list[dict[str, Any]],
    key: str,
    trend: Trend,
    measure: str,
    unit: str,
    benchmark: Benchmark | None,
    *,
    by: str,
) -> Table:
    periods = _periods(rows_qs, by)
    population = benchmark.population() if benchmark is not None else {}
    if trend.needs_benchmark:
        races = [r for r in KNOWN_RACES if population.get(r) and any(periods[p].get(r) for p in periods)]
    else:
        races = [r for r in RACE_ORDER if any(periods[p].get(r) for p in periods)]
    per = "month" if by == "month" else "year"
    rows = []
    for p in sorted(periods):
        data = periods[p]
        cells: dict[str, stats.Figure | None] = {}
        if trend.needs_benchmark:
            events = {r: data.get(r, {}).get(measure, 0) for r in races}
            rates = stats.rates_by_race(events, population, unit=f"{unit} per 1,000 residents in the {per}")
            for r in races:
                cells[r] = (
                    (rates[r]["ratio"] if r != "white" else None) if key == "ratio" else rates[r]["rate"]
                )
        elif key == "fines_total":
            for r in races:
                n = data.get(r, {}).get("fines", 0)
                cells[r] = _money(data.get(r, {}).get("fines_total", 0), n, "total of fines")
        else:
            for r in races:
                k, n = data.get(r, {}).get(trend.numerator, 0), data.get(r, {}).get(trend.denominator, 0)
                cells[r] = _share(k, n, trend.numerator, trend.denominator)
        rows.append(Row(p, _period_label(p, by), cells, drill={"period": p}))
    drill = trend.numerator or ("fines" if key == "fines_total" else measure)
    columns = [
        Column(r, _label(r), trend.format, drill=drill, of=trend.denominator, race=r)
        for r in races
        if not (key == "ratio" and r == "white")
    ]
    notes = {
        "rate": f"{unit.capitalize()} in each {per} per 1,000 residents ({benchmark.name if benchmark else ''}), "
        "exact Poisson intervals.",
        "ratio": f"Each group's rate per resident in the {per} against the white rate in the same {per}, "
        "Katz log intervals.",
        "fines_total": "Citations with a fine amount only.",
    }
    return Table(
        f"trend_{by}",
        f"{trend.label} by {by} and race",
        columns,
        rows,
        row_header="Month" if by == "month" else "Year",
        note=notes.get(key, "Wilson intervals; a share on fewer than 50 records is greyed as unreliable."),
        chart={"type": "line", "columns": [c.key for c in columns]},
    )


def _trend_table(rows_qs: list[dict[str, Any]], measure: str, unit: str, *, by: str) -> Table:
    periods: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in rows_qs:
        key = r["month"].strftime("%Y-%m") if by == "month" else str(r["month"].year)
        periods[key][r["race"]] += r[measure] or 0
    races = [r for r in RACE_ORDER if any(periods[p].get(r) for p in periods)]
    rows = [
        Row(
            p,
            _period_label(p, by),
            {r: stats.count(periods[p].get(r, 0), unit=unit) for r in races},
            drill={"period": p},
        )
        for p in sorted(periods)
    ]
    return Table(
        f"trend_{by}",
        f"{unit.capitalize()} by {by} and race",
        [Column(r, _label(r), drill=measure, race=r) for r in races],
        rows,
        row_header="Month" if by == "month" else "Year",
        chart={"type": "line", "columns": races},
        grid=True,
    )


def _fine_table(dataset: Dataset, filters: Filters) -> Table | None:
    rows_qs = (
        FineRollup.objects.filter(dataset=dataset)
        .filter(filters.q())
        .values("race", "amount")
        .annotate(n=Sum("count"))
        .order_by("race", "amount")
    )
    by_race: dict[str, list[tuple[Decimal, int]]] = defaultdict(list)
    for r in rows_qs:
        by_race[r["race"]].append((r["amount"], r["n"]))
    if not by_race:
        return None
    threshold = filters.fine_threshold
    rows = []
    for race in [r for r in RACE_ORDER if r in by_race]:
        amounts = by_race[race]
        n = sum(c for _, c in amounts)
        total = sum(a * c for a, c in amounts)
        above = sum(c for a, c in amounts if a > threshold)
        rows.append(
            Row(
                race,
                _label(race),
                {
                    "fines": stats.count(n, unit="fines"),
                    "total": _money(total, n, "total of fines"),
                    "median": _money(_median(amounts), n, "median fine"),
                    "above": stats.proportion(above, n, unit=f"fines above ${threshold} per fine"),
                },
                drill={"race": race},
            )
        )
    return Table(
        "fines",
        "Fines by race: total, median and share above a threshold",
        [
            Column("fines", "Fines", drill="fines"),
            Column("total", "Total ($)", "money", drill="fines"),
            Column("median", "Median ($)", "money", drill="fines"),
            Column("above", f"Share above ${threshold}", "percent", drill="fines_above", of="fines"),
        ],
        rows,
        note="Citations with a fine amount only. Exact medians from the amounts by race.",
        count_column="fines",
        chart={"type": "bar", "column": "median"},
    )


def _money(value: Decimal | float | None, n: int, unit: str) -> stats.Figure:
    return stats.Figure(
        unit=f"{unit} (US dollars)",
        numerator=None,
        denominator=None,
        value=float(value) if value is not None and n else None,
        interval=None,
        reliable=stats.reliable_rate(n),
        n=n,
        method="",
        counts=(n,),
    )


def _median(amounts: list[tuple[Decimal, int]]) -> Decimal | None:
    n = sum(c for _, c in amounts)
    if not n:
        return None
    ordered = sorted(amounts)

    def nth(k: int) -> Decimal:
        seen = 0
        for amount, c in ordered:
            seen += c
            if seen > k:
                return amount
        return ordered[-1][0]

    if n % 2:
        return nth(n // 2)
    return (nth(n // 2 - 1) + nth(n // 2)) / 2


def _arrest_dataset_for(dataset: Dataset) -> Dataset | None:
    """An imported arrest dataset of the city covering the same period (for force per 1,000 arrests)."""
    if not (dataset.period_start and dataset.period_end):
        return None
    return (
        Dataset.objects.for_city(dataset.city)
        .visible()
        .filter(
            kind=Kind.ARREST,
            status=Status.IMPORTED,
            period_start__lte=dataset.period_end,
            period_end__gte=dataset.period_start,
        )
        .order_by("-imported_at", "-id")
        .first()
    )


def _per_arrest_table(dataset: Dataset, filters: Filters, by_race: dict, arrests: Dataset) -> Table:
    start = max(dataset.period_start, arrests.period_start).replace(day=1)
    end = min(dataset.period_end, arrests.period_end).replace(day=1)
    overlap = Filters(
        start=max(filters.start or start, start),
        end=min(filters.end or end, end),
        district=filters.district,
        sex=filters.sex,
        age_group=filters.age_group,
    )
    force = _race_rows(dataset, Filters(**{**overlap.__dict__, "type": filters.type}))
    arrest_rows = _race_rows(arrests, overlap)
    unit = "use-of-force incidents"
    white_f = force.get("white", {}).get("incidents", 0)
    white_a = arrest_rows.get("white", {}).get("persons", 0)
    rows = []
    for race in KNOWN_RACES:
        f = force.get(race, {}).get("incidents", 0)
        a = arrest_rows.get(race, {}).get("persons", 0)
        if not (f or a):
            continue
        rows.append(
            Row(
                race,
                _label(race),
                {
                    "events": stats.count(f, unit=unit),
                    "arrests": stats.count(a, unit="arrests"),
                    "rate": stats.rate_per_resident(f, a, unit=f"{unit} per 1,000 arrests"),
                    "ratio": stats.rate_ratio(
                        f, a, white_f, white_a, unit="ratio to the white rate per arrest"
                    )
                    if race != "white"
                    else None,
                },
                drill={"race": race},
            )
        )
    return Table(
        "per_arrest",
        "Use of force per 1,000 arrests",
        [
            Column("events", "Use-of-force incidents", drill="incidents"),
            Column("arrests", "Arrests"),
            Column("rate", "Incidents per 1,000 arrests", "rate", drill="incidents"),
            Column("ratio", "Ratio to the white rate", "ratio", drill="incidents"),
        ],
        rows,
        note=f"Arrests from “{arrests.name}”, months where both datasets have records "
        f"({overlap.start:%B %Y} to {overlap.end:%B %Y}).",
        count_column="events",
        chart={"type": "bar", "column": "rate"},
    )


def _officer_table(dataset: Dataset, filters: Filters) -> Table | None:
    rows_qs = _sum_by(
        Rollup.objects.filter(dataset=dataset).filter(filters.q()).exclude(officer_race=""),
        "officer_race",
        measures=("rows", "sustained"),
    )
    if not rows_qs:
        return None
    rows = [
        Row(
            r["officer_race"],
            _label(r["officer_race"]),
            {
                "rows": stats.count(r["rows"] or 0, unit="allegations"),
                "sustained_n": stats.count(r["sustained"] or 0, unit="sustained allegations"),
                "sustained": stats.proportion(
                    r["sustained"] or 0, r["rows"] or 0, unit="sustained allegations per allegation"
                ),
            },
            drill={"officer_race": r["officer_race"]},
        )
        for r in rows_qs
    ]
    return Table(
        "officer_race",
        "Allegations sustained by officer race",
        [
            Column("rows", "Allegations", drill="rows"),
            Column("sustained_n", "Sustained", drill="sustained"),
            Column("sustained", "Share sustained", "percent", drill="sustained", of="rows"),
        ],
        rows,
        row_header="Officer race",
        count_column="rows",
        chart={"type": "bar", "column": "sustained"},
    )


def default_benchmark(*, city) -> Benchmark | None:
    return Benchmark.objects.for_city(city).order_by("-is_default", "-id").first()


def dashboard(*, dataset: Dataset, filters: Filters, benchmark: Benchmark | None) -> Dashboard:
    """Every table of the dataset's dashboard under the filters (rollups only)."""
    unit = EVENT_UNIT.get(dataset.kind, "records")
    if dataset.kind == Kind.ARREST and not dataset.has_incident_id:
        unit = "arrest records"
    by_race = _race_rows(dataset, filters)
    tables: list[Table] = [_counts_table(dataset, by_race, unit)]
    notes: list[str] = []
    if benchmark is not None:
        tables.append(_population_table(dataset, by_race, benchmark, unit))
    else:
        notes.append("No population benchmark yet: add one to see rates per 1,000 residents.")
    arrest_dataset = None
    if dataset.kind == Kind.STOP:
        tables.append(
            _proportion_table(
                "searches",
                "Searches and the outcome test",
                by_race,
                [
                    ("search_rate", "Search rate", "searches", "persons"),
                    ("hit_rate", "Hit rate (contraband found)", "hits", "searches"),
                ],
                note="Hit rate: searches that found contraband among searches (the outcome test; see the "
                "caveat on infra-marginality). Wilson intervals; ratios with Katz log intervals.",
                chart_column="search_rate",
            )
        )
        if any(v["searches_discretionary"] or v["searches_incident_to_arrest"] for v in by_race.values()):
            tables.append(
                _proportion_table(
                    "discretionary",
                    "Discretionary searches and searches incident to arrest",
                    by_race,
                    [
                        (
                            "discretionary_rate",
                            "Discretionary searches per stop",
                            "searches_discretionary",
                            "persons",
                        ),
                        (
                            "discretionary_hit_rate",
                            "Hit rate of discretionary searches",
                            "hits_discretionary",
                            "searches_discretionary",
                        ),
                        (
                            "incident_rate",
                            "Searches incident to arrest per stop",
                            "searches_incident_to_arrest",
                            "persons",
                        ),
                    ],
                    note="Discretionary: consent, probable cause, plain view, drug dog, other. Incident to "
                    "arrest, inventory and warrant searches are not the officer's choice.",
                )
            )
        tables.append(
            _proportion_table(
                "outcomes",
                "Arrest, citation and warning rates",
                by_race,
                [
                    ("arrest_rate", "Arrest rate", "arrests", "persons"),
                    ("citation_rate", "Citation rate", "citations", "persons"),
                    ("warning_rate", "Warning rate", "warnings", "persons"),
                ],
                note="Share of stops ending in each outcome, Wilson intervals.",
            )
        )
    if (
        dataset.kind in (Kind.ARREST, Kind.CITATION)
        or dataset.kind == Kind.USE_OF_FORCE
        or dataset.kind == Kind.COMPLAINT
    ):
        tables.append(_type_table(dataset, filters, unit, "rows", benchmark))
    if dataset.kind == Kind.CITATION:
        fines = _fine_table(dataset, filters)
        if fines is not None:
            tables.append(fines)
        else:
            notes.append("This file gives no fine amounts.")
    if dataset.kind == Kind.USE_OF_FORCE:
        tables.append(
            _proportion_table(
                "injuries",
                "Injuries in use-of-force records",
                by_race,
                [
                    ("injury_rate", "Subject injured", "injuries", "persons"),
                    ("officer_injury_rate", "Officer injured", "officer_injuries", "persons"),
                ],
                note="Share of records about a person in which the subject (or the officer) was injured.",
            )
        )
        arrest_dataset = _arrest_dataset_for(dataset)
        if arrest_dataset is not None:
            tables.append(_per_arrest_table(dataset, filters, by_race, arrest_dataset))
        else:
            notes.append("No arrest dataset covers the same period: the rate per 1,000 arrests is not shown.")
    if dataset.kind == Kind.COMPLAINT:
        tables.append(
            _proportion_table(
                "sustained",
                "Complaints sustained by complainant race",
                by_race,
                [("sustained_rate", "Share of complaints sustained", "sustained_incidents", "incidents")],
                note="A complaint is sustained when at least one of its allegations is.",
            )
        )
        officer = _officer_table(dataset, filters)
        if officer is not None:
            tables.append(officer)
    tables.extend(_trend_tables(dataset, filters, unit, benchmark))
    return Dashboard(
        dataset=dataset,
        filters=filters,
        benchmark=benchmark,
        tables=tables,
        event_unit=unit,
        notes=notes,
        arrest_dataset=arrest_dataset,
    )


# ---------------------------------------------------------------------------------------------
# Headline (city home) and drill-down


HEADLINE_VERSION = 1  # raise when what `headline` returns changes


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
                and row.cells["ratio"].value is not None
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
                and row.cells["search_rate_ratio"].value is not None
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


DRILL_PAGE = 50
DRILL_FIELDS = {
    "common": ["line", "date", "district", "subject_race", "subject_sex", "subject_age_group"],
    Kind.STOP: [
        "type",
        "search_conducted",
        "search_basis",
        "contraband_found",
        "arrest_made",
        "citation_issued",
        "warning_issued",
        "outcome",
    ],
    Kind.ARREST: ["charge", "offense_level"],
    Kind.CITATION: ["violation", "fine_amount"],
    Kind.USE_OF_FORCE: ["incident_id", "force_type", "subject_injured", "officer_injured"],
    Kind.COMPLAINT: ["incident_id", "allegation", "disposition", "officer_race"],
}
DISCRETIONARY_BASES = ["consent", "probable_cause", "plain_view", "k9", "other"]
# A drill-down measure -> the record condition behind it.
DRILL_MEASURES = {
    "rows": Q(),
    "persons": Q(is_person=True),
    "incidents": Q(),  # every record of the incidents; the figure counts the incidents themselves
    "searches": Q(search_conducted=True),
    "hits": Q(search_conducted=True, contraband_found=True),
    "searches_discretionary": Q(search_conducted=True, search_basis__in=DISCRETIONARY_BASES),
    "hits_discretionary": Q(contraband_found=True, search_basis__in=DISCRETIONARY_BASES),
    "searches_incident_to_arrest": Q(
        search_conducted=True, search_basis__in=["incident_to_arrest", "inventory", "warrant"]
    ),
    "arrests": Q(arrest_made=True),
    "citations": Q(citation_issued=True),
    "warnings": Q(warning_issued=True),
    "injuries": Q(subject_injured=True, is_person=True),
    "officer_injuries": Q(officer_injured=True, is_person=True),
    "sustained_incidents": Q(sustained=True),
    "sustained": Q(sustained=True),
    "fines": Q(fine_amount__isnull=False),
    "fines_above": Q(fine_amount__isnull=False),  # and above the dashboard's threshold (below)
}
# What the records of a measure are, in the words of the drill-down page.
DRILL_LABELS = {
    "rows": "records",
    "persons": "records about a person",
    "incidents": "incidents",
    "searches": "searches",
    "hits": "searches that found contraband",
    "searches_discretionary": "discretionary searches",
    "hits_discretionary": "discretionary searches that found contraband",
    "searches_incident_to_arrest": "searches incident to arrest",
    "arrests": "stops ending in an arrest",
    "citations": "stops ending in a citation",
    "warnings": "stops ending in a warning",
    "injuries": "records with the subject injured",
    "officer_injuries": "records with the officer injured",
    "sustained_incidents": "complaints sustained",
    "sustained": "sustained allegations",
    "fines": "fines",
    "fines_above": "fines above the threshold",
}
TYPE_FIELD = {
    Kind.STOP: "type",
    Kind.ARREST: "charge",
    Kind.CITATION: "violation",
    Kind.USE_OF_FORCE: "force_type",
    Kind.COMPLAINT: "allegation",
}


DRILL_TIMEOUT_MS = 3000
# Measures that count incidents: (the rollup field of the figure, the rollup field of its records).
INCIDENT_MEASURES = {
    "incidents": ("incidents", "rows"),
    "sustained_incidents": ("sustained_incidents", "sustained"),
}


@dataclass(frozen=True)
class DrillSelection:
    """Which records a figure stands on: a measure, and the race, type, period or officer race of its cell."""

    measure: str = "rows"
    race: str = ""
    type: str = ""
    period: str = ""
    officer_race: str = ""
    of: str = ""  # the denominator's measure, when the figure is a share of records

    @classmethod
    def from_query(cls, query: Any) -> DrillSelection:
        """The selection named by a drill-down URL's parameters (anything unknown is dropped)."""
        return cls.clean(
            measure=query.get("measure", "rows"),
            race=query.get("race", ""),
            type=query.get("drill_type", ""),
            period=query.get("period", "")[:7],
            officer_race=query.get("officer_race", ""),
            of=query.get("of", ""),
        )

    @classmethod
    def clean(
        cls,
        *,
        measure: str,
        race: str = "",
        type: str = "",
        period: str = "",
        officer_race: str = "",
        of: str = "",
    ) -> DrillSelection:
        return cls(
            measure=measure if measure in DRILL_MEASURES else "rows",
            race=race if race in Race.values else "",
            type=type[:300],
            period=period if _period_range(period) else "",
            officer_race=officer_race if officer_race in Race.values else "",
            of=of if of in DRILL_MEASURES and of != measure else "",
        )


def _period_range(period: str) -> tuple[dt.date, dt.date] | None:
    """A month ("2019-04") or a year ("2019") as [start, end)."""
    if len(period) == 7 and _month(period):
        start = _month(period)
        return start, _next_month(start)
    if period.isdigit() and len(period) == 4 and 1900 <= int(period) <= 2200:
        return dt.date(int(period), 1, 1), dt.date(int(period) + 1, 1, 1)
    return None


def _drill_totals(dataset: Dataset, filters: Filters, sel: DrillSelection) -> tuple[int, int]:
    """How many the figure counts, and how many records the drill-down lists, from the rollups.

    They differ for incidents (an incident has one record per person or allegation). 0 records: no
    need to read any.
    """
    q = Q(dataset=dataset) & filters.q()
    if sel.race:
        q &= Q(race=sel.race)
    if sel.type:
        q &= Q(type="" if sel.type == "__none__" else sel.type)
    if sel.period:
        start, end = _period_range(sel.period)
        q &= Q(month__gte=start, month__lt=end)
    if sel.measure in ("fines", "fines_above"):
        fines = FineRollup.objects.filter(q)
        if sel.measure == "fines_above":
            fines = fines.filter(amount__gt=filters.fine_threshold)
        n = int(fines.aggregate(n=Sum("count"))["n"] or 0)
        return n, n
    if sel.officer_race:
        q &= Q(officer_race=sel.officer_race)
    if sel.measure in INCIDENT_MEASURES:
        figure, records = INCIDENT_MEASURES[sel.measure]
        sums = Rollup.objects.filter(q).aggregate(n=Sum(figure), records=Sum(records))
        return int(sums["n"] or 0), int(sums["records"] or 0)
    field = sel.measure if sel.measure in MEASURES else "rows"
    n = int(Rollup.objects.filter(q).aggregate(n=_sum(field))["n"] or 0)
    return n, n


@dataclass
class DrillPage:
    fields: list[str]
    records: list[dict[str, Any]]
    next_after: int | None
    after: int | None
    selection: DrillSelection
    total: int = 0  # what the figure counts (records, or incidents), from the rollups
    record_total: int = 0  # the records listed over all pages
    of_total: int | None = None  # the denominator's records, when the figure is a share of records
    too_slow: bool = False  # the page took too long to find: narrow the filters

    @property
    def headers(self) -> list[str]:
        return [f.replace("subject_", "").replace("_", " ").capitalize() for f in self.fields]

    @property
    def measure(self) -> str:
        return self.selection.measure

    @property
    def race(self) -> str:
        return self.selection.race

    @property
    def type(self) -> str:
        return self.selection.type

    @property
    def period(self) -> str:
        return self.selection.period

    @property
    def label(self) -> str:
        return DRILL_LABELS[self.selection.measure]

    @property
    def of_label(self) -> str:
        return DRILL_LABELS.get(self.selection.of, "")


def drilldown(
    *, dataset: Dataset, filters: Filters, selection: DrillSelection, after: int | None = None
) -> DrillPage:
    """One page (50) of the records behind a figure, in file order, keyset-paginated by id.

    No personal data: no location, coordinates, time of day, officer pseudonym or raw race text.
    """
    sel = selection
    model = RECORD_MODELS[dataset.kind]
    model_fields = {f.name for f in model._meta.fields}
    fields = DRILL_FIELDS["common"] + [f for f in DRILL_FIELDS.get(dataset.kind, []) if f in model_fields]
    q = Q(dataset=dataset) & filters.record_q()
    condition = DRILL_MEASURES[sel.measure]
    if all(child[0].split("__")[0] in model_fields for child in condition.children):
        q &= condition
    if sel.measure == "fines_above":
        q &= Q(fine_amount__gt=filters.fine_threshold)
    if sel.race:
        q &= Q(subject_race=sel.race)
    if sel.officer_race and "officer_race" in model_fields:
        q &= Q(officer_race=sel.officer_race)
    type_field = TYPE_FIELD.get(dataset.kind)
    if (filters.type or sel.type) and type_field:
        value = sel.type or filters.type
        q &= Q(**{type_field: "" if value == "__none__" else value})
    if sel.period:
        start, end = _period_range(sel.period)
        q &= Q(date__gte=start, date__lt=end)
    if after:
        q &= Q(id__gt=after)
    total, record_total = _drill_totals(dataset, filters, sel)
    of_total = _drill_totals(dataset, filters, replace(sel, measure=sel.of, of=""))[0] if sel.of else None
    rows: list[dict[str, Any]] = []
    too_slow = False
    if record_total:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                # A rare selection in a huge dataset would walk all its records: bound the wait.
                cursor.execute("SET LOCAL statement_timeout = %s", [DRILL_TIMEOUT_MS])
                rows = list(model.objects.filter(q).order_by("id").values("id", *fields)[: DRILL_PAGE + 1])
        except OperationalError:
            too_slow = True
    next_after = rows[DRILL_PAGE - 1]["id"] if len(rows) > DRILL_PAGE else None
    for record in rows:
        if record.get("date") is not None:
            record["date"] = record["date"].isoformat()
    return DrillPage(
        fields=fields,
        records=rows[:DRILL_PAGE],
        next_after=next_after,
        after=after,
        selection=sel,
        total=total,
        record_total=record_total,
        of_total=of_total,
        too_slow=too_slow,
    )
