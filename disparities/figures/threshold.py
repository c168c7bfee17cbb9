"""The threshold test for searches, the way the Stanford Open Policing Project runs it.

Simoiu, Corbett-Davies and Goel (2017), "The problem of infra-marginality in outcome tests for
discrimination", Annals of Applied Statistics 11(3); in the fast form of Pierson, Corbett-Davies and
Goel (2018), "Fast threshold tests for detecting discrimination", AISTATS (the model OPP fits).

The idea: an officer who stops a driver sees signals and judges the probability p that a search
would find contraband; they search when p is above a threshold t. The threshold is the standard of
evidence. If officers search Black drivers on less evidence than white drivers (a lower threshold),
that is discrimination, even where hit rates alone (the outcome test) would hide it.

The model, for each district d and race r (a "cell"), from its stops n, searches s and hits h:
- risk: with probability phi the driver carries contraband and the officer's signal x ~ N(delta, 1),
  otherwise x ~ N(0, 1); p = P(contraband | x) is then a "discriminant distribution";
- the officer searches when p > t, i.e. when x > c = (logit t - logit phi) / delta + delta / 2;
- search rate = phi (1 - Phi(c - delta)) + (1 - phi) (1 - Phi(c)),
  hit rate = phi (1 - Phi(c - delta)) / search rate;
- s ~ Binomial(n, search rate), h ~ Binomial(s, hit rate);
- logit t_rd = t_r + sigma_t z_rd (z_rd ~ N(0, 1), sigma_t ~ N+(0, 1), t_r ~ N(0, 1));
  phi_rd = inv_logit(phi_r + phi_d), delta_rd = exp(delta_r + delta_d), the first district's
  effects pinned at 0, phi_r ~ N(mu_phi, 0.1), delta_r ~ N(mu_delta, 0.1), mu ~ N(0, 1), the other
  districts' effects ~ N(0, 0.1): OPP's priors.
A race's threshold is the average of its districts' thresholds weighted by each district's stops
(all races), as OPP reports it; the posterior probability that a group's threshold is lower than
white drivers' is the share of posterior draws in which it is.

Fitted with NumPyro's NUTS sampler (JAX on the CPU); see docs/disparities-stats.md for why.
Convergence is checked (split R-hat, effective sample size, divergent transitions) and a fit that
fails the checks is flagged or refused. No Django and no database here.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

REFERENCE = "white"
# Races the test can be run for (a category the file records with enough stops and searches).
RACES = ("white", "black", "hispanic", "asian_pacific_islander", "native_american", "other")
MIN_DISTRICTS = 3  # the model tells thresholds from risk only by pooling across places
MIN_RACE_STOPS = 100  # a race is kept when it has at least this many stops ...
MIN_RACE_SEARCHES = 10  # ... and this many searches over all districts
MIN_CELL_STOPS = 1  # a district x race cell with no stops tells nothing

# Convergence: Vehtari, Gelman, Simpson, Carpenter and Bürkner (2021) recommend R-hat below 1.01
# and a bulk effective sample size above 100 per chain; any divergent transition is a warning.
RHAT_OK = 1.01
RHAT_REFUSE = 1.05
ESS_PER_CHAIN_OK = 100
ESS_PER_CHAIN_REFUSE = 25
DIVERGENT_REFUSE_SHARE = 0.01  # more than 1 % of the draws diverged: the posterior is not trusted
LEVEL = 0.95

CAVEATS = (
    "The test infers the evidence threshold from how often each group is searched and how often "
    "searches find contraband; it rests on its model of risk (the discriminant distribution) and on "
    "OPP's priors, and a different model can give different thresholds.",
    "It needs several districts: the model tells a group's threshold from its risk only by comparing "
    "places, and assumes the threshold of a group differs between districts only by chance.",
    "Searches of every basis are counted, including searches incident to arrest or inventory searches, "
    "which are not an officer's choice on the evidence; where they are common, thresholds are lower "
    "for every group.",
    "A lower threshold is consistent with discrimination, not proof of it: officers may see signals the "
    "file does not record, and contraband found is not the only reason for a search.",
    "Thresholds are for the stops in the file: who is stopped at all is not tested here.",
)


class NotEligible(ValueError):
    """The data cannot give the test (too few districts, no white drivers, no searches ...)."""


@dataclass(frozen=True)
class Cell:
    district: str
    race: str
    stops: int
    searches: int
    hits: int


@dataclass
class ThresholdResult:
    eligible: bool
    reason: str = ""
    verdict: str = ""  # "ok", "flagged" (shown with a warning) or "refused" (no thresholds shown)
    problems: list[str] = field(default_factory=list)
    races: list[dict[str, Any]] = field(default_factory=list)
    cells: list[dict[str, Any]] = field(default_factory=list)
    diagnostics: dict[str, Any] = field(default_factory=dict)
    excluded: list[str] = field(default_factory=list)
    n_districts: int = 0
    stops: int = 0
    searches: int = 0
    hits: int = 0
    reading: str = ""
    caveats: list[str] = field(default_factory=lambda: list(CAVEATS))

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def cells_from(rows: Iterable[tuple[str, str, int, int, int]]) -> list[Cell]:
    """(district, race, stops, searches, hits) rows, summed by district and race."""
    acc: dict[tuple[str, str], list[int]] = {}
    for district, race, stops, searches, hits in rows:
        key = (district or "", race)
        tot = acc.setdefault(key, [0, 0, 0])
        tot[0] += int(stops or 0)
        tot[1] += int(searches or 0)
        tot[2] += int(hits or 0)
    return [Cell(d, r, *v) for (d, r), v in sorted(acc.items())]


def select(cells: Sequence[Cell], labels: dict[str, str] | None = None) -> tuple[list[Cell], list[str]]:
    """The cells the model is fitted on, and what was left out and why (raises NotEligible)."""
    labels = labels or {}
    excluded: list[str] = []
    no_district = sum(c.stops for c in cells if not c.district)
    if no_district:
        excluded.append(f"{no_district:,} stops with no district recorded")
    placed = [c for c in cells if c.district and c.stops >= MIN_CELL_STOPS]
    if not placed:
        raise NotEligible(
            f"no stop has a district recorded; the test needs stops in at least {MIN_DISTRICTS} districts "
            "(it tells thresholds from risk by comparing places)"
        )
    if any(c.searches > c.stops or c.hits > c.searches for c in placed):
        raise NotEligible("some districts count more searches than stops or more hits than searches")
    kept_races = []
    for race in RACES:
        mine = [c for c in placed if c.race == race]
        stops = sum(c.stops for c in mine)
        searches = sum(c.searches for c in mine)
        if not mine:
            continue
        if stops >= MIN_RACE_STOPS and searches >= MIN_RACE_SEARCHES:
            kept_races.append(race)
        else:
            excluded.append(
                f"{labels.get(race, race)} drivers: {stops:,} stops and {searches:,} searches, fewer than the "
                f"{MIN_RACE_STOPS} stops and {MIN_RACE_SEARCHES} searches the test needs"
            )
    others = sum(c.stops for c in placed if c.race not in RACES)
    if others:
        excluded.append(f"{others:,} stops of drivers whose race is not recorded")
    if REFERENCE not in kept_races:
        raise NotEligible(
            "the test compares each group's threshold with white drivers', and there are too few stops or "
            "searches of white drivers"
        )
    if len(kept_races) < 2:
        raise NotEligible(
            "there is no other group with enough stops and searches to compare with white drivers"
        )
    used = [c for c in placed if c.race in kept_races]
    districts = {c.district for c in used}
    if len(districts) < MIN_DISTRICTS:
        raise NotEligible(
            f"the test needs stops in at least {MIN_DISTRICTS} districts (it tells thresholds from risk by "
            f"comparing places); this file has {len(districts)}"
        )
    if not any(c.hits for c in used):
        raise NotEligible(
            "no search in the file found contraband, so there is nothing to infer a threshold from"
        )
    return used, excluded


def _model(
    race_idx, district_idx, stops, searches, hits, n_races, n_districts
):  # pragma: no cover - traced by JAX
    import jax.numpy as jnp
    import numpyro
    import numpyro.distributions as dist
    from jax.scipy.special import expit, ndtr

    sigma_t = numpyro.sample("sigma_t", dist.HalfNormal(1.0))
    t_race = numpyro.sample("t_race", dist.Normal(0.0, 1.0).expand([n_races]))
    z = numpyro.sample("z", dist.Normal(0.0, 1.0).expand([len(stops)]))
    mu_phi = numpyro.sample("mu_phi", dist.Normal(0.0, 1.0))
    mu_delta = numpyro.sample("mu_delta", dist.Normal(0.0, 1.0))
    phi_race = numpyro.sample("phi_race", dist.Normal(mu_phi, 0.1).expand([n_races]))
    delta_race = numpyro.sample("delta_race", dist.Normal(mu_delta, 0.1).expand([n_races]))
    phi_d_raw = numpyro.sample("phi_district", dist.Normal(0.0, 0.1).expand([n_districts - 1]))
    delta_d_raw = numpyro.sample("delta_district", dist.Normal(0.0, 0.1).expand([n_districts - 1]))
    phi_d = jnp.concatenate([jnp.zeros(1), phi_d_raw])
    delta_d = jnp.concatenate([jnp.zeros(1), delta_d_raw])

    t_logit = t_race[race_idx] + sigma_t * z
    numpyro.deterministic("threshold", expit(t_logit))
    phi_logit = phi_race[race_idx] + phi_d[district_idx]
    phi = expit(phi_logit)
    delta = jnp.exp(delta_race[race_idx] + delta_d[district_idx])
    c = (t_logit - phi_logit) / delta + delta / 2
    found = phi * ndtr(delta - c)  # phi * (1 - Phi(c - delta))
    search_rate = found + (1 - phi) * ndtr(-c)
    eps = 1e-12
    search_rate = jnp.clip(search_rate, eps, 1 - eps)
    hit_rate = jnp.clip(found / search_rate, eps, 1 - eps)
    numpyro.sample("searches", dist.Binomial(stops, probs=search_rate), obs=searches)
    numpyro.sample("hits", dist.Binomial(searches, probs=hit_rate), obs=hits)


def fit(
    cells: Sequence[Cell],
    *,
    chains: int = 4,
    warmup: int = 1000,
    draws: int = 1000,
    seed: int = 0,
    compile_cache: str | None = None,
) -> dict[str, np.ndarray]:
    """Sample the posterior with NUTS; returns the draws by name (chain, draw, ...) and the
    divergence flags. The cells are those `select` kept."""
    import jax
    from numpyro.infer import MCMC, NUTS, init_to_median

    jax.config.update("jax_platforms", "cpu")  # no accelerator is probed for (or logged as missing)
    jax.config.update("jax_enable_x64", True)
    if compile_cache:
        # XLA's compiled sampler kept on disk: a dataset of the same shape is not compiled again.
        jax.config.update("jax_compilation_cache_dir", compile_cache)
        jax.config.update("jax_persistent_cache_min_compile_time_secs", 1.0)
    races = sorted({c.race for c in cells}, key=RACES.index)
    districts = sorted({c.district for c in cells})
    race_idx = np.array([races.index(c.race) for c in cells])
    district_idx = np.array([districts.index(c.district) for c in cells])
    stops = np.array([c.stops for c in cells], dtype=np.int64)
    searches = np.array([c.searches for c in cells], dtype=np.int64)
    hits = np.array([c.hits for c in cells], dtype=np.int64)
    kernel = NUTS(_model, target_accept_prob=0.9, init_strategy=init_to_median)
    mcmc = MCMC(
        kernel, num_warmup=warmup, num_samples=draws, num_chains=chains,
        chain_method="sequential", progress_bar=False,
    )  # fmt: skip
    mcmc.run(
        jax.random.PRNGKey(seed), race_idx, district_idx, stops, searches, hits, len(races), len(districts),
        extra_fields=("diverging",),
    )  # fmt: skip
    samples = {k: np.asarray(v) for k, v in mcmc.get_samples(group_by_chain=True).items()}
    samples["diverging"] = np.asarray(mcmc.get_extra_fields(group_by_chain=True)["diverging"])
    return samples


def diagnose(samples: dict[str, np.ndarray]) -> tuple[dict[str, Any], str, list[str]]:
    """R-hat, effective sample size and divergences over every parameter; the verdict and the problems."""
    from numpyro.diagnostics import effective_sample_size, split_gelman_rubin

    chains, draws = samples["diverging"].shape
    rhats: list[float] = []
    esss: list[float] = []
    for name, value in samples.items():
        if name == "diverging":
            continue
        flat = value.reshape(chains, draws, -1)
        for j in range(flat.shape[2]):
            series = flat[:, :, j]
            rhats.append(float(split_gelman_rubin(series)) if chains > 1 else float("nan"))
            esss.append(float(effective_sample_size(series)))
    divergent = int(samples["diverging"].sum())
    max_rhat = max((r for r in rhats if not math.isnan(r)), default=float("nan"))
    min_ess = min(esss)
    problems: list[str] = []
    refused = False
    if chains < 2:
        problems.append("R-hat needs at least two chains")
        refused = True
    elif max_rhat > RHAT_REFUSE:
        problems.append(f"the chains disagree (largest R-hat {max_rhat:.3f}, above {RHAT_REFUSE})")
        refused = True
    elif max_rhat > RHAT_OK:
        problems.append(f"the chains do not fully agree (largest R-hat {max_rhat:.3f}, above {RHAT_OK})")
    if min_ess < ESS_PER_CHAIN_REFUSE * chains:
        problems.append(f"too few effective draws (smallest effective sample size {min_ess:.0f})")
        refused = True
    elif min_ess < ESS_PER_CHAIN_OK * chains:
        problems.append(
            f"few effective draws (smallest effective sample size {min_ess:.0f}, below {ESS_PER_CHAIN_OK * chains})"
        )
    if divergent > DIVERGENT_REFUSE_SHARE * chains * draws:
        problems.append(f"{divergent} of {chains * draws} draws diverged")
        refused = True
    elif divergent:
        problems.append(f"{divergent} of {chains * draws} draws diverged")
    verdict = "refused" if refused else ("flagged" if problems else "ok")
    diagnostics = {
        "max_rhat": round(max_rhat, 4) if not math.isnan(max_rhat) else None,
        "min_ess": round(min_ess, 1),
        "divergences": divergent,
        "chains": chains,
        "draws": draws,
        "parameters": len(rhats),
        "rhat_ok": RHAT_OK,
        "ess_ok": ESS_PER_CHAIN_OK * chains,
    }
    return diagnostics, verdict, problems


def _interval(draws: np.ndarray) -> list[float]:
    lo, hi = np.quantile(draws, [(1 - LEVEL) / 2, (1 + LEVEL) / 2])
    return [float(lo), float(hi)]


def summarise(
    cells: Sequence[Cell], samples: dict[str, np.ndarray], labels: dict[str, str] | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Thresholds by race (stop-weighted over districts) and by district x race, with 95 % credible
    intervals and the probability that a race's threshold is below white drivers'."""
    labels = labels or {}
    t = samples["threshold"].reshape(-1, len(cells))  # draws x cells
    races = sorted({c.race for c in cells}, key=RACES.index)
    district_stops: dict[str, int] = {}
    for c in cells:
        district_stops[c.district] = district_stops.get(c.district, 0) + c.stops
    by_race: dict[str, np.ndarray] = {}
    for race in races:
        idx = [i for i, c in enumerate(cells) if c.race == race]
        weights = np.array([district_stops[cells[i].district] for i in idx], dtype=float)
        by_race[race] = t[:, idx] @ (weights / weights.sum())
    out_races = []
    for race in races:
        mine = [c for c in cells if c.race == race]
        stops, searches, hits = (sum(getattr(c, k) for c in mine) for k in ("stops", "searches", "hits"))
        d = by_race[race]
        out_races.append({
            "race": race,
            "label": labels.get(race, race),
            "threshold": float(d.mean()),
            "interval": _interval(d),
            "p_lower_than_white": None if race == REFERENCE else float((d < by_race[REFERENCE]).mean()),
            "stops": stops,
            "searches": searches,
            "hits": hits,
            "search_rate": searches / stops if stops else None,
            "hit_rate": hits / searches if searches else None,
            "districts": len(mine),
        })  # fmt: skip
    out_cells = [
        {
            "district": c.district,
            "race": c.race,
            "label": labels.get(c.race, c.race),
            "stops": c.stops,
            "searches": c.searches,
            "hits": c.hits,
            "threshold": float(t[:, i].mean()),
            "interval": _interval(t[:, i]),
        }  # fmt: skip
        for i, c in enumerate(cells)
    ]
    return out_races, out_cells


def reading(races: list[dict[str, Any]], verdict: str) -> str:
    if verdict == "refused":
        return "The model did not converge, so no thresholds are given."
    white = next(r for r in races if r["race"] == REFERENCE)
    parts = []
    for r in races:
        if r["race"] == REFERENCE:
            continue
        p = r["p_lower_than_white"]
        if p >= 0.95:
            how = "lower than"
        elif p <= 0.05:
            how = "higher than"
        else:
            how = "not clearly different from"
        parts.append(
            f"{r['label']} drivers were searched at a threshold of {r['threshold']:.1%}, {how} white drivers' "
            f"{white['threshold']:.1%} (probability it is lower: {p:.0%})"
        )
    return "; ".join(parts) + "."


def threshold_test(
    rows: Iterable[tuple[str, str, int, int, int]],
    *,
    labels: dict[str, str] | None = None,
    chains: int = 4,
    warmup: int = 1000,
    draws: int = 1000,
    seed: int = 0,
    compile_cache: str | None = None,
) -> ThresholdResult:
    """Run the whole test on (district, race, stops, searches, hits) rows."""
    cells = cells_from(rows)
    try:
        used, excluded = select(cells, labels)
    except NotEligible as problem:
        return ThresholdResult(eligible=False, reason=str(problem)[0].upper() + str(problem)[1:] + ".")
    samples = fit(used, chains=chains, warmup=warmup, draws=draws, seed=seed, compile_cache=compile_cache)
    diagnostics, verdict, problems = diagnose(samples)
    races, out_cells = summarise(used, samples, labels)
    if verdict == "refused":
        races = [{**r, "threshold": None, "interval": None, "p_lower_than_white": None} for r in races]
        out_cells = [{**c, "threshold": None, "interval": None} for c in out_cells]
    diagnostics["seed"] = seed
    diagnostics["warmup"] = warmup
    return ThresholdResult(
        eligible=True,
        verdict=verdict,
        problems=problems,
        races=races,
        cells=out_cells,
        diagnostics=diagnostics,
        excluded=excluded,
        n_districts=len({c.district for c in used}),
        stops=sum(c.stops for c in used),
        searches=sum(c.searches for c in used),
        hits=sum(c.hits for c in used),
        reading=reading(races, verdict),
    )
