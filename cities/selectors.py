"""Reads for the tenancy pages."""

from django.db.models import QuerySet
from django.utils import timezone

from .models import City, Invitation, Membership, User


def user_memberships(*, user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("city").order_by("city__name")


def city_members(*, city: City) -> QuerySet[Membership]:
    return Membership.objects.for_city(city).select_related("user").order_by("role", "user__email")


def city_pending_invitations(*, city: City) -> QuerySet[Invitation]:
    return (
        Invitation.objects.for_city(city)
        .filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())
        .select_related("invited_by")
        .order_by("-created_at")
    )


def membership_in_city(*, city: City, membership_id: int) -> Membership:
    """A membership of this city, or DoesNotExist (which views turn into 404)."""
    return Membership.objects.for_city(city).select_related("user", "city").get(pk=membership_id)


def invitation_in_city(*, city: City, invitation_id: int) -> Invitation:
    return Invitation.objects.for_city(city).select_related("city").get(pk=invitation_id)


def city_settings(*, city: City):
    from .models import CitySettings

    return CitySettings.objects.filter(city=city).first() or CitySettings(city=city)


def audit_events(*, city: City, action: str = ""):
    from .models import AuditEvent

    events = AuditEvent.objects.filter(city_id=city.id)
    if action:
        events = events.filter(action=action)
    return events.order_by("-at", "-id")


def invitation_problem(*, invitation: Invitation) -> str | None:
    """Why the invitation cannot be used any more (in words for the invitee), or None."""
    return invitation.unusable_reason()


def account_exists(*, email: str) -> bool:
    return User.objects.filter(email__iexact=email).exists()
