"""Everything a person can type is shown escaped: every text field of every record that belongs to
a city is filled with markup, then every page of the URL map is read as the city's lead."""

import pytest
from django.apps import apps
from django.db import models
from django.urls import resolve, reverse

from cities.models import ALL_ROLES
from tests.urlmap import ROUTES

PAYLOAD = '<script>alert("x")</script>'
SHORT = "<i>x</i>"
SKIPPED_FIELDS = (models.EmailField, models.URLField, models.SlugField, models.GenericIPAddressField)


def _text_fields(model):
    for f in model._meta.concrete_fields:
        if not isinstance(f, models.CharField | models.TextField) or isinstance(f, SKIPPED_FIELDS):
            continue
        if f.choices or f.primary_key or f.unique or getattr(f, "generated", False):
            continue
        yield f


def _poison(city) -> int:
    """Put markup in every free-text field of every record of the city; returns fields touched."""
    touched = 0
    for model in apps.get_models():
        if model._meta.app_label in {"admin", "auth", "sessions", "contenttypes"}:
            continue
        names = {f.name for f in model._meta.concrete_fields}
        if "city" not in names:
            continue
        for field in _text_fields(model):
            value = PAYLOAD if (field.max_length or 10_000) >= len(PAYLOAD) else SHORT
            if (field.max_length or 10_000) < len(SHORT):
                continue
            touched += model._default_manager.filter(city=city).update(**{field.name: value})
    return touched


@pytest.mark.django_db
def test_typed_text_is_escaped_on_every_page(client, city, member_of):
    lead = member_of(city, "lead")
    urls = []
    for route in ROUTES:
        if not route.walk or route.kind not in ("city", "public", "front"):
            continue
        kwargs = route.build(city)
        if route.kind in ("city", "public"):
            kwargs = {"city_slug": city.slug, **kwargs}
        url = reverse(route.name, kwargs=kwargs)
        if route.kind == "city" and "lead" not in getattr(resolve(url).func, "city_view_roles", ALL_ROLES):
            continue
        urls.append(url)
    city.name = "Name " + SHORT
    city.save()
    _poison(city)
    client.force_login(lead)
    for url in urls:
        body = client.get(url).content.decode()
        assert PAYLOAD not in body and SHORT not in body, f"unescaped markup on {url}"
