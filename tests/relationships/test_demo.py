import pytest
from django.core.management import call_command

from cities.models import City
from relationships.models import Commitment, CrisisEvent, Meeting, Stakeholder, TrustAssessment
from relationships.selectors import active_relationships


@pytest.mark.django_db
def test_demo_has_every_state_of_health_and_is_idempotent(settings):
    settings.DEBUG = True
    call_command("seed_demo", password="pw")
    counts = (Stakeholder.objects.count(), Meeting.objects.count(), Commitment.objects.count())
    call_command("seed_demo", password="pw")
    assert (Stakeholder.objects.count(), Meeting.objects.count(), Commitment.objects.count()) == counts
    for city in City.objects.all():
        healths = {r.health for r in active_relationships(city=city)}
        assert healths == {"on_track", "due", "overdue"}
        assert Commitment.objects.for_city(city).filter(is_public=True).count() >= 2
        assert set(Commitment.objects.for_city(city).values_list("status", flat=True)) >= {"in_progress", "done",
                                                                                             "dropped", "open"}
        assert CrisisEvent.objects.for_city(city).get().meetings.exists()
        assert TrustAssessment.objects.for_city(city).count() >= 5
        assert Stakeholder.objects.for_city(city).filter(consent_withdrawn_at__isnull=False).exists()
