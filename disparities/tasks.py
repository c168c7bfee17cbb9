"""Thin Celery tasks: load by id, call a service."""

import logging

from celery import shared_task
from django.conf import settings

from .services import imports

logger = logging.getLogger(__name__)


def import_retry_delay(retries: int) -> int | None:
    """Seconds to wait before the next try of an import that could not reach the database, after
    `retries` tries again so far; None once the retry budget is spent.

    The wait doubles from POLICE_IMPORT_RETRY_FIRST_SECONDS up to POLICE_IMPORT_RETRY_MAX_DELAY_SECONDS,
    and all the waits together stay within POLICE_IMPORT_RETRY_TOTAL_SECONDS."""
    first = max(1, settings.POLICE_IMPORT_RETRY_FIRST_SECONDS)
    cap = max(first, settings.POLICE_IMPORT_RETRY_MAX_DELAY_SECONDS)
    delays = [min(first * 2**n, cap) for n in range(retries + 1)]
    return delays[-1] if sum(delays) <= settings.POLICE_IMPORT_RETRY_TOTAL_SECONDS else None


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)
def dataset_import_task(self, dataset_id: int) -> str:
    try:
        outcome = imports.dataset_import(dataset_id=dataset_id)
    except imports.DatabaseUnavailable as error:
        # Only before the import started (nothing written, the dataset still queued): a database
        # lost during the import is handled by the service, and its errors are not retried here.
        delay = import_retry_delay(self.request.retries)
        if delay is None:
            logger.error("Import of police dataset %s: gave up reaching the database; the reaper marks it failed",
                         dataset_id)  # fmt: skip
            raise
        raise self.retry(exc=error, countdown=delay) from error
    if outcome.dataset is None:
        return "deleted (nothing to do)"
    return f"{outcome.dataset.status}{'' if outcome.did_work else ' (nothing to do)'}"


@shared_task(acks_late=True, reject_on_worker_lost=True)
def dataset_read_task(dataset_id: int) -> str:
    """A large upload read by the worker: its first rows kept for the mapping page, a mapping proposed."""
    from .services.datasets import dataset_read

    dataset = dataset_read(dataset_id=dataset_id)
    return "nothing to do" if dataset is None else dataset.status


@shared_task
def datasets_reap_stale_task() -> int:
    return imports.datasets_reap_stale()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def veil_run_task(run_id: int) -> str:
    from .services.dashboards import veil_run_execute

    return veil_run_execute(run_id=run_id).status


@shared_task(acks_late=True, reject_on_worker_lost=True)
def threshold_run_task(run_id: int) -> str:
    from .services.dashboards import threshold_run_execute

    return threshold_run_execute(run_id=run_id).status


@shared_task(acks_late=True, reject_on_worker_lost=True)
def analysis_run_task(run_id: int) -> str:
    from .services.analyses import analysis_run_execute

    return analysis_run_execute(run_id=run_id).status
