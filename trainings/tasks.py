"""Thin Celery tasks: load by id, call a service. One task per email."""

from celery import shared_task

from . import services
from .models import Registration


def _registration(registration_id: int) -> Registration | None:
    return (
        Registration.objects.select_related("session__training", "user", "city")
        .filter(pk=registration_id)
        .first()
    )


@shared_task
def registration_send_session_moved(registration_id: int) -> None:
    registration = _registration(registration_id)
    if registration is not None:
        services.registration_send_session_moved(registration=registration)


@shared_task
def registration_send_session_cancelled(registration_id: int) -> None:
    registration = _registration(registration_id)
    if registration is not None:
        services.registration_send_session_cancelled(registration=registration)


@shared_task
def registration_send_promotion(registration_id: int) -> None:
    registration = _registration(registration_id)
    if registration is not None:
        services.registration_send_promotion(registration=registration)
