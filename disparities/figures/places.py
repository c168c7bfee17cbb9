"""The outcome test by place: hit rates by race in each district (the Stanford Open Policing
Project's scatter: each district a point, the white hit rate across, a minority group's down).

Becker (1957) and Knowles, Persico and Todd (2001); Pierson et al. (2020), Nature Human Behaviour 4.
If searches of a group find contraband less often than searches of white people in the same
district, officers may be searching that group on less evidence. Points below the diagonal are
districts where the group's hit rate is lower.

Figures, from counts only (searches and searches that found contraband, by district and race):
- each hit rate with its 95 % Wilson interval;
- per district, Fisher's exact test, one-sided (the group's odds of a hit lower than white people's),
  its p-values adjusted for the number of districts tested by Holm's method;
- across districts, the Cochran–Mantel–Haenszel test (statsmodels `StratifiedTable.test_null_odds`,
  with continuity correction) of a common odds ratio of 1, and the Mantel–Haenszel pooled odds ratio
  of a hit (the group against white people) with its 95 % interval. The CMH p-value is two-sided; the
  one-sided p-value (pooled odds ratio below 1) is half of it when the pooled ratio is below 1.
A district where either group has no search tells nothing about the comparison: it is listed, not tested.

Limits, in words: the outcome test suffers from infra-marginality (Simoiu, Corbett-Davies and Goel
2017): hit rates can differ even when officers apply the same threshold, if the groups' risk
distributions differ; the threshold test models that. Small districts give wide intervals.
No database here.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np
from scipy.stats import fisher_exact
from statsmodels.stats.contingency_tables import StratifiedTable
from statsmodels.stats.multitest import multipletests

from .stats import wilson_interval

REFERENCE = "white"
GROUPS = ("black", "hispanic", "asian_pacific_islander", "native_american", "other")
LABELS = {
    "white": "White", "black": "Black", "hispanic": "Hispanic", "asian_pacific_islander": "Asian / Pacific Islander",
    "native_american": "Native American", "other": "Other",
}  # fmt: skip

READING = (
    "Each point is a district: across, the share of white people's searches that found contraband; down, "
    "the same share for the group. A point below the diagonal is a district where the group's searches found "
    "contraband less often, which suggests they were searched on less evidence. The pooled test asks whether "
    "that holds across districts taken together. Hit rates can differ even when officers apply the same "
    "standard (infra-marginality), and a district with few searches gives a wide interval."
)


def _rate(hits: int, searches: int) -> dict[str, Any]:
    return {
        "searches": searches,
        "hits": hits,
        "rate": hits / searches if searches else None,
        "interval": list(wilson_interval(hits, searches)) if searches else None,
    }


def outcome_test_by_place(counts: Iterable[tuple[str, str, int, int]]) -> dict[str, Any]:
    """`counts`: (district, race, searches, hits) rows, summed or not; "" is a district not recorded."""
    table: dict[tuple[str, str], list[int]] = {}
    unplaced = 0
    for district, race, searches, hits in counts:
        if not district:
            unplaced += searches
            continue
        cell = table.setdefault((district, race), [0, 0])
        cell[0] += searches
        cell[1] += hits
    districts = sorted({d for d, _r in table})
    comparisons = []
    for group in GROUPS:
        if not any(table.get((d, group), [0])[0] for d in districts):
            continue
        points = []
        strata = []
        tested = []
        for district in districts:
            w_searches, w_hits = table.get((district, REFERENCE), [0, 0])
            g_searches, g_hits = table.get((district, group), [0, 0])
            point: dict[str, Any] = {
                "district": district,
                "white": _rate(w_hits, w_searches),
                "group": _rate(g_hits, g_searches),
                "p_value": None,
                "p_adjusted": None,
            }
            if w_searches and g_searches:
                grid = [[g_hits, g_searches - g_hits], [w_hits, w_searches - w_hits]]
                point["p_value"] = float(fisher_exact(grid, alternative="less")[1])
                strata.append(np.array(grid, dtype=float))
                tested.append(point)
            points.append(point)
        if tested:
            adjusted = multipletests([p["p_value"] for p in tested], method="holm")[1]
            for point, p in zip(tested, adjusted, strict=True):
                point["p_adjusted"] = float(p)
        pooled: dict[str, Any] = {"districts": len(strata)}
        total = sum(strata) if strata else None
        if total is not None and total[:, 0].sum() > 0 and total[:, 1].sum() > 0:
            with np.errstate(divide="ignore", invalid="ignore"):
                st = StratifiedTable(strata)
                test = st.test_null_odds(correction=True)
                odds = float(st.oddsratio_pooled)
                low, high = st.oddsratio_pooled_confint()
            p_two = float(test.pvalue)
            pooled.update({
                "odds_ratio": odds, "interval": [float(low), float(high)], "statistic": float(test.statistic),
                "p_value": p_two, "p_value_lower": p_two / 2 if odds < 1 else 1 - p_two / 2,
            })  # fmt: skip
            if not all(math.isfinite(v) for v in (odds, low, high, p_two)):
                pooled = {"districts": len(strata), "reason": "the pooled ratio cannot be estimated (a zero cell)"}
        else:
            pooled["reason"] = "no district where both groups were searched and some searches found contraband"
        comparisons.append({
            "race": group, "label": LABELS[group], "points": points, "pooled": pooled,
            "lower_in": sum(1 for p in points if p["white"]["rate"] is not None and p["group"]["rate"] is not None
                            and p["group"]["rate"] < p["white"]["rate"]),
        })  # fmt: skip
    return {
        "method": "Wilson intervals; per district Fisher's exact test (one-sided, Holm-adjusted); across districts "
        "the Cochran-Mantel-Haenszel test and the Mantel-Haenszel pooled odds ratio",
        "reference": REFERENCE,
        "districts": districts,
        "searches_without_district": unplaced,
        "comparisons": comparisons,
        "reading": READING,
    }
