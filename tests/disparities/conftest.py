"""Fixtures for the police data tests. Datasets, benchmarks and snapshots come from tests/builders.py."""

import pytest

from tests.private_postgres import PrivatePostgres


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="module")
def private_postgres():
    """A PostgreSQL server of this module's own (tests/private_postgres.py), which a test may restart.

    Never the machine's shared server: other test runs hold connections to that one."""
    reason = PrivatePostgres.unavailable()
    if reason:
        pytest.skip(f"Cannot start a private PostgreSQL cluster: {reason}.")
    server = PrivatePostgres().start()
    try:
        yield server
    finally:
        server.destroy()
