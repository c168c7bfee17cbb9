"""The threshold test (disparities/figures/threshold.py) recovers what it was given.

Data are simulated here, with numpy and scipy, from the model's own generative story (Pierson,
Corbett-Davies and Goel 2018): per district and race a discriminant risk distribution (phi, delta),
a threshold, stops; searches and hits drawn from the binomials. The true thresholds are known, so the
test asserts they lie in the 95 % credible intervals and that the order of the groups is recovered.
No database."""

import numpy as np
import pytest
from scipy.special import expit
from scipy.stats import norm

from disparities.figures import threshold

RACES = ["white", "black", "hispanic", "asian_pacific_islander"]
# Thresholds on the logit scale: white 0.33, black 0.13, hispanic 0.20, Asian 0.40 on the probability scale.
T_RACE = np.array([-0.7, -1.9, -1.4, -0.4])


def simulate(seed: int, districts: int = 8):
    """(district, race, stops, searches, hits) rows and the true stop-weighted threshold of each race."""
    rng = np.random.default_rng(seed)
    mu_phi, mu_delta = -1.6, 0.8
    phi_race = mu_phi + 0.1 * rng.standard_normal(len(RACES))
    delta_race = mu_delta + 0.1 * rng.standard_normal(len(RACES))
    phi_d = np.r_[0.0, 0.1 * rng.standard_normal(districts - 1)]
    delta_d = np.r_[0.0, 0.1 * rng.standard_normal(districts - 1)]
    sigma_t = 0.1
    rows, truth_cells = [], []
    for d in range(districts):
        for r, race in enumerate(RACES):
            stops = int(rng.integers(1500, 6000))
            t_logit = T_RACE[r] + sigma_t * rng.standard_normal()
            phi_logit = phi_race[r] + phi_d[d]
            phi, delta = expit(phi_logit), np.exp(delta_race[r] + delta_d[d])
            # Search when P(contraband | signal) > t, i.e. signal > c.
            c = (t_logit - phi_logit) / delta + delta / 2
            found = phi * norm.sf(c - delta)
            search_rate = found + (1 - phi) * norm.sf(c)
            searches = int(rng.binomial(stops, search_rate))
            hits = int(rng.binomial(searches, found / search_rate))
            rows.append((f"District {d + 1}", race, stops, searches, hits))
            truth_cells.append((d, race, stops, expit(t_logit)))
    district_stops = {d: sum(s for dd, _r, s, _t in truth_cells if dd == d) for d in range(districts)}
    truth = {}
    for race in RACES:
        mine = [(district_stops[d], t) for d, r, _s, t in truth_cells if r == race]
        w = np.array([m[0] for m in mine], dtype=float)
        truth[race] = float(np.dot(w / w.sum(), [m[1] for m in mine]))
    return rows, truth


@pytest.fixture(scope="module")
def fitted():
    rows, truth = simulate(seed=2018)
    # Few draws, as few as still give a valid check (two chains for R-hat).
    result = threshold.threshold_test(rows, chains=2, warmup=500, draws=500, seed=11)
    return rows, truth, result


def test_true_thresholds_lie_in_the_credible_intervals(fitted):
    _rows, truth, result = fitted
    assert result.eligible and result.verdict != "refused", result.problems
    assert [g["race"] for g in result.races] == RACES
    for group in result.races:
        lo, hi = group["interval"]
        assert lo < truth[group["race"]] < hi, (group["race"], truth[group["race"]], group["interval"])
        assert lo < group["threshold"] < hi


def test_the_order_of_the_groups_is_recovered(fitted):
    _rows, truth, result = fitted
    by_truth = sorted(RACES, key=truth.get)
    by_estimate = sorted(RACES, key=lambda race: next(g["threshold"] for g in result.races if g["race"] == race))
    assert by_estimate == by_truth == ["black", "hispanic", "white", "asian_pacific_islander"]
    p = {g["race"]: g["p_lower_than_white"] for g in result.races}
    assert p["white"] is None
    assert p["black"] > 0.95 and p["hispanic"] > 0.9 and p["asian_pacific_islander"] < 0.2


def test_counts_and_diagnostics_are_reported(fitted):
    rows, _truth, result = fitted
    for group in result.races:
        mine = [r for r in rows if r[1] == group["race"]]
        assert group["stops"] == sum(r[2] for r in mine)
        assert group["searches"] == sum(r[3] for r in mine)
        assert group["hits"] == sum(r[4] for r in mine)
        assert group["districts"] == 8
    assert len(result.cells) == len(rows)
    diag = result.diagnostics
    assert diag["chains"] == 2 and diag["draws"] == 500
    assert diag["max_rhat"] is not None and diag["max_rhat"] < threshold.RHAT_REFUSE
    assert diag["min_ess"] > threshold.ESS_PER_CHAIN_REFUSE * 2
    assert diag["divergences"] <= 0.01 * 1000
    assert result.as_dict()["races"][0]["race"] == "white"


def test_diagnostics_refuse_chains_that_disagree():
    rng = np.random.default_rng(0)
    draws = rng.standard_normal((2, 200, 3))
    draws[1] += 5  # the second chain sits elsewhere
    samples = {"t_race": draws, "diverging": np.zeros((2, 200), dtype=bool)}
    diagnostics, verdict, problems = threshold.diagnose(samples)
    assert verdict == "refused" and diagnostics["max_rhat"] > 1.5
    assert any("chains disagree" in p for p in problems)


def test_diagnostics_flag_a_few_divergences_and_refuse_many():
    rng = np.random.default_rng(1)
    samples = {"t_race": rng.standard_normal((4, 1000, 2)), "diverging": np.zeros((4, 1000), dtype=bool)}
    assert threshold.diagnose(samples)[1] == "ok"
    samples["diverging"][0, :5] = True
    diagnostics, verdict, problems = threshold.diagnose(samples)
    assert verdict == "flagged" and diagnostics["divergences"] == 5 and "5 of 4000 draws diverged" in problems
    samples["diverging"][1, :100] = True
    assert threshold.diagnose(samples)[1] == "refused"


@pytest.mark.parametrize(
    "rows, words",
    [
        ([("A", "white", 500, 50, 10), ("B", "white", 500, 50, 10), ("A", "black", 500, 50, 10),
          ("B", "black", 500, 50, 10)], "at least 3 districts"),
        ([(d, "black", 500, 50, 10) for d in "ABC"] + [(d, "white", 30, 2, 1) for d in "ABC"], "white drivers"),
        ([(d, "white", 500, 50, 10) for d in "ABC"], "no other group"),
        ([(d, r, 500, 50, 0) for d in "ABC" for r in ("white", "black")], "no search in the file found contraband"),
        ([(d, r, 500, 50, 60) for d in "ABC" for r in ("white", "black")], "more hits than searches"),
        ([("", r, 5000, 500, 100) for r in ("white", "black")], "no stop has a district recorded"),
    ],
)  # fmt: skip
def test_data_that_cannot_give_the_test_says_why_without_sampling(rows, words):
    result = threshold.threshold_test(rows)
    assert not result.eligible and words.lower() in result.reason.lower() and not result.races


def test_small_groups_and_unplaced_stops_are_left_out_and_said():
    cells = threshold.cells_from(
        [(d, "white", 500, 50, 10) for d in "ABC"]
        + [(d, "black", 400, 60, 10) for d in "ABC"]
        + [(d, "native_american", 20, 2, 1) for d in "ABC"]
        + [("", "white", 70, 3, 1), ("A", "unknown", 40, 1, 0), ("A", "white", 1, 0, 0)]
    )
    used, excluded = threshold.select(cells, {"native_american": "Native American"})
    assert {c.race for c in used} == {"white", "black"}
    assert next(c for c in used if c.district == "A" and c.race == "white").stops == 501
    assert "70 stops with no district recorded" in excluded
    assert any(e.startswith("Native American drivers: 60 stops and 6 searches") for e in excluded)
    assert "40 stops of drivers whose race is not recorded" in excluded
