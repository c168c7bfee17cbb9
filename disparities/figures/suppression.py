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
from collections.abc import Iterable, Mapping, Sequence
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


# ---------------------------------------------------------------------------------------------
# One system of sums for a whole published page, and its audit as an integer program.
#
# The rule, in words (docs/disparities-stats.md, "Small cells"): everything a published page shows,
# taken together, must still allow every value from 1 to 10 for a count shown as "<11"; and any
# other hidden count (one hidden so that a small one cannot be worked out) must keep a range of at
# least PROTECTION_WIDTH whole numbers: as wide as "<11" itself, so it never tells more than a small
# count's label does. The only narrowing allowed is what the labels say by themselves (two "<11"
# counts in a sum with nothing else shown add up to at least 2). A reader is assumed to know every
# sum the page shows (within a table and across tables), that "<11" means 1 to 10 and that
# "suppressed" means 11 or more.

PROTECTION_WIDTH = 10


@dataclass
class System:
    """Every count of a page (`values`, by key) and what ties them.

    - `sums`: (members, total): the members add up to the total;
    - `spans`: (members, total): a distinct total (incidents of several races counted once): at least
      each member, at most their sum;
    - `order`: (a, b): a is never more than b (persons among rows, a share's part among its whole).
    """

    values: dict[Key, int]
    sums: list[tuple[list[Key], Key]]
    spans: list[tuple[list[Key], Key]] = None  # type: ignore[assignment]
    order: list[tuple[Key, Key]] = None  # type: ignore[assignment]

    def __post_init__(self) -> None:
        self.spans = list(self.spans or [])
        self.order = list(self.order or [])

    def rows(self) -> list[tuple[dict[Key, int], bool]]:
        """Every relation as ({key: coefficient}, is_equality) meaning sum == 0 or sum <= 0."""
        out: list[tuple[dict[Key, int], bool]] = []
        for members, total in self.sums:
            rel: dict[Key, int] = {}
            for k in members:
                rel[k] = rel.get(k, 0) + 1
            rel[total] = rel.get(total, 0) - 1
            out.append((rel, True))
        for members, total in self.spans:
            rel = dict.fromkeys(members, -1)
            rel[total] = rel.get(total, 0) + 1
            out.append((rel, False))
            out += [({k: 1, total: -1}, False) for k in members if k != total]
        out += [({a: 1, b: -1}, False) for a, b in self.order if a != b]
        return out


@dataclass(frozen=True)
class Failure:
    """A hidden count that what is shown narrows too much: the range a reader can work out."""

    key: Key
    value: int
    reason: str
    least: float
    most: float

    def describe(self) -> str:
        most = "any number" if math.isinf(self.most) else f"{self.most:g}"
        return (
            f"{self.key}: {self.value} hidden as {self.reason}, can be worked out to {self.least:g} .. {most}"
        )


def _solve_bounds(
    system: System,
    hidden: Mapping[Key, str],
    keys: Sequence[Key],
    *,
    integer: bool,
    labels_only: bool = False,
) -> dict[Key, tuple[float, float]]:
    """The least and greatest value a reader can give each of `keys` (hidden counts).

    Shown counts are constants, so the program has one variable per hidden count only, and hidden
    counts that share no sum are solved apart (a page falls into many small programs). With
    `integer`, each bound is first solved as a linear program: when the solver's optimal point is
    whole numbers it is the integer program's optimum too; only otherwise is `milp` run.
    """
    from scipy.optimize import Bounds, LinearConstraint, milp

    big = 10 * max([*system.values.values(), 1]) + 1000
    relations: list[tuple[dict[Key, int], bool, float]] = []  # hidden part, equality, right-hand side
    for rel, equality in system.rows():
        if not any(k in hidden for k in rel):
            continue
        if labels_only and any(k not in hidden and system.values[k] != 0 for k in rel):
            continue  # a relation with a number shown in it: not what the labels alone say
        part = {k: c for k, c in rel.items() if k in hidden}
        constant = sum(c * system.values[k] for k, c in rel.items() if k not in hidden)
        relations.append((part, equality, -constant))
    # Connected groups of hidden counts (linked by a relation they share).
    parent = {k: k for k in hidden}

    def find(k: Key) -> Key:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for part, _eq, _rhs in relations:
        first, *rest = list(part)
        for k in rest:
            a, b = find(first), find(k)
            if a != b:
                parent[a] = b
    groups: dict[Key, list[Key]] = {}
    for k in hidden:
        groups.setdefault(find(k), []).append(k)
    rows_of: dict[Key, list[int]] = {}
    for index, (part, _eq, _rhs) in enumerate(relations):
        rows_of.setdefault(find(next(iter(part))), []).append(index)

    out: dict[Key, tuple[float, float]] = {}
    wanted: dict[Key, list[Key]] = {}
    for k in keys:
        wanted.setdefault(find(k), []).append(k)
    for root, targets in wanted.items():
        variables = groups[root]
        position = {k: n for n, k in enumerate(variables)}
        low = np.array([SMALL_MIN if hidden[k] == SMALL else SMALL_MAX + 1 for k in variables], dtype=float)
        high = np.array([SMALL_MAX if hidden[k] == SMALL else big for k in variables], dtype=float)
        eq_rows, eq_rhs, le_rows, le_rhs = [], [], [], []
        for index in rows_of.get(root, []):
            part, equality, rhs = relations[index]
            row = np.zeros(len(variables))
            for k, c in part.items():
                row[position[k]] += c
            (eq_rows if equality else le_rows).append(row)
            (eq_rhs if equality else le_rhs).append(rhs)
        a_eq = np.array(eq_rows) if eq_rows else None
        a_ub = np.array(le_rows) if le_rows else None
        bounds = list(zip(low, high, strict=True))
        constraints = []
        if eq_rows:
            constraints.append(LinearConstraint(a_eq, eq_rhs, eq_rhs))
        if le_rows:
            constraints.append(LinearConstraint(a_ub, -np.inf, le_rhs))
        for k in targets:
            found = []
            for sense in (1, -1):
                c = np.zeros(len(variables))
                c[position[k]] = sense
                res = linprog(
                    c,
                    A_eq=a_eq,
                    b_eq=eq_rhs or None,
                    A_ub=a_ub,
                    b_ub=le_rhs or None,
                    bounds=bounds,
                    method="highs",
                )
                if res.status != 0:
                    raise ValueError(f"the page's sums have no solution: {res.message}")
                x = res.x
                if integer and not np.allclose(x, np.round(x), atol=1e-7):
                    res = milp(
                        c,
                        constraints=constraints,
                        integrality=np.ones(len(variables)),
                        bounds=Bounds(low, high),
                    )
                    if res.status != 0:
                        raise ValueError(f"the page's sums have no solution: {res.message}")
                    x = res.x
                found.append(x[position[k]])
            least, most = math.ceil(found[0] - 1e-6), math.floor(found[1] + 1e-6)
            out[k] = (least, math.inf if most >= big else most)
    return out


def _failure(
    key: Key, value: int, reason: str, least: float, most: float, floor: tuple[float, float]
) -> Failure | None:
    """Whether the range a reader can work out is as wide as the rule asks.

    `floor` is the range the labels alone already give (every hidden count in a sum with nothing
    shown but zeros: two "<11" counts add up to at least 2): what is shown must narrow nothing more.
    """
    as_wide_as_labels = least <= floor[0] and most >= floor[1]
    if reason == SMALL:
        ok = (least <= SMALL_MIN and most >= SMALL_MAX) or as_wide_as_labels
    else:
        ok = most - least + 1 >= PROTECTION_WIDTH or as_wide_as_labels
    return None if ok else Failure(key, value, reason, least, most)


def audit(
    system: System, hidden: Mapping[Key, str], *, integer: bool = True, keys: Iterable[Key] | None = None
) -> list[Failure]:
    """Every hidden count that the page, solved as a whole, narrows more than the rule allows.

    With `integer` (the audit run before publishing) each count is minimised and maximised as an
    integer program (scipy's `milp`, HiGHS); without it, as a linear program (faster, and never
    narrower, so a count it finds narrowed is narrowed). `keys`: only these hidden counts."""
    if not hidden:
        return []
    wanted = sorted(hidden if keys is None else (k for k in keys if k in hidden), key=repr)
    bounds = _solve_bounds(system, hidden, wanted, integer=integer)
    full = (-math.inf, math.inf)
    narrow = [
        k for k, (least, most) in bounds.items()
        if _failure(k, system.values[k], hidden[k], least, most, full) is not None
    ]  # fmt: skip
    floors = _solve_bounds(system, hidden, narrow, integer=integer, labels_only=True) if narrow else {}
    failures = []
    for k in narrow:
        failure = _failure(k, system.values[k], hidden[k], *bounds[k], floors[k])
        if failure is not None:
            failures.append(failure)
    return failures


def protect(system: System, *, max_rounds: int = 400) -> dict[Key, str]:
    """The counts to hide ({key: "small" | "complementary"}) so that `audit` finds nothing.

    Primary suppression hides every count from 1 to 10; the line rule (`suppress_lines`) then hides
    what single sums give away; then, until the audit of the whole page passes, each count it finds
    narrowed gets one more count hidden beside it (in a sum it belongs to): a count large enough to
    move by the protection needed, the smallest such, else the largest there is. The audit runs as a
    linear program while it finds something, and as an integer program to confirm the end.
    """
    values = system.values
    hidden = suppress_lines(values, system.sums, whole_table=False) if system.sums else {}
    hidden.update({k: SMALL for k, v in values.items() if is_small(v)})
    relations_of: dict[Key, list[int]] = {}
    rows = system.rows()
    for index, (rel, _eq) in enumerate(rows):
        for k in rel:
            relations_of.setdefault(k, []).append(index)

    def neighbours(k: Key) -> set[Key]:
        return {o for index in relations_of.get(k, []) for o in rows[index][0] if o != k}

    def candidates(k: Key) -> list[Key]:
        ring = neighbours(k)
        seen = {k}
        for _depth in range(4):
            found = [o for o in ring if o not in hidden and values[o] > SMALL_MAX]
            if found:
                return found
            seen |= ring
            ring = {n for o in ring if o in hidden for n in neighbours(o)} - seen
            if not ring:
                break
        return [o for o, v in values.items() if o not in hidden and v > SMALL_MAX]

    # Hiding a count only widens what a reader can work out of the others (a number becomes a
    # range), so a count the audit passed once stays passed: each round audits only the counts that
    # failed the last one and those just hidden.
    integer = False
    pending: set[Key] = set(hidden)
    for _round in range(max_rounds):
        failures = audit(system, hidden, integer=integer, keys=pending)
        if not failures:
            if integer:
                break
            integer, pending = True, set(hidden)
            continue
        touched: set[Key] = set()
        picked: set[Key] = set()
        for failure in failures:
            if failure.key in touched:
                continue
            need = PROTECTION_WIDTH
            found = candidates(failure.key)
            if not found:
                continue
            roomy = [o for o in found if values[o] >= SMALL_MAX + 1 + need]
            pick = (
                min(roomy, key=lambda o: (values[o], repr(o)))
                if roomy
                else max(found, key=lambda o: values[o])
            )
            hidden[pick] = COMPLEMENTARY
            picked.add(pick)
            touched |= {pick, *neighbours(pick)}
        if not picked:
            break  # nothing left to hide: the audit before publishing will say where
        pending = {f.key for f in failures} | picked
    return hidden
