"""URL map entries for the tenancy pages (see tests/urlmap.py)."""

from tests.urlmap_types import Route


def _membership(city):
    from tests.factories import MembershipFactory

    return {"membership_id": MembershipFactory(city=city, role="viewer").id}


def _invitation(city):
    from datetime import timedelta

    from django.utils import timezone

    from cities.models import Invitation

    inv = Invitation.objects.create(
        city=city,
        email=f"invitee-{city.slug}@example.org",
        role="staff",
        token_hash=f"{city.slug}-hash".ljust(64, "0")[:64],
        expires_at=timezone.now() + timedelta(days=7),
    )
    return {"invitation_id": inv.id}


ROUTES = [
    Route("home", kind="front"),
    Route("cities:home"),
    Route("cities:members"),
    Route("cities:invite", walk=False),
    Route("cities:member_role", _membership, walk=False),
    Route("cities:member_remove", _membership, walk=False),
    Route("cities:invitation_revoke", _invitation, walk=False),
    Route("cities:settings"),
    Route("cities:audit"),
    Route("cities:invitation_accept", lambda city: {"token": "not-a-real-token"}, kind="token", walk=False),
]
