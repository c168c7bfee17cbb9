"""The shell in the real Chromium: sign in, move around, switch city, every page accessible."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cities.models import Membership
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_sign_in_through_the_form_and_land_in_the_city(page, live_server, member_of, city, check_a11y):
    user = member_of(city, "lead")
    page.goto(live_server.url + "/")
    check_a11y(page)
    page.get_by_role("link", name="Sign in").first.click()
    check_a11y(page)
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("main")).to_contain_text("not correct")
    check_a11y(page, context="after a failed sign-in")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{city.name}, {city.state}")
    # Sign out from the user menu.
    page.locator("details.user-menu > summary").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in").first).to_be_visible()


def test_keyboard_alone_reaches_the_skip_link_and_the_city_switcher(page, live_server, member_of, city, other_city, sign_in):
    user = member_of(city, "staff")
    Membership.objects.create(user=user, city=other_city, role="viewer")
    sign_in(page, user)
    page.goto(live_server.url + reverse("cities:home", args=[city.slug]))
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Shift+Tab")  # back into the header from main
    page.focus("details.city-switcher > summary")
    page.keyboard.press("Enter")
    link = page.get_by_role("link", name=f"{other_city.name}, {other_city.state}")
    expect(link).to_be_visible()
    link.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{other_city.name}, {other_city.state}")
    # Escape closes an open menu and gives focus back to its button.
    page.focus("details.user-menu > summary")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    expect(page.locator("details.user-menu")).not_to_have_attribute("open", "")


def test_lead_invites_from_the_members_page(page, live_server, member_of, city, sign_in, check_a11y):
    lead = member_of(city, "lead")
    sign_in(page, lead)
    page.goto(live_server.url + reverse("cities:members", args=[city.slug]))
    page.get_by_label("Email address").fill("not an email")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator("main")).to_contain_text("valid email")
    check_a11y(page, context="with form errors")


def test_error_page_is_accessible(page, live_server, check_a11y):
    response = page.goto(live_server.url + "/no-such-page/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    check_a11y(page)


def test_every_button_shows_its_text(page, live_server, member_of, city, sign_in):
    """A link styled as a button keeps white text on its blue ground (the plain link colour must
    not win), and a secondary button keeps its own look."""
    sign_in(page, member_of(city, "lead"))
    page.goto(live_server.url + reverse("cities:home", args=[city.slug]))
    same = page.evaluate(
        """() => [...document.querySelectorAll('.button, .usa-button, button[type=submit]')]
            .filter(e => e.offsetParent !== null)
            .map(e => { const s = getComputedStyle(e); return [e.textContent.trim(), s.color, s.backgroundColor]; })
            .filter(([, color, background]) => color === background)"""
    )
    assert same == []
    assert page.evaluate("document.querySelectorAll('a.button, a.usa-button').length") > 0
