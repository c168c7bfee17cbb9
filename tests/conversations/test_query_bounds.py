"""Every list page of the section runs a fixed number of queries whatever the data size: each page
is measured with a little data and with a lot, under the same ceiling, and the counts must match."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conversations import services
from conversations.models import Campaign, CheckIn, CityPledge, Registration
from tests.builders import make_conversation
from tests.factories import CityFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def count(django_assert_max_num_queries):
    """`count(client, url, ceiling)`: the queries of one request of `url`, at most `ceiling`, after a
    first request that also writes the session (not the page's own cost)."""

    def measure(client, url, ceiling) -> int:
        client.get(url)
        with django_assert_max_num_queries(ceiling), CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        return len(queries)

    return measure


def _people(conversation, n, *, start=0):
    session = conversation.sessions.first()
    rows = Registration.objects.bulk_create(
        Registration(
            city=conversation.city, conversation=conversation, name=f"Person {start + i}",
            email=f"p{start + i}@example.org", group="youth", language="Spanish", access_needs=["asl"],
            status="confirmed" if i % 3 else "waitlisted", walk_in=False, consent_to_contact=bool(i % 2),
        )
        for i in range(n)
    )
    CheckIn.objects.bulk_create(
        CheckIn(city=conversation.city, session=session, registration=r) for r in rows if r.status == "confirmed"
    )


@pytest.mark.parametrize(("role", "ceiling"), [("lead", 12), ("facilitator", 12)])
def test_conversation_list_is_bounded(client_as, city, count, role, ceiling):
    client = client_as(city, role)
    mine = [client.user] if role == "facilitator" else []
    url = reverse("conversations:index", args=[city.slug])
    for i in range(2):
        conversation = make_conversation(city, title=f"Small {i}", facilitators=mine)
        _people(conversation, 2, start=10 * i)
    small = count(client, url, ceiling)
    for i in range(45):
        make_conversation(city, title=f"Big {i}", facilitators=mine, days_ahead=(i % 20) - 10)
    _people(conversation, 60, start=1000)
    big = count(client, url + "?page=2", ceiling)
    assert big == small


def test_registrations_and_check_in_are_bounded(client_as, city, member_of, count):
    facilitator = member_of(city, "facilitator")
    conversation = make_conversation(city, capacity=500, facilitators=[facilitator])
    session = conversation.sessions.first()
    registrations = reverse("conversations:registrations", args=[city.slug, conversation.pk])
    check_in = reverse("conversations:check_in", args=[city.slug, conversation.pk, session.pk])
    staff = client_as(city, "staff")
    _people(conversation, 3)
    services.walk_in_create(session=session, name="Door", by=None)
    small = [count(staff, registrations, 12)]
    staff.force_login(facilitator)
    small.append(count(staff, check_in, 12))
    _people(conversation, 150, start=100)
    for i in range(20):
        services.walk_in_create(session=session, name=f"Walk-in {i}", by=None)
    staff.force_login(member_of(city, "staff"))
    big = [count(staff, registrations + "?page=3", 12)]
    assert "page 3 of 4" in staff.get(registrations + "?page=3").content.decode()
    staff.force_login(facilitator)
    big.append(count(staff, check_in, 12))
    assert big == small


def test_campaign_and_network_pages_are_bounded(client_as, city, count):
    today = date.today()

    def campaign(title):
        return Campaign.objects.create(title=title, starts_on=today, ends_on=today + timedelta(days=90))

    the_campaign = campaign("100 conversations")
    CityPledge.objects.create(campaign=the_campaign, city=city, count=10)
    make_conversation(city, campaign=the_campaign)
    lead = client_as(city, "lead")
    lead_user = lead.user
    city_page = reverse("conversations:campaign", args=[city.slug, the_campaign.pk])
    small = [count(lead, city_page, 12)]
    curator = UserFactory(is_curator=True)
    lead.force_login(curator)
    network = reverse("conversations:network")
    network_campaign = reverse("conversations:network_campaign", args=[the_campaign.pk])
    small += [count(lead, network, 8), count(lead, network_campaign, 8)]
    for i in range(30):
        other = CityFactory()
        CityPledge.objects.create(campaign=the_campaign, city=other, count=i + 1)
        for _ in range(2):
            make_conversation(other, campaign=the_campaign)
        campaign(f"Campaign {i}")
    lead.force_login(lead_user)
    big = [count(lead, city_page, 12)]
    lead.force_login(curator)
    big += [count(lead, network + "?page=2", 8), count(lead, network_campaign, 8)]
    assert big == small
