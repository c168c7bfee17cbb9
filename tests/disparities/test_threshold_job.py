"""The threshold test as a job: started from the dashboard, run by a real Celery worker on the
rollups of an imported file, shown on the page with its diagnostics, in the members' JSON report
and never in a published one. Counts are checked against the raw file, read here with pandas."""

import io
import re

import pandas as pd
import pytest
from django.urls import reverse

from disparities.models import ThresholdRun
from tests.builders import OWENSBORO, generated_stops, imported_dataset, published_snapshot
from tests.conftest import wait_for

pytestmark = pytest.mark.django_db(transaction=True)

ROWS = 8000
OPP_RACES = {"white": "white", "black": "black", "hispanic": "hispanic", "asian/pacific islander": "asian_pacific_islander",
             "other": "other"}  # fmt: skip


@pytest.fixture
def small_sampler(settings):
    # Two chains (the fewest that give R-hat); compiling the sampler costs more than its draws.
    settings.THRESHOLD_TEST_CHAINS = 2
    settings.THRESHOLD_TEST_WARMUP = 1000
    settings.THRESHOLD_TEST_DRAWS = 1000


def _run_to_end(client, city, dataset):
    response = client.post(reverse("disparities:threshold_start", args=[city.slug, dataset.pk]))
    assert response.status_code == 302 and response.url.endswith("#threshold")
    run = ThresholdRun.objects.get(dataset=dataset)
    status_url = reverse("disparities:threshold_status", args=[city.slug, dataset.pk, run.pk])
    fragment = client.get(status_url, headers={"HX-Request": "true"}).content.decode()
    assert 'id="threshold-result"' in fragment and "<html" not in fragment
    done = wait_for(
        lambda: ThresholdRun.objects.filter(pk=run.pk, status__in=["done", "failed"]).first(), timeout=600
    )
    assert done.status == "done", done.error
    # Once done, the fragment stops polling.
    fragment = client.get(status_url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in fragment
    return done


def test_threshold_test_runs_in_the_worker_on_a_generated_file(celery_worker, small_sampler, client_as, city):
    raw = generated_stops(ROWS)
    dataset = imported_dataset(city, file="stops.csv", data=raw, kind="stop")
    client = client_as(city, "staff")
    run = _run_to_end(client, city, dataset)
    result = run.result
    assert result["eligible"], result["reason"]
    assert result["verdict"] in {"ok", "flagged"}, result["problems"]

    # Stops, searches and hits by race and district, counted from the raw file here.
    df = pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False)
    df["race"] = df["subject_race"].map(OPP_RACES).fillna("unknown")
    df["searched"] = df["search_conducted"] == "TRUE"
    df["hit"] = df["searched"] & (df["contraband_found"] == "TRUE")
    by = df.groupby(["race", "district"]).agg(stops=("race", "size"), searches=("searched", "sum"), hits=("hit", "sum"))
    races = [g["race"] for g in result["races"]]
    assert races[0] == "white" and "black" in races and "hispanic" in races
    for group in result["races"]:
        expected = by.loc[group["race"]].sum()
        assert (group["stops"], group["searches"], group["hits"]) == (
            expected["stops"], expected["searches"], expected["hits"]
        )  # fmt: skip
        assert group["districts"] == 5
    for cell in result["cells"]:
        expected = by.loc[(cell["race"], cell["district"])]
        assert (cell["stops"], cell["searches"], cell["hits"]) == tuple(expected[["stops", "searches", "hits"]])
    # A race with too few searches is left out and said.
    per_race = df.groupby("race")["searched"].sum()
    assert per_race["other"] < 10 and "other" not in races
    assert any(e.startswith(f"Other drivers: {(df['race'] == 'other').sum()} stops") for e in result["excluded"])
    for group in result["races"]:
        lo, hi = group["interval"]
        assert 0 < lo < group["threshold"] < hi < 1
        assert group["p_lower_than_white"] is None or 0 <= group["p_lower_than_white"] <= 1
    diag = result["diagnostics"]
    assert diag["chains"] == 2 and diag["draws"] == 1000 and diag["max_rhat"] < 1.05

    page = client.get(reverse("disparities:dashboard", args=[city.slug, dataset.pk])).content.decode()
    assert "Threshold test (searches)" in page and "Convergence diagnostics" in page
    assert f"{diag['max_rhat']}" in page and f"{diag['divergences']} of 2 chains" in page
    black = next(g for g in result["races"] if g["race"] == "black")
    assert re.search(rf"Black</th><td>{black['stops']}</td><td>{black['searches']}</td><td>{black['hits']}</td>\s*"
                     rf"<td>{black['threshold']:.3f}</td>", page)  # fmt: skip
    # The chart draws each race's interval; its numbers are the table's.
    assert 'id="threshold-chart-title"' in page
    assert page.count('<circle cx="') == len(result["races"]) - 1 and page.count('<rect x="') >= 1
    top = max(g["interval"][1] for g in result["races"])
    scale = min(1.0, (int(top * 20) + 1) / 20)
    assert f'cx="{round(170 + 400 * black["threshold"] / scale, 1)}"' in page
    if result["verdict"] == "flagged":
        assert "Read with caution" in page

    report = client.get(reverse("disparities:report_json", args=[city.slug, dataset.pk])).json()
    assert report["threshold_test"]["races"] == result["races"]
    printed = client.get(reverse("disparities:report", args=[city.slug, dataset.pk])).content.decode()
    assert "Threshold test (searches, the whole dataset)" in printed and f"{black['threshold']:.3f}" in printed
    snapshot = published_snapshot(city, dataset=dataset)
    assert snapshot.content["threshold_test"] is None
    assert "threshold" not in str(snapshot.content.get("veil_of_darkness") or "")


def test_the_real_owensboro_file_says_why_the_test_cannot_run(celery_worker, client_as, city):
    dataset = imported_dataset(city, file=OWENSBORO)
    client = client_as(city, "lead")
    run = _run_to_end(client, city, dataset)
    assert not run.result["eligible"] and "does not record searches" in run.result["reason"]
    page = client.get(reverse("disparities:dashboard", args=[city.slug, dataset.pk])).content.decode()
    assert "The test cannot run on this file: This file does not record searches" in page
    # The members' report says it even before a run, from the mapping alone.
    other = imported_dataset(city, file=OWENSBORO, name="Owensboro again")
    report = client.get(reverse("disparities:report_json", args=[city.slug, other.pk])).json()
    assert report["threshold_test"]["eligible"] is False and "search" in report["threshold_test"]["reason"]


def test_a_file_without_districts_cannot_run(client_as, city):
    from tests.builders import threshold_run

    raw = generated_stops(2000).decode()
    raw = raw.replace(",district,", ",beat_unused,")  # the district column is not mapped
    dataset = imported_dataset(city, file="stops.csv", data=raw.encode(), kind="stop")
    assert "district" not in dataset.mapping["columns"]
    run = threshold_run(city, dataset=dataset)
    assert not run.result["eligible"] and "does not record a district" in run.result["reason"]


def test_viewer_cannot_start_and_other_kinds_are_refused(client_as, city):
    from tests.builders import BREMERTON_ARRESTS

    arrests = imported_dataset(city, file=BREMERTON_ARRESTS)
    viewer = client_as(city, "viewer")
    assert viewer.post(reverse("disparities:threshold_start", args=[city.slug, arrests.pk])).status_code == 404
    staff = client_as(city, "staff")
    response = staff.post(reverse("disparities:threshold_start", args=[city.slug, arrests.pk]), follow=True)
    assert "for stops and the searches made during them only" in response.content.decode()
    assert not ThresholdRun.objects.exists()


def test_another_citys_run_is_not_found(client_as, city, other_city):
    from tests.builders import threshold_run

    run = threshold_run(other_city)
    client = client_as(city, "lead")
    url = reverse("disparities:threshold_status", args=[city.slug, run.dataset_id, run.pk])
    assert client.get(url).status_code == 404
    url = reverse("disparities:threshold_start", args=[city.slug, run.dataset_id])
    assert client.post(url).status_code == 404
    assert ThresholdRun.objects.count() == 1


def test_a_run_that_fails_its_checks_gives_no_thresholds(settings, client_as, city):
    from tests.builders import threshold_run

    # One chain cannot give R-hat: the run is refused, whatever its draws say.
    settings.THRESHOLD_TEST_CHAINS = 1
    settings.THRESHOLD_TEST_WARMUP = 50
    settings.THRESHOLD_TEST_DRAWS = 50
    dataset = imported_dataset(city, file="stops.csv", data=generated_stops(ROWS), kind="stop")
    run = threshold_run(city, dataset=dataset)
    result = run.result
    assert result["eligible"] and result["verdict"] == "refused"
    assert "R-hat needs at least two chains" in result["problems"]
    assert all(g["threshold"] is None and g["interval"] is None for g in result["races"])
    assert all(c["threshold"] is None for c in result["cells"])
    page = client_as(city, "viewer").get(
        reverse("disparities:threshold_status", args=[city.slug, dataset.pk, run.pk])
    ).content.decode()
    assert "The model did not converge: no thresholds are given" in page
    assert "threshold-chart-title" not in page and "What the test finds" not in page
    assert "Run the threshold test again" not in page  # a viewer reads, and cannot start it
