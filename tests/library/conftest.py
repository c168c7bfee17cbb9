"""Library fixtures: a curator, and resources in any state (built by tests/builders.py)."""

import pytest

from tests import builders


@pytest.fixture
def curator(db):
    return builders.curator()


@pytest.fixture
def make_resource(curator):
    """`make_resource(title=..., status="published", **fields)` through the real services."""

    def make(title: str = "A practice", status: str = "draft", **fields):
        return builders.resource(title, status, by=curator, **fields)

    return make
