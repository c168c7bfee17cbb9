"""URL map entries for the police data pages (see tests/urlmap.py).

Builders create what a URL needs inside the given city: a small stops file uploaded and imported
through the import service (the real path, synchronously), a population benchmark, a veil of
darkness run, a published snapshot.
"""

import tempfile
from pathlib import Path

from tests.urlmap_types import Route


def _stops_file() -> bytes:
    from disparities.files.generate import write_stops

    with tempfile.TemporaryDirectory() as tmp:
        return write_stops(Path(tmp) / "stops.csv", 300, seed=3).read_bytes()


def uploaded_dataset(city, *, imported: bool = True):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from disparities.services import datasets as services
    from disparities.services import imports

    dataset = services.dataset_upload(
        city=city,
        kind="stop",
        file=SimpleUploadedFile("stops.csv", _stops_file(), content_type="text/csv"),
        name="Stops",
        allow_duplicate=True,
    )
    if imported:
        dataset.status = "queued"
        dataset.save(update_fields=["status"])
        dataset = imports.dataset_import(dataset_id=dataset.pk).dataset
    return dataset


def _uploaded(city):
    return {"pk": uploaded_dataset(city, imported=False).pk}


def _imported(city):
    return {"pk": uploaded_dataset(city).pk}


def _failed(city):
    dataset = uploaded_dataset(city, imported=False)
    dataset.status = "failed"
    dataset.status_message = "The file could not be read."
    dataset.save(update_fields=["status", "status_message"])
    return {"pk": dataset.pk}


def benchmark(city):
    from disparities.services import dashboards as services_dashboard

    return services_dashboard.benchmark_create_from_county(city=city, fips="26065", created_by=None)


def _benchmark(city):
    return {"pk": benchmark(city).pk}


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


def _uploaded_benchmark(city):
    from disparities.services import dashboards as services_dashboard

    (created,) = services_dashboard.benchmark_create_from_upload(
        city=city, data=place_table(), filename="ACSDT5Y2019.B03002-Data.csv", created_by=None
    )
    return {"pk": created.pk}


def _with_benchmark(city):
    benchmark(city)
    return _imported(city)


def _table(city):
    return {**_with_benchmark(city), "table": "population"}


def _veil_run(city):
    from disparities.models import VeilRun

    dataset = uploaded_dataset(city)
    run = VeilRun.objects.create(
        city=city,
        dataset=dataset,
        status="done",
        result={"eligible": False, "reason": "Too few stops <b>x</b>."},
    )
    return {"pk": dataset.pk, "run_id": run.pk}


def snapshot(city):
    from disparities.selectors.filters import Filters
    from disparities.services import publishing

    dataset = uploaded_dataset(city)
    return publishing.snapshot_publish(
        dataset=dataset,
        filters=Filters(),
        benchmark=benchmark(city),
        title=f"Stops by race in {city.name}",
        introduction="Why we publish.",
        published_by=None,
    )


def _snapshot(city):
    return {"snapshot_id": snapshot(city).pk}


def _public_table(city):
    return {"snapshot_id": snapshot(city).pk, "table": "counts"}


ROUTES = [
    Route("disparities:index"),
    # The import's pages
    Route("disparities:upload"),
    Route("disparities:detail", _imported),
    Route("disparities:progress", _imported),
    Route("disparities:mapping", _uploaded),
    Route("disparities:mapping_import", _uploaded, walk=False),
    Route("disparities:mapping_json", _imported, walk=False),
    Route("disparities:cancel", _uploaded, walk=False),
    Route("disparities:retry", _failed, walk=False),
    Route("disparities:delete", _imported),
    Route("disparities:problems_csv", _imported, walk=False),
    # Dashboards
    Route("disparities:benchmarks"),
    Route("disparities:benchmark_default", _benchmark, walk=False),
    Route("disparities:benchmark_delete", _benchmark, walk=False),
    Route("disparities:benchmark_edit", _benchmark),
    Route("disparities:benchmark_file", _uploaded_benchmark, walk=False),
    Route("disparities:dashboard", _with_benchmark),
    Route("disparities:drilldown", _imported),
    Route("disparities:report", _with_benchmark),
    Route("disparities:report_json", _with_benchmark, walk=False),
    Route("disparities:table_csv", _table, walk=False),
    Route("disparities:veil_start", _imported, walk=False),
    Route("disparities:veil_status", _veil_run),
    Route("disparities:publish", _with_benchmark),
    Route("disparities:snapshots"),
    Route("disparities:snapshot_withdraw", _snapshot, walk=False),
    Route("disparities:public_index", lambda city: snapshot(city) and {}, kind="public"),
    Route("disparities:public_snapshot", _snapshot, kind="public"),
    Route("disparities:public_json", _snapshot, kind="public", walk=False),
    Route("disparities:public_csv", _public_table, kind="public", walk=False),
]
