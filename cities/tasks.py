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


@shared_task
def email_send(
    *, subject: str, body: str, from_email: str, to: list[str], html: str = "", subtype: str = "plain"
) -> None:
    """Send one email rendered by the web process (the account emails of `cities.adapters`)."""
    from django.core.mail import EmailMultiAlternatives

    message = EmailMultiAlternatives(subject=subject, body=body, from_email=from_email, to=to)
    message.content_subtype = subtype
    if html:
        message.attach_alternative(html, "text/html")
    message.send()
