"""Recording who viewed, exported, changed or deleted personal data and police datasets."""

from collections.abc import Iterable

from django.http import HttpRequest

from .clientip import client_ip
from .models import AuditAction, AuditEvent, City, User


def audit_record(
    *,
    action: str,
    object_type: str,
    object_id: object = "",
    summary: str = "",
    city: City | None = None,
    actor: User | None = None,
    request: HttpRequest | None = None,
    ip_address: str | None = None,
) -> AuditEvent:
    """Append one event to the audit log. Call it from services and views that touch personal
    data or police datasets: a view of a participant list, an export, a change, a deletion.

    A service has no request: its caller passes the client's address (`cities.clientip.client_ip`)."""
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
        ip_address=client_ip(request) if request is not None else ip_address,
    )


def audit_list_view(
    request: HttpRequest | None = None,
    *,
    object_type: str,
    what: str,
    shown: int,
    with_contact: int | None = None,
    object_id: object = "",
    details: Iterable[str] = (),
    noun: tuple[str, str] = ("person", "people"),
    city: City | None = None,
    actor: User | None = None,
    ip_address: str | None = None,
) -> AuditEvent | None:
    """One entry for one look at a list of people (a page, or the htmx refresh of its results), not
    one per person: which list, how many people it showed, and with which filter and page.

    `what` names the list ("Viewed the stakeholder directory"); `details` says how it was narrowed
    ("page 2 of 5", "group: Youth"). Never put a person's name or a search text in either: the log
    is append-only and cannot be purged. A list that shows nobody records nothing.

    A service passes `city`, `actor` and the client's `ip_address` instead of the request.
    """
    if shown <= 0:
        return None
    summary = f"{what}: {shown} {noun[0] if shown == 1 else noun[1]} shown"
    if with_contact is not None:
        summary += f", {with_contact} with contact details"
    details = [d for d in details if d]
    if details:
        summary += f" ({'; '.join(details)})"
    return audit_record(
        action=AuditAction.VIEW,
        object_type=object_type,
        object_id=object_id,
        summary=summary,
        city=city,
        actor=actor,
        request=request,
        ip_address=ip_address,
    )
