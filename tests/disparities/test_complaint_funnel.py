"""The complaint funnel on the Lansing complaints file, run by a real Celery worker, checked against
counts computed here from the raw file with pandas."""

from __future__ import annotations

import pandas as pd
import pytest
from django.urls import reverse
from statsmodels.stats.proportion import proportion_confint

from disparities.models import AnalysisRun
from tests.builders import LANSING, POLICE_SAMPLES, imported_dataset
from tests.conftest import wait_for

RACE = {"Black": "black", "White": "white", "Hispanic": "hispanic", "Asian": "asian_pacific_islander",
        "Other": "other", "Unknown": "unknown", "": "unknown"}  # fmt: skip
FINDING = {"Informational Only": "informational", "Unfounded": "unfounded", "Exonerated": "exonerated",
           "Not Sustained": "not_sustained", "Sustained": "sustained", "Partially Sustained": "sustained"}  # fmt: skip
DECIDED = ["sustained", "not_sustained", "exonerated", "unfounded", "informational", "other"]


def _raw() -> pd.DataFrame:
    raw = pd.read_csv(POLICE_SAMPLES / LANSING, dtype=str, keep_default_na=False)
    return pd.DataFrame({
        "complaint": raw["Incident_ID"],
        "complainant": raw["Citizen_Race"].str.strip().map(RACE),
        "officer": raw["Officer_Race"].str.strip().map(RACE),
        "finding": raw["Incident_Disposition"].str.strip().map(FINDING),
    })  # fmt: skip


def _expected(group: pd.DataFrame) -> dict:
    decided = group[group["finding"].isin(DECIDED)]
    sustained = int((decided["finding"] == "sustained").sum())
    complaints_decided = decided["complaint"].nunique()
    complaints_sustained = decided.loc[decided["finding"] == "sustained", "complaint"].nunique()
    return {
        "complaints": group["complaint"].nunique(),
        "allegations": len(group),
        "findings": group["finding"].value_counts().to_dict(),
        "decided": len(decided),
        "sustained": sustained,
        "interval": list(proportion_confint(sustained, len(decided), method="wilson")) if len(decided) else None,
        "complaints_sustained": complaints_sustained,
        "complaints_interval": list(proportion_confint(complaints_sustained, complaints_decided, method="wilson")),
    }


def _check(app: dict, want: dict) -> None:
    assert app["complaints"] == want["complaints"] and app["allegations"] == want["allegations"]
    assert {k: v for k, v in app["findings"].items() if v} == want["findings"]
    assert app["decided"] == want["decided"] and app["findings"]["sustained"] == want["sustained"]
    assert app["sustained_interval"] == pytest.approx(want["interval"], abs=1e-12)
    assert app["complaints_sustained"] == want["complaints_sustained"]
    assert app["complaints_sustained_interval"] == pytest.approx(want["complaints_interval"], abs=1e-12)


@pytest.mark.django_db(transaction=True)
def test_the_complaint_funnel_on_lansing_matches_the_raw_file(celery_worker, client_as, city):
    dataset = imported_dataset(city, file=LANSING)
    client = client_as(city, "lead")
    response = client.post(reverse("disparities:analysis_start", args=[city.slug, dataset.pk, "complaint_funnel"]))
    assert response.status_code == 302
    run = wait_for(
        lambda: AnalysisRun.objects.filter(dataset=dataset, status__in=["done", "failed"]).first(), timeout=60
    )
    assert run.status == "done", run.error
    result = run.result
    raw = _raw()
    # The README's figures: 205 allegation rows in 122 complaints.
    assert (result["all"]["allegations"], result["all"]["complaints"]) == (205, 122)
    _check(result["all"], _expected(raw))
    for key, column in (("by_complainant_race", "complainant"), ("by_officer_race", "officer")):
        groups = {g["race"]: g for g in result[key]}
        assert set(groups) == set(raw[column].unique())
        for race, rows in raw.groupby(column):
            _check(groups[race], _expected(rows))
    # README: complainant race Black 76 rows / 45 complaints, White 81 / 52, Hispanic 23 / 11.
    by_complainant = {g["race"]: (g["allegations"], g["complaints"]) for g in result["by_complainant_race"]}
    assert by_complainant["black"] == (76, 45) and by_complainant["white"] == (81, 52)
    assert by_complainant["hispanic"] == (23, 11)
    # Discipline and dates of receipt and finding are not in the file: said, never 0.
    assert result["not_recorded"]["discipline"].startswith("not recorded")
    assert result["not_recorded"]["days_to_finding"].startswith("not recorded")
    page = client.get(reverse("disparities:analyses", args=[city.slug, dataset.pk])).content.decode()
    assert "Not recorded: the complaints file and its mapping record no discipline" in page
    white = next(g for g in result["by_officer_race"] if g["race"] == "white")
    assert f"{white['sustained_share']:.3f} ({white['sustained_interval'][0]:.3f} to" in page
    assert "The outcome test by district" not in page  # a stops figure, not offered on complaints


def test_a_funnel_without_findings_or_officer_race_says_not_recorded():
    from disparities.figures.complaints import complaint_funnel

    result = complaint_funnel(
        [(2, "A", "black", "", ""), (3, "A", "white", "", ""), (4, "", "white", "", "")],
        finding_recorded=False, officer_race_recorded=False, complainant_race_recorded=True,
    )  # fmt: skip
    assert result["all"]["complaints"] == 2 and result["all"]["sustained_share"] is None
    assert result["by_officer_race"] is None and "findings" in result["not_recorded"]
    assert {g["race"]: g["complaints"] for g in result["by_complainant_race"]} == {"white": 2, "black": 1}
