"""Thin Celery tasks: call a service."""

from celery import shared_task

from . import services


@shared_task
def resources_remind_review() -> int:
    """Daily: email the curators about resources whose review-by date has passed."""
    return services.resources_remind_review()
