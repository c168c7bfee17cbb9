"""A home for each role: the lead and staff see this week's figures first, a facilitator their own
conversations, a national curator the library's queue and the campaigns; a person in several
cities lands on the last city they used.

Every figure is checked against a count made here from the records the test built, and the
headline disparity against pandas and scipy on a real police file (never the app's own functions).
"""

import html
import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.builders import (
    OWENSBORO,
    county_benchmark,
    curator,
    imported_dataset,
    make_conversation,
    member,
    relationship,
    resource,
    submission,
)
from tests.disparities.test_report_recomputed import frame, rate_ratio
from tests.factories import CityFactory

pytestmark = pytest.mark.django_db

FIGURE = re.compile(
    r'<li class="usa-summary-box home-figure" data-figure="(?P<key>[^"]+)">.*?'
    r'<p class="usa-summary-box__heading">(?P<label>.*?)</p>.*?'
    r'<a class="usa-summary-box__link" href="(?P<url>[^"]+)">(?P<value>.*?)</a>'
    r'(?:</p>\s*<p class="home-figure__detail">(?P<detail>.*?)</p>)?',
    re.S,
)


def figures(page: str) -> list[dict]:
    return [{k: html.unescape(v or "") for k, v in m.groupdict().items()} for m in FIGURE.finditer(page)]


def home(client, city) -> str:
    response = client.get(reverse("cities:home", args=[city.slug]))
    assert response.status_code == 200
    return response.content.decode()


def _week_scene(city, lead):
    """Records of every kind the week's figures count, some inside the week and some outside."""
    from conversations import services as conversations
    from relationships import services as relationships

    soon = make_conversation(city, by=lead, title="Youth and police", capacity=30, days_ahead=4)
    make_conversation(city, by=lead, title="Later circle", capacity=30, days_ahead=20)
    conversations.voice_targets_set(conversation=soon, targets={"youth": 6, "faith": 4})
    for n, group in enumerate(["youth", "youth", "faith"]):
        conversations.registration_create(
            conversation=soon, name=f"Resident {n}", email=f"r{n}@example.org", group=group
        )
    # Overdue: a 30-day cadence last met 45 days ago; on track: met 3 days ago.
    relationship(city, owner=lead, cadence=30, started_days_ago=200, met_days_ago=45, name="Pastor Lee")
    relationship(city, owner=lead, cadence=30, started_days_ago=200, met_days_ago=3, name="Youth council")
    today = timezone.localdate()
    for days, what in [(-2, "late"), (5, "this week"), (30, "next month"), (None, "someday")]:
        relationships.commitment_create(
            city=city,
            what=f"Promise {what}",
            owed_by="The city",
            due_date=today + timedelta(days=days) if days is not None else None,
        )
    return soon


def test_the_lead_home_opens_with_the_figures_of_the_week(city):
    lead = member(city, "lead")
    soon = _week_scene(city, lead)
    county_benchmark(city, fips="21059")
    dataset = imported_dataset(city, file=OWENSBORO)
    assert dataset.status == "imported", dataset.failure_reason

    from django.test import Client

    client = Client()
    client.force_login(lead)
    page = home(client, city)
    shown = figures(page)
    assert [f["key"] for f in shown] == ["conversations", "relationships", "relationships", "disparities"]
    # The figures come before the sections.
    assert page.index("This week") < page.index('id="panel-conversations"')

    conversation, overdue, due, disparity = shown
    # 3 confirmed registrations against targets of 6 + 4 for the soonest conversation.
    assert conversation["label"] == "Registered for Youth and police"
    assert conversation["value"] == "3"
    assert conversation["detail"].startswith("of 10 targeted;")
    assert conversation["url"] == reverse("conversations:voices", args=[city.slug, soon.pk])
    assert overdue["label"] == "Relationships overdue" and overdue["value"] == "1"
    assert due["label"] == "Commitments due" and due["value"] == "2"  # late + this week; not next month

    # The headline disparity: Black stops per resident against white, from the raw file.
    doc = client.get(reverse("disparities:report_json", args=[city.slug, dataset.pk])).json()
    residents = doc["benchmark"]["residents"]
    margins = doc["benchmark"].get("margins_of_error") or {}
    df = frame(OWENSBORO)
    persons = df[df["person"]].groupby("race").size()
    value, (low, high) = rate_ratio(
        int(persons["black"]), residents["black"], int(persons["white"]), residents["white"],
        margins.get("black"), margins.get("white"),
    )  # fmt: skip
    assert disparity["value"] == f"{value:.2f}×"
    assert f"(95% interval {low:.2f} to {high:.2f})" in disparity["detail"]
    assert disparity["detail"].startswith("Black: stops per resident, ratio to white")
    assert "Not for publication" in disparity["detail"]
    assert disparity["url"] == reverse("disparities:dashboard", args=[city.slug, dataset.pk])


def test_staff_see_the_figures_and_a_viewer_sees_none(city, client_as):
    lead = member(city, "lead")
    _week_scene(city, lead)
    staff_keys = [f["key"] for f in figures(home(client_as(city, "staff"), city))]
    assert staff_keys == ["conversations", "relationships", "relationships"]  # no dataset yet: no headline
    viewer_page = home(client_as(city, "viewer"), city)
    assert figures(viewer_page) == []
    assert "This week" not in viewer_page


def test_a_figure_says_none_planned_rather_than_zero(city, client_as):
    shown = figures(home(client_as(city, "lead"), city))
    assert shown[0]["value"] == "None planned"
    assert {f["label"]: f["value"] for f in shown}["Relationships overdue"] == "0"


def test_a_facilitator_lands_on_their_own_conversations_and_the_next_check_in(city):
    from django.test import Client

    lead = member(city, "lead")
    facilitator = member(city, "facilitator", full_name="Fran Facilitator")
    mine = make_conversation(city, by=lead, title="Our circle", facilitators=[facilitator], days_ahead=2)
    make_conversation(city, by=lead, title="Someone else's circle", days_ahead=1)
    session = mine.sessions.get()
    client = Client()
    client.force_login(facilitator)
    page = home(client, city)

    assert "Your conversations" in page
    assert "Our circle" in page and "Someone else&#x27;s circle" not in page and "Someone else's" not in page
    check_in = reverse("conversations:check_in", args=[city.slug, mine.pk, session.pk])
    report = reverse("conversations:report", args=[city.slug, mine.pk, session.pk])
    assert f'href="{check_in}"' in page and f'href="{report}"' in page
    assert client.get(check_in).status_code == 200
    # Facilitators cannot plan: no invitation to plan one, no planner's figures.
    assert "Plan a conversation" not in page and "Start by planning one" not in page
    shown = figures(page)
    assert [f["key"] for f in shown] == ["conversations"]
    assert shown[0]["label"] == "Registered for Our circle"
    assert shown[0]["url"] == reverse("conversations:detail", args=[city.slug, mine.pk])


def test_a_facilitator_with_nothing_assigned_is_told_so_not_to_plan(city, client_as):
    make_conversation(city, title="Not theirs")
    page = home(client_as(city, "facilitator"), city)
    assert "No conversation is assigned to you yet" in page
    assert "Not theirs" not in page and "Plan a conversation" not in page


def test_the_curator_lands_on_the_curator_home(city, other_city, client):
    from conversations import services as conversations

    boss = curator()
    lead = member(city, "lead")
    waiting = submission(city, answered=False)
    submission(other_city, answered=True)  # answered: not in the queue
    in_review = resource("Listening sessions", status="in_review", by=boss)
    overdue = resource("Old toolkit", status="published", by=boss)
    type(overdue).objects.filter(pk=overdue.pk).update(review_by=date.today() - timedelta(days=3))
    resource("Fresh guide", status="published", by=boss)
    campaign = conversations.campaign_create(
        title="100 conversations", goal=100, starts_on=date.today(), ends_on=date.today() + timedelta(days=90),
        by=boss,
    )  # fmt: skip
    conversations.pledge_set(campaign=campaign, city=city, count=5, by=lead)
    held = make_conversation(city, by=lead, title="Held one", campaign=campaign)
    conversations.conversation_set_status(conversation=held, status="held", by=lead)

    client.force_login(boss)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url == reverse("cities:national")
    page = client.get(response.url).content.decode()
    assert "not a member of any city" not in page
    boxes = {f["label"]: f["value"] for f in figures(page)}
    assert boxes == {"Submissions waiting": "1", "Reviews due": "2"}
    assert waiting.title in page and reverse("library:curate_submission", args=[waiting.pk]) in page
    assert in_review.title in page and overdue.title in page and "Fresh guide" not in page
    assert "100 conversations" in page and "1 of 100 conversations held, in 1 city" in page


def test_the_curator_home_is_for_curators_only(city, client_as):
    assert client_as(city, "lead").get(reverse("cities:national")).status_code == 404


def test_a_person_in_several_cities_lands_on_the_last_city_used(city, other_city, client):
    from cities import services
    from cities.models import Membership

    person = member(city, "staff")
    Membership.objects.create(city=other_city, user=person, role="viewer")
    client.force_login(person)
    # Two cities and none used yet: the list of cities.
    first = client.get(reverse("home"))
    assert first.status_code == 200 and other_city.name in first.content.decode()

    for used in (other_city, city, other_city):
        assert client.get(reverse("cities:home", args=[used.slug])).status_code == 200
        landing = client.get(reverse("home"))
        assert landing.status_code == 302 and landing.url == reverse("cities:home", args=[used.slug])

    # Another city's page the person cannot open does not become the last city.
    stranger = CityFactory()
    assert client.get(reverse("cities:home", args=[stranger.slug])).status_code == 404
    assert client.get(reverse("home")).url == reverse("cities:home", args=[other_city.slug])

    # Removed from the last city: back to the list, never into a city the person left.
    lead = member(other_city, "lead")
    services.membership_remove(membership=Membership.objects.get(city=other_city, user=person), by=lead)
    assert client.get(reverse("home")).url == reverse("cities:home", args=[city.slug])


def test_a_curator_in_several_cities_is_offered_the_curator_home(city, other_city, client):
    from cities.models import Membership

    boss = curator()
    Membership.objects.create(city=city, user=boss, role="viewer")
    Membership.objects.create(city=other_city, user=boss, role="viewer")
    client.force_login(boss)
    page = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("cities:national")}"' in page
    national = client.get(reverse("cities:national")).content.decode()
    assert f'href="{reverse("cities:home", args=[city.slug])}"' in national
