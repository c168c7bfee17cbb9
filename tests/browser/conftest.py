"""Browser tests: pytest-playwright driving Debian's Chromium against Django's live server.

In a parallel run each module runs whole in one process (`--dist loadfile`, see the Makefile), so the
walks over every page, one module per role (test_walk_*.py), are shared between the processes."""

import pytest
from django.conf import settings
from django.test import Client

from tests.a11y import assert_accessible

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(autouse=True)
def _browser_marker(request):
    request.node.add_marker(pytest.mark.browser)


@pytest.fixture
def phone(browser, live_server):
    """A page the size of a small phone (320 px wide)."""
    context = browser.new_context(viewport={"width": 320, "height": 640}, base_url=live_server.url)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def sign_in(live_server):
    """`sign_in(page, user)`: give the browser a session for `user` without typing a password."""

    def do(page, user):
        client = Client()
        client.force_login(user)
        page.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )

    return do


@pytest.fixture
def check_a11y():
    return assert_accessible
