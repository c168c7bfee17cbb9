"""URL map entries for the conversations pages (see tests/urlmap.py)."""

from tests.urlmap_types import Route

ROUTES = [
    Route("conversations:index"),
]
