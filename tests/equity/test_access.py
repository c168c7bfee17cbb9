"""Who may do what: lead and staff edit, facilitators and viewers read, only the lead publishes;
an unpublished assessment is never visible outside its city."""

import pytest
from django.urls import reverse

from equity import services

pytestmark = pytest.mark.django_db


def url(name, city, *args):
    return reverse(f"equity:{name}", args=[city.slug, *args])


@pytest.mark.parametrize("role", ["facilitator", "viewer"])
def test_readers_read_and_cannot_change(client_as, city, assessment, role):
    client = client_as(city, role)
    assert client.get(url("detail", city, assessment.pk)).status_code == 200
    step = client.get(url("step", city, assessment.pk, 1)).content.decode()
    assert "Save and continue" not in step and "Traffic stop policy" in step
    assert (
        client.post(url("step", city, assessment.pk, 1), {"title": "Changed", "kind": "policy"}).status_code
        == 404
    )
    assert client.post(url("item_add", city, assessment.pk, "impact"), {"group": "X"}).status_code == 404
    assert client.get(url("new", city)).status_code == 404
    assessment.refresh_from_db()
    assert assessment.title == "Traffic stop policy" and not assessment.impacts.exists()


def test_staff_edit_but_only_the_lead_publishes(client_as, city, assessment):
    client = client_as(city, "staff")
    client.post(url("step", city, assessment.pk, 6), {"measures": "m", "public_assessed": "a", "public_heard": "h",
                                                     "public_changed": "c", "q0": "", "q1": ""})  # fmt: skip
    assessment.refresh_from_db()
    assert assessment.measures == "m"
    assert client.post(url("publish", city, assessment.pk), {"action": "publish"}).status_code == 404
    assessment.refresh_from_db()
    assert not assessment.is_public


def test_publishing_needs_the_three_public_texts(city, lead, assessment):
    with pytest.raises(Exception, match="what we heard"):
        services.assessment_save_step(assessment=assessment, step=6, by=lead,
                                      fields={"public_assessed": "a", "public_changed": "c"}, answers=[])  # fmt: skip
        services.assessment_publish(assessment=assessment, by=lead)
    assert not assessment.is_public


def test_an_unpublished_assessment_is_never_visible_outside_its_city(
    client, city, other_city, member_of, assessment
):
    lead = assessment.created_by
    services.assessment_save_step(assessment=assessment, step=6, by=lead,
                                  fields={"public_assessed": "Secret plan", "public_heard": "h", "public_changed": "c"},
                                  answers=[])  # fmt: skip
    public = url("public_detail", city, assessment.pk)
    assert client.get(public).status_code == 404
    assert "Secret plan" not in client.get(url("public_index", city)).content.decode()
    client.force_login(member_of(other_city, "lead"))
    assert client.get(url("detail", city, assessment.pk)).status_code == 404
    assert client.get(public).status_code == 404
    assert (
        client.get(reverse("equity:public_detail", args=[other_city.slug, assessment.pk])).status_code == 404
    )

    services.assessment_publish(assessment=assessment, by=lead)
    client.logout()
    assert "Secret plan" in client.get(public).content.decode()
    assert (
        client.get(reverse("equity:public_detail", args=[other_city.slug, assessment.pk])).status_code == 404
    )
    services.assessment_withdraw(assessment=assessment, by=lead)
    assert client.get(public).status_code == 404


def test_another_citys_rows_cannot_be_reached_through_mine(
    client_as, city, other_city, member_of, assessment
):
    other_lead = member_of(other_city, "lead")
    theirs = services.assessment_start(city=other_city, by=other_lead, title="Theirs", kind="policy")
    impact = services.impact_add(assessment=theirs, by=other_lead, group="Their group")
    revision = theirs.revisions.get(number=1)
    client = client_as(city, "lead")
    assert client.post(url("item_remove", city, assessment.pk, "impact", impact.pk)).status_code == 404
    assert client.post(url("revision_restore", city, assessment.pk, revision.pk)).status_code == 404
    assert theirs.impacts.exists()
