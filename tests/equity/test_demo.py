"""The demo seed leaves one completed, published assessment of a traffic-stop policy change, with a
dashboard figure kept, a conversation linked and commitments made; once."""

import pytest
from django.core.management import call_command

from equity import selectors
from equity.models import Assessment, AssessmentStatus, BudgetCycle, BudgetRequest

pytestmark = pytest.mark.django_db


def test_seed_demo_completes_one_assessment_once(settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setattr("disparities.demo.DEMO_STOPS", 3000)
    call_command("seed_demo", password="pw")
    a = Assessment.objects.get(city__slug="riverton-mi")
    assert a.status == AssessmentStatus.COMPLETED and a.is_public
    figure = a.evidence.exclude(figure_key="").get()
    assert figure.figure_key.startswith("disparities:") and figure.frozen["value"] is not None
    assert a.engagement.exclude(source_key="").get().source_key.startswith("conversations:")
    assert a.strategies.filter(commitment__isnull=False).count() == 2
    assert all(a.answers_for(n) for n in range(1, 7)) and a.topics and a.practices.exists()
    cycle = BudgetCycle.objects.get(city__slug="riverton-mi")
    bands = {b.key: b.count for b in selectors.budget_summary(cycle=cycle).bands}
    assert bands == {"high": 2, "medium": 1, "low": 1, "not_scored": 1}
    call_command("seed_demo", password="pw")
    assert Assessment.objects.count() == 1 and BudgetRequest.objects.count() == 5
