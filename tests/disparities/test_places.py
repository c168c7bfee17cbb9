"""The outcome test by district, read from the rollups, checked against counts computed here from the
raw file with pandas, and the tests computed from their textbook formulas."""

from __future__ import annotations

import io
import json
import re

import numpy as np
import pandas as pd
import pytest
from django.urls import reverse
from scipy.stats import chi2, fisher_exact
from statsmodels.stats.proportion import proportion_confint

from tests.builders import OWENSBORO, generated_stops, imported_dataset

pytestmark = pytest.mark.django_db
RACES = {"white": "white", "black": "black", "hispanic": "hispanic", "asian/pacific islander": "asian_pacific_islander",
         "other": "other"}  # fmt: skip


def _counts(data: bytes) -> pd.DataFrame:
    raw = pd.read_csv(io.BytesIO(data), keep_default_na=False, dtype=str)
    searched = raw["search_conducted"] == "TRUE"
    frame = pd.DataFrame({
        "district": raw["district"], "race": raw["subject_race"].map(RACES).fillna("unknown"),
        "searches": searched.astype(int), "hits": (searched & (raw["contraband_found"] == "TRUE")).astype(int),
    })  # fmt: skip
    return frame.groupby(["district", "race"])[["searches", "hits"]].sum()


def _cmh(tables: list[tuple[int, int, int, int]]) -> tuple[float, float, float]:
    """Mantel-Haenszel pooled odds ratio and the CMH statistic with continuity correction, by hand."""
    num = den = dev = var = 0.0
    for a, b, c, d in tables:
        n = a + b + c + d
        num += a * d / n
        den += b * c / n
        dev += a - (a + b) * (a + c) / n
        var += (a + b) * (c + d) * (a + c) * (b + d) / (n * n * (n - 1))
    stat = (abs(dev) - 0.5) ** 2 / var
    return num / den, stat, float(chi2.sf(stat, 1))


def test_hit_rates_by_district_match_the_raw_records_and_the_tests_their_formulas(client_as, city):
    data = generated_stops(12000, seed=21)
    dataset = imported_dataset(city, file="stops.csv", data=data, kind="stop")
    counts = _counts(data)
    client = client_as(city, "viewer")
    response = client.get(reverse("disparities:analyses", args=[city.slug, dataset.pk]))
    assert response.status_code == 200
    test = response.context["places"]
    assert test["recorded"] and test["districts"] == sorted(counts.index.get_level_values(0).unique())
    black = next(c for c in test["comparisons"] if c["race"] == "black")
    tables = []
    raw_p = []
    for point in black["points"]:
        w = counts.loc[(point["district"], "white")]
        g = counts.loc[(point["district"], "black")]
        assert (point["white"]["searches"], point["white"]["hits"]) == (w.searches, w.hits)
        assert (point["group"]["searches"], point["group"]["hits"]) == (g.searches, g.hits)
        low, high = proportion_confint(g.hits, g.searches, alpha=0.05, method="wilson")
        assert point["group"]["interval"] == pytest.approx([low, high], abs=1e-9)
        assert point["group"]["rate"] == pytest.approx(g.hits / g.searches)
        a, b, c, d = g.hits, g.searches - g.hits, w.hits, w.searches - w.hits
        tables.append((a, b, c, d))
        raw_p.append(fisher_exact([[a, b], [c, d]], alternative="less")[1])
        assert point["p_value"] == pytest.approx(raw_p[-1], rel=1e-9)
    # Holm, by hand: the k-th smallest p times (m - k), kept increasing, at most 1.
    order = np.argsort(raw_p)
    holm = np.empty(len(raw_p))
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, raw_p[i] * (len(raw_p) - rank)))
        holm[i] = running
    assert [p["p_adjusted"] for p in black["points"]] == pytest.approx(list(holm), rel=1e-9)
    odds, stat, p_two = _cmh(tables)
    pooled = black["pooled"]
    assert pooled["districts"] == len(tables) == 5
    assert pooled["odds_ratio"] == pytest.approx(odds, rel=1e-9)
    assert pooled["statistic"] == pytest.approx(stat, rel=1e-9) and pooled["p_value"] == pytest.approx(p_two, rel=1e-9)
    assert pooled["p_value_lower"] == pytest.approx(p_two / 2 if odds < 1 else 1 - p_two / 2, rel=1e-9)
    # The generator plants a lower hit rate for Black drivers (22% against 32%).
    assert odds < 1
    # The page draws each district as a point and gives the numbers in the table beside it.
    page = response.content.decode()
    scatter = json.loads(re.search(r'<script id="scatter-data" type="application/json">(.*?)</script>', page, re.S)[1])
    drawn = next(s for s in scatter if s["id"] == "scatter-black")
    assert len(drawn["points"]) == 5 and drawn["points"][0]["x"] == pytest.approx(black["points"][0]["white"]["rate"])
    assert f"{black['pooled']['odds_ratio']:.3f}" in page and 'id="scatter-black"' in page


def test_a_file_without_searches_says_not_recorded(client_as, city):
    dataset = imported_dataset(city, file=OWENSBORO)
    page = client_as(city, "staff").get(reverse("disparities:analyses", args=[city.slug, dataset.pk]))
    text = page.content.decode()
    assert "Hit rates by district: Not recorded in this file" in text and "scatter-data" not in text


def test_districts_with_no_search_of_a_group_are_listed_not_tested():
    from disparities.figures.places import outcome_test_by_place

    result = outcome_test_by_place([
        ("A", "white", 40, 12), ("A", "black", 30, 6), ("B", "white", 10, 3), ("B", "black", 0, 0),
        ("", "black", 5, 1),
    ])  # fmt: skip
    (black,) = result["comparisons"]
    b = next(p for p in black["points"] if p["district"] == "B")
    assert b["p_value"] is None and b["group"]["rate"] is None and black["pooled"]["districts"] == 1
    assert result["searches_without_district"] == 5
    # A pooled ratio that cannot be estimated (no hit at all among the group) is said, not made up.
    none = outcome_test_by_place([("A", "white", 40, 12), ("A", "black", 30, 0)])["comparisons"][0]["pooled"]
    assert "odds_ratio" not in none and "reason" in none


def test_the_members_json_report_carries_the_analyses_and_a_published_one_never(client_as, city):
    from tests.builders import analysis_run, published_snapshot

    data = generated_stops(3000, seed=4)
    dataset = imported_dataset(city, file="stops.csv", data=data, kind="stop")
    counts = _counts(data)
    client = client_as(city, "staff")
    url = reverse("disparities:report_json", args=[city.slug, dataset.pk])
    doc = client.get(url).json()
    assert doc["analyses"]["adjusted"] is None  # not run yet
    black = next(c for c in doc["analyses"]["outcome_test_by_place"]["comparisons"] if c["race"] == "black")
    assert {(p["district"], p["group"]["searches"], p["group"]["hits"]) for p in black["points"]} == {
        (d, row.searches, row.hits) for (d, race), row in counts.iterrows() if race == "black"
    }
    run = analysis_run(city, dataset=dataset)
    doc = client.get(url).json()
    assert doc["analyses"]["adjusted"] == run.result
    snapshot = published_snapshot(city, dataset=dataset)
    assert snapshot.content["analyses"] is None
    public = client.get(reverse("disparities:public_json", args=[city.slug, snapshot.pk])).json()
    assert public["analyses"] is None and "odds_ratio" not in json.dumps(public)
