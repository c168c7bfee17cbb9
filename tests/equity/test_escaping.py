"""Everything typed into an assessment, a template or a budget request is shown escaped, on every
equity page and on the public pages; the answers kept as JSON and frozen evidence included."""

import pytest
from django.urls import reverse

from equity.models import Assessment, EngagementItem, EvidenceItem, Template
from tests.equity.routes import ROUTES
from tests.test_escaping import PAYLOAD, SHORT, _poison

pytestmark = pytest.mark.django_db


def test_typed_text_is_escaped_on_every_equity_page(client, city, member_of):
    lead = member_of(city, "lead")
    urls = []
    for route in ROUTES:
        if route.walk and route.kind in ("city", "public"):
            urls.append(reverse(route.name, kwargs={"city_slug": city.slug, **route.build(city)}))
    assessment = Assessment.objects.for_city(city).first()
    urls += [reverse("equity:step", args=[city.slug, assessment.pk, n]) for n in range(1, 7)]
    _poison(city)
    for a in Assessment.objects.for_city(city):
        a.answers = {str(n): [PAYLOAD] * 3 for n in range(1, 7)}
        a.guide = [{**step, "title": SHORT, "intro": PAYLOAD, "questions": [PAYLOAD] * 3} for step in a.guide]
        a.save()
    EvidenceItem.objects.for_city(city).update(frozen={"key": "x:1", "label": PAYLOAD, "value": 1.0, "unit": PAYLOAD,
                                                       "source": PAYLOAD, "period": PAYLOAD, "interval": PAYLOAD,
                                                       "low": 0.5, "high": 1.5})  # fmt: skip
    EngagementItem.objects.for_city(city).update(frozen={"title": PAYLOAD, "url": "/", "summary": PAYLOAD,
                                                         "voices": [{"label": PAYLOAD, "target": 1, "present": 0,
                                                                     "missing": 1}]})  # fmt: skip
    Template.objects.for_city(city).update(
        steps=[{"title": SHORT, "intro": PAYLOAD, "questions": [PAYLOAD]}] * 6
    )
    client.force_login(lead)
    for url in urls:
        body = client.get(url).content.decode()
        assert PAYLOAD not in body and SHORT not in body, f"unescaped markup on {url}"
