"""PostgreSQL restarted in the middle of an import: the import ends whole, or failed and retryable.
PostgreSQL down when the import task starts: the task tries again until it is back, then imports.

Everything runs for real: a private PostgreSQL cluster (never the shared server, see
tests/private_postgres.py) migrated by `manage.py migrate`, a `celery worker` process on it, the
dataset uploaded and queued by the app's own services, and `pg_ctl restart` while rows are being
copied (or `pg_ctl stop` before the task is sent). The test process reads the private cluster
directly, and reads the import's progress from the Redis cache like the progress page does.
"""

import json
import os
import signal
import subprocess
import sys
import textwrap
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from django.core.cache import cache

from disparities.files.generate import write_stops
from disparities.services import imports
from disparities.tasks import dataset_import_task
from realcities.celery import app
from tests.conftest import wait_for

ROOT = Path(__file__).resolve().parents[2]
ROWS = 100_000
QUEUE = "database-restart-test"  # the private worker's own queue: the suite's worker never sees these tasks

# Run in a subprocess on the private cluster: the app's own services, with the import task routed
# to the private worker's queue.
PRELUDE = f"""
import json, os, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "realcities.settings")
django.setup()
from realcities.celery import app
app.conf.task_routes = {{"disparities.tasks.*": {{"queue": {QUEUE!r}}}}}
from cities.models import City
from disparities.services import datasets as services
from disparities.services import imports
from disparities.models import Dataset
"""


def django_run(env: dict, code: str) -> dict:
    """Run `code` in a fresh Python with Django set up against the private cluster; it prints JSON."""
    done = subprocess.run(
        [sys.executable, "-c", PRELUDE + textwrap.dedent(code)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def private_app(private_postgres, tmp_path_factory):
    """The environment of a process of the app whose database is a migrated one on the private cluster."""
    url = private_postgres.create_database("realcities")
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_MEDIA_ROOT": str(tmp_path_factory.mktemp("media")),
        "DJANGO_SETTINGS_MODULE": "realcities.settings",
    }
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert migrate.returncode == 0, migrate.stderr[-3000:]
    django_run(env, """
        city = City.objects.create(name="Restartville", state="MI", slug="restartville", timezone="America/Detroit",
                                   latitude="42.73", longitude="-84.55", county_fips="26065")
        print(json.dumps({"city": city.pk}))
    """)  # fmt: skip
    return env


def upload_and_confirm(env: dict, path: Path, *, enqueue: bool = True) -> int:
    """Upload the file and confirm its mapping with the app's services; `dataset_confirm` queues the
    task on commit (to the private queue), unless `enqueue=False`. Returns the dataset's id."""
    return django_run(env, f"""
        from django.core.files import File
        with open({str(path)!r}, "rb") as handle:
            dataset = services.dataset_upload(city=City.objects.get(slug="restartville"), kind="stop",
                                              file=File(handle, name={path.name!r}), allow_duplicate=True)
        services.dataset_confirm(dataset=dataset, enqueue={enqueue!r})
        print(json.dumps(dataset.pk))
    """)  # fmt: skip


def dataset_state(server, dataset_id: int) -> dict | None:
    """The dataset's row and what the database holds for it; None while the server is down."""
    try:
        with server.connect("realcities") as conn:
            status, message, attempts, imported = conn.execute(
                "SELECT status, status_message, attempts, rows_imported FROM disparities_dataset WHERE id = %s",
                [dataset_id],
            ).fetchone()
            stops = conn.execute(
                "SELECT count(*) FROM disparities_stop WHERE dataset_id = %s", [dataset_id]
            ).fetchone()
            rollups = conn.execute(
                "SELECT count(*), coalesce(sum(rows), 0) FROM disparities_rollup WHERE dataset_id = %s",
                [dataset_id],
            ).fetchone()
    except psycopg.OperationalError:
        return None
    return {
        "status": status, "message": message, "attempts": attempts, "rows_imported": imported,
        "stops": stops[0], "rollups": rollups[0], "rollup_rows": rollups[1],
    }  # fmt: skip


def settled(server, dataset_id: int):
    state = dataset_state(server, dataset_id)
    return state if state and state["status"] in {"imported", "failed"} else None


@pytest.fixture(scope="module")
def stops_csv(tmp_path_factory) -> Path:
    return write_stops(tmp_path_factory.mktemp("stops") / "stops.csv", ROWS)


@contextmanager
def private_worker(env: dict, log: Path):
    """A real `celery worker` process on the private cluster, consuming only the private queue."""
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(QUEUE)  # nothing left over from an interrupted run
    with log.open("wb") as out:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "realcities", "worker", "-P", "solo", "-Q", QUEUE,
             "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        yield worker
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)


@pytest.mark.timeout(150)
@pytest.mark.parametrize("fault", ["restart-fast", "restart-immediate", "down-longer-than-the-wait"])
def test_database_restarted_mid_import_leaves_nothing_partial_and_a_retry_gives_the_exact_count(
    private_postgres, private_app, stops_csv, tmp_path, fault
):
    """`restart-fast` ends every session (rolled back), `restart-immediate` crashes the server (it
    recovers from its WAL): the worker waits for the database and marks the import failed itself.
    `down-longer-than-the-wait`: the server stays down until the worker has given up, so the dataset
    is left "importing"; the reaper finds it. Every time, a retry imports every row exactly once."""
    log = tmp_path / "worker.log"
    wait = "2" if fault == "down-longer-than-the-wait" else "60"
    worker_env = {**private_app, "POLICE_IMPORT_DATABASE_WAIT_SECONDS": wait}

    def worker_log() -> str:
        return log.read_text(errors="replace")[-6000:]

    with private_worker(worker_env, log) as worker:
        dataset_id = upload_and_confirm(private_app, stops_csv)

        # The fault comes while rows are being copied: the import's transaction is open and large.
        try:
            wait_for(
                lambda: (cache.get(imports.progress_key(dataset_id)) or {}).get("rows", 0) > 5_000
                and (dataset_state(private_postgres, dataset_id) or {}).get("status") == "importing",
                timeout=60, interval=0.05,
            )  # fmt: skip
        except AssertionError:
            pytest.fail(f"The import never got going:\n{worker_log()}")
        if fault == "down-longer-than-the-wait":
            private_postgres.stop("fast")
            try:  # the worker waits POLICE_IMPORT_DATABASE_WAIT_SECONDS, then lets the task fail
                wait_for(
                    lambda: "raised unexpected: OperationalError" in log.read_text(errors="replace"),
                    timeout=30,
                )
            except AssertionError:
                pytest.fail(f"The worker did not give up:\n{worker_log()}")
            finally:
                private_postgres.resume()
            state = dataset_state(private_postgres, dataset_id)
            assert state["status"] == "importing" and state["stops"] == state["rollups"] == 0, state
            # The periodic reaper (beat runs it every minute) finds the import whose worker let go.
            reaped = django_run({**private_app, "POLICE_IMPORT_STALE_SECONDS": "0"}, """
                print(json.dumps(imports.datasets_reap_stale()))
            """)  # fmt: skip
            assert reaped >= 1
            state = dataset_state(private_postgres, dataset_id)
            assert state["status"] == "failed", state
        else:
            private_postgres.restart(fault.removeprefix("restart-"))
            # The worker's connection is gone: the import ends by itself, whole or failed, without the reaper.
            try:
                state = wait_for(lambda: settled(private_postgres, dataset_id), timeout=30, interval=0.2)
            except AssertionError:
                pytest.fail(
                    f"Still {dataset_state(private_postgres, dataset_id)} after the restart:\n{worker_log()}"
                )
            if state["status"] == "imported":  # the restart came after the commit: everything is there
                assert state["rows_imported"] == state["stops"] == state["rollup_rows"] == ROWS, state
                return
            assert "connection to the database was lost" in state["message"], state

        # Failed, nothing partial, and retryable.
        assert state["stops"] == 0 and state["rollups"] == 0, state
        assert "Retry" in state["message"], state
        assert worker.poll() is None, "The worker died with the database"

        # Retry through the app's service: the same worker, on a new connection, imports every row once.
        django_run(private_app, f"""
            services.dataset_retry(dataset=Dataset.objects.get(pk={dataset_id}))
            print(json.dumps(True))
        """)  # fmt: skip
        try:
            state = wait_for(
                lambda: (s := settled(private_postgres, dataset_id)) and s["attempts"] == 2 and s,
                timeout=90, interval=0.2,
            )  # fmt: skip
        except AssertionError:
            pytest.fail(
                f"The retry did not finish: {dataset_state(private_postgres, dataset_id)}\n{worker_log()}"
            )
        assert state["status"] == "imported", (state, worker_log())
        assert state["rows_imported"] == state["stops"] == state["rollup_rows"] == ROWS, state


FEW = 5_000


@pytest.mark.timeout(90)
def test_database_down_when_the_import_task_starts_the_task_tries_again_and_imports_every_row_once(
    private_postgres, private_app, tmp_path
):
    """The database is down when the worker picks the import up (a restart between the queueing and
    the pick-up). The task finds it unreachable before doing anything, tries again after a growing
    wait (here 1 s, doubling, capped at 2 s), and once the database is back imports every row once:
    the dataset does not stay `queued` forever. (A database lost during an import is not retried by
    the task: see `down-longer-than-the-wait` above, which the task leaves to the reaper.)"""
    stops = write_stops(tmp_path / "few.csv", FEW)
    log = tmp_path / "worker.log"
    worker_env = {
        **private_app, "POLICE_IMPORT_RETRY_FIRST_SECONDS": "1", "POLICE_IMPORT_RETRY_MAX_DELAY_SECONDS": "2",
    }  # fmt: skip

    def worker_log() -> str:
        return log.read_text(errors="replace")

    with private_worker(worker_env, log):
        dataset_id = upload_and_confirm(private_app, stops, enqueue=False)
        try:
            wait_for(lambda: " ready." in worker_log(), timeout=30)
        except AssertionError:
            pytest.fail(f"The worker did not start:\n{worker_log()[-6000:]}")
        private_postgres.stop("fast")
        try:
            dataset_import_task.apply_async((dataset_id,), queue=QUEUE)
            try:  # the worker tried, found the database down, and tried again at least once more
                wait_for(lambda: worker_log().count("retry: Retry in") >= 2, timeout=30)
            except AssertionError:
                pytest.fail(f"The task did not try again:\n{worker_log()[-6000:]}")
        finally:
            private_postgres.resume()
        try:
            state = wait_for(lambda: settled(private_postgres, dataset_id), timeout=40, interval=0.2)
        except AssertionError:
            pytest.fail(f"Still {dataset_state(private_postgres, dataset_id)}:\n{worker_log()[-6000:]}")

    assert state["status"] == "imported", (state, worker_log()[-6000:])
    assert state["rows_imported"] == state["stops"] == state["rollup_rows"] == FEW, state
    assert state["attempts"] == 1, state  # the tries that found the database down did nothing
    with private_postgres.connect("realcities") as conn:
        lines = conn.execute(
            "SELECT count(DISTINCT line) FROM disparities_stop WHERE dataset_id = %s", [dataset_id]
        ).fetchone()[0]
    assert lines == FEW  # no row twice
    assert "DatabaseUnavailable" in worker_log() and "raised unexpected" not in worker_log()
