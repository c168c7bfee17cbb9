"""The homes of each role and the dashboard's findings in Chromium, at 1280 px and on a 375 px phone:
no console error, no CSP violation, no sideways scrolling, no serious or critical axe violation."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.builders import (
    OWENSBORO,
    county_benchmark,
    curator,
    imported_dataset,
    make_conversation,
    member,
    relationship,
    submission,
)

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (1280, 375)


def _visit(browser, live_server, sign_in, user, path, check_a11y, *, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, base_url=live_server.url)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    sign_in(page, user)
    response = page.goto(path)
    assert response.status == 200
    page.wait_for_load_state("networkidle")
    assert not problems, problems
    wide = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert wide <= 0, f"{path} scrolls sideways by {wide}px at {width}px"
    check_a11y(page, context=f"at {width}px")
    return page, context


@pytest.mark.parametrize("width", WIDTHS)
def test_the_lead_home_with_its_figures(browser, live_server, sign_in, check_a11y, city, width):
    lead = member(city, "lead")
    make_conversation(city, by=lead, title="Youth and police", days_ahead=3)
    relationship(city, owner=lead, cadence=30, started_days_ago=100, met_days_ago=60)
    county_benchmark(city, fips="21059")
    imported_dataset(city, file=OWENSBORO)
    page, context = _visit(
        browser, live_server, sign_in, lead, reverse("cities:home", args=[city.slug]), check_a11y, width=width
    )
    expect(page.locator(".usa-summary-box")).to_have_count(4)
    expect(page.get_by_role("heading", name="This week")).to_be_visible()
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_facilitator_home(browser, live_server, sign_in, check_a11y, city, width):
    lead = member(city, "lead")
    facilitator = member(city, "facilitator")
    make_conversation(city, by=lead, title="Our circle", facilitators=[facilitator], days_ahead=2)
    page, context = _visit(
        browser, live_server, sign_in, facilitator, reverse("cities:home", args=[city.slug]), check_a11y,
        width=width,
    )  # fmt: skip
    expect(page.get_by_role("link", name="Check in people at Our circle")).to_be_visible()
    expect(page.get_by_text("Plan a conversation")).to_have_count(0)
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_curator_home(browser, live_server, sign_in, check_a11y, city, width):
    submission(city, answered=False)
    page, context = _visit(browser, live_server, sign_in, curator(), "/", check_a11y, width=width)
    expect(page.get_by_role("heading", level=1)).to_have_text("National curator")
    expect(page.get_by_role("heading", name="Submissions waiting for you")).to_be_visible()
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_dashboard_opens_with_its_findings(browser, live_server, sign_in, check_a11y, city, width):
    county_benchmark(city, fips="21059")
    dataset = imported_dataset(city, file=OWENSBORO)
    page, context = _visit(
        browser, live_server, sign_in, member(city, "viewer"),
        reverse("disparities:dashboard", args=[city.slug, dataset.pk]), check_a11y, width=width,
    )  # fmt: skip
    findings = page.locator("#findings")
    expect(findings).to_contain_text("Black residents were stopped at")
    box = findings.bounding_box()
    assert box["y"] < page.locator("form.filters").bounding_box()["y"]
    # A filter swaps the findings with the figures, without a console error.
    page.select_option("#f-age", "25_34")
    expect(page.locator("#findings")).to_contain_text("for age group 25–34")
    context.close()
