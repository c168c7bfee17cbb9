"""Every URL pattern of the app, with how to build its arguments in a given city.

Each app lists its routes in `tests/<app>/routes.py` (a `ROUTES` list of `Route`). The isolation
matrix and the accessibility walk read this map, and a test fails when a URL pattern of the app has
no entry, so no page can be added without being checked.
"""

from importlib import import_module
from importlib.util import find_spec

from tests.urlmap_types import Route

APPS = ["cities", "conversations", "relationships", "disparities", "library", "indicators", "equity", "trainings", "operations"]


def _collect() -> list[Route]:
    routes: list[Route] = []
    for app in APPS:
        if find_spec(f"tests.{app}.routes") is not None:
            routes.extend(import_module(f"tests.{app}.routes").ROUTES)
    return routes


ROUTES = _collect()
BY_NAME = {r.name: r for r in ROUTES}
