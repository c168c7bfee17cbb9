"""An outsider's attack on published snapshots: nothing hidden can be worked out.

Written from the public JSON alone (what anyone can download), not from the suppression code. Every
count the page shows, every total and every count a shown rate, share or ratio is built on becomes a
variable; everything the page says about them becomes a linear relation:

- a count shown is fixed; "<11" is between 1 and 10; "suppressed" is 11 or more (the methods say so);
- a shown rate, share or ratio gives its counts away (numerator, denominator, and the white group's);
- the "All" row and the "All" column are the sum over races, "All known races" the sum without Unknown;
- the types of a charge table add up to their total, months to their year, years to the trend total;
- the same count in two tables is one variable (a race's total is the same in every table);
- persons and incidents are never more than rows, a share's numerator never more than its denominator,
  and where two counts happen to be equal in the data (rows and persons in a file of one row per
  person) the attacker is granted the equality: worst case.

Relations are kept only where the exact (members') report says they hold, so the attacker is never
wrong, only as well informed as possible. Each hidden count is then minimised and maximised as an
integer program (scipy's `milp`, HiGHS). The rule (docs/disparities-stats.md, "Small cells"):
- a count shown as "<11" must still be able to be any value from 1 to 10;
- any other hidden count must keep a range of at least 10 whole numbers (as wide as "<11" itself);
- a small count behind a hidden rate or share must keep the range 1 to 10 as well;
- the only narrowing allowed is what the labels say by themselves: two "<11" counts in a sum in
  which nothing but zeros is shown add up to at least 2, whatever else the page shows.
"""

from __future__ import annotations

import csv
import io
import math
import random
from collections import defaultdict
from dataclasses import replace

import numpy as np
import pytest
from django.urls import reverse
from scipy.optimize import Bounds, LinearConstraint, milp

from disparities.selectors import dashboard, report
from disparities.selectors.filters import Filters
from disparities.services import publishing
from tests.builders import (
    BREMERTON_ARRESTS,
    BREMERTON_CITATIONS,
    LANSING,
    OWENSBORO,
    ST_LOUIS,
    county_benchmark,
    generated_stops,
    imported_dataset,
)

pytestmark = pytest.mark.django_db

SMALL = "<11"
PROTECTION_WIDTH = 10  # a hidden count of 11 or more keeps at least as many values as "<11" does
RACES = ("black", "hispanic", "white", "asian_pacific_islander", "native_american", "other", "unknown")
EQUAL_WHEN_TRUE = (("persons", "rows"), ("incidents", "rows"), ("incidents", "persons"))
NOT_MORE_THAN = (("persons", "rows"), ("incidents", "rows"))


# ------------------------------------------------------------------------------------------------
# What the page says, as variables


def _who(table, row, column_race="") -> str:
    if column_race:
        return column_race
    if not row["total"]:
        race = (row.get("drill") or {}).get("race") or row["key"]
        return race
    # "All known races" in the population table; "All" of the counts table (a distinct count of
    # incidents where the file has them); elsewhere the total row adds up the rows above it.
    return {"population": "known", "counts": "all"}.get(table["key"], "sum")


def _count_cells(table):
    """(row, column, identity) of every count cell: identity = (measure, who, type, period)."""
    key = table["key"]
    columns = {c["key"]: c for c in table["columns"]}
    out = []
    for row in table["rows"]:
        drill = row.get("drill") or {}
        for ck, fig in row["cells"].items():
            column = columns.get(ck)
            if fig is None or column is None or column["format"] != "count":
                continue
            if fig.get("not_recorded"):
                continue  # "not recorded in this file" states no count
            if key in ("trend_year", "trend_month", "types"):
                race_columns = [
                    c for c in table["columns"] if c["format"] == "count" and c["key"] != "row_total"
                ]
                measure = (race_columns[0]["drill"] if race_columns else "") or "rows"
                who = "sum" if ck == "row_total" else ck
                if key == "types":
                    kind = (
                        "all"
                        if row["total"]
                        else ("others" if row["key"] == "others" else drill.get("type", row["key"]))
                    )
                    out.append((row, ck, (measure, who, kind, "all")))
                else:
                    period = "dated" if row["total"] else row["key"]
                    out.append((row, ck, (measure, who, "all", period)))
            elif key == "per_arrest":
                measure = "incidents" if ck == "events" else "arrests@arrest-dataset"
                out.append((row, ck, (measure, _who(table, row), "all", "overlap")))
            elif key == "officer_race":
                who = "officer-all" if row["total"] else f"officer:{row['key']}"
                out.append((row, ck, (column["drill"] or ck, who, "all", "all")))
            else:
                measure = column["drill"] or ck
                out.append((row, ck, (measure, _who(table, row), "all", "all")))
    return out


def _figure_dependencies(table, row, ck, fig):
    """The counts a shown figure (not a count) gives away."""
    key = table["key"]
    columns = {c["key"]: c for c in table["columns"]}
    column = columns.get(ck)
    if column is None or column["format"] == "count":
        return []
    who = _who(table, row)
    if key == "population":
        measure = next(c["drill"] for c in table["columns"] if c["key"] == "events")
        if ck == "population_share":
            return []
        if ck == "rate":
            return [(measure, who, "all", "all")]
        if ck == "share":
            return [(measure, who, "all", "all"), (measure, "known", "all", "all")]
        if ck == "ratio":
            return [(measure, who, "all", "all"), (measure, "white", "all", "all")]
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
        who = "officer-all" if row["total"] else f"officer:{row['key']}"
        return [("sustained", who, "all", "all"), ("rows", who, "all", "all")]  # part, whole
    if key == "types":  # rates of a type per resident
        return [("rows", column["race"], (row.get("drill") or {}).get("type", row["key"]), "all")]
    if key in ("trend_year", "trend_month"):
        raise AssertionError(f"a public trend shows a figure that is not a count: {ck}")
    if column.get("drill") and column.get("of"):  # a share of records and its ratio to white
        deps = [(column["drill"], who, "all", "all"), (column["of"], who, "all", "all")]
        if ck.endswith("_ratio"):
            deps += [(column["drill"], "white", "all", "all"), (column["of"], "white", "all", "all")]
        return deps
    raise AssertionError(f"a figure this audit does not know how to read: {key}.{ck}")


def _exact_values(exact_doc) -> dict[tuple, int]:
    """The true value of every count, from the members' report of the same dashboard."""
    values: dict[tuple, int] = {}

    def put(identity, v):
        if v is None:
            return
        v = int(round(v))
        assert values.setdefault(identity, v) == v, ("one count, two values", identity, values[identity], v)

    for t in exact_doc["tables"]:
        for row, ck, identity in _count_cells(t):
            put(identity, row["cells"][ck]["value"])
        for row in t["rows"]:
            for ck, fig in row["cells"].items():
                if fig is None:
                    continue
                deps = _figure_dependencies(t, row, ck, fig)
                if not deps:
                    continue
                if fig["unit"].startswith("ratio") or fig["numerator"] is None:
                    continue  # a ratio's parts are rates, a money figure has none
                put(deps[0], fig["numerator"])
                if fig["denominator"] is not None and len(deps) > 1 and "residents" not in fig["unit"]:
                    put(deps[1], fig["denominator"])
    return values


def _grid_totals(doc) -> dict[str, dict]:
    """The members' grids have no "All" column or row: add them as the public page shows them."""
    out = {}
    for t in doc["tables"]:
        if t["key"] not in ("types", "trend_year", "trend_month") or any(
            c["key"] == "row_total" for c in t["columns"]
        ):
            continue
        races = [c["key"] for c in t["columns"] if c["format"] == "count"]
        measure = next((c["drill"] for c in t["columns"] if c["format"] == "count"), "rows")
        rows = [r for r in t["rows"] if not r["total"]]
        for r in rows:
            r["cells"]["row_total"] = {"value": sum((r["cells"][c] or {}).get("value") or 0 for c in races)}
        total = next((r for r in t["rows"] if r["total"]), None)
        if total is None:
            total = {"key": "total", "label": "All", "total": True, "drill": {}, "cells": {}}
            t["rows"].append(total)
            for c in races:
                total["cells"][c] = {"value": sum((r["cells"][c] or {}).get("value") or 0 for r in rows)}
        total["cells"]["row_total"] = {"value": sum(r["cells"]["row_total"]["value"] for r in rows)}
        t["columns"] = [c for c in t["columns"] if c["format"] == "count"] + [
            {"key": "row_total", "label": "All", "format": "count", "drill": measure, "of": "", "race": ""}
        ]
        out[t["key"]] = t
    return out


# ------------------------------------------------------------------------------------------------
# The relations


def relations(truth: dict[tuple, int]):
    """Every linear relation between the counts the attacker may assume, kept where it holds.

    Returns (equalities, inequalities): each a dict {identity: coefficient} meaning sum = 0 or <= 0.
    """
    eq: list[dict] = []
    le: list[dict] = []
    by_group = defaultdict(dict)  # (measure, type, period) -> {who: identity}
    for identity in truth:
        m, who, kind, period = identity
        by_group[(m, kind, period)][who] = identity

    def holds(rel):
        return sum(c * truth[k] for k, c in rel.items()) == 0

    def add_eq(members, total):
        members = [k for k in members if k != total]
        if not members:
            return
        rel = defaultdict(int)
        for k in members:
            rel[k] += 1
        rel[total] -= 1
        rel = dict(rel)
        if holds(rel):
            eq.append(rel)
        return rel

    for (m, kind, period), whos in by_group.items():
        races = [whos[r] for r in RACES if r in whos]
        known = [whos[r] for r in RACES if r in whos and r != "unknown"]
        if "sum" in whos:
            add_eq(races, whos["sum"])
        if "all" in whos and races:
            if not holds({**dict.fromkeys(races, 1), whos["all"]: -1}):
                # A distinct total (incidents of several races counted once): between max and sum.
                le.append({whos["all"]: 1, **dict.fromkeys(races, -1)})
                for k in races:
                    le.append({k: 1, whos["all"]: -1})
            else:
                add_eq(races, whos["all"])
        if "all" in whos and "sum" in whos:
            add_eq([whos["sum"]], whos["all"])
        if "known" in whos:
            add_eq(known, whos["known"])
        officers = [k for w, k in whos.items() if w.startswith("officer:")]
        if officers and "officer-all" in whos:
            add_eq(officers, whos["officer-all"])
    # Types add up to their total; months to years; years to the trend's total; the trend's total is
    # the period's total when every record has a date.
    by_type = defaultdict(dict)
    by_period = defaultdict(dict)
    for identity in truth:
        m, who, kind, period = identity
        by_type[(m, who, period)][kind] = identity
        by_period[(m, who, kind)][period] = identity
    for types in by_type.values():
        if "all" in types and len(types) > 1:
            add_eq([k for t, k in types.items() if t != "all"], types["all"])
    for periods in by_period.values():
        years = {p: k for p, k in periods.items() if len(p) == 4 and p.isdigit()}
        for y, k in years.items():
            months = [mk for p, mk in periods.items() if len(p) == 7 and p.startswith(f"{y}-")]
            if months:
                add_eq(months, k)
        if "dated" in periods and years:
            add_eq(list(years.values()), periods["dated"])
        if "dated" in periods and "all" in periods:
            add_eq([periods["dated"]], periods["all"])
    # Between measures of the same group.
    for identity in truth:
        m, who, kind, period = identity
        for a, b in EQUAL_WHEN_TRUE:
            if m == a and (b, who, kind, period) in truth:
                add_eq([identity], (b, who, kind, period))
        for a, b in NOT_MORE_THAN:
            other = (b, who, kind, period)
            if m == a and other in truth:
                le.append({identity: 1, other: -1})
    return eq, le


# ------------------------------------------------------------------------------------------------
# The attack


def attack(public_doc, exact_doc):
    """Solve the public page as an integer program. Returns the failures (empty when protected) and
    how many hidden counts were checked."""
    _grid_totals(exact_doc)
    truth = _exact_values(exact_doc)
    bounds: dict[tuple, tuple[float, float]] = {}
    shown_hidden: dict[tuple, str] = {}
    problems: list[str] = []
    leaks: list[str] = []  # what a suppressed figure still says about itself
    needed: set[tuple] = set()  # every count the page shows, hides, or computes a figure from

    def fix(identity, low, high, where):
        old = bounds.get(identity, (0, math.inf))
        new = (max(old[0], low), min(old[1], high))
        if new[0] > new[1]:
            problems.append(f"{where}: contradicts another figure of the page")
        bounds[identity] = new

    for t in public_doc["tables"]:
        for row, ck, identity in _count_cells(t):
            fig = row["cells"][ck]
            where = f"{t['key']}.{row['key']}.{ck}"
            needed.add(identity)
            if identity not in truth:
                problems.append(f"{where}: a count the members' report does not have")
                continue
            if fig["suppressed"]:
                label = fig.get("public_label")
                shown_hidden[identity] = label
                if label == SMALL:
                    fix(identity, 1, 10, where)
                else:
                    fix(identity, 11, math.inf, where)
            else:
                fix(identity, fig["value"], fig["value"], where)
        for row in t["rows"]:
            for ck, fig in row["cells"].items():
                if fig is None or fig.get("not_recorded"):
                    continue
                where = f"{t['key']}.{row['key']}.{ck}"
                needed.update(_figure_dependencies(t, row, ck, fig))
                if fig["suppressed"]:
                    for field in ("value", "numerator", "denominator", "interval", "n", "reliable"):
                        if fig.get(field) is not None:
                            leaks.append(f"{where}: suppressed but its {field} is shown")
                    if fig.get("note"):
                        leaks.append(f"{where}: suppressed but its note is shown")
                    continue
                for dep in _figure_dependencies(t, row, ck, fig):
                    if dep in truth:
                        fix(dep, truth[dep], truth[dep], f"{where} (gives {dep} away)")
    eq, le = relations(truth)
    keys = list(truth)
    index = {k: n for n, k in enumerate(keys)}
    big = 10 * max([*truth.values(), 1]) + 1000
    low = np.array([bounds.get(k, (0, math.inf))[0] for k in keys], dtype=float)
    high = np.array([min(bounds.get(k, (0, math.inf))[1], big) for k in keys], dtype=float)

    def program(labels_only):
        """The constraints; `labels_only`: only sums in which no number but 0 is shown (what the
        labels say by themselves: two "<11" counts add up to at least 2)."""
        constraints = []
        for rels, lo, hi in ((eq, 0, 0), (le, -np.inf, 0)):
            if labels_only:
                rels = [
                    r for r in rels if all(low[index[k]] != high[index[k]] or high[index[k]] == 0 for k in r)
                ]
            if rels:
                a = np.zeros((len(rels), len(keys)))
                for n, rel in enumerate(rels):
                    for k, c in rel.items():
                        a[n, index[k]] = c
                constraints.append(LinearConstraint(a, lo, hi))
        return constraints

    full, labels = program(False), program(True)
    integrality = np.ones(len(keys))
    checked = 0

    def solve(n, constraints):
        found = []
        for sense in (1, -1):
            c = np.zeros(len(keys))
            c[n] = sense
            res = milp(c, constraints=constraints, integrality=integrality, bounds=Bounds(low, high))
            assert res.status == 0, ("the page's relations have no solution", res.message)
            found.append(round(res.x[n]))
        return found[0], (math.inf if found[1] >= big else found[1])

    for identity in keys:
        n = index[identity]
        v = truth[identity]
        if low[n] == high[n]:
            continue
        label = shown_hidden.get(identity)
        if label is None and not (1 <= v <= 10 and identity in needed):
            continue  # a count the page neither shows nor needs (no figure shown or hidden needs it)
        checked += 1
        least, most = solve(n, full)
        small = label == SMALL or label is None
        if (least <= 1 and most >= 10) if small else (most - least + 1 >= PROTECTION_WIDTH):
            continue
        floor = solve(n, labels)  # the labels alone: what is shown must narrow nothing more
        if least <= floor[0] and most >= floor[1]:
            continue
        wanted = "1..10" if small else f"{PROTECTION_WIDTH} values"
        problems.append(
            f"{identity} = {v} shown as {label or 'hidden'}: worked out to {least}..{most} "
            f"(the labels alone: {floor[0]}..{floor[1]}; needs {wanted})"
        )
    # A count both shown and hidden, or shown beside a figure that gives a hidden one away.
    for identity, label in shown_hidden.items():
        n = index[identity]
        if low[n] == high[n]:
            problems.append(f"{identity} shown as {label} but given away elsewhere on the page")
    return problems + leaks, checked


# ------------------------------------------------------------------------------------------------
# Snapshots


def snapshot_and_truth(city, dataset, benchmark, filters=None):
    filters = replace(filters or Filters(), trend="")
    snapshot = publishing.snapshot_publish(
        dataset=dataset, filters=filters, benchmark=benchmark, title="Published", introduction="",
        published_by=None,
    )  # fmt: skip
    exact = report.document(dashboard.dashboard(dataset=dataset, filters=filters, benchmark=benchmark))
    return snapshot, exact


def assert_protected(snapshot, exact, *, at_least=1):
    problems, checked = attack(snapshot.content, exact)
    assert not problems, "\n".join(problems[:40])
    assert checked >= at_least


REAL = [BREMERTON_ARRESTS, BREMERTON_CITATIONS, LANSING, OWENSBORO, ST_LOUIS]


@pytest.mark.parametrize("name", REAL)
def test_nothing_hidden_on_a_published_real_file_can_be_worked_out(city, name):
    dataset = imported_dataset(city, file=name)
    snapshot, exact = snapshot_and_truth(city, dataset, county_benchmark(city))
    assert_protected(snapshot, exact)


@pytest.mark.parametrize(
    "name,query",
    [
        (BREMERTON_ARRESTS, {"sex": "male"}),
        (BREMERTON_CITATIONS, {"sex": "female"}),
        (LANSING, {"start": "2018-01", "end": "2019-12"}),
        (OWENSBORO, {"start": "2016-01", "end": "2016-03", "sex": "female"}),
        (ST_LOUIS, {"sex": "male"}),
    ],
)
def test_filtered_snapshots_of_real_files_are_protected(city, name, query):
    dataset = imported_dataset(city, file=name)
    snapshot, exact = snapshot_and_truth(city, dataset, county_benchmark(city), Filters.from_query(query))
    assert_protected(snapshot, exact, at_least=0)


def test_bremerton_arrests_unknown_is_no_longer_159_minus_158(city):
    dataset = imported_dataset(city, file=BREMERTON_ARRESTS)
    snapshot, exact = snapshot_and_truth(city, dataset, county_benchmark(city))
    shown = {}
    for t in snapshot.content["tables"]:
        for row, ck, identity in _count_cells(t):
            fig = row["cells"][ck]
            if not fig["suppressed"]:
                shown[identity] = fig["value"]
    all_persons = shown.get(("persons", "all", "all", "all"))
    known = shown.get(("persons", "known", "all", "all"))
    assert all_persons is None or known is None or all_persons - known > 10 or all_persons == known
    assert_protected(snapshot, exact)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_stops_with_many_small_cells_and_two_years_of_months(city, seed):
    """Few stops over two years: most cells of the monthly trend are small."""
    dataset = imported_dataset(
        city, file="stops.csv", data=generated_stops(250 + 50 * seed, seed=seed, years=2), kind="stop"
    )
    snapshot, exact = snapshot_and_truth(city, dataset, county_benchmark(city))
    months = next(t for t in snapshot.content["tables"] if t["key"] == "trend_month")
    assert len([r for r in months["rows"] if not r["total"]]) >= 20
    assert_protected(snapshot, exact, at_least=10)


def test_random_tables_with_many_small_cells_are_protected():
    """Tables built directly from random rollup-shaped rows (no database), protected by the report."""
    import datetime as dt

    from disparities.selectors.trends import count_trend_table

    rng = random.Random(11)
    for _attempt in range(4):
        rows = []
        for year in (2021, 2022):
            for month in range(1, 13):
                for race in ("white", "black", "hispanic", "asian_pacific_islander", "unknown"):
                    value = rng.choice(
                        [0, rng.randint(1, 10), rng.randint(1, 10), rng.randint(11, 60), rng.randint(11, 400)]
                    )
                    rows.append({"month": dt.date(year, month, 1), "race": race, "persons": value})
        tables = [
            count_trend_table(rows, "persons", "stops", by="year"),
            count_trend_table(rows, "persons", "stops", by="month"),
        ]
        exact = {"tables": [t.as_dict() for t in tables]}
        public = {"tables": [t.as_dict() for t in report.publicize(tables)]}
        problems, checked = attack(public, exact)
        assert not problems, "\n".join(problems[:40])
        assert checked > 10


def test_the_csv_says_what_the_json_says(client, city):
    dataset = imported_dataset(city, file=BREMERTON_CITATIONS)
    snapshot, _exact = snapshot_and_truth(city, dataset, county_benchmark(city))
    for t in snapshot.content["tables"]:
        response = client.get(reverse("disparities:public_csv", args=[city.slug, snapshot.pk, t["key"]]))
        lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))[2:]
        columns = [c["key"] for c in t["columns"]]
        for row, line in zip(t["rows"], lines, strict=True):
            for n, ck in enumerate(columns):
                fig = row["cells"].get(ck)
                cell = line[1 + 4 * n : 5 + 4 * n]
                if fig is None:
                    assert cell == ["", "", "", ""]
                elif fig["suppressed"]:
                    assert cell == [fig["public_label"], "", "", ""], (t["key"], row["key"], ck)
                elif fig.get("not_recorded"):
                    assert cell[:3] == ["", "", ""], (t["key"], row["key"], ck)  # no value, no interval
                else:
                    assert cell[0] == str(fig["value"]), (t["key"], row["key"], ck)
