"""Figures followed over time: the trend tables by year and by month, and which figures a dataset's trends can follow."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..figures import stats
from ..measures import SHARES, not_recorded
from ..models import (
    Benchmark,
    Dataset,
    DatePrecision,
    Kind,
    Rollup,
)
from .tables import (
    KNOWN_RACES,
    RACE_ORDER,
    Column,
    Row,
    Table,
    money_figure,
    primary_measure,
    race_label,
    share_of,
    sum_by,
)

if TYPE_CHECKING:
    from .filters import Filters


@dataclass(frozen=True)
class Trend:
    """A figure followed over time: a count, a rate on residents, or a share of records."""

    label: str
    format: str  # count | rate | ratio | percent | money
    numerator: str = ""  # for a share: the measure counted ...
    denominator: str = ""  # ... among these records
    kinds: tuple[str, ...] = ()  # () = every kind
    needs_benchmark: bool = False


# The shares of records a trend can follow (`measures.SHARES`), in the order the page offers them.
TREND_SHARES = (
    "search_rate", "hit_rate", "discretionary_rate", "discretionary_hit_rate", "arrest_rate", "citation_rate",
    "warning_rate", "injury_rate", "sustained_rate",
)  # fmt: skip
TRENDS: dict[str, Trend] = {
    "count": Trend("Counts", "count"),
    "rate": Trend("Rate per 1,000 residents", "rate", needs_benchmark=True),
    "ratio": Trend("Ratio to the white rate per resident", "ratio", needs_benchmark=True),
    **{
        name: Trend(
            SHARES[name].label,
            "percent",
            SHARES[name].numerator,
            SHARES[name].denominator,
            SHARES[name].kinds,
        )
        for name in TREND_SHARES
    },
    "fines_total": Trend("Total of fines ($)", "money", kinds=(Kind.CITATION,)),
}


def trend_choices(
    *, dataset: Dataset, benchmark: Benchmark | None, measures: Iterable[str] | None = None
) -> list[tuple[str, str]]:
    """The figures this dataset's trends can follow: rates on residents need a benchmark, and a
    share needs records to be a share of (`measures`: those the dataset has, from `filter_options`)."""
    present = set(measures) if measures is not None else None
    absent = not_recorded(dataset.kind, dataset.mapping)

    def fits(key: str, t: Trend) -> bool:
        if key in absent or (key == "fines_total" and "fines_total" in absent):
            return False  # not recorded in this file: nothing to follow
        if t.kinds and dataset.kind not in t.kinds:
            return False
        if t.needs_benchmark and benchmark is None:
            return False
        needed = t.denominator or ("fines" if t.format == "money" else "")
        return present is None or not needed or needed in present

    return [(key, t.label) for key, t in TRENDS.items() if fits(key, t)]


def trend_tables(
    dataset: Dataset,
    filters: Filters,
    unit: str,
    benchmark: Benchmark | None = None,
    absent: dict[str, str] | None = None,
) -> list[Table]:
    """The chosen figure by year and race, and by month and race (one query for both).

    A figure the file does not record is not followed: the counts are shown, and the note says why."""
    measure = primary_measure(dataset)
    key = filters.trend or "count"
    why = (absent or {}).get(key, "")
    if key not in dict(trend_choices(dataset=dataset, benchmark=benchmark)):
        key = "count"
    trend = TRENDS[key]
    needed = {measure, trend.numerator, trend.denominator} - {""}
    if key == "fines_total":
        needed |= {"fines", "fines_total"}
    rows_qs = sum_by(
        Rollup.objects.filter(dataset=dataset).filter(filters.q()).exclude(month=None),
        "month",
        "race",
        measures=tuple(sorted(needed)),
    )
    base = trend.denominator or ("fines" if key == "fines_total" else "")
    if base and not any(r.get(base) for r in rows_qs):
        key = "count"  # nothing to take a share of, or no fine amounts: the counts say more
    # A file whose dates are only years has no months to follow (its records all sit on 1 January).
    periods = ("year",) if dataset.date_precision == DatePrecision.YEAR else ("year", "month")
    if key == "count":
        tables = [count_trend_table(rows_qs, measure, unit, by=by) for by in periods]
        if why:
            label = TRENDS[filters.trend].label if filters.trend in TRENDS else filters.trend
            for table in tables:
                table.note = f"{label}: {why} The counts are shown instead."
    else:
        tables = [figure_trend_table(rows_qs, key, trend, measure, unit, benchmark, by=by) for by in periods]
    if len(periods) == 1:
        for table in tables:
            extra = "This file gives only the year of each record: figures by month are not offered."
            table.note = f"{table.note} {extra}".strip() if table.note else extra
    return tables


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


def figure_trend_table(
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
            rates = stats.rates_by_race(
                events,
                population,
                unit=f"{unit} per 1,000 residents in the {per}",
                margins=benchmark.margins() if benchmark is not None else None,
            )
            for r in races:
                cells[r] = (
                    (rates[r]["ratio"] if r != "white" else None) if key == "ratio" else rates[r]["rate"]
                )
        elif key == "fines_total":
            for r in races:
                n = data.get(r, {}).get("fines", 0)
                cells[r] = money_figure(data.get(r, {}).get("fines_total", 0), n, "total of fines")
        else:
            for r in races:
                k, n = data.get(r, {}).get(trend.numerator, 0), data.get(r, {}).get(trend.denominator, 0)
                cells[r] = share_of(k, n, trend.numerator, trend.denominator)
        rows.append(Row(p, _period_label(p, by), cells, drill={"period": p}))
    drill = trend.numerator or ("fines" if key == "fines_total" else measure)
    columns = [
        Column(r, race_label(r), trend.format, drill=drill, of=trend.denominator, race=r)
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


def count_trend_table(rows_qs: list[dict[str, Any]], measure: str, unit: str, *, by: str) -> Table:
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
        [Column(r, race_label(r), drill=measure, race=r) for r in races],
        rows,
        row_header="Month" if by == "month" else "Year",
        chart={"type": "line", "columns": races},
        grid=True,
    )
