"""disparities/stats.py against independently computed values (statsmodels, scipy, worked by hand)."""

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import poisson
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint
from statsmodels.stats.rates import confint_poisson, confint_poisson_2indep

from disparities.figures import stats

# --- Wilson -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "k,n", [(0, 1), (0, 10), (1, 10), (5, 10), (10, 10), (37, 212), (0, 5000), (4999, 5000)]
)
def test_wilson_matches_statsmodels(k, n):
    low, high = stats.wilson_interval(k, n)
    ref_low, ref_high = proportion_confint(k, n, alpha=0.05, method="wilson")
    assert low == pytest.approx(ref_low, abs=1e-12)
    assert high == pytest.approx(ref_high, abs=1e-12)


def test_wilson_by_hand():
    # 8 hits in 20 searches, z^2 = 3.841459: centre = (0.4 + z^2/40) / (1 + z^2/20) = 0.496036 / 1.192073
    # = 0.416112; half-width = z * sqrt(0.24/20 + z^2/1600) / 1.192073 = 0.235203 / 1.192073 = 0.197306
    low, high = stats.wilson_interval(8, 20)
    assert low == pytest.approx(0.218806, abs=1e-5)
    assert high == pytest.approx(0.613418, abs=1e-5)


def test_wilson_edges_and_empty():
    assert stats.wilson_interval(0, 0) is None
    low, high = stats.wilson_interval(0, 30)
    assert low == 0.0 and 0 < high < 0.2
    low, high = stats.wilson_interval(30, 30)
    assert high == 1.0 and 0.8 < low < 1
    with pytest.raises(ValueError):
        stats.wilson_interval(3, 2)
    with pytest.raises(ValueError):
        stats.wilson_interval(-1, 2)


@given(st.integers(0, 10_000), st.integers(0, 10_000))
def test_wilson_contains_estimate(a, b):
    k, n = min(a, b), max(a, b)
    interval = stats.wilson_interval(k, n)
    if n == 0:
        assert interval is None
        return
    low, high = interval
    assert 0 <= low <= k / n <= high <= 1


# --- Poisson ------------------------------------------------------------------------------------


@pytest.mark.parametrize("k", [0, 1, 2, 7, 19, 20, 150, 12345])
def test_poisson_matches_statsmodels_exact(k):
    low, high = stats.poisson_interval(k)
    ref_low, ref_high = confint_poisson(k, 1, method="exact-c", alpha=0.05)
    assert low == pytest.approx(ref_low, rel=1e-10, abs=1e-12)
    assert high == pytest.approx(ref_high, rel=1e-10)


@pytest.mark.parametrize("k", [1, 3, 40])
def test_poisson_bounds_by_definition(k):
    # The exact bounds are the means at which seeing k or more (k or fewer) has probability 2.5%.
    low, high = stats.poisson_interval(k)
    assert poisson.sf(k - 1, low) == pytest.approx(0.025, abs=1e-9)
    assert poisson.cdf(k, high) == pytest.approx(0.025, abs=1e-9)


def test_poisson_zero_by_hand():
    # P(X = 0 | mu) = exp(-mu) = 0.025  ->  mu = -ln 0.025 = 3.6889
    low, high = stats.poisson_interval(0)
    assert low == 0.0
    assert high == pytest.approx(-math.log(0.025), rel=1e-9)


def test_count_figure():
    fig = stats.count(12, unit="arrests")
    assert fig.value == 12 and fig.unit == "arrests"
    assert fig.interval == pytest.approx(stats.poisson_interval(12))
    assert not fig.reliable and fig.note == "unreliable, n = 12"
    assert stats.count(20, unit="arrests").reliable
    zero = stats.count(0, unit="arrests")
    assert zero.value == 0 and zero.interval[0] == 0 and zero.interval[1] > 3


# --- rates per 1,000 residents -----------------------------------------------------------------


def test_rate_per_resident_matches_statsmodels():
    fig = stats.rate_per_resident(1234, 30465, unit="stops per 1,000 residents")
    assert fig.value == pytest.approx(1234 / 30465 * 1000)
    low, high = confint_poisson(1234, 30465, method="exact-c")
    assert fig.interval == pytest.approx((low * 1000, high * 1000), rel=1e-10)
    assert fig.reliable and fig.numerator == 1234 and fig.denominator == 30465


def test_rate_zero_events_and_missing_population():
    fig = stats.rate_per_resident(0, 724, unit="stops per 1,000 residents")
    assert fig.value == 0.0
    assert fig.interval[0] == 0.0
    assert fig.interval[1] == pytest.approx(-math.log(0.025) / 724 * 1000)
    assert not fig.reliable and fig.note == "unreliable, n = 0"
    for pop in (0, None):
        empty = stats.rate_per_resident(5, pop, unit="stops per 1,000 residents")
        assert empty.value is None and empty.interval is None and not empty.reliable


# --- ratios -------------------------------------------------------------------------------------


def test_rate_ratio_matches_statsmodels():
    fig = stats.rate_ratio(300, 30465, 900, 202042)
    assert fig.value == pytest.approx((300 / 30465) / (900 / 202042))
    ref = confint_poisson_2indep(300, 30465, 900, 202042, method="wald-log", compare="ratio")
    assert fig.interval == pytest.approx(ref, rel=1e-10)
    assert fig.numerator == pytest.approx(300 / 30465 * 1000)
    assert fig.reliable


def test_rate_ratio_by_hand():
    # 30 events on 1,000 vs 20 on 2,000: ratio 3, SE(log) = sqrt(1/30 + 1/20) = 0.288675
    fig = stats.rate_ratio(30, 1000, 20, 2000)
    se = math.sqrt(1 / 30 + 1 / 20)
    assert fig.value == pytest.approx(3.0)
    assert fig.interval[0] == pytest.approx(3 * math.exp(-1.959964 * se), rel=1e-6)
    assert fig.interval[1] == pytest.approx(3 * math.exp(1.959964 * se), rel=1e-6)


def test_rate_ratio_with_a_small_count_is_exact_conditional():
    """3 events against 274 (the issue's example): Katz says [1.54, 14.9], the exact conditional
    interval [0.98, 14.1]; Katz stays for 20 events or more on both sides."""
    fig = stats.rate_ratio(3, 1000, 274, 437_500)
    assert fig.value == pytest.approx(4.790, abs=1e-3)
    assert fig.interval == pytest.approx((0.982, 14.15), abs=0.01)
    assert fig.method.startswith("exact conditional")
    katz = stats._log_interval(fig.value, math.sqrt(1 / 3 + 1 / 274), 0.95)
    assert katz == pytest.approx((1.54, 14.9), abs=0.05)
    # The definition: given 277 events, 3 in the group is binomial with p = R·Pa / (R·Pa + Pb);
    # at the lower bound 3 or more has probability 2.5 %, at the upper bound 3 or fewer.
    from scipy.stats import binom

    low, high = (r * 1000 / (r * 1000 + 437_500) for r in fig.interval)
    assert binom.sf(2, 277, low) == pytest.approx(0.025, abs=1e-6)
    assert binom.cdf(3, 277, high) == pytest.approx(0.025, abs=1e-6)


def test_rate_ratio_zeros():
    no_events = stats.rate_ratio(0, 1000, 20, 2000)
    # An upper bound at zero: with no events the ratio can still be up to about 1.84 here.
    assert no_events.value == 0.0 and not no_events.reliable
    assert no_events.interval[0] == 0.0 and 0 < no_events.interval[1] < 5
    no_reference = stats.rate_ratio(5, 1000, 0, 2000)
    assert no_reference.value is None and no_reference.interval is None
    no_population = stats.rate_ratio(5, 0, 5, None)
    assert no_population.value is None and no_population.interval is None


def test_census_margin_of_error_widens_rates_and_ratios():
    """The ACS 90% margin of error of the population (delta method, log scale)."""
    known = stats.rate_per_resident(120, 3000, unit="x")
    moe = stats.rate_per_resident(120, 3000, unit="x", population_moe=400)
    assert moe.value == known.value
    assert moe.interval[0] < known.interval[0] and moe.interval[1] > known.interval[1]
    rse = 400 / 1.645 / 3000
    up = math.log(known.interval[1] / known.value)
    assert moe.interval[1] == pytest.approx(known.value * math.exp(math.hypot(up, 1.959964 * rse)), rel=1e-6)
    assert "margin of error" in moe.method
    assert stats.rate_per_resident(120, 3000, unit="x", population_moe=0).interval == known.interval
    ratio = stats.rate_ratio(300, 30465, 900, 202042, population_moe=2000, ref_population_moe=1500)
    se = math.sqrt(1 / 300 + 1 / 900 + (2000 / 1.645 / 30465) ** 2 + (1500 / 1.645 / 202042) ** 2)
    assert ratio.interval == pytest.approx(stats._log_interval(ratio.value, se, 0.95), rel=1e-9)


def test_proportion_ratio_matches_statsmodels_katz():
    fig = stats.proportion_ratio(61, 1200, 80, 4100)
    assert fig.value == pytest.approx((61 / 1200) / (80 / 4100))
    ref = confint_proportions_2indep(61, 1200, 80, 4100, method="log", compare="ratio")
    assert fig.interval == pytest.approx(ref, rel=1e-10)
    assert fig.reliable


def test_proportion_ratio_by_hand():
    # 10/100 vs 5/100: ratio 2, var(log) = 1/10 - 1/100 + 1/5 - 1/100 = 0.28
    fig = stats.proportion_ratio(10, 100, 5, 100)
    assert fig.value == pytest.approx(2.0)
    assert fig.interval[1] == pytest.approx(2 * math.exp(1.959964 * math.sqrt(0.28)), rel=1e-6)


def test_proportion_ratio_zeros_and_empty_groups():
    assert stats.proportion_ratio(0, 0, 5, 100).value is None
    assert stats.proportion_ratio(3, 10, 0, 100).value is None
    assert stats.proportion_ratio(3, 10, 5, 0).value is None
    zero = stats.proportion_ratio(0, 80, 5, 100)
    assert zero.value == 0.0 and zero.interval is None
    # every record searched on both sides: variance 0, the interval collapses on the value
    full = stats.proportion_ratio(60, 60, 70, 70)
    assert full.value == 1.0 and full.interval == pytest.approx((1.0, 1.0))


# --- proportions: search rate, hit rate ---------------------------------------------------------


def test_search_and_hit_rate():
    search = stats.search_rate(37, 212)
    assert search.value == pytest.approx(37 / 212)
    assert search.interval == pytest.approx(proportion_confint(37, 212, method="wilson"))
    assert search.unit == "searches per stop" and search.reliable and search.n == 212
    hit = stats.hit_rate(9, 37)
    assert hit.value == pytest.approx(9 / 37)
    assert not hit.reliable and hit.note == "unreliable, n = 37"
    empty = stats.hit_rate(0, 0)
    assert empty.value is None and empty.interval is None and not empty.reliable


def test_reliability_thresholds():
    assert not stats.proportion(1, 49, unit="x").reliable
    assert stats.proportion(1, 50, unit="x").reliable
    assert not stats.rate_per_resident(19, 1000, unit="x").reliable
    assert stats.rate_per_resident(20, 1000, unit="x").reliable


# --- shares and rates by race -------------------------------------------------------------------


def test_shares_against_population():
    rows = stats.shares({"black": 60, "white": 40, "unknown": 7}, {"black": 250, "white": 750})
    by_race = {row.race: row for row in rows}
    assert set(by_race) == {"black", "white"}  # unknown stays out of both totals
    assert by_race["black"].events.value == pytest.approx(0.6)
    assert by_race["black"].events.interval == pytest.approx(proportion_confint(60, 100, method="wilson"))
    assert by_race["black"].population_share == pytest.approx(0.25)
    assert by_race["black"].disparity_index == pytest.approx(2.4)
    assert by_race["white"].disparity_index == pytest.approx(0.4 / 0.75)


def test_shares_empty_groups():
    rows = stats.shares({}, {"black": 0, "white": 0})
    assert all(
        r.events.value is None and r.population_share is None and r.disparity_index is None for r in rows
    )
    rows = stats.shares({"hispanic": 3}, {})
    assert rows[0].race == "hispanic" and rows[0].population_share is None
    assert stats.shares({}, {}) == []


def test_rates_by_race():
    pop = {"white": 202042, "black": 30465, "native_american": 724}
    table = stats.rates_by_race({"white": 900, "black": 300}, pop)
    assert set(table) == set(pop)
    assert table["white"]["ratio"].value == pytest.approx(1.0)
    assert table["black"]["ratio"].value == pytest.approx((300 / 30465) / (900 / 202042))
    assert table["native_american"]["rate"].value == 0.0
    assert table["native_american"]["ratio"].value == 0.0
    # No events: an upper bound still (exact conditional), not "no interval".
    assert table["native_american"]["ratio"].interval == pytest.approx((0.0, 1.146), abs=1e-3)


def test_figure_as_json():
    fig = stats.rate_per_resident(5, 1000, unit="arrests per 1,000 residents")
    data = json.loads(json.dumps(fig.as_dict()))
    assert set(data) >= {
        "unit",
        "numerator",
        "denominator",
        "value",
        "interval",
        "suppressed",
        "reliable",
        "n",
    }
    assert data["interval"][0] == pytest.approx(fig.interval[0])
    assert data["note"] == "unreliable, n = 5"
    assert json.loads(json.dumps(stats.hit_rate(0, 0).as_dict()))["interval"] is None


def test_outcome_rates():
    fig = stats.outcome_rate(12, 400, outcome="arrest")
    assert fig.unit == "stops with arrest per stop"
    assert fig.interval == pytest.approx(proportion_confint(12, 400, method="wilson"))
    assert stats.outcome_rate(0, 0, outcome="citation").value is None


def test_rate_per_other_base():
    # use of force per 1,000 arrests: the same exact interval on another base
    fig = stats.rate_per_resident(14, 2300, unit="uses of force per 1,000 arrests")
    low, high = confint_poisson(14, 2300, method="exact-c")
    assert fig.interval == pytest.approx((low * 1000, high * 1000))
    assert not fig.reliable


def check_against_schema(data, schema):
    """A small JSON Schema check for the keywords FIGURE_SCHEMA uses (type, required, items)."""
    types = {
        "string": str,
        "number": (int, float),
        "integer": int,
        "boolean": bool,
        "array": list,
        "null": type(None),
        "object": dict,
    }
    assert set(data) == set(schema["properties"])
    assert set(schema["required"]) <= set(data)
    for key, rule in schema["properties"].items():
        allowed = rule["type"] if isinstance(rule["type"], list) else [rule["type"]]
        value = data[key]
        assert any(
            isinstance(value, types[t]) and not (t in ("number", "integer") and isinstance(value, bool))
            for t in allowed
        ), (key, value)
        if isinstance(value, list):
            assert len(value) == 2 and all(isinstance(v, float | int) for v in value)


def test_every_kind_of_figure_matches_the_schema():
    from disparities.figures.suppression import suppress_figure

    figures = [
        stats.count(0, unit="stops"),
        stats.count(25, unit="stops"),
        stats.search_rate(3, 70),
        stats.hit_rate(0, 0),
        stats.rate_per_resident(5, None, unit="x"),
        stats.rate_per_resident(500, 30000, unit="x"),
        stats.rate_ratio(0, 100, 5, 100),
        stats.rate_ratio(50, 1000, 60, 3000),
        stats.proportion_ratio(10, 100, 5, 100),
    ]
    figures += [suppress_figure(f, hide=True) for f in figures]
    for fig in figures:
        check_against_schema(json.loads(json.dumps(fig.as_dict())), stats.FIGURE_SCHEMA)


def test_numpy_and_decimal_inputs_give_plain_json():
    from decimal import Decimal

    import numpy as np

    fig = stats.rate_per_resident(np.int64(40), Decimal("30465"), unit="stops per 1,000 residents")
    data = json.loads(json.dumps(fig.as_dict()))
    assert data["numerator"] == 40 and data["denominator"] == 30465.0
    fig = stats.search_rate(np.int64(3), np.int64(70))
    assert json.loads(json.dumps(fig.as_dict()))["n"] == 70
