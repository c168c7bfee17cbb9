"""Small-cell protection: no count 1..10 is visible, no hidden count can be worked out from its line."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from disparities.figures import stats
from disparities.figures.suppression import (
    COMPLEMENTARY_LABEL,
    SMALL_LABEL,
    protect_by_race,
    suppress_counts,
    suppress_figure,
    suppress_table,
)

counts = st.one_of(st.just(0), st.integers(1, 10), st.integers(11, 60), st.integers(61, 5000))
tables = st.integers(1, 5).flatmap(
    lambda cols: st.lists(st.lists(counts, min_size=cols, max_size=cols), min_size=1, max_size=5)
)


def lines_of(table):
    """Each line as (hidden and visible members, total) the way a reader of the table sees them."""
    out = []
    if table.row_totals is not None:
        out += [(row, total) for row, total in zip(table.cells, table.row_totals, strict=True)]
    if table.column_totals is not None:
        out += [
            (list(col), total)
            for col, total in zip(zip(*table.cells, strict=True), table.column_totals, strict=True)
        ]
    if table.grand_total is not None:
        out.append((table.row_totals, table.grand_total))
        out.append((table.column_totals, table.grand_total))
    return out


def reader_range(members, index, total):
    """What a reader can conclude about members[index] from this line alone, by linear programming.

    Independent of the module: hidden "<11" entries lie in [1, 10]; "suppressed" ones are >= 11;
    shown entries are fixed; the members add up to the total.
    """

    def bounds(cell):
        if not cell.hidden:
            return (cell.value, cell.value)
        return (1, 10) if cell.display == SMALL_LABEL else (11, None)

    variables = [*members, total]
    a_eq = [[1] * len(members) + [-1]]
    result = []
    for sign in (1, -1):
        c = [0] * len(variables)
        c[index] = sign
        res = linprog(c, A_eq=a_eq, b_eq=[0], bounds=[bounds(v) for v in variables], method="highs")
        assert res.status == 0
        result.append(sign * res.fun)
    return result


def check_protected(table):
    for cell in table.entries():
        if 1 <= cell.value <= 10:
            assert cell.hidden and cell.display == SMALL_LABEL
        if not cell.hidden:
            assert cell.display == cell.value
    for members, total in lines_of(table):
        hidden = [m for m in members if m.hidden]
        if total.hidden:
            continue
        # linear subtraction: a single hidden entry in a line with a shown total would be given away
        assert len(hidden) != 1
        for index, member in enumerate(members):
            if member.hidden:
                low, high = reader_range(members, index, total)
                assert high - low >= 1 - 1e-9, (members, total)


@settings(max_examples=120, deadline=None)
@given(tables)
def test_random_tables_are_protected(cells):
    check_protected(suppress_table(cells))


@settings(max_examples=60, deadline=None)
@given(tables, st.booleans(), st.booleans())
def test_random_tables_with_some_totals(cells, rows, columns):
    table = suppress_table(cells, row_totals=rows, column_totals=columns)
    check_protected(table)
    assert (table.row_totals is None) != rows
    assert (table.grand_total is not None) == (rows and columns)


def test_single_small_cell_takes_the_next_smallest_with_it():
    table = suppress_table([[5, 40, 100]], column_totals=False)
    assert [c.display for c in table.cells[0]] == [SMALL_LABEL, COMPLEMENTARY_LABEL, 100]
    assert table.row_totals[0].display == 145


def test_labels_alone_can_give_a_count_away():
    # 1 "<11" plus 11 "suppressed" = 12 would tell the reader both: a third count is hidden too.
    table = suppress_table([[1, 11, 50]], column_totals=False)
    assert [c.hidden for c in table.cells[0]] == [True, True, True]
    assert table.row_totals[0].display == 62


def test_line_with_nothing_else_to_hide_hides_its_total():
    table = suppress_table([[7, 0, 0], [20, 30, 40]], column_totals=True)
    assert table.row_totals[0].display == SMALL_LABEL  # 7 is itself small
    table = suppress_table([[7, 0, 45]], column_totals=False)
    assert table.cells[0][2].hidden
    table = suppress_table([[3, 4]], column_totals=False)
    assert table.row_totals[0].hidden  # 3 + 4 = 7 is small too


def test_zero_and_empty():
    assert suppress_table([[0, 0], [0, 0]]).grand_total.display == 0
    table = suppress_table([])
    assert table.cells == [] and table.grand_total.value == 0
    with pytest.raises(ValueError):
        suppress_table([[1, 2], [3]])
    with pytest.raises(ValueError):
        suppress_table([[-1]])


def test_counts_by_race():
    cells, total = suppress_counts({"black": 120, "white": 400, "hispanic": 4, "other": 0})
    assert cells["hispanic"].display == SMALL_LABEL
    assert cells["black"].hidden  # the next smallest, so 4 cannot be had from the total
    assert cells["white"].display == 400 and cells["other"].display == 0
    assert total.display == 524
    cells, total = suppress_counts({})
    assert cells == {} and total.value == 0


def test_suppress_figure():
    small = stats.rate_per_resident(7, 30465, unit="stops per 1,000 residents")
    hidden = suppress_figure(small)
    assert hidden.suppressed and hidden.value is None and hidden.interval is None
    assert hidden.numerator is None and hidden.n is None and hidden.note == ""
    assert hidden.as_dict()["suppressed"] is True
    big = stats.rate_per_resident(700, 30465, unit="stops per 1,000 residents")
    assert suppress_figure(big) is big
    assert suppress_figure(big, hide=True).suppressed
    # a ratio hides when either side's count is small, so neither rate gives it back
    ratio = stats.proportion_ratio(4, 300, 60, 2000)
    assert suppress_figure(ratio).value is None
    assert suppress_figure(stats.hit_rate(0, 0)).value is None  # nothing to hide: stays undefined
    assert not suppress_figure(stats.hit_rate(0, 0)).suppressed


def test_no_small_count_survives_in_any_figure():
    for k in range(0, 30):
        for fig in (stats.count(k, unit="x"), stats.search_rate(k, 100), stats.rate_ratio(k, 1000, 50, 2000)):
            public = suppress_figure(fig)
            if 1 <= k <= 10:
                assert public.value is None and public.numerator is None
            else:
                assert public is fig


def whole_table_ranges(table):
    """Least and greatest value of every "<11" entry given ALL the table's sums at once (LP)."""
    entries = table.entries()
    position = {id(e): n for n, e in enumerate(entries)}
    equations = []
    for members, total in lines_of(table):
        row = [0] * len(entries)
        for m in members:
            row[position[id(m)]] = 1
        row[position[id(total)]] = -1
        equations.append(row)
    bounds = [
        (e.value, e.value) if not e.hidden else ((1, 10) if e.display == SMALL_LABEL else (11, None))
        for e in entries
    ]
    for n, e in enumerate(entries):
        if e.hidden and e.display == SMALL_LABEL and equations:
            c = [0] * len(entries)
            c[n] = 1
            low = linprog(c, A_eq=equations, b_eq=[0] * len(equations), bounds=bounds, method="highs").fun
            c[n] = -1
            high = -linprog(c, A_eq=equations, b_eq=[0] * len(equations), bounds=bounds, method="highs").fun
            yield e, low, high


@settings(max_examples=80, deadline=None)
@given(tables)
def test_rows_and_columns_together_give_no_small_count_away(cells):
    table = suppress_table(cells)
    for _cell, low, high in whole_table_ranges(table):
        assert math.floor(high + 1e-7) > math.ceil(low - 1e-7)


def test_known_whole_table_case():
    # Row 4 is 1 + 1: the line rule alone leaves its total pinned at 2 by the column of row totals.
    table = suppress_table([[2, 19], [9, 26], [3, 8], [1, 1]])
    for _cell, low, high in whole_table_ranges(table):
        assert high - low >= 1


def test_figures_beside_hidden_counts_are_hidden():
    counts = {"black": 120, "white": 400, "hispanic": 4, "asian_pacific_islander": 0}
    population = {"black": 30465, "white": 202042, "hispanic": 21738, "asian_pacific_islander": 17317}
    figures = stats.rates_by_race(counts, population)
    for row in stats.shares(counts, population):
        figures[row.race]["share"] = row.events
    cells, total, public = protect_by_race(counts, figures)
    assert cells["hispanic"].display == SMALL_LABEL and cells["black"].hidden and total.display == 524
    # the Black count (hidden to protect the Hispanic one) cannot come back through its rate or share
    assert all(f.suppressed and f.value is None for f in public["black"].values())
    assert all(f.suppressed for f in public["hispanic"].values())
    assert public["white"]["rate"].value == pytest.approx(400 / 202042 * 1000)
    assert not public["white"]["share"].suppressed
    assert public["asian_pacific_islander"]["rate"].value == 0.0  # zero is shown
    # nothing public is built on a count from 1 to 10
    for by_name in public.values():
        for fig in by_name.values():
            assert fig.suppressed or not any(1 <= c <= 10 for c in fig.counts)


def test_ratios_to_a_hidden_white_count_are_hidden():
    # White (25) is the count hidden to protect "other" (6): every ratio to the white rate would
    # give it back, so all ratios go; the Black rate itself stays.
    counts = {"black": 300, "white": 25, "other": 6}
    population = {"black": 30465, "white": 202042, "other": 13899}
    figures = stats.rates_by_race(counts, population)
    for row in stats.shares(counts, population):
        figures[row.race]["share"] = row.events
    cells, total, public = protect_by_race(counts, figures)
    assert cells["white"].hidden and cells["other"].display == SMALL_LABEL
    assert total.display == 331
    assert public["black"]["ratio"].suppressed and not public["black"]["rate"].suppressed
    assert public["black"]["share"].value == pytest.approx(300 / 331)
    cells, total, public = protect_by_race({"black": 300, "white": 25, "other": 6}, figures, total=False)
    assert not cells["white"].hidden and total is None
