"""What the health endpoint checks: the database, Redis, and a worker on each Celery queue."""

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from realcities.celery import app


def _database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any failure to answer is "down"; only the kind of error is shown
        return {"ok": False, "error": type(error).__name__}
    return {"ok": True}


def _redis() -> dict:
    try:
        cache._cache.get_client(write=True).ping()
    except Exception as error:
        return {"ok": False, "error": type(error).__name__}
    return {"ok": True}


def _queues(timeout: float) -> dict:
    """Each queue of settings.TASK_QUEUES with the workers that answered Celery's inspect within
    `timeout` seconds while consuming it. A queue with no worker is down: its tasks wait forever."""
    try:
        answers = app.control.inspect(timeout=timeout).active_queues() or {}
    except Exception as error:
        return {
            kind: {"ok": False, "queue": name, "workers": 0, "error": type(error).__name__}
            for kind, name in settings.TASK_QUEUES.items()
        }
    report = {}
    for kind, name in settings.TASK_QUEUES.items():
        workers = sorted(
            host for host, queues in answers.items() if any(q.get("name") == name for q in queues)
        )
        # How many workers, not their host names: the endpoint answers anyone.
        entry = {"ok": bool(workers), "queue": name, "workers": len(workers)}
        if not workers:
            entry["error"] = f"No worker consumes the {name} queue."
        report[kind] = entry
    return report


def health_report() -> dict:
    """{"ok": all up, "database": {...}, "redis": {...}, "queues": {kind: {...}}}."""
    database = _database()
    redis = _redis()
    queues = _queues(settings.HEALTH_WORKER_TIMEOUT_SECONDS)
    ok = database["ok"] and redis["ok"] and all(entry["ok"] for entry in queues.values())
    return {"ok": ok, "database": database, "redis": redis, "queues": queues}
