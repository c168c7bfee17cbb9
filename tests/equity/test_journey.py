"""The whole journey through the pages: start from a dashboard figure, the six steps, strategies
made commitments, the public page published, then reopened with the live figures beside the kept ones."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from equity.models import Assessment, AssessmentStatus
from relationships.models import Commitment
from tests.equity.conftest import held_conversation, with_police_figures

pytestmark = pytest.mark.django_db


def url(name, city, *args):
    return reverse(f"equity:{name}", args=[city.slug, *args])


def test_the_journey_from_a_dashboard_figure_to_the_public_page(client, city, lead):
    _, figures = with_police_figures(city)
    figure = figures[0]
    conversation = held_conversation(city, by=lead)
    client.force_login(lead)

    page = client.get(url("new", city) + f"?figure={figure.key}")
    assert page.status_code == 200 and figure.label in page.content.decode()
    response = client.post(url("new", city), {"title": "Ending stops for expired registration alone",
                                              "kind": "policy", "department": "Police department",
                                              "template": "gare", "figure": figure.key})  # fmt: skip
    a = Assessment.objects.for_city(city).get()
    assert response.status_code == 302 and response["Location"] == url("step", city, a.pk, 1)
    kept = a.evidence.get()
    assert kept.figure_key == figure.key and kept.frozen["value"] == figure.value
    assert kept.frozen["source"] and kept.frozen["period"]

    # Step 1: the proposal; "Save and continue" moves to step 2.
    response = client.post(url("step", city, a.pk, 1), {
        "title": a.title, "kind": "policy", "department": "Police department", "owner": lead.pk,
        "q0": "Stop pulling drivers over for an expired registration alone.", "q1": "Fewer stops of Black drivers.",
        "q2": "Officers' time on road safety.", "continue": "1",
    })  # fmt: skip
    assert response["Location"] == url("step", city, a.pk, 2)
    # Step 2: the figure and typed evidence.
    assert figure.label in client.get(url("step", city, a.pk, 2)).content.decode()
    client.post(url("item_add", city, a.pk, "evidence"), {"label": "Court fees study", "text": "Fees fall hardest.",
                                                         "source": "Municipal court", "link": ""})  # fmt: skip
    # Step 3: the conversation held, with whose voices.
    client.post(url("item_add", city, a.pk, "conversation"),
                {"engagement": f"conversations:{conversation.pk}", "note": "Young drivers feel singled out."})  # fmt: skip
    step3 = client.get(url("step", city, a.pk, 3)).content.decode()
    assert conversation.title in step3 and "Whose voices were there" in step3 and "missing" in step3
    # Step 4: benefits and burdens, strategies.
    client.post(url("item_add", city, a.pk, "impact"), {"group": "Black drivers", "benefits": "Fewer stops.",
                                                       "burdens": ""})  # fmt: skip
    client.post(url("item_add", city, a.pk, "strategy"), {"text": "Send a reminder letter before any fine"})
    client.post(url("step", city, a.pk, 4), {"unintended_consequences": "Unregistered cars stay on the road.",
                                             "q0": "", "q1": "", "q2": ""})  # fmt: skip
    # Step 5: the strategy becomes a tracked commitment.
    strategy = a.strategies.get()
    due = timezone.localdate() + timedelta(days=60)
    client.post(url("strategy_commit", city, a.pk, strategy.pk), {"owner": lead.pk, "due_date": due.isoformat(),
                                                                  "owed_by": "Police department"})  # fmt: skip
    commitment = Commitment.objects.for_city(city).get()
    assert (commitment.what, commitment.owner, commitment.due_date) == (strategy.text, lead, due)
    assert commitment.source_url == url("detail", city, a.pk)
    # Step 6: measures and the public page.
    client.post(url("step", city, a.pk, 6), {
        "measures": "Stops for registration per month, by race.", "public_assessed": "Stops for registration alone.",
        "public_heard": "Young drivers feel singled out.", "public_changed": "A letter comes before any stop.",
        "completed": "on", "q0": "", "q1": "",
    })  # fmt: skip
    client.post(url("publish", city, a.pk), {"action": "publish"})
    a.refresh_from_db()
    assert a.status == AssessmentStatus.COMPLETED and a.is_public

    client.logout()
    public = client.get(url("public_detail", city, a.pk)).content.decode()
    assert "A letter comes before any stop." in public and strategy.text in public
    assert "Court fees study" not in public  # the members' evidence stays inside

    # Reopened: the kept figure and today's value side by side.
    client.force_login(lead)
    reopened = client.get(url("detail", city, a.pk)).content.decode()
    assert "Kept" in reopened and "Today" in reopened and "(unchanged)" in reopened
    assert a.revisions.count() >= 10


def test_a_step_saves_as_you_go_with_htmx(client, city, lead, assessment):
    client.force_login(lead)
    response = client.post(
        url("step", city, assessment.pk, 3),
        {"engagement_plan": "Meet the tenants' union.", "q0": "Tenants."},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert response.status_code == 200 and "Saved at" in body and "<html" not in body
    assessment.refresh_from_db()
    assert (
        assessment.engagement_plan == "Meet the tenants' union." and assessment.answers["3"][0] == "Tenants."
    )
    # Nothing changed: no new revision.
    count = assessment.revisions.count()
    client.post(url("step", city, assessment.pk, 3), {"engagement_plan": "Meet the tenants' union.", "q0": "Tenants."},
                headers={"HX-Request": "true"})  # fmt: skip
    assert assessment.revisions.count() == count


def test_starting_from_a_commitment_or_a_conversation(client, city, lead):
    from relationships import services as rel

    commitment = rel.commitment_create(
        city=city, what="Review towing fees", owed_by="Finance", created_by=lead
    )
    conversation = held_conversation(city, by=lead)
    client.force_login(lead)
    assert (
        "Review towing fees" in client.get(url("new", city) + f"?commitment={commitment.pk}").content.decode()
    )
    client.post(url("new", city), {"title": "Towing fees", "kind": "practice", "template": "budget",
                                   "commitment": commitment.pk, "engagement": f"conversations:{conversation.pk}"})  # fmt: skip
    a = Assessment.objects.for_city(city).get()
    assert (
        a.template_name.startswith("Budget request")
        and a.evidence.get().label == "Commitment: Review towing fees"
    )
    assert a.engagement.get().frozen["voices"]


def test_home_panel_counts_assessments_and_their_commitments_due(client, city, lead, assessment):
    from equity import services

    strategy = services.strategy_add(assessment=assessment, by=lead, text="Outreach")
    services.strategy_commit(
        strategy=strategy, by=lead, owner=lead, due_date=timezone.localdate(), owed_by=""
    )
    client.force_login(lead)
    page = client.get(reverse("cities:home", args=[city.slug])).content.decode()
    assert (
        "Equity assessments" in page
        and "1 commitments from assessments due within 30 days" in page
        and assessment.title in page
    )


def test_practices_suggested_by_topic_and_chosen(client, city, lead, assessment):
    from equity import services
    from tests.builders import practice as _resource

    youth = _resource(title="Youth basketball nights")
    _resource(title="Civilian review board", topics=["oversight"])
    client.force_login(lead)
    services.assessment_save_step(
        assessment=assessment, step=1, by=lead,
        fields={"title": assessment.title, "kind": "policy", "department": "", "owner_id": lead.pk, "topics": ["youth"]},
        answers=[],
    )  # fmt: skip
    step5 = client.get(url("step", city, assessment.pk, 5)).content.decode()
    assert "Youth basketball nights" in step5 and "Civilian review board" not in step5
    client.post(url("practices", city, assessment.pk), {"practice": [youth.pk]})
    assert list(assessment.practices.all()) == [youth]
    assert assessment.revisions.first().summary == "Step 5: practices it led to: Youth basketball nights"


def test_curators_see_counts_and_practices_never_unpublished_text(
    client, city, other_city, lead, assessment, django_user_model
):
    from equity import services
    from tests.builders import practice as _resource

    practice = _resource(title="Youth basketball nights")
    services.practices_set(assessment=assessment, resource_ids=[practice.pk], by=lead)
    services.assessment_start(city=other_city, by=None, title="Another secret plan", kind="program")
    curator = django_user_model.objects.create_user(
        "curator-eq@example.org", "x-long-pass-1", is_curator=True
    )
    client.force_login(curator)
    page = client.get(reverse("equity:network")).content.decode()
    assert city.name in page and other_city.name in page and "Youth basketball nights</a> (1)" in page
    assert "Traffic stop policy" not in page and "Another secret plan" not in page
    client.force_login(lead)
    assert client.get(reverse("equity:network")).status_code == 404
