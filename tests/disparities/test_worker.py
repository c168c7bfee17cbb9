"""The import in a real Celery worker: queued on commit, done once, and never half-done when killed."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache

from disparities.files.generate import write_stops
from disparities.models import Dataset, Rollup, Status, Stop
from disparities.services import datasets as services
from disparities.services import imports
from disparities.tasks import dataset_import_task
from tests.builders import LANSING, police_file
from tests.conftest import wait_for

pytestmark = pytest.mark.django_db(transaction=True)
MANY = 300_000  # stops: an import long enough to be killed or cancelled while it runs


@pytest.fixture(scope="module")
def many_stops(tmp_path_factory):
    """The generated file of MANY stops, written once for the tests that stop an import halfway."""
    return write_stops(tmp_path_factory.mktemp("stops") / "stops.csv", MANY)


ROOT = Path(__file__).resolve().parents[2]


def test_confirmed_dataset_is_imported_by_the_worker(celery_worker, city):
    dataset = services.dataset_upload(city=city, kind="complaint", file=police_file(LANSING))
    services.dataset_confirm(dataset=dataset)
    done = wait_for(
        lambda: Dataset.objects.filter(pk=dataset.pk, status__in=["imported", "failed"]).first(), timeout=60
    )
    assert done.status == Status.IMPORTED, done.status_message
    assert done.rows_imported == 205 and Rollup.objects.filter(dataset=done).exists()


def test_two_deliveries_of_the_task_do_the_work_once(celery_worker, city):
    dataset = services.dataset_upload(city=city, kind="complaint", file=police_file(LANSING))
    services.dataset_confirm(dataset=dataset, enqueue=False)
    first = dataset_import_task.delay(dataset.pk)
    second = dataset_import_task.delay(dataset.pk)
    assert first.get(timeout=60) == "imported"
    assert second.get(timeout=60) == "imported (nothing to do)"
    dataset.refresh_from_db()
    assert dataset.attempts == 1
    from disparities.models import Complaint

    assert Complaint.objects.filter(dataset=dataset).count() == 205


def test_a_worker_killed_mid_import_leaves_nothing_and_a_retry_gives_the_exact_count(
    celery_worker, city, settings, many_stops
):
    rows = MANY
    with many_stops.open("rb") as handle:
        from django.core.files import File

        dataset = services.dataset_upload(city=city, kind="stop", file=File(handle, name="stops.csv"))
    services.dataset_confirm(dataset=dataset, enqueue=False)
    db = django_settings.DATABASES["default"]
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "realcities", "worker", "-P", "solo", "-Q", "kill-test",
         "--without-gossip", "--without-mingle", "--loglevel=WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        dataset_import_task.apply_async((dataset.pk,), queue="kill-test")
        wait_for(
            lambda: (cache.get(imports.progress_key(dataset.pk)) or {}).get("rows", 0) > 30_000, timeout=90
        )
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
    # Nothing partial is visible, and the dataset still says "importing" until the reaper comes.
    time.sleep(0.5)
    assert Stop.objects.filter(dataset=dataset).count() == 0
    assert not Rollup.objects.filter(dataset=dataset).exists()
    assert Dataset.objects.get(pk=dataset.pk).status == Status.IMPORTING
    settings.POLICE_IMPORT_STALE_SECONDS = 0
    assert wait_for(lambda: imports.datasets_reap_stale() or None, timeout=20) == 1
    dataset.refresh_from_db()
    assert dataset.status == Status.FAILED and "Retry" in dataset.status_message
    # The retry runs in the test worker and imports every row exactly once.
    services.dataset_retry(dataset=dataset)
    done = wait_for(
        lambda: Dataset.objects.filter(pk=dataset.pk, status__in=["imported", "failed"]).first(), timeout=180
    )
    assert done.status == Status.IMPORTED, done.status_message
    assert done.rows_imported == rows and Stop.objects.filter(dataset=done).count() == rows
    assert done.attempts == 2


def test_cancel_while_importing_keeps_nothing(celery_worker, city, many_stops):
    from django.core.files import File

    with many_stops.open("rb") as handle:
        dataset = services.dataset_upload(city=city, kind="stop", file=File(handle, name="stops.csv"))
    services.dataset_confirm(dataset=dataset)
    wait_for(lambda: (cache.get(imports.progress_key(dataset.pk)) or {}).get("rows", 0) > 10_000, timeout=90)
    services.dataset_cancel(dataset=Dataset.objects.get(pk=dataset.pk))
    done = wait_for(
        lambda: Dataset.objects.filter(pk=dataset.pk, status__in=["imported", "failed"]).first(), timeout=90
    )
    assert done.status == Status.FAILED and "cancelled" in done.status_message
    assert not Stop.objects.filter(dataset=dataset).exists()
