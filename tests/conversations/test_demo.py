import pytest
from django.core.management import call_command

from conversations.models import (
    Campaign,
    CityPledge,
    Conversation,
    ConversationStatus,
    Feedback,
    Registration,
)
from relationships.models import Commitment


@pytest.mark.django_db
def test_demo_has_every_status_in_every_city_and_is_idempotent(settings):
    settings.DEBUG = True
    call_command("seed_demo", password="pw")
    counts = (Conversation.objects.count(), Registration.objects.count(), Feedback.objects.count(), Commitment.objects.count())
    call_command("seed_demo", password="pw")
    assert (Conversation.objects.count(), Registration.objects.count(), Feedback.objects.count(), Commitment.objects.count()) == counts
    assert Campaign.objects.count() == 1 and CityPledge.objects.count() == 2
    for slug in ("riverton-mi", "harbor-point-wa"):
        statuses = set(Conversation.objects.filter(city__slug=slug).values_list("status", flat=True))
        assert statuses == set(ConversationStatus.values)
    assert Registration.objects.filter(status="waitlisted").exists()
    assert Commitment.objects.filter(source_label__startswith="Conversation: ").exists()
