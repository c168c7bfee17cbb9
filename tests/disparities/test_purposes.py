"""Stop purposes and search kinds (Open Data Policing NC's way): a job on the stops, the city's
grouping of reasons saved with the mapping, checked against counts computed here with pandas."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from django.urls import reverse

from cities.models import AuditEvent
from disparities.models import AnalysisRun, Dataset, SavedMapping
from tests.builders import OWENSBORO, generated_stops, imported_dataset
from tests.conftest import wait_for

RACES = {"white": "white", "black": "black", "hispanic": "hispanic", "asian/pacific islander": "asian_pacific_islander",
         "other": "other"}  # fmt: skip
REASONS = ["SPEEDING", "EXPIRED REGISTRATION", "SUSPICIOUS VEHICLE", "EQUIPMENT VIOLATION", "STOP SIGN", "COURTESY"]
# The grouping the test expects the words of each reason to propose (ODP NC's groups).
PROPOSED = {"SPEEDING": "safety", "STOP SIGN": "safety", "EXPIRED REGISTRATION": "regulatory",
            "EQUIPMENT VIOLATION": "regulatory", "SUSPICIOUS VEHICLE": "investigatory", "COURTESY": ""}  # fmt: skip


def _file() -> bytes:
    raw = pd.read_csv(io.BytesIO(generated_stops(6000, seed=8)), dtype=str, keep_default_na=False)
    raw["reason"] = np.random.default_rng(3).choice(REASONS, len(raw), p=[0.4, 0.15, 0.1, 0.1, 0.15, 0.1])
    return raw.to_csv(index=False).encode()


def _expected(data: bytes, groups: dict[str, str], bases: dict[str, str]) -> tuple[dict, dict]:
    """`bases`: the confirmed mapping's values of the search basis column (the analyst's choice)."""
    raw = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    frame = pd.DataFrame({
        "race": raw["subject_race"].map(RACES), "group": raw["reason"].map(groups),
        "searched": raw["search_conducted"] == "TRUE", "basis": raw["search_basis"].map(bases).fillna(""),
        "hit": raw["contraband_found"] == "TRUE",
    }).dropna(subset=["race"])  # fmt: skip
    purpose = {(g, r): (int(x["searched"].sum()), len(x)) for (g, r), x in frame.groupby(["group", "race"])}
    stops = frame.groupby("race").size()
    searched = frame[frame["searched"]]
    kinds = {
        (b, r): (len(x), int(stops[r]), int(x["hit"].sum()))
        for (b, r), x in searched.groupby(["basis", "race"])
    }
    return purpose, kinds


def _check(result: dict, purpose: dict, kinds: dict) -> None:
    seen = 0
    for row in result["by_purpose"]:
        for cell in row["cells"]:
            want = purpose.get((row["group"], cell["race"]), (0, 0))
            assert (cell["events"], cell["of"]) == want, (row["group"], cell["race"])
            seen += 1
    assert seen == len([k for k in purpose if k[1] in {c["race"] for c in result["by_purpose"][0]["cells"]}])
    for row in result["by_search_kind"]:
        for cell in row["cells"]:
            searches, stops, hits = kinds.get((row["kind"], cell["race"]), (0, None, 0))
            assert cell["likelihood"]["events"] == searches, (row["kind"], cell["race"], sorted(kinds))
            if stops is not None:
                assert cell["likelihood"]["of"] == stops and cell["hit_rate"]["events"] == hits


@pytest.mark.django_db(transaction=True)
def test_purposes_and_search_kinds_match_the_raw_file_and_the_grouping_is_saved(celery_worker, client_as, city):
    data = _file()
    dataset = imported_dataset(city, file="stops.csv", data=data, kind="stop")
    assert "reason" in dataset.mapping["columns"]
    client = client_as(city, "staff")
    start = reverse("disparities:analysis_start", args=[city.slug, dataset.pk, "purposes"])
    # Grouping before any count: said, nothing saved.
    groups_url = reverse("disparities:purpose_groups", args=[city.slug, dataset.pk])
    assert "Count the stops by purpose first" in client.post(groups_url, {"group-0": "safety"}, follow=True).content.decode()
    assert client.post(start).status_code == 302
    run = wait_for(lambda: AnalysisRun.objects.filter(dataset=dataset, status__in=["done", "failed"]).first(), timeout=60)
    assert run.status == "done", run.error
    result = run.result
    assert {r["reason"]: r["group"] for r in result["reasons"]} == PROPOSED
    assert all(r["proposed"] for r in result["reasons"])
    bases = dataset.mapping["values"]["search_basis"]
    purpose, kinds = _expected(data, PROPOSED, bases)
    _check(result, purpose, kinds)
    assert {k["kind"] for k in result["by_search_kind"]} == {b or "unknown" for b, _r in kinds}
    assert result["not_recorded"]["contraband_kind"].startswith("not recorded")

    page = client.get(reverse("disparities:analyses", args=[city.slug, dataset.pk])).content.decode()
    assert "Likelihood of a search by stop purpose" in page and "COURTESY (" in page
    assert "Hit rate by contraband kind: not recorded" in page

    # A group that does not exist: the form says so, nothing is saved.
    index = next(i for i, r in enumerate(result["reasons"]) if r["reason"] == "COURTESY")
    bad = client.post(groups_url, {f"group-{index}": "vibes"})
    assert bad.status_code == 400 and "Select a valid choice" in bad.content.decode()
    assert "purpose_groups" not in Dataset.objects.get(pk=dataset.pk).mapping

    # The city puts courtesy stops among investigatory ones: saved with the mapping, counted again.
    response = client.post(groups_url, {f"group-{index}": "investigatory"})
    assert response.status_code == 302
    saved = Dataset.objects.get(pk=dataset.pk).mapping["purpose_groups"]
    assert saved == {"COURTESY": "investigatory"}
    kept = SavedMapping.objects.get(city=city, kind="stop")
    assert kept.mapping["purpose_groups"] == saved
    assert AuditEvent.objects.filter(city_id=city.pk, summary__startswith="Grouped 1 stop reasons").count() == 1
    again = wait_for(
        lambda: AnalysisRun.objects.filter(dataset=dataset, status="done").exclude(pk=run.pk).first(), timeout=60
    )
    regrouped = {**PROPOSED, "COURTESY": "investigatory"}
    assert {r["reason"]: r["group"] for r in again.result["reasons"]} == regrouped
    assert [r["reason"] for r in again.result["reasons"] if not r["proposed"]] == ["COURTESY"]
    _check(again.result, *_expected(data, regrouped, bases))
    assert "" not in {row["group"] for row in again.result["by_purpose"]}


@pytest.mark.django_db
def test_a_file_without_reasons_or_searches_says_not_recorded(client_as, city):
    from tests.builders import analysis_run

    dataset = imported_dataset(city, file=OWENSBORO)
    run = analysis_run(city, dataset=dataset, method="purposes")
    assert run.status == "done"
    assert run.result["by_purpose"] == [] and run.result["by_search_kind"] == []
    assert {"purpose", "search", "search_kind", "contraband_kind"} <= set(run.result["not_recorded"])
    viewer = client_as(city, "viewer")
    url = reverse("disparities:purpose_groups", args=[city.slug, dataset.pk])
    assert viewer.post(url, {"group-0": "safety"}).status_code == 404


def test_proposed_groups_from_the_words_of_a_reason():
    from disparities.figures.purposes import propose

    assert propose("Speed Limit Violation") == "safety"
    assert propose("Vehicle Equipment Violation") == "regulatory"
    assert propose("Investigation") == "investigatory"
    assert propose("Other Motor Vehicle Violation") == "investigatory"
    assert propose("Courtesy") == ""


@pytest.mark.django_db
def test_an_empty_grouping_form_saves_nothing_and_says_so(client_as, city):
    from tests.builders import analysis_run

    dataset = imported_dataset(city, file="stops.csv", data=_file(), kind="stop")
    analysis_run(city, dataset=dataset, method="purposes")
    client = client_as(city, "lead")
    response = client.post(reverse("disparities:purpose_groups", args=[city.slug, dataset.pk]), {})
    assert response.status_code == 400
    assert "Nothing to save: group at least one stop reason." in response.content.decode()
    assert "purpose_groups" not in Dataset.objects.get(pk=dataset.pk).mapping
    assert AnalysisRun.objects.filter(dataset=dataset).count() == 1
