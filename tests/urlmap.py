"""Every URL pattern of the app, with how to build its arguments in a given city.

The isolation matrix and the accessibility walk read this map; a test fails when a URL pattern of
the app has no entry here, so no page can be added without being checked.

Each entry: `build(city) -> kwargs` creates whatever objects the URL needs inside `city` and
returns the URL's keyword arguments (without `city_slug`). `kind` says how the URL is guarded:
- "city": a city page behind @city_view (members only; 404 for others; sign-in for visitors);
- "public": readable by anyone (token or slug in the URL); builds for one city must not answer
  under another city's slug;
- "front": the front door, with no city in it;
- "token": a secret link not tied to a city slug (an invitation).
`walk` lists the methods whose success a member with the right role should see (GET pages are
walked by the accessibility test).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Route:
    name: str
    build: Callable[..., dict] = field(default=lambda city: {})
    kind: str = "city"
    walk: bool = True  # a GET page worth walking with the accessibility check


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


ROUTES: list[Route] = [
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
    Route("conversations:index"),
    Route("relationships:index"),
    Route("disparities:index"),
    Route("library:index", kind="front"),
]

BY_NAME = {r.name: r for r in ROUTES}
