"""URL map entries for the library pages (see tests/urlmap.py).

Each `build(city)` goes through the library's own services, so the pages show what a real city
sees: a published practice the city adopted, a framework with items, the city's status on an item
with evidence, and a submission a curator answered. Every build can run more than once in a test
(the shared framework and curator are found again, resources get fresh slugs).

Curator pages are `walk=False` here because the shared walk signs in city members only (a curator
page is 404 for them); `tests/browser/test_library.py` walks every curator GET page as a curator,
at 1280 and 320 px.
"""

from tests.urlmap_types import Route

FRAMEWORK_SLUG = "route-framework"
CURATOR_EMAIL = "route-curator@example.org"


def _curator():
    from cities.models import User
    from tests.factories import UserFactory

    return User.objects.filter(email=CURATOR_EMAIL).first() or UserFactory(
        email=CURATOR_EMAIL, is_curator=True, full_name="Robin Curator"
    )


def _member(city):
    from cities.models import Membership
    from tests.factories import MembershipFactory

    membership = Membership.objects.for_city(city).filter(role="staff").select_related("user").first()
    return (membership or MembershipFactory(city=city, role="staff")).user


def _resource(title="Youth basketball nights", status="published", **fields):
    from library import services
    from library.models import Kind

    curator = _curator()
    fields.setdefault("kind", Kind.CASE_STUDY)
    fields.setdefault("summary", f"How a city ran {title.lower()}.")
    fields.setdefault("body", "## What happened\n\nOfficers and **teenagers** played every Friday.")
    fields.setdefault("topics", ["youth"])
    resource = services.resource_create(by=curator, title=title, **fields)
    steps = {"draft": [], "in_review": ["in_review"], "published": ["in_review", "published"]}[status]
    for step in steps:
        resource = services.resource_transition(resource=resource, to=step, by=curator)
    return resource


def _framework():
    """The shared framework with two items (found again on a second build)."""
    from library import services
    from library.models import Framework

    framework = Framework.objects.filter(slug=FRAMEWORK_SLUG).first()
    if framework is None:
        framework = services.framework_create(
            name="Policing framework", slug=FRAMEWORK_SLUG, description="Pillars of reform.", expected_items=3
        )
        services.framework_load_csv(
            framework=framework,
            data=b"pillar_number,pillar_name,item_type,number,text\n"
            b"1,Building trust,recommendation,1.1,Embrace a guardian mindset.\n"
            b"1,Building trust,action_item,1.1.1,Review policies with residents.\n",
        )
    return framework, framework.items.order_by("sort_key").first()


def _city_status(city):
    """The city's status on the first item, with an evidence link."""
    from library import services
    from library.models import EvidenceLink

    framework, item = _framework()
    record = services.city_framework_status_set(
        city=city, item=item, status="in_progress", notes="Draft policy with the council.", by=None
    )
    if not EvidenceLink.objects.for_city(city).filter(status=record).exists():
        services.evidence_link_add(
            record=record, kind="document", label="Council minutes", url="https://example.org/minutes"
        )
    return framework, item


def _adoption(city):
    from library import services

    resource = _resource()
    services.adoption_set(
        city=city,
        resource=resource,
        status="adopting",
        notes="Started in May.",
        outcome="Too early.",
        by=None,
    )
    return resource


def _submission(city, *, answered=True):
    from library import services

    submission = services.submission_create(
        city=city,
        by=_member(city),
        kind="case_study",
        title="Neighbourhood walks",
        summary="Officers and residents walk together.",
        what_we_did="Twelve walks with the neighbourhood association.",
        partners="The neighbourhood association.",
        how_it_went="Forty residents came to each walk.",
        topics=["trust"],
    )
    if answered:
        submission = services.submission_decide(
            submission=submission, decision="changes_requested", reason="Add the dates.", by=_curator()
        )
    return submission


# City pages ---------------------------------------------------------------------------------


def _city_library(city):
    _city_status(city)
    _adoption(city)
    _submission(city)
    return {}


def _city_framework(city):
    framework, _ = _city_status(city)
    return {"slug": framework.slug}


def _city_framework_item(city):
    framework, item = _city_status(city)
    return {"slug": framework.slug, "item_id": item.pk}


def _city_adopt(city):
    return {"resource_slug": _adoption(city).slug}


def _city_submission(city):
    return {"submission_id": _submission(city).pk}


# Public pages -------------------------------------------------------------------------------


def _public_resource(city):
    resource = _adoption(city)
    return {"slug": resource.slug}


def _library_index(city):
    _adoption(city)
    return {}


# Curator pages ------------------------------------------------------------------------------


def _curated(city):
    """A resource with more than one revision, naming the city."""
    resource = _resource(title="Community ambassadors", status="in_review", cities=[city])
    return {"resource_id": resource.pk}


def _curated_revision(city):
    return {**_curated(city), "number": 1}


def _curate_list(city):
    _curated(city)
    return {}


def _curate_submissions(city):
    _submission(city, answered=False)
    return {}


def _curate_submission(city):
    return {"submission_id": _submission(city, answered=False).pk}


def _framework_slug(city):
    _city_status(city)
    return {"slug": _framework()[0].slug}


def _frameworks(city):
    _framework()
    return {}


def _framework_item(city):
    framework, item = _framework()
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
    Route("library:frameworks", _frameworks, kind="curator", walk=False),
    Route("library:framework", _framework_slug, kind="curator", walk=False),
    Route("library:framework_item_new", _framework_slug, kind="curator", walk=False),
    Route("library:framework_item", _framework_item, kind="curator", walk=False),
    Route("library:framework_matrix", _framework_slug, kind="curator", walk=False),
    # A city's library pages
    Route("library:city", _city_library),
    Route("library:city_framework", _city_framework),
    Route("library:city_framework_item", _city_framework_item),
    Route("library:city_adopt", _city_adopt),
    Route("library:city_submit"),
    Route("library:city_submission", _city_submission),
]

# Curator pages that only take a POST (the others are GET pages a curator reads).
CURATOR_ACTIONS = {"library:curate_transition", "library:curate_restore"}
