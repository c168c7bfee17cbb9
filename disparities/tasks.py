"""Thin Celery tasks: load by id, call a service."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def dataset_import_task(dataset_id: int) -> str:
    outcome = services.dataset_import(dataset_id=dataset_id)
    if outcome.dataset is None:
        return "deleted (nothing to do)"
    return f"{outcome.dataset.status}{'' if outcome.did_work else ' (nothing to do)'}"


@shared_task
def datasets_reap_stale_task() -> int:
    return services.datasets_reap_stale()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def veil_run_task(run_id: int) -> str:
    from .services_dashboard import veil_run_execute

    return veil_run_execute(run_id=run_id).status
