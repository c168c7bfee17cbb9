"""One walk over every page of the app, for every role, at desktop width and at 320 px: each page
answers, passes the axe check, scrolls nothing sideways, and breaks no CSP rule."""

import os

import pytest
from django.urls import resolve, reverse

from cities.models import ALL_ROLES, Role
from tests.urlmap import ROUTES

pytestmark = pytest.mark.django_db(transaction=True)

# WALK_ONLY=indicators,library walks only those apps' pages (a quick check while working on one app).
ONLY = tuple(name for name in os.environ.get("WALK_ONLY", "").split(",") if name)
WALKED = [r for r in ROUTES if r.walk and (not ONLY or r.name.split(":")[0] in ONLY)]
# Account pages of django-allauth that every signed-in person uses, and the anonymous ones.
ACCOUNT_PAGES = ["account_change_password", "account_email", "mfa_index"]
ANONYMOUS_ACCOUNT_PAGES = ["account_login", "account_reset_password"]


def _url(route, city):
    kwargs = route.build(city)
    if route.kind == "city" or route.kind == "public":
        kwargs = {"city_slug": city.slug, **kwargs}
    return reverse(route.name, kwargs=kwargs)


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_walk_every_page_as_every_role(browser, live_server, city, member_of, sign_in, check_a11y, role):
    user = member_of(city, role)
    urls = []
    for route in [r for r in WALKED if r.kind in ("city", "front", "public")]:
        url = _url(route, city)
        if route.kind == "city":
            allowed = getattr(resolve(url).func, "city_view_roles", ALL_ROLES)
            if role not in allowed:
                continue
        urls.append(url)
    urls += [reverse(name) for name in ACCOUNT_PAGES]
    assert urls
    for width in (1280, 320):
        context = browser.new_context(viewport={"width": width, "height": 800})
        page = context.new_page()
        csp_errors = []
        page.on(
            "console", lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None
        )
        sign_in(page, user)
        for url in urls:
            response = page.goto(live_server.url + url)
            assert response.status < 400, (url, response.status)
            check_a11y(page, context=f"as {role} at {width}px")
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 1, f"{url} scrolls sideways at {width}px as {role}"
        assert csp_errors == [], csp_errors
        context.close()


def test_walk_public_pages_anonymously(page, live_server, city, check_a11y):
    urls = [_url(r, city) for r in WALKED if r.kind in ("public", "front")]
    for url in urls + [reverse(name) for name in ANONYMOUS_ACCOUNT_PAGES]:
        response = page.goto(live_server.url + url)
        assert response.status < 400
        check_a11y(page, context="anonymous")


def test_walk_curator_pages_as_a_curator(browser, live_server, city, sign_in, check_a11y, django_user_model):
    curator = django_user_model.objects.create_user(
        "walking-curator@example.org", "x-long-pass-1", is_curator=True
    )
    urls = [reverse(r.name, kwargs=r.build(city)) for r in ROUTES if r.kind == "curator" and r.walk]
    for width in (1280, 320):
        context = browser.new_context(viewport={"width": width, "height": 800})
        page = context.new_page()
        sign_in(page, curator)
        for url in urls:
            response = page.goto(live_server.url + url)
            assert response.status < 400, (url, response.status)
            check_a11y(page, context=f"as curator at {width}px")
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 1, f"{url} scrolls sideways at {width}px as curator"
        context.close()
