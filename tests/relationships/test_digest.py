"""The weekly digest, through the real Celery task on a real worker."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail

from relationships import services
from relationships.tasks import weekly_digests_send
from tests.conftest import wait_for


def test_the_digest_is_on_the_beat_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["relationships-weekly-digest"]
    assert entry["task"] == "relationships.tasks.weekly_digests_send"


@pytest.mark.django_db(transaction=True)
def test_weekly_digest_reaches_each_owner_with_their_due_overdue_and_open_items(
    celery_worker, city, other_city, member_of, make_relationship, make_stakeholder, today
):
    mail.outbox.clear()
    owner = member_of(city, "staff", email="owner@example.org")
    quiet = member_of(city, "staff", email="quiet@example.org")
    make_relationship(city, owner=owner, name="Overdue Org", cadence=30, started_days_ago=90, met_days_ago=40)
    make_relationship(city, owner=owner, name="Due Org", cadence=30, started_days_ago=90, met_days_ago=25)
    make_relationship(city, owner=owner, name="Fine Org", cadence=30, started_days_ago=90, met_days_ago=2)
    make_relationship(city, owner=quiet, name="Quiet Fine Org", cadence=30, started_days_ago=90, met_days_ago=1)
    s = make_stakeholder(city, name="Consenting Person", email="private@example.org")
    services.stakeholder_consent_record(stakeholder=s, wording="ok", how_to_withdraw="ask")
    services.commitment_create(city=city, what="Fix the streetlights on Elm", owed_by="Public works", owner=owner,
                               due_date=today - timedelta(days=3), owed_to_stakeholder=s)
    done = services.commitment_create(city=city, what="Already done thing", owed_by="x", owner=owner)
    services.commitment_set_status(commitment=done, status="done", by=owner)
    # The same person in another city gets a separate digest for that city only.
    from cities.models import Membership

    Membership.objects.create(user=owner, city=other_city, role="lead")
    make_relationship(other_city, owner=owner, name="Elsewhere Org", cadence=14, started_days_ago=60)

    result = weekly_digests_send.delay()
    assert result.get(timeout=30) == 2
    messages = wait_for(lambda: [m for m in mail.outbox if m.to == ["owner@example.org"]] or None)
    assert len(messages) == 2
    here = next(m for m in messages if city.name in m.subject)
    body = here.body
    assert "Overdue Org: OVERDUE" in body and "Due Org: DUE" in body
    assert "Fine Org" not in body and "Elsewhere Org" not in body
    assert "Fix the streetlights on Elm" in body and "LATE" in body and "Already done thing" not in body
    assert "private@example.org" not in body
    assert f"/c/{city.slug}/relationships/standing/" in body
    assert "2 relationships to meet, 1 open commitment" in here.subject
    assert not [m for m in mail.outbox if "quiet@example.org" in m.to]  # nothing to say, no email
