"""First-use snags of the conversations pages: planning from a campaign, no "schedule" before a
session exists, and no report submitted for a session that has not happened."""

from datetime import date, time, timedelta

import pytest
from django.urls import reverse

from conversations import services
from conversations.models import Campaign, Conversation, FacilitatorReport
from tests.builders import make_conversation

pytestmark = pytest.mark.django_db


def test_the_campaign_page_plans_a_conversation_for_the_campaign(client, city, member_of):
    campaign = Campaign.objects.create(
        title="100 conversations", goal=100, starts_on=date(2031, 1, 1), ends_on=date(2031, 12, 31)
    )
    campaign_url = reverse("conversations:campaign", args=[city.slug, campaign.pk])
    plan_url = reverse("conversations:create", args=[city.slug]) + f"?campaign={campaign.pk}"
    client.force_login(member_of(city, "staff"))
    page = client.get(campaign_url).content.decode()
    assert "Plan a conversation for this campaign" in page and plan_url in page
    form = client.get(plan_url).content.decode()
    assert f'<option value="{campaign.pk}" selected>' in form
    response = client.post(
        plan_url, {"title": "Circle one", "purpose": "Listen.", "capacity": "20", "campaign": str(campaign.pk)}
    )
    assert response.status_code == 302
    assert Conversation.objects.get(title="Circle one").campaign == campaign
    client.force_login(member_of(city, "viewer"))  # a viewer plans nothing
    assert "Plan a conversation" not in client.get(campaign_url).content.decode()


def test_schedule_is_offered_only_once_a_session_exists(client, city, member_of):
    lead = member_of(city, "lead")
    conversation = services.conversation_create(city=city, created_by=lead, title="No date yet", purpose="x", capacity=5)
    detail = reverse("conversations:detail", args=[city.slug, conversation.pk])
    client.force_login(lead)
    assert "Schedule (open registration)" not in client.get(detail).content.decode()
    services.session_save(
        conversation=conversation, date=date.today() + timedelta(days=5), start_time=time(18, 0),
        end_time=time(20, 0), venue="Hall",
    )  # fmt: skip
    assert "Schedule (open registration)" in client.get(detail).content.decode()


def test_a_report_cannot_be_submitted_before_the_session_happens(client, city, member_of):
    facilitator = member_of(city, "facilitator")
    conversation = make_conversation(city, facilitators=[facilitator], days_ahead=3)
    session = conversation.sessions.get()
    url = reverse("conversations:report", args=[city.slug, conversation.pk, session.pk])
    client.force_login(facilitator)
    response = client.post(url, {"action": "submit", "count_youth": "4", "what_was_heard": "Kept words"})
    body = response.content.decode()
    assert response.status_code == 400 and "has not happened yet" in body and "Kept words" in body
    assert not FacilitatorReport.objects.filter(session=session, submitted_at__isnull=False).exists()
    conversation.refresh_from_db()
    assert conversation.status == "scheduled"
    # A draft may be kept before the day.
    assert client.post(url, {"action": "save", "count_youth": "4", "what_was_heard": "Plan"}).status_code == 302


def test_the_pledge_message_agrees_with_its_count(client, city, member_of):
    campaign = Campaign.objects.create(
        title="Circles", goal=10, starts_on=date(2031, 1, 1), ends_on=date(2031, 12, 31)
    )
    url = reverse("conversations:campaign", args=[city.slug, campaign.pk])
    client.force_login(member_of(city, "lead"))
    response = client.post(url, {"count": "1"}, follow=True)
    assert f"{city.name} pledges 1 conversation." in [str(m) for m in response.context["messages"]]
    assert f"{city.name} pledged 1 conversation." in response.content.decode()
