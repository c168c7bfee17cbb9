"""Reads for the relationships pages."""

from django.urls import reverse

from cities.models import City, Membership


def home_panel(*, city: City, membership: Membership | None) -> dict:
    """The city home's panel: relationships that are due or overdue for a meeting."""
    return {
        "key": "relationships",
        "title": "Relationships due for a meeting",
        "url": reverse("relationships:index", args=[city.slug]),
        "items": [],
        "empty": "No standing relationship is recorded yet. Start with the stakeholders you already "
        "know: faith leaders, advocates, youth groups, neighbourhood associations.",
        "action": None,
    }
