"""The demo seed leaves a league training with a held session where both demo cities' facilitators
and staff completed it, and upcoming sessions; once."""

import pytest
from django.core.management import call_command

from cities.models import Membership
from trainings.models import Completion, Session, Training

pytestmark = pytest.mark.django_db


def test_seed_demo_offers_trainings_once(settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setattr("disparities.demo.DEMO_STOPS", 3000)
    call_command("seed_demo", password="pw")
    league = Training.objects.get(title="Facilitating Race Conversations", city__isnull=True)
    expected = Membership.objects.filter(role__in=["facilitator", "staff"]).values("user").distinct().count()
    assert Completion.objects.filter(training=league).count() == expected > 0
    assert Session.objects.filter(training=league).count() == 2
    assert Training.objects.filter(city__slug="riverton-mi").count() == 1
    call_command("seed_demo", password="pw")
    assert Training.objects.count() == 2 and Completion.objects.count() == expected
