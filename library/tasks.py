"""Thin Celery tasks: call a service."""

from celery import shared_task

from . import services


@shared_task
def resources_remind_review() -> int:
    """Daily: email the curators about resources whose review-by date has passed."""
    return services.resources_remind_review()


@shared_task
def network_digest_send() -> int:
    """Weekly: email the curators the network's new stories and milestones."""
    return services.network_digest_send()
