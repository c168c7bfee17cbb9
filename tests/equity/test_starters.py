"""'Start an equity assessment from this' on a dashboard figure, a conversation and a commitment:
offered to those who may edit, through cities.evidence (the lending apps never import equity)."""

import pytest
from django.urls import reverse

from relationships import services as rel
from tests.equity.conftest import held_conversation, with_police_figures

pytestmark = pytest.mark.django_db

START = "Start an equity assessment from this"


def test_the_dashboard_offers_its_figures_to_editors_only(client_as, city):
    dataset, figures = with_police_figures(city)
    url = reverse("disparities:dashboard", args=[city.slug, dataset.pk])
    page = client_as(city, "staff").get(url).content.decode()
    assert START in page and f'action="{reverse("equity:new", args=[city.slug])}"' in page
    assert f'value="{figures[0].key}"' in page
    assert START not in client_as(city, "viewer").get(url).content.decode()


def test_a_conversation_held_and_its_report_offer_it(client_as, city):
    conversation = held_conversation(city)
    client = client_as(city, "lead")
    link = f"{reverse('equity:new', args=[city.slug])}?engagement=conversations:{conversation.pk}"
    assert (
        link
        in client.get(reverse("conversations:detail", args=[city.slug, conversation.pk])).content.decode()
    )
    session = conversation.sessions.get()
    report = client.get(reverse("conversations:report", args=[city.slug, conversation.pk, session.pk]))
    assert link in report.content.decode()
    page = client.get(link).content.decode()
    assert conversation.title in page


def test_a_commitment_offers_it(client_as, city):
    commitment = rel.commitment_create(city=city, what="Review towing fees", owed_by="Finance")
    client = client_as(city, "staff")
    link = f"{reverse('equity:new', args=[city.slug])}?commitment={commitment.pk}"
    assert (
        link
        in client.get(
            reverse("relationships:commitment_detail", args=[city.slug, commitment.pk])
        ).content.decode()
    )
    assert "Review towing fees" in client.get(link).content.decode()


def test_a_key_of_another_city_starts_nothing(client_as, city, other_city):
    commitment = rel.commitment_create(city=other_city, what="Their secret promise", owed_by="Finance")
    conversation = held_conversation(other_city, title="Their conversation")
    _, figures = with_police_figures(other_city)
    client = client_as(city, "lead")
    page = client.get(
        reverse("equity:new", args=[city.slug])
        + f"?commitment={commitment.pk}&engagement=conversations:{conversation.pk}&figure={figures[0].key}"
    ).content.decode()
    assert "Their secret promise" not in page and "Their conversation" not in page and "callout" not in page
