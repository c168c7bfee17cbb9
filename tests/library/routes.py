"""URL map entries for the library pages (see tests/urlmap.py).

Each `build(city)` goes through the library's own services (the builders of tests/builders.py), so
the pages show what a real city sees: a published practice the city adopted, a framework with items,
the city's status on an item with evidence, and a submission a curator answered. Every build can run more than once in a test
(the shared framework and curator are found again, resources get fresh slugs).

Curator pages are `walk=False` here because the shared walk signs in city members only (a curator
page is 404 for them); `tests/browser/test_library.py` walks every curator GET page as a curator,
at 1280 and 320 px.
"""

from tests import builders
from tests.urlmap_types import Route

# City pages ---------------------------------------------------------------------------------


def _city_library(city):
    builders.framework_status(city)
    builders.adoption(city)
    builders.submission(city)
    return {}


def _city_framework(city):
    framework, _ = builders.framework_status(city)
    return {"slug": framework.slug}


def _city_framework_item(city):
    framework, item = builders.framework_status(city)
    return {"slug": framework.slug, "item_id": item.pk}


def _city_adopt(city):
    return {"resource_slug": builders.adoption(city).slug}


def _city_submission(city):
    return {"submission_id": builders.submission(city).pk}


def _city_stories(city):
    builders.story(city)
    return {}


def _city_story(city):
    """The page opens from a piece of the city's work: its key goes in `?source=` (see the test)."""
    builders.kept_commitment(city)
    return {}


# Public pages -------------------------------------------------------------------------------


def _public_resource(city):
    resource = builders.adoption(city)
    return {"slug": resource.slug}


def _library_index(city):
    builders.adoption(city)
    return {}


# Curator pages ------------------------------------------------------------------------------


def _curated(city):
    """A resource with more than one revision, naming the city."""
    resource = builders.practice(title="Community ambassadors", status="in_review", cities=[city])
    return {"resource_id": resource.pk}


def _curated_revision(city):
    return {**_curated(city), "number": 1}


def _curate_list(city):
    _curated(city)
    return {}


def _curate_submissions(city):
    builders.submission(city, answered=False)
    return {}


def _curate_submission(city):
    return {"submission_id": builders.submission(city, answered=False).pk}


def _network(city):
    """A story the curators accepted and published (in the news), one waiting, a published dashboard."""
    from library import services

    curator = builders.shared_curator()
    accepted = services.submission_decide(submission=builders.story(city), decision="accepted", reason="", by=curator)
    for to in ("in_review", "published"):
        services.resource_transition(resource=accepted.resource, to=to, by=curator)
    builders.story(city)
    builders.published_snapshot(city)
    return {}


def _framework_slug(city):
    builders.framework_status(city)
    return {"slug": builders.shared_framework()[0].slug}


def _frameworks(city):
    builders.shared_framework()
    return {}


def _framework_item(city):
    framework, item = builders.shared_framework()
    return {"slug": framework.slug, "item_id": item.pk}


ROUTES = [
    # Public
    Route("library:index", _library_index, kind="front"),
    Route("library:feed", _library_index, kind="front", walk=False),
    Route("library:resource", _public_resource, kind="front"),
    # National curators (walked as a curator in tests/browser/test_library.py)
    Route("library:curate", _curate_list, kind="curator", walk=False),
    Route("library:curate_new", kind="curator", walk=False),
    Route("library:curate_edit", _curated, kind="curator", walk=False),
    Route("library:curate_preview", _curated, kind="curator", walk=False),
    Route("library:curate_transition", _curated, kind="curator", walk=False),
    Route("library:curate_revisions", _curated, kind="curator", walk=False),
    Route("library:curate_revision", _curated_revision, kind="curator", walk=False),
    Route("library:curate_restore", _curated_revision, kind="curator", walk=False),
    Route("library:curate_submissions", _curate_submissions, kind="curator", walk=False),
    Route("library:curate_submission", _curate_submission, kind="curator", walk=False),
    Route("library:network", _network, kind="curator", walk=False),
    Route("library:network_csv", _network, kind="curator", walk=False),
    Route("library:network_feed", _network, kind="curator", walk=False),
    Route("library:frameworks", _frameworks, kind="curator", walk=False),
    Route("library:framework", _framework_slug, kind="curator", walk=False),
    Route("library:framework_item_new", _framework_slug, kind="curator", walk=False),
    Route("library:framework_item", _framework_item, kind="curator", walk=False),
    Route("library:framework_item_move", _framework_item, kind="curator", walk=False),
    Route("library:framework_item_retire", _framework_item, kind="curator", walk=False),
    Route("library:framework_matrix", _framework_slug, kind="curator", walk=False),
    # A city's library pages
    Route("library:city", _city_library),
    Route("library:city_framework", _city_framework),
    Route("library:city_framework_item", _city_framework_item),
    Route("library:city_adopt", _city_adopt),
    Route("library:city_submit"),
    Route("library:city_stories", _city_stories),
    # Opens only with `?source=<story key>` (404 without): tests/library/test_stories.py requests it
    # from every source, as another city's member, without the role and with bad keys.
    Route("library:city_story", _city_story, walk=False),
    Route("library:city_submission", _city_submission),
]

# Curator pages that only take a POST (the others are GET pages a curator reads).
CURATOR_ACTIONS = {
    "library:curate_transition",
    "library:curate_restore",
    "library:framework_item_move",
    "library:framework_item_retire",
}
# Curator downloads (a CSV file, an Atom feed): no page to walk, checked in tests/library/test_network.py.
CURATOR_DOWNLOADS = {"library:network_csv", "library:network_feed"}
