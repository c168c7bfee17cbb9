"""Reads for the conversations pages."""

from django.urls import reverse

from cities.models import City, Membership


def home_panel(*, city: City, membership: Membership | None) -> dict:
    """The city home's panel: upcoming conversations (an empty state until there are any)."""
    return {
        "key": "conversations",
        "title": "Upcoming conversations",
        "url": reverse("conversations:index", args=[city.slug]),
        "items": [],
        "empty": "No community conversation is planned yet. Start by planning one: pick a date, a "
        "venue and the voices you want in the room.",
        "action": None,
    }
