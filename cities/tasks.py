"""Thin Celery tasks: load by id, call a service."""

from celery import shared_task

from . import services
from .models import Invitation


@shared_task
def invitation_send_email(invitation_id: int) -> None:
    invitation = Invitation.objects.select_related("city", "invited_by").filter(pk=invitation_id).first()
    if invitation is not None:
        services.invitation_send(invitation=invitation)


@shared_task
def invitations_purge_expired() -> int:
    return services.invitations_purge_expired()


@shared_task
def retention_purge() -> dict:
    from .retention import retention_purge as purge

    return purge()
