"""URL map entries for the tenancy pages (see tests/urlmap.py)."""

from tests.urlmap_types import Route


def _membership(city):
    from tests.factories import MembershipFactory

    return {"membership_id": MembershipFactory(city=city, role="viewer").id}


def _invitation(city):
    from tests.builders import pending_invitation

    return {"invitation_id": pending_invitation(city, token=f"{city.slug}-route").id}


ROUTES = [
    Route("home", kind="front"),
    Route("cities:home"),
    Route("cities:national", kind="curator"),
    Route("cities:members"),
    Route("cities:invite", walk=False),
    Route("cities:member_role", _membership, walk=False),
    Route("cities:member_remove", _membership, walk=False),
    Route("cities:invitation_revoke", _invitation, walk=False),
    Route("cities:settings"),
    Route("cities:audit"),
    Route("cities:invitation_accept", lambda city: {"token": "not-a-real-token"}, kind="token", walk=False),
    Route("cities:language", kind="front", walk=False),
]
