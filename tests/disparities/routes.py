"""URL map entries for the police data pages (see tests/urlmap.py)."""

from tests.urlmap_types import Route

ROUTES = [
    Route("disparities:index"),
]
