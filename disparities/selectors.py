"""Reads for the police data pages."""

from django.urls import reverse

from cities.models import City, Membership


def home_panel(*, city: City, membership: Membership | None) -> dict:
    """The city home's panel: the latest police datasets."""
    return {
        "key": "disparities",
        "title": "Latest police data",
        "url": reverse("disparities:index", args=[city.slug]),
        "items": [],
        "empty": "No police data is loaded yet. Ask your police department for its stops, arrests, "
        "citations, use of force or complaints file, then upload it here.",
        "action": None,
    }
