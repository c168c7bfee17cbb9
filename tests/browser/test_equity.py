"""Equity assessments in the real Chromium, at 1280 px and on a 320 px phone: the whole journey from a
dashboard figure to the public page and back, and every equity page for every role, each page
passing the accessibility check, scrolling nothing sideways and breaking no CSP rule."""

from datetime import timedelta

import pytest
from django.urls import resolve, reverse
from django.utils import timezone
from playwright.sync_api import expect

from cities.models import ALL_ROLES, Role
from equity.models import Assessment
from relationships.models import Commitment
from tests.equity.conftest import held_conversation, with_police_figures
from tests.equity.routes import ROUTES

pytestmark = pytest.mark.django_db(transaction=True)


def _no_sideways_scroll(page, what):
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"{what} scrolls sideways"


@pytest.mark.parametrize("width", [1280, 320])
def test_the_whole_journey(browser, live_server, city, member_of, sign_in, check_a11y, width):
    lead = member_of(city, "lead")
    dataset, figures = with_police_figures(city)
    figure = next(f for f in figures if f.measure == "population.rate")
    conversation = held_conversation(city, by=lead)
    context = browser.new_context(viewport={"width": width, "height": 800}, base_url=live_server.url)
    page = context.new_page()
    csp_errors = []
    page.on("console", lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None)
    sign_in(page, lead)

    def checked(what):
        check_a11y(page, context=f"{what} at {width}px")
        _no_sideways_scroll(page, f"{what} at {width}px")

    # Start from a dashboard figure.
    page.goto(reverse("disparities:dashboard", args=[city.slug, dataset.pk]))
    page.get_by_label("A figure of the whole dataset (no filter)").select_option(figure.key)
    checked("dashboard")
    page.get_by_role("button", name="Start an equity assessment from this").click()
    expect(page.locator(".callout")).to_contain_text(figure.label)
    checked("start page")
    page.get_by_label("What is assessed").fill("Ending stops for expired registration alone")
    page.get_by_label("Kind of proposal").select_option("policy")
    page.get_by_label("Department").fill("Police department")
    page.get_by_role("button", name="Start the assessment").click()
    expect(page.locator(".usa-step-indicator__heading-text")).to_have_text("Proposal and desired results")
    checked("step 1")
    a = Assessment.objects.get()

    # 1. The proposal; the answers save as you go (htmx), then "Save and continue".
    page.get_by_label("What is proposed, in plain words").fill(
        "Stop pulling drivers over for registration alone."
    )
    page.get_by_label("What is proposed, in plain words").blur()
    expect(page.locator("#save-status")).to_contain_text("Saved at")
    page.get_by_role("button", name="Save and continue").click()
    # 2. The figure is kept, with today's value beside it.
    expect(page.locator(".usa-step-indicator__heading-text")).to_have_text("Data")
    expect(page.locator("#evidence")).to_contain_text("Kept")
    expect(page.locator("#evidence")).to_contain_text("(unchanged)")
    page.locator("summary", has_text="Add other evidence").click()
    page.get_by_label("What the evidence is").fill("Court fees study")
    page.get_by_role("button", name="Add the evidence").click()
    expect(page.locator("#evidence")).to_contain_text("Court fees study")
    checked("step 2")
    # 3. The conversation held, with whose voices were missing.
    page.get_by_role("link", name="Next step").click()
    page.get_by_label("A conversation held").select_option(f"conversations:{conversation.pk}")
    page.get_by_role("button", name="Link the conversation").click()
    expect(page.locator("#engagement")).to_contain_text("3 missing")
    checked("step 3")
    # 4. Benefits and burdens, a strategy.
    page.get_by_role("link", name="Next step").click()
    page.get_by_label("Affected group").fill("Black drivers")
    page.get_by_label("How it benefits them").fill("Fewer stops.")
    page.get_by_role("button", name="Add the group").click()
    page.get_by_label("Strategy to reduce harm").fill("Send a reminder letter before any fine")
    page.get_by_role("button", name="Add the strategy").click()
    expect(page.locator("#strategies")).to_contain_text("Send a reminder letter")
    checked("step 4")
    # 5. The strategy becomes a commitment with its owner and due date.
    page.get_by_role("link", name="Next step").click()
    page.get_by_label("Who follows it through").select_option(str(lead.pk))
    page.get_by_label("Due date").fill((timezone.localdate() + timedelta(days=60)).isoformat())
    page.get_by_role("button", name="Make it a commitment").click()
    expect(page.locator("#commitments")).to_contain_text("Commitment: Open")
    checked("step 5")
    # 6. Measures, the public texts, published.
    page.get_by_role("link", name="Next step").click()
    page.get_by_label("How results will be measured").fill("Registration stops per month, by race.")
    page.get_by_label("What we assessed").fill("Stops for an expired registration alone.")
    page.get_by_label("What we heard").fill("Young drivers feel singled out.")
    page.get_by_label("What we changed").fill("A reminder letter comes before any stop.")
    page.get_by_label("This assessment is complete").check()
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_role("button", name="Publish the public page").click()
    expect(page.locator("#public")).to_contain_text("Published on")
    checked("step 6")
    page.get_by_role("link", name="the public page").click()
    expect(page.locator("main")).to_contain_text("A reminder letter comes before any stop.")
    checked("public page")

    # Reopened later: the kept figure beside today's.
    page.goto(reverse("equity:detail", args=[city.slug, a.pk]))
    expect(page.locator("main")).to_contain_text("Today")
    checked("assessment reopened")
    page.get_by_role("link", name="revisions").click()
    checked("revisions")
    assert Commitment.objects.for_city(city).get().owner == lead
    # The commitment offers to start another assessment from it.
    page.goto(reverse("relationships:commitment_detail", args=[city.slug, Commitment.objects.get().pk]))
    checked("commitment")
    page.get_by_role("link", name="Start an equity assessment from this").click()
    expect(page.locator(".callout")).to_contain_text("Send a reminder letter")
    assert csp_errors == [], csp_errors
    context.close()


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_every_equity_page_for_every_role(browser, live_server, city, member_of, sign_in, check_a11y, role):
    user = member_of(city, role)
    urls = []
    for route in [r for r in ROUTES if r.walk and r.kind in ("city", "public")]:
        kwargs = {"city_slug": city.slug, **route.build(city)}
        url = reverse(route.name, kwargs=kwargs)
        if route.kind == "city" and role not in getattr(resolve(url).func, "city_view_roles", ALL_ROLES):
            continue
        urls.append(url)
        if route.name == "equity:step":
            urls += [reverse("equity:step", kwargs={**kwargs, "step": n}) for n in (1, 3, 4, 5, 6)]
    for width in (1280, 320):
        context = browser.new_context(viewport={"width": width, "height": 800}, base_url=live_server.url)
        page = context.new_page()
        csp_errors = []
        page.on(
            "console", lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None
        )
        sign_in(page, user)
        for url in urls:
            response = page.goto(url)
            assert response.status < 400, (url, response.status)
            check_a11y(page, context=f"as {role} at {width}px")
            _no_sideways_scroll(page, f"{url} as {role} at {width}px")
        assert csp_errors == [], csp_errors
        context.close()


def test_keyboard_alone_reaches_the_steps(page, live_server, city, member_of, sign_in):
    lead = member_of(city, "lead")
    from equity import services

    a = services.assessment_start(city=city, by=lead, title="Keyboard", kind="policy")
    sign_in(page, lead)
    page.goto(live_server.url + reverse("equity:step", args=[city.slug, a.pk, 1]))
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent").strip().startswith("2. Data"):
            break
    else:
        raise AssertionError("the step indicator's links cannot be reached with the Tab key")
    page.keyboard.press("Enter")
    expect(page.locator(".usa-step-indicator__heading-text")).to_have_text("Data")


def test_the_curators_overview_at_both_widths(
    browser, live_server, city, sign_in, check_a11y, django_user_model
):
    from tests.equity.routes import scene

    scene(city)
    curator = django_user_model.objects.create_user(
        "eq-walk-curator@example.org", "x-long-pass-1", is_curator=True
    )
    for width in (1280, 320):
        context = browser.new_context(viewport={"width": width, "height": 800}, base_url=live_server.url)
        page = context.new_page()
        sign_in(page, curator)
        for url in [r for r in ROUTES if r.kind == "curator" and r.walk]:
            target = reverse(url.name, kwargs=url.build(city))
            assert page.goto(target).status < 400, target
            check_a11y(page, context=f"{target} at {width}px")
            _no_sideways_scroll(page, f"{target} at {width}px")
        context.close()
