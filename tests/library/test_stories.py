"""City stories (issue #18, item 2): from each of the five sources, one action opens a story
pre-filled with what the app knows; the city edits and sends it; a curator reviews it as any
submission; it reaches the library crediting the city. Figures are checked against counts made here
from the raw data, and nothing unpublished or personal goes into the pre-filled text."""

import json
from pathlib import Path

import pandas as pd
import pytest
from django.urls import reverse
from django.utils import timezone

from library.models import Resource, Submission
from tests import builders

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[2] / "indicators" / "sample_data"


def _story_page(client, city, key):
    return client.get(reverse("library:city_story", args=[city.slug]), {"source": key})


def _initial(response):
    form = response.context["form"]
    return {name: form[name].value() for name in form.fields}


def _send_and_publish(client, city, key, curator, *, title):
    """The city sends the pre-filled story with its own title; a curator accepts it and takes the
    resource through review to published. Answers the submission and the resource."""
    response = _story_page(client, city, key)
    assert response.status_code == 200
    data = {k: v for k, v in _initial(response).items() if v not in (None, "", False)}
    data["title"] = title
    data["source"] = key
    response = client.post(reverse("library:city_story", args=[city.slug]), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    submission = Submission.objects.get(city=city, story_key=key)
    assert submission.title == title and submission.status == "submitted"
    # The city sees its story and its status.
    listing = client.get(reverse("library:city_stories", args=[city.slug])).content.decode()
    assert title in listing and "Waiting for a curator" in listing
    # Curators review it as any submission.
    client.force_login(curator)
    page = client.get(reverse("library:curate_submission", args=[submission.pk])).content.decode()
    assert "Figures, with their sources" in page or not submission.story_figures
    response = client.post(
        reverse("library:curate_submission", args=[submission.pk]), {"decision": "accepted", "reason": ""}
    )
    assert response.status_code == 302
    submission.refresh_from_db()
    resource = submission.resource
    assert resource.credited_city == city and list(resource.cities.all()) == [city]
    for to in ("in_review", "published"):
        assert (
            client.post(reverse("library:curate_transition", args=[resource.pk]), {"to": to}).status_code
            == 302
        )
    resource.refresh_from_db()
    assert resource.status == "published"
    public = client.get(reverse("library:resource", args=[resource.slug])).content.decode()
    assert title in public and city.name in public
    return submission, resource, public


def test_a_kept_commitment_becomes_a_story_in_the_library(client, city, member_of, curator):
    staff = member_of(city, "staff")
    org = builders.stakeholder(
        city, name="Eastside Tenants Union", kind="organisation", group="neighbourhood"
    )
    resident = builders.stakeholder(city, name="Maria Lopez", group="youth")
    on_time = builders.kept_commitment(city, due_in=10, owed_to=org)
    late = builders.kept_commitment(city, what="Open a youth centre", due_in=-4, owed_to=resident)
    client.force_login(staff)

    response = _story_page(client, city, f"relationships:{on_time.pk}")
    facts = response.context["facts"]
    today = timezone.localdate()
    figures = {f.label: f.value for f in facts.figures}
    assert figures["Due"] == f"{on_time.due_date:%d %B %Y}" and figures["Kept"] == f"{today:%d %B %Y}"
    assert figures["Days before the due date"] == str((on_time.due_date - today).days) == "10"
    initial = _initial(response)
    assert (
        "Publish stop data monthly" in initial["what_we_did"]
        and "Eastside Tenants Union" in initial["partners"]
    )
    assert "Private working notes" not in json.dumps(initial)  # unpublished details stay out

    late_facts = _story_page(client, city, f"relationships:{late.pk}").context["facts"]
    assert {f.label: f.value for f in late_facts.figures}["Days after the due date"] == "4"
    assert "Maria Lopez" not in json.dumps(_initial(_story_page(client, city, f"relationships:{late.pk}")))

    submission, resource, public = _send_and_publish(
        client, city, f"relationships:{on_time.pk}", curator, title="We kept our word on stop data"
    )
    assert submission.story_source == "Kept commitment"
    assert "Days before the due date: 10" in resource.body and city.name in public


def test_a_reported_conversation_becomes_a_story_without_names_or_small_counts(
    client, city, member_of, curator
):
    staff = member_of(city, "staff")
    big = builders.reported_conversation(city, attendance={"youth": 14, "police": 3})
    small = builders.reported_conversation(city, title="Faith leaders and police", attendance={"faith": 4})
    assert big.status == "reported"
    client.force_login(staff)
    response = _story_page(client, city, f"conversations:{big.pk}")
    figures = {f.label: f.value for f in response.context["facts"].figures}
    # Counted here from the facilitator's report as stored.
    report = big.sessions.get().report
    assert (
        figures["People present (facilitators' head counts)"] == str(sum(report.attendance.values())) == "17"
    )
    assert figures["Commitments made"] == "1" and figures["Sessions held"] == "1"
    text = json.dumps(_initial(response))
    assert "Youth" in text and "Police" in text and "Ana Diaz" not in text  # groups, never residents' names
    small_figures = {
        f.label: f.value
        for f in _story_page(client, city, f"conversations:{small.pk}").context["facts"].figures
    }
    assert small_figures["People present (facilitators' head counts)"] == "fewer than 11"
    # A conversation not yet reported cannot be told.
    scheduled = builders.make_conversation(city, title="Not yet held")
    assert _story_page(client, city, f"conversations:{scheduled.pk}").status_code == 404
    _send_and_publish(client, city, f"conversations:{big.pk}", curator, title="Youth told us about stops")


def test_a_published_dashboard_becomes_a_story_with_its_published_figures(client, city, member_of, curator):
    from disparities.models import Benchmark, Stop

    staff = member_of(city, "staff")
    # Enough stops for the published page to show its total (300 would be protected whole).
    dataset = builders.imported_dataset(
        city, file="stops.csv", data=builders.generated_stops(3000), kind="stop"
    )
    snapshot = builders.published_snapshot(city, dataset=dataset)
    client.force_login(staff)
    response = _story_page(client, city, f"disparities:{snapshot.pk}")
    figures = {f.label: f for f in response.context["facts"].figures}
    # Every figure is the published (protected) one: read here from the snapshot as stored.
    snapshot.refresh_from_db()
    tables = {t["key"]: t for t in snapshot.content["tables"]}
    cells = {r["key"]: r["cells"] for r in tables["population"]["rows"]}
    black = cells["black"]["ratio"]
    label = "Black residents: stops per resident, ratio to white"
    assert "published dashboard" in figures[label].source
    if black["suppressed"]:
        assert figures[label].value == "suppressed (small numbers protected)"
        assert not any(ch.isdigit() for ch in figures[label].value)
    else:  # shown: the ratio counted here from the imported stops and the county's residents
        stops = pd.DataFrame(list(Stop.objects.filter(dataset=dataset).values("subject_race")))
        counts = stops["subject_race"].value_counts()
        bench = Benchmark.objects.filter(city=city).order_by("-is_default", "id").first()
        expected = (counts["black"] / bench.black) / (counts["white"] / bench.white)
        assert figures[label].value.startswith(f"{expected:.2f}")
    # The total of stops, shown on the published page, counted here from the imported records.
    total = figures["Stops of known race in the published dashboard"].value
    assert cells["total"]["events"]["suppressed"] is False
    races = pd.Series(list(Stop.objects.filter(dataset=dataset).values_list("subject_race", flat=True)))
    assert total == f"{int((races != 'unknown').sum()):,}"
    # No exact count of a race leaves the published page's protection.
    for race in ("black", "hispanic", "white"):
        if cells[race]["events"]["suppressed"]:
            exact = Stop.objects.filter(dataset=dataset, subject_race=race).count()
            assert f"{exact:,}" not in json.dumps(_initial(response)) or exact == 0
    # A withdrawn dashboard tells nothing; a dashboard never published is no story either.
    from disparities.services import publishing

    withdrawn = builders.published_snapshot(city, dataset=snapshot.dataset, title="Withdrawn one")
    publishing.snapshot_withdraw(snapshot=withdrawn, withdrawn_by=None)
    assert _story_page(client, city, f"disparities:{withdrawn.pk}").status_code == 404
    _send_and_publish(client, city, f"disparities:{snapshot.pk}", curator, title="Our stops, in public")


def test_a_published_equity_assessment_becomes_a_story(client, city, member_of, curator):
    from equity.models import Assessment, Strategy
    from tests.equity.routes import scene

    records = scene(city)
    assessment = Assessment.objects.get(pk=records["assessment_id"])
    staff = member_of(city, "staff")
    client.force_login(staff)
    response = _story_page(client, city, f"equity:{assessment.pk}")
    figures = {f.label: f.value for f in response.context["facts"].figures}
    strategies = pd.DataFrame(list(Strategy.objects.filter(assessment=assessment).values("commitment_id")))
    assert figures["Strategies adopted"] == str(len(strategies))
    assert figures["Strategies made into tracked commitments"] == str(
        int(strategies["commitment_id"].notna().sum())
    )
    initial = _initial(response)
    assert (
        "Young people feel targeted." in initial["partners"]
        and "Outreach replaces stops." in initial["how_it_went"]
    )
    # Evidence typed by members (not from a published source) and the impact notes stay out.
    assert "Most were of Black youth" not in json.dumps(initial)
    # Once the public page is withdrawn, the assessment cannot be told.
    from equity import services

    services.assessment_withdraw(assessment=assessment, by=None)
    assert _story_page(client, city, f"equity:{assessment.pk}").status_code == 404
    services.assessment_publish(assessment=assessment, by=None)
    _send_and_publish(
        client, city, f"equity:{assessment.pk}", curator, title="Curfew stops replaced by outreach"
    )


def test_an_outcome_indicator_that_moved_becomes_a_story(client, city, member_of, curator):
    from indicators import selectors

    key = builders.moved_indicator(city)
    staff = member_of(city, "staff")
    client.force_login(staff)
    response = _story_page(client, city, f"indicators:{key}")
    assert response.status_code == 200
    facts = response.context["facts"]
    figures = {f.label: f.value for f in facts.figures}
    # Black men's poverty share in 2024, computed here from the raw Census file of the geography.
    geo = selectors.chosen_geography(city=city)
    rows = json.loads((SAMPLES / "2024-POVERTY_BY_RACE_COUNTY_BLACK.json").read_bytes())
    frame = pd.DataFrame(rows[1:], columns=rows[0])
    row = frame[frame["GEO_ID"] == geo.geo_id].iloc[0]
    below, above = int(row["B17001B_003E"]), int(row["B17001B_032E"])
    share = f"{100 * below / (below + above):.1f}%"
    black = next(
        v
        for k, v in figures.items()
        if k.endswith(": Black or African American alone") or k.endswith(": Black")
    )
    assert black.startswith(share)
    # Black poverty was a half higher in 2019: the gap narrowed, the score rose.
    assert figures["Change in the equality score"].startswith("+") and "narrowed" in facts.title
    _send_and_publish(client, city, f"indicators:{key}", curator, title="Fewer Black men in poverty")


def test_an_indicator_that_did_not_move_cannot_be_told(client, city, member_of):
    from indicators import services

    for word in ("BLACK", "WHITE"):
        name = f"2024-POVERTY_BY_RACE_COUNTY_{word}.json"
        services.census_file_upload(city=city, raw=(SAMPLES / name).read_bytes(), filename=name)
    client.force_login(member_of(city, "staff"))
    assert _story_page(client, city, "indicators:poverty_male").status_code == 404


def test_stories_are_closed_to_other_cities_viewers_and_bad_keys(client, city, other_city, member_of):
    commitment = builders.kept_commitment(city)
    key = f"relationships:{commitment.pk}"
    client.force_login(member_of(other_city, "lead"))  # another city, the same id
    assert _story_page(client, other_city, key).status_code == 404
    assert _story_page(client, city, key).status_code == 404
    client.force_login(member_of(city, "facilitator"))  # no right to send stories
    assert _story_page(client, city, key).status_code == 404
    client.force_login(member_of(city, "staff"))
    for bad in ("", "relationships:", "relationships:abc", "nothing:1", "relationships:999999", "x" * 500):
        assert _story_page(client, city, bad).status_code == 404, bad
    # An empty form: a clear message on its fields, nothing sent.
    response = client.post(reverse("library:city_story", args=[city.slug]), {"source": key})
    assert response.status_code == 200 and response.context["form"].errors["title"]
    assert not Submission.objects.filter(city=city).exists()


def test_the_action_is_offered_on_each_source_page(client, city, member_of):
    from tests.equity.routes import scene

    staff = member_of(city, "staff")
    commitment = builders.kept_commitment(city)
    conversation = builders.reported_conversation(city)
    snapshot = builders.published_snapshot(city)
    assessment_id = scene(city)["assessment_id"]
    key = builders.moved_indicator(city)
    client.force_login(staff)
    story = reverse("library:city_story", args=[city.slug])
    pages = {
        f"relationships:{commitment.pk}": reverse(
            "relationships:commitment_detail", args=[city.slug, commitment.pk]
        ),
        f"conversations:{conversation.pk}": reverse(
            "conversations:detail", args=[city.slug, conversation.pk]
        ),
        f"disparities:{snapshot.pk}": reverse("disparities:snapshots", args=[city.slug]),
        f"equity:{assessment_id}": reverse("equity:detail", args=[city.slug, assessment_id]),
        f"indicators:{key}": reverse("indicators:indicator", args=[city.slug, key]),
    }
    for source, url in pages.items():
        body = client.get(url).content.decode()
        assert f"{story}?source={source}" in body, url
    assert not Resource.objects.filter(credited_city=city).exists()  # nothing reaches the library unsent


def test_typed_text_is_escaped_on_the_story_page(client, city, member_of):
    payload = "<script>alert('story')</script>"
    commitment = builders.kept_commitment(city, what=payload)
    client.force_login(member_of(city, "lead"))
    body = _story_page(client, city, f"relationships:{commitment.pk}").content.decode()
    assert payload not in body and "&lt;script&gt;alert(" in body
