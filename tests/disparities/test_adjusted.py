"""Adjusted disparities as a job: logistic regressions of search, arrest, citation and use of force on
race with the controls the file records, run by a real Celery worker, checked against a statsmodels
fit written here from the raw CSV with pandas and patsy formulas (never the app's own code)."""

from __future__ import annotations

import io
import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from django.urls import reverse

from disparities.models import AnalysisRun
from tests.builders import LANSING, OWENSBORO, POLICE_SAMPLES, analysis_run, generated_stops, imported_dataset
from tests.conftest import wait_for

SIG4 = 5e-5  # four significant figures: relative difference below half a unit in the fourth digit
RACES = {"white": "white", "black": "black", "hispanic": "hispanic", "asian/pacific islander": "api", "other": "other"}
AGE_BINS = [-1, 17, 24, 34, 44, 54, 64, 200]


def _raw_frame(csv_bytes: bytes, *, district: str) -> pd.DataFrame:
    """The raw file as the test reads it: OPP spellings of race, ages cut into the app's groups."""
    raw = pd.read_csv(io.BytesIO(csv_bytes), keep_default_na=False, na_values=["NA", ""], dtype=str)
    age = pd.to_numeric(raw["subject_age"], errors="coerce")
    frame = pd.DataFrame({
        "race": raw["subject_race"].map(RACES).fillna("unknown"),
        "age_group": pd.cut(age, AGE_BINS, labels=list("abcdefg")).astype(object),
        "sex": raw["subject_sex"],
        "district": raw[district],
        "hour": pd.to_datetime(raw["time"], format="%H:%M:%S").dt.hour.astype(str),
        "month": pd.to_datetime(raw["date"]).dt.month.astype(str),
        "type": raw["type"],
    })  # fmt: skip
    for outcome, column in (("search", "search_conducted"), ("arrest", "arrest_made"), ("citation", "citation_issued")):
        if column in raw:
            frame[outcome] = raw[column].map({"TRUE": 1, "FALSE": 0})
    return frame


def _reference_fit(frame: pd.DataFrame, outcome: str, controls: list[str]) -> dict:
    """Complete cases; groups with fewer than 5 events or non-events out; levels that predict the
    outcome perfectly out (repeated until stable); then smf.logit with and without the controls."""
    data = frame[frame[outcome].notna() & (frame["race"] != "unknown")].dropna(subset=controls).copy()
    used = [c for c in controls if data[c].nunique() > 1]
    out_groups = set()
    while True:
        before = len(data)
        for race, g in data.groupby("race"):
            if min(g[outcome].sum(), (1 - g[outcome]).sum()) < 5:
                out_groups.add(race)
        data = data[~data["race"].isin(out_groups)]
        for c in used:
            share = data.groupby(c)[outcome].transform("mean")
            data = data[(share > 0) & (share < 1)]
        used = [c for c in used if data[c].nunique() > 1]
        if len(data) == before:
            break
    term = "C(race, Treatment('white'))"
    plain = smf.logit(f"{outcome} ~ {term}", data).fit(disp=0)
    full = smf.logit(f"{outcome} ~ {term} + " + " + ".join(f"C({c})" for c in used), data).fit(disp=0, maxiter=100)
    return {"n": len(data), "plain": plain, "full": full, "excluded": out_groups, "used": used}


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= SIG4 * abs(b)


def _check(outcome_result: dict, ref: dict, app_races: dict[str, str]) -> None:
    assert outcome_result["estimable"], outcome_result.get("reason")
    assert outcome_result["n"] == ref["n"]
    checked = 0
    for group in outcome_result["groups"]:
        term = f"C(race, Treatment('white'))[T.{app_races[group['race']]}]"
        for key, fit in (("unadjusted", ref["plain"]), ("adjusted", ref["full"])):
            b, se = fit.params[term], fit.bse[term]
            assert _close(group[key]["odds_ratio"], math.exp(b)), (group["race"], key)
            low, high = np.exp(fit.conf_int().loc[term])
            assert _close(group[key]["interval"][0], low) and _close(group[key]["interval"][1], high)
            assert _close(group[key]["std_error"], se)
            checked += 1
    assert checked >= 2


APP_RACES = {"white": "white", "black": "black", "hispanic": "hispanic", "asian_pacific_islander": "api", "other": "other"}


@pytest.mark.django_db(transaction=True)
def test_adjusted_odds_ratios_on_owensboro_match_a_direct_statsmodels_fit(celery_worker, client_as, city):
    dataset = imported_dataset(city, file=OWENSBORO)
    client = client_as(city, "staff")
    response = client.post(reverse("disparities:analysis_start", args=[city.slug, dataset.pk, "adjusted"]))
    assert response.status_code == 302
    run = AnalysisRun.objects.get(dataset=dataset)
    status_url = reverse("disparities:analysis_status", args=[city.slug, dataset.pk, run.pk])
    fragment = client.get(status_url, headers={"HX-Request": "true"}).content.decode()
    assert 'id="run-adjusted"' in fragment and "<html" not in fragment
    done = wait_for(lambda: AnalysisRun.objects.filter(pk=run.pk, status__in=["done", "failed"]).first(), timeout=120)
    assert done.status == "done", done.error
    result = {o["outcome"]: o for o in done.result["outcomes"]}

    frame = _raw_frame((POLICE_SAMPLES / OWENSBORO).read_bytes(), district="sector")
    controls = ["age_group", "sex", "district", "hour", "month", "type"]
    ref = _reference_fit(frame, "arrest", controls)
    _check(result["arrest"], ref, APP_RACES)
    # 3 stops of other-race people, none ending in an arrest: no odds ratio is made up for them.
    assert ref["excluded"] == {"other"} and set(result["arrest"]["not_estimable"]) == {"other"}
    assert "stop reason or purpose" in done.result["controls_not_recorded"]
    # The file records no search and no use of force: "not recorded", never an odds ratio of a zero count.
    assert result["search"]["recorded"] is False
    assert result["force"]["recorded"] is False
    # Every Owensboro stop ended in a citation: the outcome never varies, so nothing can be estimated.
    assert frame.loc[frame["race"] != "unknown", "citation"].eq(1).all()
    assert result["citation"]["estimable"] is False

    page = client.get(reverse("disparities:analyses", args=[city.slug, dataset.pk])).content.decode()
    black = next(g for g in result["arrest"]["groups"] if g["race"] == "black")
    assert f"{black['adjusted']['odds_ratio']:.3f}" in page and f"{black['unadjusted']['odds_ratio']:.3f}" in page
    assert "cannot adjust for the decision to stop" in page.replace("\n", " ")
    assert "Search: not recorded in this file" in page and "Use of force: not recorded in this file" in page
    assert "cannot be estimated: 0 stops with the outcome and 3 without" in page


@pytest.mark.django_db
def test_adjusted_odds_ratios_on_a_generated_file_match_a_direct_statsmodels_fit(city):
    data = generated_stops(4000, seed=11)
    dataset = imported_dataset(city, file="stops.csv", data=data, kind="stop")
    run = analysis_run(city, dataset=dataset)
    assert run.status == "done", run.error
    result = {o["outcome"]: o for o in run.result["outcomes"]}
    frame = _raw_frame(data, district="district")
    controls = ["age_group", "sex", "district", "hour", "month", "type"]
    for outcome in ("search", "arrest", "citation"):
        ref = _reference_fit(frame, outcome, controls)
        _check(result[outcome], ref, APP_RACES)
        assert set(result[outcome]["not_estimable"]) == {
            {v: k for k, v in APP_RACES.items()}[r] for r in ref["excluded"]
        }
        assert sorted(result[outcome]["control_columns"]) == sorted(ref["used"])


def test_separation_and_single_level_controls_are_said_never_estimated():
    """Pure module: a group that is never arrested, a district where nobody is, a control of one level."""
    from disparities.figures.adjusted import adjusted_outcome

    rng = np.random.default_rng(5)
    n = 3000
    frame = pd.DataFrame({
        "race": rng.choice(["white", "black", "hispanic"], n, p=[0.6, 0.3, 0.1]),
        "district": rng.choice(["A", "B", "C"], n),
        "sex": "male",
        "age_group": rng.choice(["18_24", "25_34"], n),
    })  # fmt: skip
    p = np.where(frame["race"] == "black", 0.3, 0.2)
    arrest = (rng.random(n) < p).astype(int)
    arrest[(frame["race"] == "hispanic").to_numpy()] = 0
    arrest[(frame["district"] == "C").to_numpy()] = 0
    frame["arrest"] = arrest
    result = adjusted_outcome(frame, "arrest")
    assert result["estimable"]
    assert "hispanic" in result["not_estimable"] and [g["race"] for g in result["groups"]] == ["black"]
    assert "sex" not in result["control_columns"] and "district" in result["control_columns"]
    kept = frame[(frame["race"] != "hispanic") & (frame["district"] != "C")]
    assert result["n"] == len(kept)
    ref = smf.logit("arrest ~ C(race, Treatment('white')) + C(district) + C(age_group)", kept).fit(disp=0)
    b = ref.params["C(race, Treatment('white'))[T.black]"]
    assert _close(result["groups"][0]["adjusted"]["odds_ratio"], math.exp(b))
    # An outcome absent from the data is not recorded; the reference group too small: cannot be estimated.
    assert adjusted_outcome(frame.assign(force=None), "force")["recorded"] is False
    few_white = frame.assign(arrest=np.where(frame["race"] == "white", 0, frame["arrest"]))
    assert adjusted_outcome(few_white, "arrest")["estimable"] is False


@pytest.mark.django_db
def test_who_may_start_it_and_on_what(client_as, city, other_city):
    complaints = imported_dataset(city, file=LANSING)
    stops = imported_dataset(city, file="stops.csv", data=generated_stops(300), kind="stop")
    viewer = client_as(city, "viewer")
    url = reverse("disparities:analysis_start", args=[city.slug, stops.pk, "adjusted"])
    assert viewer.post(url).status_code == 404
    # A viewer reads the page but is offered no button.
    page = viewer.get(reverse("disparities:analyses", args=[city.slug, stops.pk])).content.decode()
    assert "Run it" not in page and "Not run yet" in page
    staff = client_as(city, "staff")
    wrong_kind = reverse("disparities:analysis_start", args=[city.slug, complaints.pk, "adjusted"])
    assert "reads a dataset of stops only" in staff.post(wrong_kind, follow=True).content.decode()
    unknown = reverse("disparities:analysis_start", args=[city.slug, stops.pk, "horoscope"])
    assert "There is no such analysis" in staff.post(unknown, follow=True).content.decode()
    assert staff.get(url).status_code == 405
    outsider = client_as(other_city, "lead")
    assert outsider.post(url.replace(city.slug, other_city.slug)).status_code == 404
    assert not AnalysisRun.objects.exists()
