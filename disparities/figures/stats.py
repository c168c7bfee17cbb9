"""The statistics behind the disparity dashboards, the JSON report and the printed report.

Pure functions over plain numbers: no database, no Django. Every figure the app shows is a
`Figure`: what it counts (its unit), the numerator and denominator it was computed from, its value,
its 95% interval, and whether it is reliable enough to read (and, once `suppression` has looked at
it, whether it is hidden from the public).

Methods (docs/disparities-stats.md explains them in plain language):
- proportions (search rate, hit rate, arrest rate ...): Wilson score interval;
- counts and rates per 1,000 residents: exact (Garwood) Poisson interval;
- ratio of two rates per resident (to the white rate): log interval, SE = sqrt(1/a + 1/b);
- ratio of two proportions (e.g. search rates): Katz log interval, SE = sqrt(1/a - 1/n1 + 1/b - 1/n2).

Where a value is undefined (nothing to divide by) it is None and so is its interval; where the
value is defined but its interval is not (a ratio with zero events on one side), the interval is None.
Nothing here raises on zero counts or empty groups.
"""

from __future__ import annotations

import functools
import math
import numbers
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from decimal import Decimal
from typing import Any

from scipy.special import gammaincinv
from scipy.stats import norm

RACES = (
    "black", "hispanic", "white", "asian_pacific_islander", "native_american", "middle_eastern_south_asian",
    "multiracial", "other", "unknown",
)  # fmt: skip
REFERENCE_RACE = "white"

# A proportion computed on fewer than this many records (stops, searches, arrests ...) is unreliable.
MIN_DENOMINATOR = 50
# A rate per resident computed on fewer than this many events is unreliable.
MIN_EVENTS = 20
PER = 1000  # rates are given per 1,000 residents
LEVEL = 0.95


@dataclass(frozen=True)
class Figure:
    """One number as the dashboards, the exports and the JSON report show it.

    `unit` says what is counted or how the value reads ("stops", "searches per stop",
    "stops per 1,000 residents", "ratio to the white rate"). `interval` is (low, high) at `level`.
    `n` is the size on which reliability is judged (records for a proportion, events for a rate).
    `suppressed` is set by `disparities.suppression` for what the public sees: the value and
    everything it could be recovered from are then None.
    """

    unit: str
    numerator: float | None
    denominator: float | None
    value: float | None
    interval: tuple[float, float] | None
    reliable: bool
    n: int | None
    suppressed: bool = False
    method: str = ""
    level: float = LEVEL
    # The raw counts the figure was computed from (events, records, the reference group's counts):
    # small-cell protection looks at them; the JSON report leaves them out.
    counts: tuple[int, ...] = ()
    # Why there is no value: the file does not record what the figure counts ("Not recorded in this
    # file: no column for contraband found was mapped."). Never 0: what is absent is not zero.
    not_recorded: str = ""

    @property
    def note(self) -> str:
        """The words shown next to a greyed figure ("unreliable, n = 12"), the reason a figure is
        not recorded, or ""."""
        if self.not_recorded:
            return self.not_recorded
        if self.suppressed or self.reliable:
            return ""
        return f"unreliable, n = {self.n if self.n is not None else 0}"

    def as_dict(self) -> dict[str, Any]:
        """The figure as the JSON report writes it (floats, lists, None; no numpy types)."""
        data = asdict(self)
        data.pop("counts")
        for key in ("numerator", "denominator", "value", "n", "level"):
            data[key] = _plain(data[key])
        data["interval"] = [_plain(v) for v in self.interval] if self.interval is not None else None
        # A hidden figure says nothing of itself: not even whether its count reaches 20 or 50.
        data["reliable"] = None if self.suppressed else bool(self.reliable)
        data["suppressed"] = bool(self.suppressed)
        data["note"] = self.note
        return data

    def with_(self, **changes: Any) -> Figure:
        return replace(self, **changes)


# JSON Schema (draft 2020-12) of `Figure.as_dict()`: the report's schema refers to it for every figure.
FIGURE_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "figure.schema.json",
    "title": "Figure",
    "description": "One number of a disparity report, with what it counts and how sure it is.",
    "type": "object",
    "required": [
        "unit",
        "numerator",
        "denominator",
        "value",
        "interval",
        "reliable",
        "n",
        "suppressed",
        "method",
        "level",
        "note",
    ],
    "additionalProperties": False,
    "properties": {
        "unit": {"type": "string", "description": "what is counted, or how the value reads"},
        "numerator": {"type": ["number", "null"], "description": "null when suppressed"},
        "denominator": {"type": ["number", "null"], "description": "null when suppressed or not applicable"},
        "value": {"type": ["number", "null"], "description": "null when undefined or suppressed"},
        "interval": {
            "type": ["array", "null"],
            "items": {"type": "number"},
            "minItems": 2,
            "maxItems": 2,
            "description": "[low, high] at `level`; null when undefined or suppressed",
        },
        "reliable": {
            "type": ["boolean", "null"],
            "description": "false under 50 records or 20 events; null when suppressed",
        },
        "n": {"type": ["integer", "null"], "description": "the size reliability is judged on"},
        "suppressed": {"type": "boolean", "description": "hidden by small-cell protection"},
        "method": {"type": "string", "description": "how the interval was computed"},
        "level": {"type": "number", "description": "confidence level of the interval"},
        "note": {
            "type": "string",
            "description": "'unreliable, n = ...', the reason the figure is not recorded, or ''",
        },
        "not_recorded": {
            "type": "string",
            "description": "'' when recorded; when the file (or the agency) does not record what the figure counts: "
            "why, in words; `value`, `interval`, `numerator`, `denominator` and `n` are then null (never 0)",
        },
    },
}


def not_recorded(reason: str, *, unit: str) -> Figure:
    """A figure the file does not record: no value, no interval, and the reason (never 0)."""
    return Figure(
        unit=unit,
        numerator=None,
        denominator=None,
        value=None,
        interval=None,
        reliable=True,
        n=None,
        not_recorded=reason,
    )


def _plain(value: Any) -> Any:
    """Python int/float for JSON (numpy scalars and Decimals from the database included)."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real | Decimal):
        return float(value)
    return value


@functools.lru_cache(maxsize=64)
def _z(level: float) -> float:
    return float(norm.ppf(1 - (1 - level) / 2))


def _check_count(name: str, value: float) -> None:
    if value is None or value < 0 or (isinstance(value, float) and math.isnan(value)):
        raise ValueError(f"{name} must be a number of zero or more, not {value!r}")


# ---------------------------------------------------------------------------------------------
# Intervals


def wilson_interval(successes: int, trials: int, level: float = LEVEL) -> tuple[float, float] | None:
    """Wilson score interval for `successes` out of `trials`; None when there are no trials.

    Valid at the edges: 0/n gives (0, upper) and n/n gives (lower, 1).
    """
    _check_count("successes", successes)
    _check_count("trials", trials)
    if successes > trials:
        raise ValueError(f"successes ({successes}) cannot exceed trials ({trials})")
    if trials == 0:
        return None
    z = _z(level)
    n = float(trials)
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == trials else min(1.0, centre + half)
    return (low, high)


def poisson_interval(count: int, level: float = LEVEL) -> tuple[float, float]:
    """Exact (Garwood) interval for a Poisson count: chi-square quantiles over 2.

    At 0 the lower bound is 0 and the upper bound is -ln(alpha/2) (3.689 at 95%).
    """
    _check_count("count", count)
    return _poisson_interval(int(count), float(level))


@functools.lru_cache(maxsize=65536)
def _poisson_interval(count: int, level: float) -> tuple[float, float]:
    # chi2.ppf(q, 2k) / 2 is gammaincinv(k, q) (what scipy's chi2 computes underneath), without
    # the distribution machinery's overhead (90 us a call): a dashboard computes hundreds of these.
    alpha = 1 - level
    low = 0.0 if count == 0 else float(gammaincinv(count, alpha / 2))
    high = float(gammaincinv(count + 1, 1 - alpha / 2))
    return (low, high)


# ---------------------------------------------------------------------------------------------
# Reliability


def reliable_proportion(denominator: float | None) -> bool:
    return bool(denominator is not None and denominator >= MIN_DENOMINATOR)


def reliable_rate(events: float | None) -> bool:
    return bool(events is not None and events >= MIN_EVENTS)


# ---------------------------------------------------------------------------------------------
# Figures


def count(value: int, *, unit: str, level: float = LEVEL) -> Figure:
    """A count of events with its exact Poisson interval (the count as a draw of a rate)."""
    _check_count("count", value)
    return Figure(
        unit=unit,
        numerator=value,
        denominator=None,
        value=float(value),
        interval=poisson_interval(value, level),
        reliable=reliable_rate(value),
        n=int(value),
        method="exact Poisson (Garwood)",
        level=level,
        counts=(int(value),),
    )


def proportion(successes: int, trials: int, *, unit: str, level: float = LEVEL) -> Figure:
    """`successes / trials` with its Wilson interval; unreliable on fewer than 50 trials."""
    interval = wilson_interval(successes, trials, level)
    return Figure(
        unit=unit,
        numerator=successes,
        denominator=trials,
        value=(successes / trials) if trials else None,
        interval=interval,
        reliable=reliable_proportion(trials),
        n=int(trials),
        method="Wilson score",
        level=level,
        counts=(int(successes), int(trials)),
    )


def search_rate(searches: int, stops: int, *, level: float = LEVEL) -> Figure:
    """Share of stops in which a search was made."""
    return proportion(searches, stops, unit="searches per stop", level=level)


def hit_rate(hits: int, searches: int, *, level: float = LEVEL) -> Figure:
    """Share of searches that found contraband (the outcome test)."""
    return proportion(hits, searches, unit="searches finding contraband per search", level=level)


def outcome_rate(events: int, stops: int, *, outcome: str, level: float = LEVEL) -> Figure:
    """Share of stops ending in `outcome` ("arrest", "citation", "warning", "frisk") with its Wilson interval."""
    return proportion(events, stops, unit=f"stops with {outcome} per stop", level=level)


def rate_per_resident(
    events: int,
    population: float | None,
    *,
    unit: str,
    per: int = PER,
    level: float = LEVEL,
    population_moe: float | None = None,
) -> Figure:
    """Events per `per` residents with the exact Poisson interval scaled by the population.

    With `population_moe` (the ACS 90% margin of error of the population), the population's own
    uncertainty is carried into the interval by the delta method on the log scale: the relative
    standard error of the population, MOE / 1.645 / population, is added in quadrature to each side
    of the exact Poisson interval (at zero events, to its upper bound). Without it (or at 0, a
    controlled estimate) the population is taken as known. No population: value None.
    """
    _check_count("events", events)
    population = None if population is None else float(population)
    if population is None or population <= 0:
        return Figure(
            unit=unit,
            numerator=events,
            denominator=population,
            value=None,
            interval=None,
            reliable=False,
            n=int(events),
            method="exact Poisson (Garwood)",
            level=level,
            counts=(int(events),),
        )
    low, high = poisson_interval(events, level)
    scale = per / population
    method = "exact Poisson (Garwood)"
    relative_se = _relative_se(population, population_moe)
    if relative_se:
        low, high = _widen(events, low, high, relative_se, level)
        method += ", widened for the ACS margin of error (delta method, log scale)"
    return Figure(
        unit=unit,
        numerator=events,
        denominator=population,
        value=events * scale,
        interval=(low * scale, high * scale),
        reliable=reliable_rate(events),
        n=int(events),
        method=method,
        level=level,
        counts=(int(events),),
    )


ACS_Z = 1.645  # the ACS publishes 90% margins of error


def _relative_se(population: float | None, moe: float | None) -> float:
    """The relative standard error of an ACS estimate from its 90% margin of error (0 if unknown)."""
    if not population or moe is None or moe <= 0:
        return 0.0
    return float(moe) / ACS_Z / float(population)


def _widen(value: float, low: float, high: float, relative_se: float, level: float) -> tuple[float, float]:
    """An interval around `value` with a relative error added in quadrature on the log scale."""
    extra = _z(level) * relative_se
    if value <= 0:
        return (low, high * math.exp(extra))
    down = math.log(value / low) if low > 0 else math.inf
    up = math.log(high / value)
    low = value * math.exp(-math.hypot(down, extra)) if low > 0 else 0.0
    return (low, value * math.exp(math.hypot(up, extra)))


def exact_rate_ratio_interval(
    events: int, population: float, ref_events: int, ref_population: float, level: float = LEVEL
) -> tuple[float, float]:
    """Exact conditional interval for the ratio of two Poisson rates.

    Given a + b events, a is binomial with p = R·Pa / (R·Pa + Pb); the Clopper-Pearson interval of
    p turned back into R = p / (1 - p) · Pb / Pa. At a = 0 the lower bound is 0 and the upper bound
    is still finite (an upper bound at zero). 3 events against 274 on populations whose ratio gives
    R = 4.79: [0.98, 14.1], where the Katz log interval says [1.54, 14.9].
    """
    from scipy.stats import beta

    n = events + ref_events
    alpha = 1 - level
    p_low = 0.0 if events == 0 else float(beta.ppf(alpha / 2, events, n - events + 1))
    p_high = 1.0 if events == n else float(beta.ppf(1 - alpha / 2, events + 1, n - events))
    scale = ref_population / population
    high = math.inf if p_high >= 1 else p_high / (1 - p_high) * scale
    return (p_low / (1 - p_low) * scale, high)


def _log_interval(ratio: float, se: float, level: float) -> tuple[float, float]:
    z = _z(level)
    log_ratio = math.log(ratio)
    return (math.exp(log_ratio - z * se), math.exp(log_ratio + z * se))


def rate_ratio(
    events: int,
    population: float | None,
    ref_events: int,
    ref_population: float | None,
    *,
    unit: str = "ratio to the white rate",
    level: float = LEVEL,
    population_moe: float | None = None,
    ref_population_moe: float | None = None,
) -> Figure:
    """Ratio of two rates per resident (a group's to the reference group's), with its interval.

    `numerator` and `denominator` are the two rates per 1,000 residents.
    With 20 events or more on both sides: SE(log ratio) = sqrt(1/a + 1/b), the Katz log method for
    counts on a population (the binomial terms -1/N vanish for events that are not a share of the
    population). With fewer on either side, where Katz is too narrow and off-centre: the exact
    conditional interval (`exact_rate_ratio_interval`), which also gives an upper bound when the
    group has no events. With the populations' ACS margins of error, their relative standard errors
    are added in quadrature on the log scale (delta method). Value None when the reference rate is
    zero or a population is missing.
    """
    _check_count("events", events)
    _check_count("ref_events", ref_events)
    population = None if population is None else float(population)
    ref_population = None if ref_population is None else float(ref_population)
    value = None
    interval = None
    method = "Katz log (Poisson counts)"
    if population and ref_population and population > 0 and ref_population > 0 and ref_events > 0:
        value = (events / population) / (ref_events / ref_population)
        extra = math.hypot(
            _relative_se(population, population_moe), _relative_se(ref_population, ref_population_moe)
        )
        if min(events, ref_events) < MIN_EVENTS:
            low, high = exact_rate_ratio_interval(events, population, ref_events, ref_population, level)
            interval = (
                _widen(value, low, high, extra, level) if extra and not math.isinf(high) else (low, high)
            )
            method = "exact conditional (Clopper-Pearson)"
        else:
            interval = _log_interval(value, math.sqrt(1 / events + 1 / ref_events + extra**2), level)
        if extra:
            method += ", widened for the ACS margins of error (delta method, log scale)"
    return Figure(
        unit=unit,
        numerator=events / population * PER if population else None,
        denominator=ref_events / ref_population * PER if ref_population else None,
        value=value,
        interval=interval,
        reliable=reliable_rate(events) and reliable_rate(ref_events),
        n=int(min(events, ref_events)),
        method=method,
        level=level,
        counts=(int(events), int(ref_events)),
    )


def proportion_ratio(
    successes: int,
    trials: int,
    ref_successes: int,
    ref_trials: int,
    *,
    unit: str = "ratio to the white rate",
    level: float = LEVEL,
) -> Figure:
    """Ratio of two proportions (e.g. a group's search rate to the white search rate), Katz log.

    SE(log ratio) = sqrt(1/a - 1/n1 + 1/b - 1/n2) (Katz et al. 1978). Value None when a group has
    no records or the reference proportion is zero; interval None when either numerator is zero.
    """
    for name, v in (
        ("successes", successes),
        ("trials", trials),
        ("ref_successes", ref_successes),
        ("ref_trials", ref_trials),
    ):
        _check_count(name, v)
    value = None
    interval = None
    if trials > 0 and ref_trials > 0 and ref_successes > 0:
        value = (successes / trials) / (ref_successes / ref_trials)
        if successes > 0:
            variance = 1 / successes - 1 / trials + 1 / ref_successes - 1 / ref_trials
            interval = _log_interval(value, math.sqrt(max(variance, 0.0)), level)
    return Figure(
        unit=unit,
        numerator=successes / trials if trials else None,
        denominator=ref_successes / ref_trials if ref_trials else None,
        value=value,
        interval=interval,
        reliable=reliable_proportion(trials) and reliable_proportion(ref_trials),
        n=int(min(trials, ref_trials)),
        method="Katz log",
        level=level,
        counts=(int(successes), int(trials), int(ref_successes), int(ref_trials)),
    )


@dataclass(frozen=True)
class ShareRow:
    """One race's share of the events beside its share of the population."""

    race: str
    events: Figure  # share of events (Wilson interval over all events with a known race)
    population_share: float | None
    disparity_index: float | None  # share of events / share of population (1 = proportionate)

    def as_dict(self) -> dict[str, Any]:
        return {
            "race": self.race,
            "events": self.events.as_dict(),
            "population_share": self.population_share,
            "disparity_index": self.disparity_index,
        }


def shares(
    events_by_race: Mapping[str, int],
    population_by_race: Mapping[str, float],
    *,
    unit: str = "share of stops",
    level: float = LEVEL,
) -> list[ShareRow]:
    """Each race's share of events against its share of the population.

    Events of unknown race stay out of both totals (the population has no "unknown"), so shares add
    up to 1 over the known races. Races absent from either mapping count as 0.
    """
    races = [r for r in RACES if r != "unknown" and (r in events_by_race or r in population_by_race)]
    races += [r for r in events_by_race if r not in races and r != "unknown"]
    total_events = sum(int(events_by_race.get(r, 0)) for r in races)
    total_pop = sum(float(population_by_race.get(r, 0) or 0) for r in races)
    rows = []
    for race in races:
        k = int(events_by_race.get(race, 0))
        fig = proportion(k, total_events, unit=unit, level=level)
        pop = population_by_race.get(race)
        pop_share = (float(pop) / total_pop) if (pop is not None and total_pop > 0) else None
        index = None
        if fig.value is not None and pop_share:
            index = fig.value / pop_share
        rows.append(ShareRow(race=race, events=fig, population_share=pop_share, disparity_index=index))
    return rows


def rates_by_race(
    events_by_race: Mapping[str, int],
    population_by_race: Mapping[str, float],
    *,
    unit: str = "stops per 1,000 residents",
    reference: str = REFERENCE_RACE,
    level: float = LEVEL,
    margins: Mapping[str, float | None] | None = None,
) -> dict[str, dict[str, Figure]]:
    """For each race with a population: its rate per 1,000 residents and its ratio to the white rate.

    `margins`: the populations' ACS 90% margins of error, carried into the intervals."""
    margins = margins or {}
    ref_events = int(events_by_race.get(reference, 0))
    ref_pop = population_by_race.get(reference)
    out: dict[str, dict[str, Figure]] = {}
    for race in RACES:
        if race not in population_by_race:
            continue
        k = int(events_by_race.get(race, 0))
        pop = population_by_race[race]
        out[race] = {
            "rate": rate_per_resident(k, pop, unit=unit, level=level, population_moe=margins.get(race)),
            "ratio": rate_ratio(
                k,
                pop,
                ref_events,
                ref_pop,
                unit=f"ratio to the {reference} rate",
                level=level,
                population_moe=margins.get(race),
                ref_population_moe=margins.get(reference),
            ),
        }
    return out
