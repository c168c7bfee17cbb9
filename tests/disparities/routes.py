"""URL map entries for the police data pages (see tests/urlmap.py).

Each entry builds what its URL needs inside the given city with the builders of tests/builders.py,
through the app's own services: a small generated stops file uploaded and imported (synchronously),
a population benchmark, a veil of darkness run, a threshold test run, a published snapshot.
"""

from tests.builders import (
    analysis_run,
    county_benchmark,
    failed_dataset,
    generated_stops,
    imported_dataset,
    published_snapshot,
    threshold_run,
    uploaded_benchmark,
    uploaded_dataset,
    veil_run,
)
from tests.urlmap_types import Route

STOPS = {"file": "stops.csv", "kind": "stop", "name": "Stops"}


def _uploaded(city):
    return {"pk": uploaded_dataset(city, data=generated_stops(300), **STOPS).pk}


def _imported(city):
    return {"pk": imported_dataset(city, data=generated_stops(300), **STOPS).pk}


def _failed(city):
    return {"pk": failed_dataset(city).pk}


def _benchmark(city):
    return {"pk": county_benchmark(city).pk}


def _uploaded_benchmark(city):
    return {"pk": uploaded_benchmark(city).pk}


def _with_benchmark(city):
    county_benchmark(city)
    return _imported(city)


def _table(city):
    return {**_with_benchmark(city), "table": "population"}


def _veil_run(city):
    run = veil_run(city)
    return {"pk": run.dataset_id, "run_id": run.pk}


def _threshold_run(city):
    run = threshold_run(city)
    return {"pk": run.dataset_id, "run_id": run.pk}


def _analysis_run(city):
    run = analysis_run(city)
    return {"pk": run.dataset_id, "run_id": run.pk}


def _analysis_start(city):
    return {**_imported(city), "method": "adjusted"}


def _snapshot(city):
    return {"snapshot_id": published_snapshot(city).pk}


def _public_table(city):
    return {"snapshot_id": published_snapshot(city).pk, "table": "counts"}


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
    Route("disparities:report_pdf", _with_benchmark, walk=False),
    Route("disparities:table_csv", _table, walk=False),
    Route("disparities:veil_start", _imported, walk=False),
    Route("disparities:veil_status", _veil_run),
    Route("disparities:threshold_start", _imported, walk=False),
    Route("disparities:threshold_status", _threshold_run),
    Route("disparities:analyses", _imported),
    Route("disparities:analysis_start", _analysis_start, walk=False),
    Route("disparities:analysis_status", _analysis_run),
    Route("disparities:purpose_groups", _imported, walk=False),
    Route("disparities:publish", _with_benchmark),
    Route("disparities:snapshots"),
    Route("disparities:snapshot_withdraw", _snapshot, walk=False),
    Route("disparities:public_index", lambda city: published_snapshot(city) and {}, kind="public"),
    Route("disparities:public_snapshot", _snapshot, kind="public"),
    Route("disparities:public_json", _snapshot, kind="public", walk=False),
    Route("disparities:public_csv", _public_table, kind="public", walk=False),
]
