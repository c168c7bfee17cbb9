"""The tables of a dashboard, built from the rollups: counts, rates against the population, shares
of records, types, fines, use of force per arrest, allegations by officer race.

Each table is a list of rows of `stats.Figure` cells with the unit of every figure stated (`Table`,
`Row`, `Column`); `selectors/dashboard.py` puts them together into a `Dashboard`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Sum

from cities.words import singular

from ..figures import census, stats
from ..files import mapping as mapping_rules
from ..files.normalise import PERSON_RULE
from ..measures import MEASURES, RACE_NOT_RECORDED, ROLLUP_MEASURES, SHARES
from ..models import (
    Benchmark,
    Dataset,
    FineRollup,
    Kind,
    Race,
    Rollup,
    Status,
)

if TYPE_CHECKING:
    from .filters import Filters


RACE_LABELS = dict(Race.choices)
RACE_ORDER = list(stats.RACES)
KNOWN_RACES = [r for r in RACE_ORDER if r != "unknown"]

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
MAX_TYPES = 12  # charges, violations ... shown by name; the rest are grouped as "all others"


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
    # What the file does not record: measure or share name -> why; race -> the note that says where
    # those people are probably counted (`measures.not_recorded`, `measures.race_not_recorded`).
    not_recorded: dict[str, str] = field(default_factory=dict)
    races_not_recorded: dict[str, str] = field(default_factory=dict)

    def table(self, key: str) -> Table | None:
        return next((t for t in self.tables if t.key == key), None)


def sum_by(queryset, *keys: str, measures=ROLLUP_MEASURES) -> list[dict[str, Any]]:
    return list(queryset.values(*keys).annotate(**{m: MEASURES[m].total() for m in measures}).order_by(*keys))


def race_rows(dataset: Dataset, filters: Filters) -> dict[str, dict[str, int]]:
    by_race: dict[str, dict[str, int]] = {}
    for row in sum_by(Rollup.objects.filter(dataset=dataset).filter(filters.q()), "race"):
        by_race[row["race"]] = {m: (row[m] or 0) for m in ROLLUP_MEASURES}
    return by_race


def threshold_cells(dataset: Dataset) -> list[tuple[str, str, int, int, int]]:
    """Stops, searches and hits by district x race, from the rollups (the threshold test's data)."""
    rows = sum_by(Rollup.objects.filter(dataset=dataset), "district", "race", measures=("persons", "searches", "hits"))
    return [(r["district"], r["race"], r["persons"] or 0, r["searches"] or 0, r["hits"] or 0) for r in rows]


def race_label(race: str) -> str:
    return RACE_LABELS.get(race, race)


def primary_measure(dataset: Dataset) -> str:
    """The count rates are computed on: incidents (complaints, use of force) or persons."""
    if dataset.kind in (Kind.USE_OF_FORCE, Kind.COMPLAINT):
        return "incidents"
    return "persons"


def _races_present(by_race: dict[str, dict[str, int]]) -> list[str]:
    return [r for r in RACE_ORDER if r in by_race]


def race_absent(race: str) -> str:
    """The words in a cell of a race category the agency never records."""
    return f"{RACE_NOT_RECORDED.capitalize()}: its file has no {race_label(race)} category (see the note)."


def counts_table(
    dataset: Dataset, by_race: dict, unit: str, races_absent: Mapping[str, str] | None = None
) -> Table:
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
        rows.append(Row(race, race_label(race), cells, drill={"race": race}))
    for race in races_absent or {}:
        cells = {
            c.key: stats.not_recorded(race_absent(race), unit=_unit_of(c.key, dataset, unit)) for c in columns
        }
        rows.append(Row(race, race_label(race), cells))
    total_cells = {c.key: stats.count(totals[c.key], unit=_unit_of(c.key, dataset, unit)) for c in columns}
    if dataset.has_incident_id:
        # A complaint with complainants of two races counts under both: the total is the distinct count.
        incidents_all = sum(v["incidents_all"] for v in by_race.values())
        total_cells["incidents"] = stats.count(incidents_all, unit=_unit_of("incidents", dataset, unit))
    rows.append(Row("total", "All", total_cells, total=True))
    primary = (
        "incidents" if dataset.has_incident_id and primary_measure(dataset) == "incidents" else "persons"
    )
    note = ""
    if dataset.has_incident_id:
        note = (
            "One incident can involve people of several races: it then counts once under each race, "
            "and once in the total. Under a filter, an incident counts where its first row falls."
        )
    note = " ".join(
        [
            note,
            person_rule(dataset),
            *(
                f"{race_label(r)}: {RACE_NOT_RECORDED}; where those people are counted is in the report's notes."
                for r in races_absent or {}
            ),
        ]
    ).strip()
    return Table(
        "counts",
        f"{unit.capitalize()} by race: rows, persons and incidents",
        columns,
        rows,
        note=note,
        count_column=primary,
        chart={"type": "bar", "column": primary},
    )


def person_rule(dataset: Dataset) -> str:
    """The rule by which a person's several rows became one person (RIPA files), or "" for other files."""
    return PERSON_RULE if dataset.kind == Kind.STOP and mapping_rules.resolves_persons(dataset.mapping) else ""


def _unit_of(measure: str, dataset: Dataset, unit: str) -> str:
    if measure == "rows":
        return "rows"
    if measure == "persons":
        return "persons"
    if measure == "incidents":
        return unit
    return unit


def population_table(
    dataset: Dataset,
    by_race: dict,
    benchmark: Benchmark,
    unit: str,
    races_absent: Mapping[str, str] | None = None,
) -> Table:
    measure = primary_measure(dataset)
    events = {r: by_race.get(r, {}).get(measure, 0) for r in RACE_ORDER}
    population = benchmark.population()
    share_rows = {s.race: s for s in stats.shares(events, population, unit=f"share of {unit}")}
    margins = benchmark.margins()  # the ACS margins of error, carried into the rates' intervals
    rates = stats.rates_by_race(events, population, unit=f"{unit} per 1,000 residents", margins=margins)
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
        if race in census.NO_BENCHMARK:
            if race in by_race:
                rows.append(_no_benchmark_row(race, events[race], share_rows.get(race), unit))
            continue
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
        if race in (races_absent or {}):
            # Not 0 against its residents: those people are counted under other races.
            absent = race_absent(race)
            cells["events"] = stats.not_recorded(absent, unit=unit)
            cells["share"] = stats.not_recorded(absent, unit=f"share of {unit}")
            cells["rate"] = stats.not_recorded(absent, unit=f"{unit} per 1,000 residents")
            cells["ratio"] = stats.not_recorded(absent, unit="ratio to the white rate")
            rows.append(Row(race, race_label(race), cells))
            continue
        rows.append(Row(race, race_label(race), cells, drill={"race": race}))
    total_events = sum(events[r] for r in KNOWN_RACES)
    rows.append(
        Row(
            "total",
            "All known races",
            {
                "events": stats.count(total_events, unit=unit),
                "share": None,
                "population_share": None,
                "rate": stats.rate_per_resident(
                    total_events,
                    pop_total,
                    unit=f"{unit} per 1,000 residents",
                    population_moe=_sum_moe(margins),
                ),
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
        note=" ".join(
            [
                f"Residents: {benchmark.name}, {benchmark.source}, {benchmark.vintage}. "
                f"{unit.capitalize()} of unknown race are left out of the shares. Rates: exact Poisson "
                "interval; ratios: Katz log interval (95%).",
                person_rule(dataset),
                *(races_absent or {}).values(),
                *(f"{race_label(r)}: {why}" for r, why in census.NO_BENCHMARK.items() if r in by_race),
            ]
        ),
        count_column="events",
        chart={"type": "bar", "column": "rate"},
    )


def _no_benchmark_row(race: str, events: int, share, unit: str) -> Row:
    """A category the Census does not have (RIPA's Middle Eastern or South Asian, multiracial): its
    count and share of the known races, but no share of residents, rate or ratio, and why."""
    why = census.NO_BENCHMARK[race]
    cells = {
        "events": stats.count(events, unit=unit),
        "share": share.events if share else None,
        "population_share": stats.not_recorded(why, unit="share of residents"),
        "rate": stats.not_recorded(why, unit=f"{unit} per 1,000 residents"),
        "ratio": stats.not_recorded(why, unit="ratio to the white rate"),
    }
    return Row(race, race_label(race), cells, drill={"race": race})


def _sum_moe(margins: dict[str, float | None]) -> float | None:
    """The ACS margin of error of a sum of estimates: the root of the sum of squares (None if one is unknown)."""
    values = [m for r, m in margins.items() if r in KNOWN_RACES]
    return None if not values or any(m is None for m in values) else sum(m * m for m in values) ** 0.5


def share_of(k: int, n: int, num: str, den: str) -> stats.Figure | None:
    """k of n records as a share with its Wilson interval. More events than records (a file that
    flags an outcome on records its denominator leaves out) has no honest share: not applicable."""
    if k > n:
        return None
    return stats.proportion(k, n, unit=f"{num.replace('_', ' ')} per {singular(den)}")


def proportion_table(
    key: str,
    title: str,
    by_race: dict,
    shares: list[str],
    *,
    note: str = "",
    chart_column: str | None = None,
    absent: Mapping[str, str] | None = None,
) -> Table:
    """Proportions by race with their ratio to white, one of each share of records named (`SHARES`).

    A share the file does not record (`absent`: its name -> why) is "not recorded" in every cell,
    its count included: never 0 with an interval."""
    absent = absent or {}
    specs = [(name, SHARES[name].label, SHARES[name].numerator, SHARES[name].denominator) for name in shares]
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
            if spec_key in absent:
                cells.update(_absent_share(spec_key, num, den, absent[spec_key]))
                continue
            k, n = by_race[race][num], by_race[race][den]
            cells[f"{spec_key}_n"] = stats.count(k, unit=num.replace("_", " "))
            cells[spec_key] = share_of(k, n, num, den)
            cells[f"{spec_key}_ratio"] = (
                stats.proportion_ratio(k, n, white.get(num, 0), white.get(den, 0))
                if race != "white" and k <= n and white.get(num, 0) <= white.get(den, 0)
                else None
            )
        rows.append(Row(race, race_label(race), cells, drill={"race": race}))
    total_cells: dict[str, stats.Figure | None] = {}
    for spec_key, _label_text, num, den in specs:
        if spec_key in absent:
            total_cells.update(_absent_share(spec_key, num, den, absent[spec_key]))
            continue
        k = sum(v[num] for v in by_race.values())
        n = sum(v[den] for v in by_race.values())
        total_cells[f"{spec_key}_n"] = stats.count(k, unit=num.replace("_", " "))
        total_cells[spec_key] = share_of(k, n, num, den)
        total_cells[f"{spec_key}_ratio"] = None
    rows.append(Row("total", "All", total_cells, total=True))
    note = " ".join([note, *(f"{SHARES[k].label}: {absent[k]}" for k, *_ in specs if k in absent)]).strip()
    return Table(
        key,
        title,
        columns,
        rows,
        note=note,
        count_column=f"{specs[0][0]}_n",
        chart={"type": "bar", "column": chart_column or specs[0][0]},
    )


def _absent_share(spec_key: str, num: str, den: str, why: str) -> dict[str, stats.Figure]:
    return {
        f"{spec_key}_n": stats.not_recorded(why, unit=num.replace("_", " ")),
        spec_key: stats.not_recorded(why, unit=f"{num.replace('_', ' ')} per {singular(den)}"),
        f"{spec_key}_ratio": stats.not_recorded(why, unit="ratio to the white proportion"),
    }


def type_table(
    dataset: Dataset, filters: Filters, unit: str, measure: str, benchmark: Benchmark | None
) -> Table:
    """Counts by type (charge, violation, force type, allegation) and race, the largest types first."""
    rows_qs = sum_by(
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
                        int(fig.value or 0),
                        population[r],
                        unit=f"{unit} per 1,000 residents",
                        population_moe=benchmark.margins().get(r),
                    )
    total = {r: stats.count(sum(by_type[t].get(r, 0) for t in by_type), unit=measure) for r in races}
    rows.append(Row("total", "All", total, total=True))
    columns = [Column(r, race_label(r), drill="rows", race=r) for r in races]
    if population:
        columns += [
            Column(f"{r}_rate", f"{race_label(r)} per 1,000 residents", "rate", drill="rows", race=r)
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


def fine_table(dataset: Dataset, filters: Filters) -> Table | None:
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
                race_label(race),
                {
                    "fines": stats.count(n, unit="fines"),
                    "total": money_figure(total, n, "total of fines"),
                    "median": money_figure(median_amount(amounts), n, "median fine"),
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


def money_figure(value: Decimal | float | None, n: int, unit: str) -> stats.Figure:
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


def median_amount(amounts: list[tuple[Decimal, int]]) -> Decimal | None:
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


def arrest_dataset_for(dataset: Dataset) -> Dataset | None:
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


def per_arrest_table(dataset: Dataset, filters: Filters, by_race: dict, arrests: Dataset) -> Table:
    start = max(dataset.period_start, arrests.period_start).replace(day=1)
    end = min(dataset.period_end, arrests.period_end).replace(day=1)
    overlap = replace(
        filters,
        start=max(filters.start or start, start),
        end=min(filters.end or end, end),
        type="",
    )
    force = race_rows(dataset, replace(overlap, type=filters.type))
    arrest_rows = race_rows(arrests, overlap)
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
                race_label(race),
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


def officer_table(
    dataset: Dataset, filters: Filters, absent: Mapping[str, str] | None = None
) -> Table | None:
    rows_qs = sum_by(
        Rollup.objects.filter(dataset=dataset).filter(filters.q()).exclude(officer_race=""),
        "officer_race",
        measures=("rows", "sustained"),
    )
    if not rows_qs:
        return None
    why = (absent or {}).get("sustained")
    rows = [
        Row(
            r["officer_race"],
            race_label(r["officer_race"]),
            {
                "rows": stats.count(r["rows"] or 0, unit="allegations"),
                "sustained_n": stats.not_recorded(why, unit="sustained allegations")
                if why
                else stats.count(r["sustained"] or 0, unit="sustained allegations"),
                "sustained": stats.not_recorded(why, unit="sustained allegations per allegation")
                if why
                else stats.proportion(
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
