"""Every change is a revision (who, when, what), and a revision restores the assessment."""

from datetime import date

import pytest
from django.urls import reverse

from equity import services

pytestmark = pytest.mark.django_db


def test_every_change_is_a_revision_with_who_and_what(city, lead, assessment):
    services.assessment_save_step(assessment=assessment, step=3, by=lead, fields={"engagement_plan": "Tenants."},
                                  answers=["Renters."])  # fmt: skip
    services.impact_add(assessment=assessment, by=lead, group="Renters", benefits="Lower fees.")
    latest, middle, first = assessment.revisions.all()[:3]
    assert first.summary == "Started" and first.by == lead
    assert middle.summary == "Step 3: changed engagement still due, answers" and middle.step == 3
    assert latest.summary == "Step 4: benefits and burdens for Renters"


def test_a_revision_restores_fields_answers_and_rows(city, lead, assessment):
    services.assessment_save_step(assessment=assessment, step=3, by=lead, fields={"engagement_plan": "Tenants."},
                                  answers=["Renters."])  # fmt: skip
    services.impact_add(assessment=assessment, by=lead, group="Renters", benefits="Lower fees.")
    services.evidence_add(assessment=assessment, by=lead, label="Eviction filings", text="Up 20%.")
    strategy = services.strategy_add(assessment=assessment, by=lead, text="Legal aid")
    services.strategy_commit(strategy=strategy, by=lead, owner=lead, due_date=date(2030, 1, 1),
                             owed_by="Housing")  # fmt: skip
    good = assessment.revisions.first()

    services.assessment_save_step(assessment=assessment, step=3, by=lead, fields={"engagement_plan": "Changed."},
                                  answers=["Nobody."])  # fmt: skip
    services.item_remove(assessment=assessment, kind="impact", item_id=assessment.impacts.get().pk, by=lead)
    services.item_remove(
        assessment=assessment, kind="evidence", item_id=assessment.evidence.get().pk, by=lead
    )

    services.revision_restore(revision=good, by=lead)
    assessment.refresh_from_db()
    assert assessment.engagement_plan == "Tenants." and assessment.answers["3"] == ["Renters.", "", ""]
    assert [i.group for i in assessment.impacts.all()] == ["Renters"]
    assert [e.label for e in assessment.evidence.all()] == ["Eviction filings"]
    restored = assessment.strategies.get()
    assert restored.commitment_id == strategy.commitment_id
    assert assessment.revisions.first().summary == f"Restored revision {good.number}"


def test_restore_through_the_page(client, city, lead, assessment):
    services.assessment_save_step(assessment=assessment, step=1, by=lead,
                                  fields={"title": "Renamed", "kind": "policy", "department": "", "owner_id": lead.pk},
                                  answers=[])  # fmt: skip
    first = assessment.revisions.get(number=1)
    client.force_login(lead)
    page = client.get(reverse("equity:revisions", args=[city.slug, assessment.pk])).content.decode()
    assert "Step 1: changed what is assessed" in page
    client.post(reverse("equity:revision_restore", args=[city.slug, assessment.pk, first.pk]))
    assessment.refresh_from_db()
    assert assessment.title == "Traffic stop policy"
