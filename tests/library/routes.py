"""URL map entries for the library pages (see tests/urlmap.py)."""

from tests.urlmap_types import Route

ROUTES = [
    Route("library:index", kind="front"),
]
