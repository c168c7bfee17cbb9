"""Shared fixtures: a real Celery worker on the real Redis, factories, clients signed in by role."""

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.cache import cache

from tests.builders import member
from tests.factories import CityFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[1]
pytest_plugins = ["tests.plugins.url_coverage"]


def pytest_configure(config):
    """Test settings: Django's documented fast password hasher.

    The production hasher costs a deliberate ~0.5-2.5 s per hash; every test user would pay it.
    Passwords still go through the real hashing machinery (check_password, upgrade on sign-in).
    """
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """In a parallel run (pytest-xdist), each process's test database is a copy of one migrated
    template instead of being migrated by every process at once (tests/template_db.py)."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return
    from django.conf import settings

    from tests.template_db import migrated_template

    db = settings.DATABASES["default"]
    db.setdefault("TEST", {})["TEMPLATE"] = migrated_template(db, test_name=f"test_{db['NAME']}")


@pytest.fixture(autouse=True)
def _clear_cache(settings):
    """Sign-in throttling lives in the Redis cache: every test starts with a clean slate.

    Only the app's own keys are deleted (not FLUSHDB), so the Celery broker may share the database.
    """
    prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
    client = cache._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)
    yield


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker):
    """The project's own Celery app, run by a real worker thread against the test database.

    Tests that use it need `@pytest.mark.django_db(transaction=True)`, so that what they write is
    committed and the worker, on its own connection, sees it.
    """
    from celery.contrib.testing.worker import start_worker
    from django.conf import settings as django_settings

    from realcities.celery import app

    broker = app.conf.broker_url or ""
    if broker.endswith("/0"):
        pytest.exit("Run the tests with their own broker (make test sets CELERY_BROKER_URL).", 2)
    with django_db_blocker.unblock():
        # One worker thread takes all of this process's queues (imports, analysis, quick): each name
        # carries the process's suffix (settings.TASK_QUEUES), so test processes never share one.
        queues = list(django_settings.TASK_QUEUES.values())
        queues_purge(app, queues)
        with start_worker(
            app, pool="solo", perform_ping_check=False, shutdown_timeout=30, queues=queues
        ) as worker:
            yield worker


def queues_purge(app, queues) -> None:
    """Drop what an earlier run left in these queues (app.control.purge empties only the default one)."""
    with app.connection_for_write() as conn:
        for queue in queues:
            conn.default_channel.queue_purge(queue)


@contextlib.contextmanager
def worker_process(hostname: str, queue: str, *, log: Path | None = None):
    """A real `celery worker` process on one queue of the test database, stopped (SIGTERM, warm
    shutdown) on exit. Its output (the console mailer's emails included) goes to `log` if given."""
    from django.conf import settings

    from realcities.celery import app

    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        "CELERY_BROKER_URL": app.conf.broker_url,
        "CELERY_RESULT_BACKEND": settings.CELERY_RESULT_BACKEND,
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "realcities", "worker", "-P", "solo", "-Q", queue, "-n", hostname,
         "--without-gossip", "--without-mingle", "--loglevel=WARNING"],
        cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
        if log:
            out.close()


def _test_database_url() -> str:
    from django.db import connection

    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def wait_for(condition: Callable[[], object], *, timeout: float = 20.0, interval: float = 0.1):
    """Poll until `condition()` is truthy (work done by the worker), or fail after `timeout` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"Condition not met within {timeout} s")


@pytest.fixture
def city(db):
    return CityFactory()


@pytest.fixture
def other_city(db):
    return CityFactory()


@pytest.fixture
def member_of(db):
    """`member_of(city, "lead")` -> a user with that role in that city."""

    return member


@pytest.fixture
def client_as(client, member_of):
    """`client_as(city, "lead")` -> a Django test client signed in as a new member with that role."""

    def make(city, role: str = "staff"):
        user = member_of(city, role)
        client.force_login(user)
        client.user = user
        return client

    return make
