"""Separate queues: two import workers load two cities' files at once, and an invitation sent
meanwhile is emailed by the quick-work worker while both imports are still running."""

import contextlib
import io

import pandas as pd
import psycopg
import pytest
from django.db import connection

from cities.services import invitation_create
from disparities.models import Dataset, Status, Stop
from disparities.services import datasets as dataset_services
from realcities.celery import app
from realcities.queues import queue_for
from tests.builders import OWENSBORO, POLICE_SAMPLES, generated_stops, member, uploaded_dataset
from tests.conftest import queues_purge, wait_for, worker_process
from tests.factories import CityFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_each_kind_of_task_goes_to_its_own_queue(settings):
    assert queue_for("disparities.tasks.dataset_import_task") == settings.TASK_QUEUES["imports"]
    assert queue_for("disparities.tasks.dataset_read_task") == settings.TASK_QUEUES["imports"]
    for analysis in (
        "disparities.tasks.veil_run_task",
        "disparities.tasks.threshold_run_task",
        "disparities.tasks.analysis_run_task",
    ):
        assert queue_for(analysis) == settings.TASK_QUEUES["analysis"]
    for quick in (
        "cities.tasks.invitation_send_email",
        "conversations.tasks.reminders_day_before",
        "relationships.tasks.digest_send",
        "library.tasks.resources_remind_review",
    ):
        assert queue_for(quick) == settings.TASK_QUEUES["quick"]
    # Three distinct names, each carrying this test process's suffix when the run is split.
    assert len(set(settings.TASK_QUEUES.values())) == 3


@contextlib.contextmanager
def stop_table_locked():
    """Hold a SHARE lock on the stop table from a connection of our own: reads go on, but an import's
    COPY waits until the lock is released. That keeps both imports running as long as the test needs,
    with no clock involved."""
    with psycopg.connect(**connection.get_connection_params()) as conn:
        conn.execute(f"LOCK TABLE {Stop._meta.db_table} IN SHARE MODE")
        yield conn
        conn.rollback()


def _waiting_on_stop_table(lock_conn) -> int:
    """How many other database sessions wait for the stop table's lock (imports blocked mid-load)."""
    row = lock_conn.execute(
        "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
        "WHERE c.relname = %s AND NOT l.granted",
        [Stop._meta.db_table],
    ).fetchone()
    return row[0]


def test_two_import_workers_and_an_email_that_does_not_wait(settings, tmp_path):
    # Queue names of this test alone: a worker of this process started by another test module (the
    # session's celery_worker) consumes the usual names and cannot take these tasks. The three
    # workers are real `celery worker` processes with their own host names.
    settings.TASK_QUEUES = {kind: f"{name}-two-workers" for kind, name in settings.TASK_QUEUES.items()}
    queues_purge(app, list(settings.TASK_QUEUES.values()))
    city_a, city_b = CityFactory(), CityFactory()
    lead = member(city_a, "lead")
    generated = generated_stops(2_000, seed=11)
    first = uploaded_dataset(city_a, file=OWENSBORO)
    second = uploaded_dataset(city_b, file="generated.csv", data=generated, kind="stop")
    expected = {
        first.pk: len(pd.read_csv(POLICE_SAMPLES / OWENSBORO, dtype=str, keep_default_na=False)),
        second.pk: len(pd.read_csv(io.BytesIO(generated), dtype=str, keep_default_na=False)),
    }

    queues = settings.TASK_QUEUES
    with (
        stop_table_locked() as lock,
        worker_process("imports-1@two-workers", queues["imports"]),
        worker_process("imports-2@two-workers", queues["imports"]),
        worker_process("quick@two-workers", queues["quick"], log=tmp_path / "quick.log"),
    ):
        dataset_services.dataset_confirm(dataset=first)
        dataset_services.dataset_confirm(dataset=second)
        # Both imports started, each on its own worker, and both are held at the COPY by the lock.
        wait_for(lambda: _waiting_on_stop_table(lock) >= 2, timeout=60)
        assert Dataset.objects.filter(pk__in=expected, status=Status.IMPORTING).count() == 2

        invitation_create(city=city_a, email="new.person@example.org", role="staff", invited_by=lead)
        # The quick worker's console mailer printed the email, with its secret link.
        log = tmp_path / "quick.log"
        wait_for(lambda: "To: new.person@example.org" in log.read_text(errors="replace"), timeout=60)
        assert city_a.name in log.read_text(errors="replace")
        assert "/invitations/" in log.read_text(errors="replace")
        # The email went out while both imports were still running, neither one finished.
        assert _waiting_on_stop_table(lock) >= 2
        assert Dataset.objects.filter(pk__in=expected, status=Status.IMPORTING).count() == 2
        assert not Stop.objects.filter(dataset_id__in=expected).exists()
        lock.rollback()  # release: both imports go on to the end

        done = wait_for(
            lambda: (
                Dataset.objects.filter(pk__in=expected, status__in=[Status.IMPORTED, Status.FAILED]).count()
                == 2
            ),
            timeout=120,
        )
        assert done
    for dataset in Dataset.objects.filter(pk__in=expected):
        assert dataset.status == Status.IMPORTED, dataset.status_message
        assert dataset.rows_imported == expected[dataset.pk]
        assert Stop.objects.filter(dataset=dataset).count() == expected[dataset.pk]
