"""The test kit: one module of builders for the records tests need, beside the URL map.

Builders go through the apps' own services (the same path a user's request takes), so a test never
writes a status or a derived field by hand. Each app has its section below.
"""

import functools
import tempfile
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

# ----------------------------------------------------------------------------------------- cities


# ---------------------------------------------------------------------------------- conversations


# ---------------------------------------------------------------------------------- relationships


# ------------------------------------------------------------------------------------ disparities

POLICE_SAMPLES = Path(__file__).resolve().parents[1] / "disparities" / "sample_data"
OWENSBORO = "ky_owensboro_2020_04_01.csv"
LANSING = "Michigan_Lansing_COMPLAINTS.csv"
ST_LOUIS = "Missouri_St._Louis_County_USE_OF_FORCE_MULTIPLE.csv"
BREMERTON_ARRESTS = "Washington_Bremerton_ARRESTS_April_2017.csv"
BREMERTON_CITATIONS = "Washington_Bremerton_CITATIONS_April_2017.csv"
# The five real record-level files shipped with the app, and what one row of each is.
POLICE_FILES = {
    OWENSBORO: "stop",
    LANSING: "complaint",
    ST_LOUIS: "use_of_force",
    BREMERTON_ARRESTS: "arrest",
    BREMERTON_CITATIONS: "citation",
}


def police_file(name: str, data: bytes | None = None) -> SimpleUploadedFile:
    """A file as the upload form receives it: one of the real files by name, or `data` under that name."""
    if data is None:
        data = (POLICE_SAMPLES / name).read_bytes()
    return SimpleUploadedFile(name, data, content_type="text/csv")


@functools.cache
def generated_stops(rows: int, *, seed: int = 3, years: int = 3) -> bytes:
    """A generated stops file (disparities/files/generate.py), written once per test session."""
    from disparities.files.generate import write_stops

    with tempfile.TemporaryDirectory() as folder:
        return write_stops(Path(folder) / "stops.csv", rows, seed=seed, years=years).read_bytes()


def uploaded_dataset(
    city,
    *,
    file: str = OWENSBORO,
    data: bytes | None = None,
    kind: str | None = None,
    name: str = "",
    uploaded_by=None,
    replaces=None,
):
    """A police file uploaded through the upload service: status `mapping`, its mapping proposed."""
    from disparities.services import datasets

    return datasets.dataset_upload(
        city=city,
        kind=kind or POLICE_FILES[file],
        file=police_file(file, data),
        name=name or file,
        uploaded_by=uploaded_by,
        replaces=replaces,
        allow_duplicate=True,
    )


def queued_dataset(city, *, mapping: dict | None = None, **upload):
    """Uploaded and confirmed (`queued`), its import not started: `dataset_confirm(enqueue=False)`."""
    from disparities.services import datasets

    return datasets.dataset_confirm(dataset=uploaded_dataset(city, **upload), mapping=mapping, enqueue=False)


def imported_dataset(city, *, mapping: dict | None = None, **upload):
    """Uploaded, confirmed and imported by the import service, synchronously (the worker's path without
    the worker). A file that cannot be imported comes back `failed`, with the reason."""
    from disparities.services import imports

    dataset = queued_dataset(city, mapping=mapping, **upload)
    return imports.dataset_import(dataset_id=dataset.pk).dataset


def failed_dataset(city):
    """An import that failed: a file with its column names and no rows."""
    return imported_dataset(city, file="empty.csv", data=b"DATE,RACE\n", kind="stop")


def county_benchmark(city, *, fips: str = "26065"):
    """A population benchmark from the county table shipped with the app (the first is the default)."""
    from disparities.services import dashboards

    return dashboards.benchmark_create_from_county(city=city, fips=fips, created_by=None)


PLACE_TABLE_HEADER = "GEO_ID,NAME," + ",".join(f"B03002_{n:03d}E,B03002_{n:03d}M" for n in range(1, 22))
PLACE_TABLE_ROW = "1600000US2600001,Testville city," + ",".join(
    f"{v},{m}"
    for v, m in [(1000, 10), (900, 9), (500, 8), (200, 7), (20, 6), (50, 5), (5, 4), (10, 3), (15, 2)]
    + [(0, 1)] * 2
    + [(100, 11)]
    + [(0, 1)] * 9
)


def place_table() -> bytes:
    """A one-place Census B03002 table in data.census.gov's layout (Testville: 1,000 residents)."""
    return f"{PLACE_TABLE_HEADER}\n{PLACE_TABLE_ROW}\n".encode()


def uploaded_benchmark(city):
    """A population benchmark read from a Census table the city uploaded (the file is kept)."""
    from disparities.services import dashboards

    (created,) = dashboards.benchmark_create_from_upload(
        city=city, data=place_table(), filename="ACSDT5Y2019.B03002-Data.csv", created_by=None
    )
    return created


def veil_run(city, *, dataset=None):
    """A veil of darkness run started and run to its end by the services (no worker)."""
    from disparities.services import dashboards

    dataset = dataset or imported_dataset(city, file="stops.csv", data=generated_stops(300), kind="stop")
    run = dashboards.veil_run_start(dataset=dataset, started_by=None, enqueue=False)
    return dashboards.veil_run_execute(run_id=run.pk)


def published_snapshot(city, *, dataset=None, benchmark=None, title: str = ""):
    """A dashboard published through the publishing service (small cells protected)."""
    from disparities.selectors.filters import Filters
    from disparities.services import publishing

    dataset = dataset or imported_dataset(city, file="stops.csv", data=generated_stops(300), kind="stop")
    return publishing.snapshot_publish(
        dataset=dataset, filters=Filters(), benchmark=benchmark or county_benchmark(city),
        title=title or f"Stops by race in {city.name}", introduction="Why we publish.", published_by=None,
    )  # fmt: skip


# ---------------------------------------------------------------------------------------- library
