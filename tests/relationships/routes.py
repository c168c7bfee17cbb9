"""URL map entries for the relationships pages (see tests/urlmap.py)."""

from tests.urlmap_types import Route

ROUTES = [
    Route("relationships:index"),
]
