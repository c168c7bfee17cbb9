"""Fixtures for the conversations tests: a planned conversation with one session (tests/builders.py)."""

import pytest

from tests.builders import make_conversation


@pytest.fixture
def conversation(city):
    return make_conversation(city)
