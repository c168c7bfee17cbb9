"""Thin Celery tasks: load by id, call a service."""

from celery import shared_task

from . import services
from .models import Conversation, Registration


def _registration(registration_id: int) -> Registration | None:
    return (
        Registration.objects.select_related("conversation", "city").filter(pk=registration_id).first()
    )


@shared_task
def registration_send_confirmation(registration_id: int) -> None:
    registration = _registration(registration_id)
    if registration is not None:
        services.registration_send_confirmation(registration=registration)


@shared_task
def registration_send_promotion(registration_id: int) -> None:
    registration = _registration(registration_id)
    if registration is not None:
        services.registration_send_promotion(registration=registration)


@shared_task
def conversation_send_cancellation(conversation_id: int) -> None:
    conversation = Conversation.objects.select_related("city").filter(pk=conversation_id).first()
    if conversation is not None:
        services.conversation_send_cancellation(conversation=conversation)


@shared_task
def reminders_day_before() -> int:
    return services.reminders_send_day_before()


@shared_task
def reminders_report_overdue() -> int:
    return services.reminders_send_report_overdue()
