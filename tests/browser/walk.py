"""The walk over every page of the app: each page answers, passes the axe check, scrolls nothing
sideways, and breaks no CSP rule. The tests that walk are split over several modules
(test_walk_*.py) so that a parallel run (`--dist loadfile`) shares them between its processes."""

import os

from django.urls import resolve, reverse

from cities.models import ALL_ROLES
from tests.urlmap import ROUTES

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


def walk_as_role(browser, live_server, city, member_of, sign_in, check_a11y, role):
    """Every page a member with `role` may open, at 1280 px and at 320 px."""
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
