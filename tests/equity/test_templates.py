"""Templates: GARE's six steps by default; a city adapts one; its edits never change an assessment
already started."""

import pytest
from django.urls import reverse

from equity import guides, services
from equity.models import Template

pytestmark = pytest.mark.django_db


def test_gare_is_the_default_and_every_built_in_has_six_steps(city, assessment):
    assert assessment.guide == guides.GARE["steps"] and len(assessment.guide) == 6
    assert all(guides.valid_steps(t["steps"]) for t in guides.BUILT_IN.values())


def test_a_citys_edits_never_change_an_assessment_already_started(client_as, city):
    client = client_as(city, "staff")
    client.post(reverse("equity:template_adapt", args=[city.slug]), {"base": "gare"})
    template = Template.objects.for_city(city).get()
    started = services.assessment_start(city=city, by=client.user, title="Before", kind="program",
                                        template=f"city:{template.pk}")  # fmt: skip
    data = {"name": "Riverside's lens", "description": ""}
    for n, step in enumerate(template.steps, start=1):
        data |= {
            f"s{n}_title": step["title"],
            f"s{n}_intro": step["intro"],
            f"s{n}_questions": "\n".join(step["questions"]),
        }
    data["s1_questions"] = "Who asked for this?\nWho was not asked?"
    response = client.post(reverse("equity:template_edit", args=[city.slug, template.pk]), data)
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.steps[0]["questions"] == ["Who asked for this?", "Who was not asked?"]

    started.refresh_from_db()
    assert started.guide[0]["questions"] == guides.GARE["steps"][0]["questions"]
    step1 = client.get(reverse("equity:step", args=[city.slug, started.pk, 1])).content.decode()
    assert "Who asked for this?" not in step1
    later = services.assessment_start(city=city, by=client.user, title="After", kind="program",
                                      template=f"city:{template.pk}")  # fmt: skip
    assert later.guide[0]["questions"] == ["Who asked for this?", "Who was not asked?"]


def test_a_template_keeps_six_steps_with_questions(city):
    template = services.template_adapt(city=city, base="gare", by=None)
    steps = template.steps
    steps[2]["questions"] = []
    with pytest.raises(Exception, match="six steps"):
        services.template_update(template=template, name="x", description="", steps=steps)


def test_another_citys_template_cannot_be_used(city, other_city):
    theirs = services.template_adapt(city=other_city, base="gare", by=None)
    with pytest.raises(Exception, match="city's templates"):
        services.assessment_start(city=city, by=None, title="x", kind="policy", template=f"city:{theirs.pk}")


def test_curators_publish_templates_to_the_network(client, city, member_of, django_user_model):
    curator = django_user_model.objects.create_user(
        "tpl-curator@example.org", "x-long-pass-1", is_curator=True
    )
    client.force_login(curator)
    response = client.post(reverse("equity:network_templates"), {"base": "gare"})
    template = Template.objects.get(city=None)
    assert response["Location"] == reverse("equity:network_template_edit", args=[template.pk])
    data = {"name": "League lens", "description": "For every city.", "published": "1"}
    for n, step in enumerate(template.steps, start=1):
        data |= {
            f"s{n}_title": step["title"],
            f"s{n}_intro": step["intro"],
            f"s{n}_questions": "\n".join(step["questions"]),
        }
    data["s2_questions"] = "Which figure worries residents most?"
    client.post(reverse("equity:network_template_edit", args=[template.pk]), data)
    template.refresh_from_db()
    assert template.published and template.name == "League lens"

    lead = member_of(city, "lead")
    client.force_login(lead)
    page = client.get(reverse("equity:templates", args=[city.slug])).content.decode()
    assert "League lens" in page and "From the network" in page
    started = services.assessment_start(
        city=city, by=lead, title="x", kind="policy", template=f"network:{template.pk}"
    )
    assert started.guide[1]["questions"] == ["Which figure worries residents most?"]
    client.post(reverse("equity:template_adapt", args=[city.slug]), {"base": f"network:{template.pk}"})
    assert Template.objects.for_city(city).get().steps[1]["questions"] == [
        "Which figure worries residents most?"
    ]
    # A city member cannot reach the curators' pages, nor edit the network's template through its own.
    assert client.get(reverse("equity:network_template_edit", args=[template.pk])).status_code == 404
    assert client.get(reverse("equity:template_edit", args=[city.slug, template.pk])).status_code == 404


def test_an_unpublished_network_template_is_not_offered(city):
    template = services.network_template_create(base="gare", by=None)
    with pytest.raises(Exception, match="network's templates"):
        services.assessment_start(
            city=city, by=None, title="x", kind="policy", template=f"network:{template.pk}"
        )
