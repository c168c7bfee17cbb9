"""Fixtures for the police data tests: the real files shipped with the app, and an importer."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.private_postgres import PrivatePostgres

SAMPLES = Path(__file__).resolve().parents[2] / "disparities" / "sample_data"

OWENSBORO = "ky_owensboro_2020_04_01.csv"
LANSING = "Michigan_Lansing_COMPLAINTS.csv"
ST_LOUIS = "Missouri_St._Louis_County_USE_OF_FORCE_MULTIPLE.csv"
BREMERTON_ARRESTS = "Washington_Bremerton_ARRESTS_April_2017.csv"
BREMERTON_CITATIONS = "Washington_Bremerton_CITATIONS_April_2017.csv"
KINDS = {
    OWENSBORO: "stop",
    LANSING: "complaint",
    ST_LOUIS: "use_of_force",
    BREMERTON_ARRESTS: "arrest",
    BREMERTON_CITATIONS: "citation",
}


def upload_file(name: str, data: bytes | None = None) -> SimpleUploadedFile:
    if data is None:
        data = (SAMPLES / name).read_bytes()
    return SimpleUploadedFile(name, data, content_type="text/csv")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def import_sample(city):
    """`import_sample(name)` -> the dataset, uploaded and imported synchronously with the proposals."""
    from disparities.services import datasets as services
    from disparities.services import imports

    def run(name: str, data: bytes | None = None, kind: str | None = None, target_city=None):
        dataset = services.dataset_upload(
            city=target_city or city, kind=kind or KINDS[name], file=upload_file(name, data), name=name
        )
        dataset.status = "queued"
        dataset.save(update_fields=["status"])
        return imports.dataset_import(dataset_id=dataset.pk).dataset

    return run


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
