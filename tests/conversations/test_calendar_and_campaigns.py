"""The city's private calendar feed, and campaigns: curator creates, lead pledges, progress per city."""

from datetime import date

import pytest
from django.urls import reverse

from conversations import selectors, services
from conversations.models import Campaign, CityPledge, ConversationStatus
from tests.builders import make_conversation
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_calendar_feed_is_private_tokenised_and_regenerable(client_as, client, city, other_city):
    lead = client_as(city, "staff")
    make_conversation(city, title="In the feed")
    make_conversation(city, title="Still a draft", status=ConversationStatus.DRAFT)
    make_conversation(other_city, title="Elsewhere")
    page = lead.get(reverse("conversations:calendar", args=[city.slug])).content.decode()
    feed = services.calendar_feed_get(city=city)
    url = reverse("conversations:calendar_feed", args=[city.slug, feed.token])
    assert url in page
    lead.logout()
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert "In the feed" in body and "Still a draft" not in body and "Elsewhere" not in body
    # The token of one city does not open another's calendar.
    assert client.get(reverse("conversations:calendar_feed", args=[other_city.slug, feed.token])).status_code == 404
    lead.force_login(lead.user)
    lead.post(reverse("conversations:calendar", args=[city.slug]))
    assert client.get(url).status_code == 404
    feed.refresh_from_db()
    assert client.get(reverse("conversations:calendar_feed", args=[city.slug, feed.token])).status_code == 200


def test_calendar_settings_are_for_editors_only(client_as, city):
    assert client_as(city, "viewer").get(reverse("conversations:calendar", args=[city.slug])).status_code == 404


def test_curator_creates_a_campaign_lead_pledges_and_progress_is_counted(client, city, other_city, member_of):
    curator = UserFactory(is_curator=True)
    client.force_login(curator)
    response = client.post(reverse("conversations:network"), {"title": "100 conversations", "goal": "100",
                                                               "starts_on": "2031-01-01", "ends_on": "2030-12-31"})
    assert response.status_code == 400 and "end after it starts" in response.content.decode()
    response = client.post(reverse("conversations:network"), {"title": "100 conversations", "goal": "100",
                                                               "starts_on": "2031-01-01", "ends_on": "2031-12-31"})
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    # Non-curators: 404 on the network pages.
    client.force_login(member_of(city, "lead"))
    assert client.get(reverse("conversations:network")).status_code == 404
    assert client.get(reverse("conversations:network_campaign", args=[campaign.pk])).status_code == 404
    # The lead pledges; staff cannot.
    campaign_url = reverse("conversations:campaign", args=[city.slug, campaign.pk])
    assert client.post(campaign_url, {"count": "0"}).status_code == 400
    client.post(campaign_url, {"count": "10"})
    assert CityPledge.objects.get(city=city).count == 10
    client.force_login(member_of(city, "staff"))
    assert client.post(campaign_url, {"count": "99"}).status_code == 404
    assert CityPledge.objects.get(city=city).count == 10
    # Conversations of the campaign count towards the pledge.
    for status in ("scheduled", "held", "reported"):
        c = make_conversation(city, campaign=campaign)
        if status != "scheduled":
            services.conversation_set_status(conversation=c, status="held", by=None)
        if status == "reported":
            services.conversation_set_status(conversation=c, status="reported", by=None)
    make_conversation(other_city, campaign=campaign)
    rows = {r["slug"]: r for r in selectors.campaign_progress(campaign=campaign)}
    assert (rows[city.slug]["pledge"], rows[city.slug]["planned"], rows[city.slug]["held"], rows[city.slug]["reported"]) == (10, 1, 2, 1)
    assert rows[other_city.slug]["pledge"] is None and rows[other_city.slug]["planned"] == 1
    client.force_login(curator)
    body = client.get(reverse("conversations:network_campaign", args=[campaign.pk])).content.decode()
    assert city.name in body and other_city.name in body and "20%" in body


def test_only_curators_create_campaigns_and_only_leads_pledge(city, member_of):
    lead = member_of(city, "lead")
    with pytest.raises(Exception, match="curators"):
        services.campaign_create(title="x", starts_on=date(2031, 1, 1), ends_on=date(2031, 2, 1), by=lead)
    campaign = services.campaign_create(title="x", starts_on=date(2031, 1, 1), ends_on=date(2031, 2, 1), by=UserFactory(is_curator=True))
    with pytest.raises(Exception, match="program lead"):
        services.pledge_set(campaign=campaign, city=city, count=3, by=member_of(city, "staff"))
