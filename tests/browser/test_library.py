"""The library in the real Chromium: search with facets, publish a reviewed resource, a city's
submission accepted by a curator; every page passes the accessibility check, at 1280 and 320 px."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from library import services
from library.models import Kind, ResourceStatus, Submission
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def curator():
    return UserFactory(is_curator=True, full_name="Casey Curator")


def _resource(curator, title, status=ResourceStatus.PUBLISHED, **fields):
    fields.setdefault("kind", Kind.CASE_STUDY)
    fields.setdefault("summary", f"About {title}.")
    resource = services.resource_create(by=curator, title=title, **fields)
    steps = {
        ResourceStatus.IN_REVIEW: ["in_review"],
        ResourceStatus.PUBLISHED: ["in_review", "published"],
    }.get(status, [])
    for step in steps:
        resource = services.resource_transition(resource=resource, to=step, by=curator)
    return resource


def test_search_with_facets(page, phone, live_server, curator, check_a11y):
    _resource(
        curator,
        "Police and youth basketball",
        topics=["youth"],
        body="Officers play **basketball** with teens.",
    )
    _resource(
        curator,
        "Basketball toolkit",
        kind=Kind.TOOLKIT,
        topics=["youth"],
        summary="Running basketball nights.",
    )
    _resource(curator, "Complaint review", kind=Kind.GUIDE, topics=["oversight"])
    _resource(curator, "Hidden basketball draft", status=ResourceStatus.DRAFT)
    page.goto(live_server.url + reverse("library:index"))
    check_a11y(page)
    page.get_by_label("Search the library").fill("basketball")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("status")).to_contain_text("2 resources match")
    expect(page.locator(".library-list mark").first).to_have_text(re.compile("basketball", re.I))
    assert "Hidden basketball draft" not in page.content()
    check_a11y(page, context="with results")
    # Ticking a facet updates the results in place (htmx) and keeps the search in the address.
    page.get_by_label(re.compile(r"^Toolkit \(1\)")).check()
    expect(page.get_by_role("status")).to_contain_text("1 resource match")
    expect(page).to_have_url(re.compile(r"q=basketball.*kind=toolkit"))
    expect(page.locator(".library-list")).to_contain_text("Basketball toolkit")
    check_a11y(page, context="with a facet chosen")
    # The address works on its own (reload), and so does the result page.
    page.reload()
    expect(page.get_by_role("status")).to_contain_text("1 resource match")
    page.get_by_role("link", name="Basketball toolkit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Basketball toolkit")
    expect(page.locator("main")).to_contain_text("Outcome not yet documented.")
    check_a11y(page, context="resource page")
    # On a phone, nothing scrolls sideways.
    phone.goto(live_server.url + reverse("library:index") + "?q=basketball")
    check_a11y(phone, context="at 320 px")
    assert phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 1


def test_curator_publishes_a_reviewed_resource(page, live_server, curator, sign_in, check_a11y):
    resource = _resource(
        curator,
        "Community ambassadors",
        status=ResourceStatus.IN_REVIEW,
        body="## Steps\n\nHire from the neighbourhood.",
    )
    sign_in(page, curator)
    page.goto(live_server.url + reverse("library:curate"))
    check_a11y(page)
    page.get_by_role("link", name="Community ambassadors").click()
    expect(page.get_by_role("heading", name="Status: In review")).to_be_visible()
    check_a11y(page, context="edit form")
    page.get_by_label("Note for the record (optional)").fill("Checked with the city.")
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".messages")).to_contain_text("now published")
    expect(page.get_by_role("heading", name="Status: Published")).to_be_visible()
    check_a11y(page, context="after publishing")
    page.get_by_role("link", name="All revisions").click()
    expect(page.locator("table")).to_contain_text("Checked with the city.")
    check_a11y(page, context="revisions")
    page.get_by_role("link", name="Revision 1").click()
    check_a11y(page, context="one revision")
    # The public, signed out, now reads it.
    page.context.clear_cookies()
    page.goto(live_server.url + reverse("library:resource", args=[resource.slug]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Community ambassadors")


def test_city_member_submits_and_curator_accepts(
    browser, live_server, member_of, city, curator, sign_in, check_a11y
):
    member = member_of(city, "lead")
    member_page = browser.new_context(base_url=live_server.url).new_page()
    sign_in(member_page, member)
    member_page.goto(live_server.url + reverse("library:city", args=[city.slug]))
    check_a11y(member_page)
    member_page.get_by_role("link", name="Tell the network about a practice").click()
    check_a11y(member_page, context="empty form")
    member_page.get_by_role("button", name="Send to the curators").click()
    expect(member_page.locator(".errorlist").first).to_be_visible()
    check_a11y(member_page, context="form with errors")
    member_page.get_by_label("Title").fill("Neighbourhood walks")
    member_page.get_by_label("Summary").fill("Officers and residents walk together monthly.")
    member_page.get_by_label("What the city did").fill("Twelve walks with the neighbourhood association.")
    member_page.get_by_label("Community conversations on race").check()
    member_page.get_by_role("button", name="Send to the curators").click()
    expect(member_page.get_by_role("heading", name="Status: Waiting for a curator")).to_be_visible()
    check_a11y(member_page, context="submission sent")

    curator_page = browser.new_context(base_url=live_server.url).new_page()
    sign_in(curator_page, curator)
    curator_page.goto(live_server.url + reverse("library:curate_submissions"))
    check_a11y(curator_page)
    curator_page.get_by_role("link", name="Neighbourhood walks").click()
    check_a11y(curator_page, context="decision form")
    curator_page.get_by_label("Accept into the library").check()
    curator_page.get_by_label("Message to the city").fill("Thank you, we will publish it after review.")
    curator_page.get_by_role("button", name="Send the decision").click()
    expect(curator_page.locator(".messages")).to_contain_text("Accepted")
    expect(curator_page.get_by_role("heading", name="Status: Draft")).to_be_visible()
    resource = Submission.objects.get().resource
    assert resource.credited_city == city

    member_page.reload()
    expect(member_page.get_by_role("heading", name="Status: Accepted into the library")).to_be_visible()
    expect(member_page.locator("main")).to_contain_text("we will publish it after review")
    check_a11y(member_page, context="accepted")


def test_framework_and_city_pages_are_accessible(
    browser, live_server, member_of, city, curator, sign_in, check_a11y
):
    from pathlib import Path

    framework = services.framework_create(name="21st Century Policing", slug="21cp", expected_items=153)
    data = Path(__file__).resolve().parents[2] / "library" / "data" / "21cp_recommendations.csv"
    services.framework_load_csv(framework=framework, data=data.read_bytes())
    resource = _resource(curator, "Youth basketball")
    item = framework.items.get(number="1.1")
    lead = member_of(city, "lead")
    for width in (1280, 320):
        context = browser.new_context(viewport={"width": width, "height": 800}, base_url=live_server.url)
        page = context.new_page()
        sign_in(page, curator)
        for url in [
            reverse("library:frameworks"),
            reverse("library:framework", args=[framework.slug]),
            reverse("library:framework_item", args=[framework.slug, item.pk]),
            reverse("library:framework_matrix", args=[framework.slug]),
            reverse("library:curate_new"),
        ]:
            assert page.goto(live_server.url + url).status == 200
            check_a11y(page, context=f"curator at {width}px")
            assert (
                page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
                <= 1
            ), url
        context.clear_cookies()
        sign_in(page, lead)
        for url in [
            reverse("library:city", args=[city.slug]),
            reverse("library:city_framework", args=[city.slug, framework.slug]),
            reverse("library:city_framework_item", args=[city.slug, framework.slug, item.pk]),
            reverse("library:city_adopt", args=[city.slug, resource.slug]),
        ]:
            assert page.goto(live_server.url + url).status == 200
            check_a11y(page, context=f"city lead at {width}px")
            assert (
                page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
                <= 1
            ), url
        context.close()


def test_walk_every_curator_page(browser, live_server, city, sign_in, check_a11y):
    """Every curator page of the URL map (the shared walk signs in city members only), as a
    curator, at 1280 and 320 px: it answers, passes axe, scrolls nothing sideways, breaks no CSP rule."""
    from tests import builders
    from tests.library import routes
    from tests.urlmap import ROUTES

    pages = [
        r for r in ROUTES
        if r.kind == "curator" and r.name not in routes.CURATOR_ACTIONS | routes.CURATOR_DOWNLOADS
    ]  # fmt: skip
    assert {r.name for r in pages} >= {
        "library:curate", "library:frameworks", "library:curate_revision", "library:network"
    }  # fmt: skip
    urls = [reverse(r.name, kwargs=r.build(city)) for r in pages]
    curator = builders.shared_curator()
    for width in (1280, 320):
        context = browser.new_context(viewport={"width": width, "height": 800}, base_url=live_server.url)
        page = context.new_page()
        csp_errors = []
        page.on(
            "console", lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None
        )
        sign_in(page, curator)
        for url in urls:
            response = page.goto(live_server.url + url)
            assert response.status == 200, (url, response.status)
            check_a11y(page, context=f"curator at {width}px")
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 1, f"{url} scrolls sideways at {width}px"
        assert csp_errors == [], csp_errors
        context.close()


def test_curator_actions_only_take_a_post(client, city):
    """The curator pages left out of the walk above are the POST-only actions."""
    from tests import builders
    from tests.library import routes
    from tests.urlmap import BY_NAME

    client.force_login(builders.shared_curator())
    for name in routes.CURATOR_ACTIONS:
        assert client.get(reverse(name, kwargs=BY_NAME[name].build(city))).status_code == 405, name
