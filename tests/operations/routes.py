from tests.urlmap_types import Route

# Not city pages: the health endpoint answers anyone, /metrics only a scraper with the token.
ROUTES = [
    Route("operations:health", kind="front", walk=False),
    Route("operations:metrics", kind="front", walk=False),
]
