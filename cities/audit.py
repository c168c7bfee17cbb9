"""Recording who viewed, exported, changed or deleted personal data and police datasets."""

from django.http import HttpRequest

from .clientip import client_ip
from .models import AuditEvent, City, User


def audit_record(
    *,
    action: str,
    object_type: str,
    object_id: object = "",
    summary: str = "",
    city: City | None = None,
    actor: User | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Append one event to the audit log. Call it from services and views that touch personal
    data or police datasets: a view of a participant list, an export, a change, a deletion."""
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    if city is None and request is not None:
        city = getattr(request, "city", None)
    return AuditEvent.objects.create(
        action=action,
        object_type=object_type,
        object_id=str(object_id)[:80],
        summary=summary[:500],
        city_id=city.id if city else None,
        actor_id=actor.id if actor else None,
        actor_email=actor.email if actor else "",
        ip_address=client_ip(request) if request is not None else None,
    )
