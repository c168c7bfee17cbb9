"""The demo: a newcomer sees real Census figures (Jefferson County, Alabama) and a local indicator."""

import pytest
from django.urls import reverse

from cities import demo as cities_demo
from indicators import demo
from indicators.models import CensusFile, IndicatorSettings, LocalIndicator


@pytest.mark.django_db
def test_demo_loads_real_figures_and_is_idempotent(client):
    ctx: dict = {"password": "pw", "stdout": None}
    cities_demo.seed(ctx)
    demo.seed(ctx)
    counts = (CensusFile.objects.count(), LocalIndicator.objects.count())
    demo.seed(ctx)
    assert (CensusFile.objects.count(), LocalIndicator.objects.count()) == counts == (32, 1)
    slug, city = next(iter(ctx["cities"].items()))
    assert IndicatorSettings.objects.get(city=city).geo_name == "Jefferson County, Alabama"
    client.force_login(ctx["users"][(slug, "viewer")])
    body = client.get(reverse("indicators:index", args=[slug])).content.decode()
    assert "Jefferson County, Alabama" in body and "Equality score" in body
    assert "People without health insurance" in body and "Men and boys below the poverty level" in body
