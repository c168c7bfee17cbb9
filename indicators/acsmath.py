"""The figures of the outcomes pages (pure: no Django, no database); docs/indicators.md gives the
formulas with a worked example.

- Derived ACS estimates carry margins of error by the Census Bureau's approximations (ACS General
  Handbook, 2020, ch. 8): a sum's MOE is the root of the sum of squares; a proportion p = X/Y (X a
  subset of Y) has MOE sqrt(MOE_X^2 - p^2 MOE_Y^2) / Y, and when the radicand is negative the ratio
  formula sqrt(MOE_X^2 + p^2 MOE_Y^2) / Y is used instead. MOEs are 90 %; SE = MOE / 1.645,
  CV = SE / estimate.
- A figure with CV over 30 % is unreliable (shown greyed); one whose universe has fewer than
  MIN_UNIVERSE people is not shown at all.
- Local counts (a city's own records, complete counts rather than a sample) get a 90 % Wilson interval.
- Ratios between groups (each group against the best group, and against white residents) carry the
  ratio formula's MOE.
- The equality score (1-100) follows the Equality Indicators: the ratio of the worst-off group's
  adverse outcome to the best-off group's, turned into a score on a log scale (`equality_score`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

Z90 = 1.645
CV_LIMIT = 0.30
MIN_UNIVERSE = 100  # ACS: fewer people than this in the universe and the figure is not shown
MIN_LOCAL = 11  # local counts: a denominator under 11 is not shown (as the police pages' small cells)
MIN_LOCAL_RELIABLE = 50  # local counts: fewer than 50 and the figure is greyed
SCORE_WORST_RATIO = 5.0  # a ratio of 5 or more scores 1


@dataclass(frozen=True)
class Estimate:
    """A value with its 90 % margin of error (None when not available)."""

    value: float | None
    moe: float | None


@dataclass(frozen=True)
class Derived:
    """A figure as the pages show it: value, 90 % interval, reliability, why it is not shown."""

    value: float | None
    moe: float | None
    low: float | None
    high: float | None
    numerator: float | None
    denominator: float | None
    cv: float | None
    reliable: bool
    shown: bool
    formula: str  # "proportion", "ratio (radicand negative)", "median", "Wilson", "ratio"
    why: str = ""  # why not shown or unreliable, in words

    @property
    def greyed(self) -> bool:
        return self.shown and not self.reliable


def sum_estimates(parts: Iterable[Estimate]) -> Estimate:
    """A sum of ACS estimates: values add, MOEs by the root of the sum of squares.

    A part whose estimate is not available makes the sum not available."""
    parts = list(parts)
    if not parts or any(p.value is None for p in parts):
        return Estimate(None, None)
    value = sum(p.value for p in parts)  # type: ignore[misc]
    if any(p.moe is None for p in parts):
        return Estimate(value, None)
    return Estimate(value, math.sqrt(sum(p.moe**2 for p in parts)))  # type: ignore[operator]


def cv_of(value: float | None, moe: float | None) -> float | None:
    if value is None or moe is None:
        return None
    if value == 0:
        return math.inf if moe > 0 else 0.0
    return (moe / Z90) / abs(value)


def proportion(numerator: Estimate, denominator: Estimate, *, min_universe: int = MIN_UNIVERSE) -> Derived:
    """p = X / Y with X a subset of Y, its MOE by the handbook's proportion formula (ratio formula
    when the radicand is negative), its 90 % interval clipped to [0, 1]."""
    x, y = numerator.value, denominator.value
    if x is None or y is None:
        return _hidden(
            x, y, "proportion", "The Census Bureau did not publish this estimate (too few people sampled)."
        )
    if y < min_universe:
        return _hidden(x, y, "proportion", f"Too few people: fewer than {min_universe} in the universe.")
    p = x / y
    if numerator.moe is None or denominator.moe is None:
        return Derived(
            p,
            None,
            None,
            None,
            x,
            y,
            None,
            False,
            True,
            "proportion",
            "No margin of error was published: how sure this is cannot be said.",
        )
    radicand = numerator.moe**2 - p**2 * denominator.moe**2
    formula = "proportion"
    if radicand < 0:
        radicand = numerator.moe**2 + p**2 * denominator.moe**2
        formula = "ratio (radicand negative)"
    moe = math.sqrt(radicand) / y
    return _finish(p, moe, x, y, formula, clip=(0.0, 1.0))


def ratio(numerator: Estimate, denominator: Estimate) -> Derived:
    """R = X / Y for X not a subset of Y (two groups), MOE by the handbook's ratio formula."""
    x, y = numerator.value, denominator.value
    if x is None or y is None or y == 0:
        return _hidden(x, y, "ratio", "Not available: one of the two figures is missing or zero.")
    r = x / y
    if numerator.moe is None or denominator.moe is None:
        return Derived(r, None, None, None, x, y, None, False, True, "ratio", "No margin of error.")
    moe = math.sqrt(numerator.moe**2 + r**2 * denominator.moe**2) / y
    return _finish(r, moe, x, y, "ratio", clip=(0.0, math.inf))


def median(value: Estimate, *, note: str = "") -> Derived:
    """A published median (B19013): shown as published with its 90 % interval."""
    if value.value is None:
        return _hidden(
            None,
            None,
            "median",
            "The Census Bureau did not publish this median (too few households sampled).",
        )
    if value.moe is None:
        return Derived(
            value.value,
            None,
            None,
            None,
            None,
            None,
            None,
            False,
            True,
            "median",
            "No margin of error was published" + (f" ({note})" if note else "") + ".",
        )
    return _finish(value.value, value.moe, None, None, "median", clip=(0.0, math.inf))


def wilson(k: float, n: float, *, z: float = Z90) -> Derived:
    """A local count: k of n, with the Wilson interval (90 % by default), greyed under 50 people."""
    if n < MIN_LOCAL:
        return _hidden(k, n, "Wilson", f"Too few people: fewer than {MIN_LOCAL} counted.")
    if k < 0 or k > n:
        raise ValueError("The count must be between 0 and the total.")
    p = k / n
    denom = 1 + z**2 / n
    centre = (p + z**2 / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
    reliable = n >= MIN_LOCAL_RELIABLE
    return Derived(
        p,
        None,
        max(0.0, centre - half),
        min(1.0, centre + half),
        k,
        n,
        None,
        reliable,
        True,
        "Wilson",
        "" if reliable else f"Unreliable: only {int(n)} people counted.",
    )


def _hidden(x, y, formula: str, why: str) -> Derived:
    return Derived(None, None, None, None, x, y, None, False, False, formula, why)


def _finish(value: float, moe: float, x, y, formula: str, *, clip: tuple[float, float]) -> Derived:
    cv = cv_of(value, moe)
    reliable = cv is not None and cv <= CV_LIMIT
    why = "" if reliable else "Unreliable: the margin of error is large (coefficient of variation over 30%)."
    low = max(clip[0], value - moe)
    high = min(clip[1], value + moe)
    return Derived(value, moe, low, high, x, y, cv, reliable, True, formula, why)


def complement(d: Derived) -> Derived:
    """1 - p (the adverse share of a higher-is-better proportion), same MOE, interval flipped."""
    if d.value is None:
        return d
    low = None if d.high is None else 1 - d.high
    high = None if d.low is None else 1 - d.low
    cv = cv_of(1 - d.value, d.moe) if d.moe is not None else d.cv
    return replace(d, value=1 - d.value, low=low, high=high, cv=cv)


# ------------------------------------------------------------------------------ groups compared


def group_ratio(group: Derived, reference: Derived) -> Derived:
    """The ratio of two groups' figures, with the handbook's ratio formula and a 90 % interval.

    For a Wilson figure (no MOE) the MOE is taken as half its interval's width."""
    return ratio(_as_estimate(group), _as_estimate(reference))


def _as_estimate(d: Derived) -> Estimate:
    moe = d.moe
    if moe is None and d.low is not None and d.high is not None:
        moe = (d.high - d.low) / 2
    return Estimate(d.value, moe)


def best_group(figures: Mapping[str, Derived], *, lower_is_better: bool) -> str | None:
    """The group with the best outcome among those shown and reliable."""
    usable = {g: f for g, f in figures.items() if f.shown and f.reliable and f.value is not None}
    if not usable:
        return None
    pick = min if lower_is_better else max
    return pick(usable, key=lambda g: (usable[g].value, g))


def adverse_ratio(worst: float, best: float) -> float:
    """How many times the worst-off group's adverse outcome is the best-off group's (>= 1)."""
    if best <= 0:
        return math.inf
    return max(1.0, worst / best)


def equality_score(r: float) -> int:
    """1-100 from a ratio r >= 1: 100 at equality, 1 at a ratio of SCORE_WORST_RATIO or more,
    log scale between: 100 - 99 * ln(r) / ln(5), rounded half up."""
    if r <= 1:
        return 100
    if not math.isfinite(r):
        return 1
    share = min(1.0, math.log(r) / math.log(SCORE_WORST_RATIO))
    return max(1, math.floor(100 - 99 * share + 0.5))


@dataclass(frozen=True)
class Score:
    score: int
    ratio: float
    worst: str
    best: str
    worst_value: float
    best_value: float


def indicator_score(figures: Mapping[str, Derived], *, lower_is_better: bool, kind: str) -> Score | None:
    """The equality score of one indicator over its groups (shown and reliable only).

    Proportions are compared on their adverse share (poverty as it is; for a higher-is-better share,
    such as a bachelor's degree, the share without one); medians (income) best over worst."""
    usable = {g: f for g, f in figures.items() if f.shown and f.reliable and f.value is not None}
    if len(usable) < 2:
        return None
    if kind == "median":
        values = {g: f.value for g, f in usable.items()}
        best = max(values, key=lambda g: (values[g], g))
        worst = min(values, key=lambda g: (values[g], g))
        r = adverse_ratio(values[best], values[worst])  # type: ignore[arg-type]
    else:
        values = {g: (f.value if lower_is_better else 1 - f.value) for g, f in usable.items()}  # type: ignore[operator]
        best = min(values, key=lambda g: (values[g], g))
        worst = max(values, key=lambda g: (values[g], g))
        r = adverse_ratio(values[worst], values[best])  # type: ignore[arg-type]
    return Score(equality_score(r), r, worst, best, values[worst], values[best])  # type: ignore[arg-type]


def theme_score(scores: Iterable[int]) -> int | None:
    """A theme's score: the mean of its indicators' scores, rounded half up."""
    scores = list(scores)
    if not scores:
        return None
    return math.floor(sum(scores) / len(scores) + 0.5)
