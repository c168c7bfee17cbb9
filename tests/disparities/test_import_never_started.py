"""An import that never started (its task could not reach the database, then gave up or was lost):
the task's retry schedule, and the reaper's rule for datasets left `queued`.

The end-to-end case, a real worker picking the task up while a real PostgreSQL is down, is in
tests/disparities/test_database_restart.py (`test_database_down_when_the_import_task_starts_...`).
"""

from contextlib import contextmanager
from datetime import timedelta

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from disparities.models import Dataset, Status
from disparities.services import datasets as services
from disparities.services import imports
from disparities.tasks import import_retry_delay
from tests.builders import LANSING, police_file

pytestmark = pytest.mark.django_db


def schedule() -> list[int]:
    delays = []
    while (delay := import_retry_delay(len(delays))) is not None:
        delays.append(delay)
    return delays


def test_the_task_retries_with_a_doubling_wait_capped_and_bounded_in_total(settings):
    assert settings.POLICE_IMPORT_RETRY_FIRST_SECONDS == 5
    delays = schedule()
    assert delays[:7] == [5, 10, 20, 40, 80, 160, 300]
    assert set(delays[6:]) == {300}
    assert sum(delays) <= settings.POLICE_IMPORT_RETRY_TOTAL_SECONDS < sum(delays) + 300
    # The reaper waits longer than the task keeps trying.
    assert sum(delays) + 300 < settings.POLICE_IMPORT_QUEUED_STALE_SECONDS

    settings.POLICE_IMPORT_RETRY_FIRST_SECONDS = 1
    settings.POLICE_IMPORT_RETRY_MAX_DELAY_SECONDS = 4
    settings.POLICE_IMPORT_RETRY_TOTAL_SECONDS = 20
    assert schedule() == [1, 2, 4, 4, 4, 4]
    settings.POLICE_IMPORT_RETRY_FIRST_SECONDS = 0  # never a busy loop
    assert schedule()[0] == 1


@pytest.fixture
def queued(city):
    """`queued(age)` -> a dataset confirmed (queued, its task not run) `age` ago."""

    def make(age: timedelta) -> Dataset:
        dataset = services.dataset_upload(
            city=city, kind="complaint", file=police_file(LANSING), allow_duplicate=True
        )
        services.dataset_confirm(dataset=dataset, enqueue=False)
        dataset.refresh_from_db()
        assert dataset.status == Status.QUEUED and dataset.queued_at is not None
        Dataset.objects.filter(pk=dataset.pk).update(queued_at=dataset.queued_at - age)
        return dataset

    return make


@contextmanager
def lock_held_elsewhere(dataset_id: int):
    """The dataset's advisory lock held by another database session, as a worker importing it holds it."""
    params = connection.get_connection_params()
    with psycopg.connect(
        dbname=params["dbname"], user=params.get("user"), host=params.get("host"), port=params.get("port"),
        password=params.get("password"), autocommit=True,
    ) as other:  # fmt: skip
        other.execute("SELECT pg_advisory_lock(%s, %s)", [imports.LOCK_NAMESPACE, dataset_id])
        yield


class WorkerKilled(BaseException):
    """What a killed worker leaves: the import stops where it is, without its own error handling."""


def status(dataset: Dataset) -> str:
    return Dataset.objects.values_list("status", flat=True).get(pk=dataset.pk)


def test_a_dataset_queued_too_long_with_its_lock_free_is_marked_failed_and_can_be_retried(queued, settings):
    waited = timedelta(seconds=settings.POLICE_IMPORT_QUEUED_STALE_SECONDS)
    lost = queued(waited + timedelta(minutes=1))
    fresh = queued(waited - timedelta(minutes=5))
    assert imports.datasets_reap_stale() == 1
    lost.refresh_from_db()
    assert lost.status == Status.FAILED and lost.finished_at is not None
    assert lost.status_message == imports.NEVER_STARTED
    assert "never started" in lost.status_message and "Press Retry" in lost.status_message
    assert status(fresh) == Status.QUEUED
    # The lost task turning up after all finds the dataset failed and does nothing.
    outcome = imports.dataset_import(dataset_id=lost.pk)
    assert not outcome.did_work and outcome.dataset.status == Status.FAILED
    # Retry queues it afresh (the reaper leaves it alone), and the import gives every row.
    services.dataset_retry(dataset=lost)
    assert imports.datasets_reap_stale() == 0 and status(lost) == Status.QUEUED
    done = imports.dataset_import(dataset_id=lost.pk).dataset
    assert done.status == Status.IMPORTED and done.rows_imported == 205


def test_a_queued_dataset_whose_lock_is_held_is_left_alone(queued, settings):
    dataset = queued(timedelta(seconds=settings.POLICE_IMPORT_QUEUED_STALE_SECONDS + 60))
    with lock_held_elsewhere(dataset.pk):  # a worker has just picked it up
        assert imports.datasets_reap_stale() == 0
    assert status(dataset) == Status.QUEUED
    assert imports.datasets_reap_stale() == 1 and status(dataset) == Status.FAILED


def test_a_queued_dataset_waiting_behind_a_running_import_is_left_alone(queued, settings):
    """While another import runs, the workers are busy and the queue moves: nothing queued is reaped,
    however long it waited. Once that import is over (or reaped), the lost one is."""
    behind = queued(timedelta(seconds=settings.POLICE_IMPORT_QUEUED_STALE_SECONDS + 3600))
    running = queued(timedelta(hours=3))
    seen = {}

    def while_importing(state):
        seen["reaped"] = imports.datasets_reap_stale()
        seen["statuses"] = (status(behind), status(running))
        raise WorkerKilled  # the worker dies here: nothing of the import stays, the dataset says `importing`

    with pytest.raises(WorkerKilled):
        imports.dataset_import(dataset_id=running.pk, on_progress=while_importing)
    assert seen == {"reaped": 0, "statuses": (Status.QUEUED, Status.IMPORTING)}
    assert status(running) == Status.IMPORTING
    # The running import's worker died long ago: the same pass reaps it, then the queued one.
    settings.POLICE_IMPORT_STALE_SECONDS = 0
    assert imports.datasets_reap_stale() == 2
    assert status(behind) == Status.FAILED and status(running) == Status.FAILED
    assert Dataset.objects.get(pk=behind.pk).status_message == imports.NEVER_STARTED


def test_a_dataset_queued_before_queued_at_existed_counts_from_its_upload(queued, settings):
    dataset = queued(timedelta(0))
    old = timezone.now() - timedelta(seconds=settings.POLICE_IMPORT_QUEUED_STALE_SECONDS + 60)
    Dataset.objects.filter(pk=dataset.pk).update(queued_at=None, uploaded_at=timezone.now())
    assert imports.datasets_reap_stale() == 0
    Dataset.objects.filter(pk=dataset.pk).update(uploaded_at=old)
    assert imports.datasets_reap_stale() == 1 and status(dataset) == Status.FAILED
