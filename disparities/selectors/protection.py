"""The public version of a dashboard: every count it shows is one system of sums, protected together.

A published page shows counts in many tables: the counts by race, the same counts against the
population, each charge or violation by race, the trends by year and by month, the counts behind
every rate, share and ratio. A race's total is the same count wherever it appears, a year is the
sum of its months, "All known races" is "All" without Unknown. Protected table by table, a count
hidden in one is worked out from another (Bremerton's arrests: 159 in one table, 158 known in the
next, so Unknown = 1). So:

1. `layout` puts the tables in the shape the public sees (grids get their "All" row and column,
   the table of counts keeps the count rates are computed on, members-only tables are left out);
2. every count cell, and every count a rate, share or ratio is computed from, gets an identity
   (measure, who, type, period) from the measures the table reads (`Column.drill`, `Column.of`,
   the row's race, type or period): the same identity is the same count in every table;
3. `system` writes every sum between them (races to their total, known races to theirs, types to
   theirs, months to years, years to the period, persons and incidents never more than rows, a
   share's part never more than its whole), keeping only relations that hold in the data, and
   merging counts that are equal by such a relation (rows and persons in a file of one row per
   person) into one;
4. `suppression.protect` hides what must be hidden over all of it at once, and
   `suppression.audit` checks the result as an integer program before anything is published;
5. `apply` writes the tables back: a hidden count shows "<11" or "suppressed", and every rate, share,
   ratio or amount computed from a hidden count is hidden with it, carrying nothing (no numerator,
   denominator, interval, reliability, n or note).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace

from ..figures import stats, suppression
from .tables import RACE_ORDER, Column, Row, Table

Identity = tuple[str, str, str, str]  # measure, who (race, "all", "known", "sum"), type, period

GRIDS = ("types", "trend_year", "trend_month")
# Tables whose every figure this module knows how to read. A table added later is left out of the
# public page until it is described here (a figure nobody has audited is not published).
KNOWN_TABLES = {
    "counts", "population", "searches", "discretionary", "outcomes", "injuries", "sustained", "types",
    "fines", "per_arrest", "officer_race", "trend_year", "trend_month",
}  # fmt: skip
# Measures of the same records where one should never exceed the other (kept only where the data
# agrees: a file can record an incident with no person in it); equal where the data says so.
NOT_MORE_THAN = (("persons", "rows"), ("incidents", "rows"), ("incidents", "persons"))


# ---------------------------------------------------------------------------------------------
# 1. The public shape


def layout(tables: list[Table]) -> list[Table]:
    out = []
    for table in tables:
        if table.key not in KNOWN_TABLES or (table.key.startswith("trend_") and not table.grid):
            continue  # rates and shares over time are the members'
        if table.key == "counts":
            # Only the count rates are computed on: rows and persons beside incidents would be more
            # counts to protect and nothing the page needs.
            columns = [c for c in table.columns if c.key == table.count_column]
            rows = [replace(r, cells={c.key: r.cells.get(c.key) for c in columns}) for r in table.rows]
            out.append(replace(table, columns=columns, rows=rows))
        elif table.key in GRIDS:
            out.append(_grid_layout(table))
        else:
            out.append(table)
    return out


def _grid_layout(table: Table) -> Table:
    """A grid of counts with its "All" column and "All" row; rates by type stay with the members."""
    columns = [c for c in table.columns if c.format == "count" and c.key != "row_total"]
    measure = next((c.drill for c in columns if c.drill), "rows")
    body = [r for r in table.rows if not r.total]

    def value(row: Row, key: str) -> int:
        fig = row.cells.get(key)
        return int(fig.value or 0) if fig is not None else 0

    rows = []
    for r in body:
        cells: dict[str, stats.Figure | None] = {
            c.key: stats.count(value(r, c.key), unit=r.cells[c.key].unit if r.cells.get(c.key) else "records")
            for c in columns
        }
        cells["row_total"] = stats.count(sum(value(r, c.key) for c in columns), unit="records")
        rows.append(replace(r, cells=cells))
    totals: dict[str, stats.Figure | None] = {
        c.key: stats.count(sum(value(r, c.key) for r in body), unit="records") for c in columns
    }
    totals["row_total"] = stats.count(sum(value(r, c.key) for r in body for c in columns), unit="records")
    rows.append(Row("total", "All", totals, total=True))
    return replace(table, columns=[*columns, Column("row_total", "All", drill=measure)], rows=rows)


# ---------------------------------------------------------------------------------------------
# 2. Identities


def _who(table: Table, row: Row) -> str:
    if not row.total:
        return row.drill.get("race") or row.key
    return {"population": "known", "counts": "all"}.get(table.key, "sum")


def count_identity(table: Table, row: Row, column: Column) -> Identity | None:
    """The count a count cell shows, or None when the cell is not a count."""
    if column.format != "count":
        return None
    if table.key in GRIDS:
        measure = next((c.drill for c in table.columns if c.format == "count" and c.drill), "rows")
        who = "sum" if column.key == "row_total" else column.key
        if table.key == "types":
            kind = (
                "all" if row.total else ("others" if row.key == "others" else row.drill.get("type", row.key))
            )
            return (measure, who, kind, "all")
        return (measure, who, "all", "dated" if row.total else row.key)
    if table.key == "per_arrest":
        measure = "incidents" if column.key == "events" else "arrests@arrest-dataset"
        return (measure, _who(table, row), "all", "overlap")
    if table.key == "officer_race":
        who = "officer-all" if row.total else f"officer:{row.key}"
        return (column.drill or column.key, who, "all", "all")
    return (column.drill or column.key, _who(table, row), "all", "all")


def figure_dependencies(table: Table, row: Row, column: Column) -> list[Identity]:
    """The counts a figure that is not a count (rate, share, ratio, amount) is computed from."""
    who = _who(table, row)
    key, ck = table.key, column.key
    if key == "population":
        measure = next(c.drill for c in table.columns if c.key == "events")
        return {
            "population_share": [],
            "rate": [(measure, who, "all", "all")],
            "share": [(measure, who, "all", "all"), (measure, "known", "all", "all")],
            "ratio": [(measure, who, "all", "all"), (measure, "white", "all", "all")],
        }.get(ck, [(measure, who, "all", "all")])
    if key == "fines":
        if ck == "above":
            return [("fines_above", who, "all", "all"), ("fines", who, "all", "all")]
        return [("fines", who, "all", "all")]
    if key == "per_arrest":
        deps = [("incidents", who, "all", "overlap"), ("arrests@arrest-dataset", who, "all", "overlap")]
        if ck == "ratio":
            deps += [
                ("incidents", "white", "all", "overlap"),
                ("arrests@arrest-dataset", "white", "all", "overlap"),
            ]
        return deps
    if key == "officer_race":
        who = "officer-all" if row.total else f"officer:{row.key}"
        return [("sustained", who, "all", "all"), ("rows", who, "all", "all")]  # part, whole
    if column.drill and column.of:  # a share of records and its ratio to white
        deps = [(column.drill, who, "all", "all"), (column.of, who, "all", "all")]
        if ck.endswith("_ratio"):
            deps += [(column.drill, "white", "all", "all"), (column.of, "white", "all", "all")]
        return deps
    return [("?", key, row.key, ck)]  # unknown: never has a value, so the figure is hidden


# ---------------------------------------------------------------------------------------------
# 3. The system


@dataclass
class Protected:
    """A dashboard's public tables and the system of sums they were protected as."""

    tables: list[Table]
    system: suppression.System
    hidden: dict[Identity, str]
    canonical: dict[Identity, Identity]
    tables_of: dict[Identity, set[str]] = field(default_factory=dict)  # canonical key -> table titles

    def audit(self) -> list[suppression.Failure]:
        return suppression.audit(self.system, self.hidden, integer=True)

    def tables_needing_fewer_details(self, failures: list[suppression.Failure]) -> list[str]:
        titles: set[str] = set()
        for f in failures:
            titles |= self.tables_of.get(f.key, set())
        return sorted(titles)


def _values(tables: list[Table]) -> dict[Identity, int]:
    values: dict[Identity, int] = {}

    def put(identity: Identity, v: float | None) -> None:
        if v is not None:
            values.setdefault(identity, int(round(v)))

    for table in tables:
        columns = {c.key: c for c in table.columns}
        for row in table.rows:
            for ck, fig in row.cells.items():
                column = columns.get(ck)
                if fig is None or column is None:
                    continue
                identity = count_identity(table, row, column)
                if identity is not None:
                    put(identity, fig.value)
                    continue
                deps = figure_dependencies(table, row, column)
                if not deps or fig.unit.startswith("ratio") or fig.numerator is None:
                    continue
                put(deps[0], fig.numerator)
                if fig.denominator is not None and len(deps) > 1 and "residents" not in fig.unit:
                    put(deps[1], fig.denominator)
    return values


def system(values: dict[Identity, int]) -> tuple[suppression.System, dict[Identity, Identity]]:
    """Every relation between the counts that holds in the data; equal counts merged into one."""
    sums: list[tuple[list[Identity], Identity]] = []
    spans: list[tuple[list[Identity], Identity]] = []
    order: list[tuple[Identity, Identity]] = []

    def add(members: list[Identity], total: Identity) -> None:
        members = [k for k in members if k != total]
        if members and sum(values[k] for k in members) == values[total]:
            sums.append((members, total))

    by_group: dict[tuple, dict[str, Identity]] = defaultdict(dict)
    by_type: dict[tuple, dict[str, Identity]] = defaultdict(dict)
    by_period: dict[tuple, dict[str, Identity]] = defaultdict(dict)
    for identity in values:
        m, who, kind, period = identity
        by_group[(m, kind, period)][who] = identity
        by_type[(m, who, period)][kind] = identity
        by_period[(m, who, kind)][period] = identity
    for whos in by_group.values():
        races = [whos[r] for r in RACE_ORDER if r in whos]
        known = [whos[r] for r in RACE_ORDER if r in whos and r != "unknown"]
        if "sum" in whos:
            add(races, whos["sum"])
        if "all" in whos and races:
            if sum(values[k] for k in races) == values[whos["all"]]:
                add(races, whos["all"])
            elif max(values[k] for k in races) <= values[whos["all"]] <= sum(values[k] for k in races):
                spans.append((races, whos["all"]))
        if "all" in whos and "sum" in whos:
            add([whos["sum"]], whos["all"])
        if "known" in whos:
            add(known, whos["known"])
        officers = [k for w, k in whos.items() if w.startswith("officer:")]
        if officers and "officer-all" in whos:
            add(officers, whos["officer-all"])
    for types in by_type.values():
        if "all" in types and len(types) > 1:
            add([k for t, k in types.items() if t != "all"], types["all"])
    for periods in by_period.values():
        years = {p: k for p, k in periods.items() if len(p) == 4 and p.isdigit()}
        for y, k in years.items():
            months = [mk for p, mk in periods.items() if len(p) == 7 and p.startswith(f"{y}-")]
            if months:
                add(months, k)
        if "dated" in periods and years:
            add(list(years.values()), periods["dated"])
        if "dated" in periods and "all" in periods:
            add([periods["dated"]], periods["all"])
    for identity in values:
        m, who, kind, period = identity
        for a, b in NOT_MORE_THAN:
            other = (b, who, kind, period)
            if m == a and other in values:
                if values[identity] == values[other]:
                    add([identity], other)
                elif values[identity] < values[other]:
                    order.append((identity, other))
    # Counts equal by a relation of one member are one count: merge them.
    parent: dict[Identity, Identity] = {k: k for k in values}

    def find(k: Identity) -> Identity:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for members, total in sums:
        if len(members) == 1:
            a, b = find(members[0]), find(total)
            if a != b:
                parent[max(a, b)] = min(a, b)
    canonical = {k: find(k) for k in values}
    merged_sums, seen = [], set()
    for members, total in sums:
        m2, t2 = [canonical[k] for k in members], canonical[total]
        m2 = [k for k in m2 if k != t2] if len(m2) == 1 else m2
        if not m2:
            continue
        signature = (tuple(sorted(m2)), t2)
        if signature not in seen:
            seen.add(signature)
            merged_sums.append((m2, t2))
    merged_spans = [([canonical[k] for k in ms], canonical[t]) for ms, t in spans]
    merged_order = list({(canonical[a], canonical[b]) for a, b in order if canonical[a] != canonical[b]})
    merged_values = {canonical[k]: v for k, v in values.items()}
    return suppression.System(merged_values, merged_sums, merged_spans, merged_order), canonical


# ---------------------------------------------------------------------------------------------
# 4 and 5. Protect, and write the tables back


def _hidden_figure(fig: stats.Figure, label: str) -> stats.Figure:
    hidden = suppression.suppress_figure(fig, hide=True)
    object.__setattr__(hidden, "_public_label", label)
    return hidden


def protect(tables: list[Table]) -> Protected:
    shaped = layout(tables)
    values = _values(shaped)
    sys_, canonical = system(values)
    hidden = suppression.protect(sys_)
    protected = Protected(tables=[], system=sys_, hidden=hidden, canonical=canonical)
    out = []
    for table in shaped:
        columns = {c.key: c for c in table.columns}
        rows = []
        for row in table.rows:
            cells: dict[str, stats.Figure | None] = {}
            for ck, fig in row.cells.items():
                column = columns.get(ck)
                if column is None:
                    continue
                if fig is None:
                    cells[ck] = None
                    continue
                if fig.not_recorded:
                    # "Not recorded in this file" holds no count: nothing to hide, nothing to give away.
                    cells[ck] = fig
                    continue
                identity = count_identity(table, row, column)
                if identity is not None:
                    key = canonical[identity]
                    protected.tables_of.setdefault(key, set()).add(table.title)
                    reason = hidden.get(key)
                    if reason is None:
                        cells[ck] = fig
                    else:
                        label = (
                            suppression.SMALL_LABEL
                            if reason == suppression.SMALL
                            else suppression.COMPLEMENTARY_LABEL
                        )
                        cells[ck] = _hidden_figure(fig, label)
                    continue
                deps = figure_dependencies(table, row, column)
                for d in deps:
                    if d in canonical:
                        protected.tables_of.setdefault(canonical[d], set()).add(table.title)
                blocked = any(d not in canonical or canonical[d] in hidden for d in deps)
                cells[ck] = _hidden_figure(fig, suppression.COMPLEMENTARY_LABEL) if blocked else fig
            rows.append(replace(row, cells=cells))
        out.append(replace(table, rows=rows))
    protected.tables = out
    return protected
