"""Fixtures for the relationships tests: a small directory with relationships in every state."""

from datetime import timedelta

import pytest
from django.utils import timezone

from relationships import services
from relationships.models import Meeting


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def make_stakeholder():
    counter = {"n": 0}

    def make(city, **fields):
        counter["n"] += 1
        fields.setdefault("name", f"Stakeholder {counter['n']}")
        fields.setdefault("group", "faith")
        return services.stakeholder_create(city=city, **fields)

    return make


@pytest.fixture
def make_relationship(make_stakeholder, member_of, today):
    owners = {}

    def make(city, *, owner=None, stakeholder=None, cadence=30, started_days_ago=0, met_days_ago=None, **sfields):
        if owner is None:
            if city.pk not in owners:
                owners[city.pk] = member_of(city, "staff")
            owner = owners[city.pk]
        stakeholder = stakeholder or make_stakeholder(city, **sfields)
        r = services.relationship_create(
            city=city, owner=owner, stakeholder=stakeholder, cadence_days=cadence,
            started_on=today - timedelta(days=started_days_ago),
        )
        if met_days_ago is not None:
            m = Meeting.objects.create(city=city, date=today - timedelta(days=met_days_ago), kind="standing")
            m.relationships.add(r)
        return r

    return make


@pytest.fixture
def city_page(city):
    from django.urls import reverse

    def url(name, *args):
        return reverse(f"relationships:{name}", args=[city.slug, *args])

    return url
