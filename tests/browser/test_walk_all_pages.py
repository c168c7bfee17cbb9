"""The walk over every page for the public and for a curator (the members' walks, one module per
role, are beside it; the walk itself is in walk.py)."""

import pytest
from django.urls import reverse

from tests.browser.walk import ANONYMOUS_ACCOUNT_PAGES, WALKED, _url
from tests.urlmap import ROUTES

pytestmark = pytest.mark.django_db(transaction=True)


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


def test_every_role_has_its_walk():
    """A role added to the app gets its own walk module, or this fails."""
    from pathlib import Path

    from cities.models import Role

    here = Path(__file__).parent
    assert {p.stem.removeprefix("test_walk_as_") for p in here.glob("test_walk_as_*.py")} == set(Role.values)
