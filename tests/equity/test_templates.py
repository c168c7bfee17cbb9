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
