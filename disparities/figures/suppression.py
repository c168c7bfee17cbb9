"""Small-cell protection for every figure seen outside the city (published pages, public exports).

Two rules:
1. Primary suppression: a count from 1 to 10 is shown as "<11". Zero is shown (it names no one).
2. Complementary suppression: no hidden count may be worked out from what is shown beside it.
   A table is a set of lines (each row with its row total, each column with its column total, the
   column of row totals and the row of column totals with the grand total). In a line whose total
   is shown, the hidden entries add up to a known number; a reader also knows that a "<11" entry
   lies between 1 and 10 and that a "suppressed" entry (hidden only to protect another) is 11 or
   more. For every hidden entry we compute the range these facts leave it; if the range is a
   single number, the entry can be recovered, and we hide the smallest shown count of 11 or more
   in that line (or, if none is left, the line's total). We repeat over rows and columns until
   nothing changes.

   This is the line-by-line audit that the rule "no hidden count can be recovered by subtracting
   from a total shown beside it" asks for. Rows and columns taken together can still fix a count
   that no single line does (about 4 in 100 random tables after the line rule alone), so a second
   audit solves the whole table at once by linear programming (the least and greatest value each
   hidden entry can take) and hides one more count near any entry it finds fixed, until none is.

Members of the city see exact counts, marked "not for publication"; this module is only for the public.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog

from .stats import Figure

SMALL_MIN = 1
SMALL_MAX = 10
SMALL_LABEL = "<11"
COMPLEMENTARY_LABEL = "suppressed"
SMALL = "small"
COMPLEMENTARY = "complementary"


def is_small(value: int | None) -> bool:
    return value is not None and SMALL_MIN <= value <= SMALL_MAX


@dataclass(frozen=True)
class Cell:
    """One count as the public sees it: `display` is the number, "<11" or "suppressed"."""

    value: int
    hidden: bool = False
    reason: str = ""  # "small" or "complementary" when hidden

    @property
    def display(self) -> int | str:
        if not self.hidden:
            return self.value
        return SMALL_LABEL if self.reason == SMALL else COMPLEMENTARY_LABEL

    @property
    def public_value(self) -> int | None:
        """The count if it may be shown, else None (for the JSON report)."""
        return None if self.hidden else self.value


@dataclass(frozen=True)
class SuppressedTable:
    cells: list[list[Cell]]
    row_totals: list[Cell] | None
    column_totals: list[Cell] | None
    grand_total: Cell | None

    def entries(self) -> list[Cell]:
        out = [c for row in self.cells for c in row]
        out += self.row_totals or []
        out += self.column_totals or []
        if self.grand_total is not None:
            out.append(self.grand_total)
        return out


# An entry is addressed by a key: ("cell", i, j), ("row_total", i), ("column_total", j), ("grand",).
Key = tuple


def _bounds(key: Key, values: dict[Key, int], hidden: dict[Key, str]) -> tuple[float, float]:
    """What a reader knows of an entry from its label alone."""
    if key not in hidden:
        v = values[key]
        return (v, v)
    if hidden[key] == SMALL:
        return (SMALL_MIN, SMALL_MAX)
    # Complementary entries are counts of 11 or more (zeros are never chosen to protect anything).
    return (SMALL_MAX + 1, math.inf)


def _pinned(members: Sequence[Key], total: Key, values: dict[Key, int], hidden: dict[Key, str]) -> bool:
    """True if some hidden entry of this line is fixed by the line's sum and the labels."""
    if not any(k in hidden for k in (*members, total)):
        return False
    b = {k: _bounds(k, values, hidden) for k in (*members, total)}
    for k in members:
        if k not in hidden:
            continue
        # k = total - (sum of the other members)
        others = [b[o] for o in members if o != k]
        low = max(b[k][0], b[total][0] - sum(o[1] for o in others))
        high = min(b[k][1], b[total][1] - sum(o[0] for o in others))
        if low >= high:
            return True
    if total in hidden:
        low = max(b[total][0], sum(b[k][0] for k in members))
        high = min(b[total][1], sum(b[k][1] for k in members))
        if low >= high:
            return True
    return False


def _table_pinned(
    values: dict[Key, int], hidden: dict[Key, str], lines: list[tuple[list[Key], Key]]
) -> Key | None:
    """A small hidden count whose value the whole table fixes (every line's sum at once), or None.

    For each hidden entry, linear programming finds the least and greatest value it can take given
    every line's sum and every label; if only one whole number fits, the entry can be recovered.
    """
    if not hidden or not lines:
        return None
    keys = list(values)
    position = {k: n for n, k in enumerate(keys)}
    a_eq = np.zeros((len(lines), len(keys)))
    for row, (members, total) in enumerate(lines):
        for k in members:
            a_eq[row, position[k]] = 1
        a_eq[row, position[total]] = -1
    b_eq = np.zeros(len(lines))
    bounds = []
    for k in keys:
        low, high = _bounds(k, values, hidden)
        bounds.append((low, None if math.isinf(high) else high))
    # Only small counts need protecting here: a hidden count of 11 or more that the table gives back
    # discloses nothing small by itself, and any small count it would lead to is caught directly.
    for k in sorted(k for k, reason in hidden.items() if reason == SMALL):
        c = np.zeros(len(keys))
        c[position[k]] = 1
        low = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        high = linprog(-c, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        if low.status != 0 or high.status not in (0, 3):  # 3: unbounded above, so not pinned
            continue
        if high.status == 0 and math.floor(-high.fun + 1e-7) <= math.ceil(low.fun - 1e-7):
            return k
    return None


def suppress_lines(
    values: dict[Key, int], lines: list[tuple[list[Key], Key]], *, whole_table: bool = True
) -> dict[Key, str]:
    """The entries to hide ({key: "small" | "complementary"}) among counts tied by sums.

    `values` are every count shown (cells and totals alike); each line says that its members add up
    to its total. Tables of any shape can be protected together this way: months and years of a
    trend, for instance, where a year is the sum of its months.
    """
    hidden: dict[Key, str] = {k: SMALL for k, v in values.items() if is_small(v)}
    lines_of: dict[Key, list[int]] = {}
    for index, (members, total) in enumerate(lines):
        for k in (*members, total):
            lines_of.setdefault(k, []).append(index)

    def score(k: Key, line: int) -> tuple:
        # Prefer a count whose other line also needs protecting (one hide serves both), then the smallest.
        helps = sum(1 for other in lines_of[k] if other != line and _pinned(*lines[other], values, hidden))
        return (-helps, values[k], k)

    def line_pass() -> None:
        changed = True
        while changed:
            changed = False
            for index, (members, total) in enumerate(lines):
                while _pinned(members, total, values, hidden):
                    candidates = [k for k in members if k not in hidden and values[k] > SMALL_MAX]
                    if candidates:
                        pick = min(candidates, key=lambda k, line=index: score(k, line))
                    elif total not in hidden and values[total] > SMALL_MAX:
                        pick = total
                    else:
                        break  # nothing left to hide in this line: every count in it is hidden or zero
                    hidden[pick] = COMPLEMENTARY
                    changed = True

    line_pass()
    if whole_table:
        # Rows and columns together can pin a count that no single line does (a 2 x 2 block of
        # hidden counts with small sums, for instance): solve the table and widen where needed.
        while (key := _table_pinned(values, hidden, lines)) is not None:
            near = {k for index in lines_of[key] for k in (*lines[index][0], lines[index][1])}
            candidates = [k for k in near if k not in hidden and values[k] > SMALL_MAX]
            if not candidates:  # widen further: any count still shown, the smallest first
                candidates = [k for k in values if k not in hidden and values[k] > SMALL_MAX]
            if not candidates:
                break
            hidden[min(candidates, key=lambda k: (values[k], k))] = COMPLEMENTARY
            line_pass()
    return hidden


def suppress_table(
    cells: Sequence[Sequence[int]],
    *,
    row_totals: bool = True,
    column_totals: bool = True,
    whole_table: bool = True,
) -> SuppressedTable:
    """Protect a table of counts (rows x columns) shown with its row and/or column totals.

    The grand total is shown when both row and column totals are. `whole_table` adds the
    audit of all lines at once (linear programming) after the line-by-line rule.
    """
    rows = [list(map(int, r)) for r in cells]
    n_rows = len(rows)
    n_cols = len(rows[0]) if rows else 0
    if any(len(r) != n_cols for r in rows):
        raise ValueError("every row of the table must have the same number of columns")
    if any(v < 0 for r in rows for v in r):
        raise ValueError("counts cannot be negative")

    values: dict[Key, int] = {("cell", i, j): rows[i][j] for i in range(n_rows) for j in range(n_cols)}
    lines: list[tuple[list[Key], Key]] = []
    if row_totals:
        for i in range(n_rows):
            values[("row_total", i)] = sum(rows[i])
            lines.append(([("cell", i, j) for j in range(n_cols)], ("row_total", i)))
    if column_totals:
        for j in range(n_cols):
            values[("column_total", j)] = sum(rows[i][j] for i in range(n_rows))
            lines.append(([("cell", i, j) for i in range(n_rows)], ("column_total", j)))
    if row_totals and column_totals:
        values[("grand",)] = sum(map(sum, rows))
        lines.append(([("row_total", i) for i in range(n_rows)], ("grand",)))
        lines.append(([("column_total", j) for j in range(n_cols)], ("grand",)))

    hidden = suppress_lines(values, lines, whole_table=whole_table)

    def cell(key: Key) -> Cell:
        return Cell(value=values[key], hidden=key in hidden, reason=hidden.get(key, ""))

    return SuppressedTable(
        cells=[[cell(("cell", i, j)) for j in range(n_cols)] for i in range(n_rows)],
        row_totals=[cell(("row_total", i)) for i in range(n_rows)] if row_totals else None,
        column_totals=[cell(("column_total", j)) for j in range(n_cols)] if column_totals else None,
        grand_total=cell(("grand",)) if (row_totals and column_totals) else None,
    )


def suppress_counts(counts: Mapping[str, int], *, total: bool = True) -> tuple[dict[str, Cell], Cell | None]:
    """A single list of counts (e.g. stops by race) shown with its total."""
    keys = list(counts)
    table = suppress_table([[counts[k] for k in keys]], row_totals=total, column_totals=False)
    cells = dict(zip(keys, table.cells[0], strict=True)) if keys else {}
    return cells, (table.row_totals[0] if table.row_totals else None)


def suppress_figure(figure: Figure, *, hide: bool = False) -> Figure:
    """The figure as the public may see it.

    Hidden when any count it was computed from is between 1 and 10 (or when `hide` is set, e.g.
    because its count was hidden as complementary in the table beside it): the value, interval,
    numerator and denominator are then all removed, since a rate or a share with its population
    would give the count back.
    """
    if figure.not_recorded or not (hide or any(is_small(c) for c in figure.counts)):
        return figure  # what the file does not record hides no count
    return figure.with_(
        numerator=None, denominator=None, value=None, interval=None, n=None, suppressed=True, counts=()
    )


def protect_by_race(
    counts: Mapping[str, int], figures: Mapping[str, Mapping[str, Figure]], *, total: bool = True
) -> tuple[dict[str, Cell], Cell | None, dict[str, dict[str, Figure]]]:
    """Counts by race shown with figures computed from them (shares, rates, ratios) beside them.

    A rate, a share, a ratio or an interval can give a hidden count back (rate x population,
    share x total, a ratio to a hidden white rate), so a figure is hidden when any count it was
    built on is hidden beside it: the race's own count, the white count behind a ratio, the total
    behind a share. Matching is by value, which can hide a figure that merely shares a number with
    a hidden count: more protection, never less. Figures built on a count of 1 to 10 are hidden too.
    """
    cells, total_cell = suppress_counts(counts, total=total)
    hidden_values = {cell.value for cell in cells.values() if cell.hidden}
    if total_cell is not None and total_cell.hidden:
        hidden_values.add(total_cell.value)
    public: dict[str, dict[str, Figure]] = {}
    for race, by_name in figures.items():
        own = race in cells and cells[race].hidden
        public[race] = {
            name: suppress_figure(fig, hide=own or any(c in hidden_values for c in fig.counts))
            for name, fig in by_name.items()
        }
    return cells, total_cell, public
