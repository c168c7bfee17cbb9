"""Fixtures for the relationships tests: a small directory with relationships in every state.

The records come from the builders of tests/builders.py (through the app's services)."""

import pytest
from django.utils import timezone

from tests import builders


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def make_stakeholder(db):
    """`make_stakeholder(city, **fields)`: named Stakeholder 1, 2 ... in the order a test makes them."""
    counter = {"n": 0}

    def make(city, **fields):
        counter["n"] += 1
        fields.setdefault("name", f"Stakeholder {counter['n']}")
        return builders.stakeholder(city, **fields)

    return make


@pytest.fixture
def make_relationship(make_stakeholder, member_of):
    """`make_relationship(city, ...)`: one staff member of each city owns them unless `owner` is given."""
    owners = {}

    def make(city, *, owner=None, stakeholder=None, cadence=30, started_days_ago=0, met_days_ago=None, **sfields):
        if owner is None:
            if city.pk not in owners:
                owners[city.pk] = member_of(city, "staff")
            owner = owners[city.pk]
        return builders.relationship(
            city, owner=owner, stakeholder=stakeholder or make_stakeholder(city, **sfields), cadence=cadence,
            started_days_ago=started_days_ago, met_days_ago=met_days_ago,
        )  # fmt: skip

    return make


@pytest.fixture
def city_page(city):
    from django.urls import reverse

    def url(name, *args):
        return reverse(f"relationships:{name}", args=[city.slug, *args])

    return url
