"""Every page a facilitator may open, at 1280 px and at 320 px (the walk is in walk.py; one module per
role, so that a parallel run shares the walks between its processes)."""

import pytest

from tests.browser.walk import walk_as_role

pytestmark = pytest.mark.django_db(transaction=True)


def test_walk_every_page_as_facilitator(browser, live_server, city, member_of, sign_in, check_a11y):
    walk_as_role(browser, live_server, city, member_of, sign_in, check_a11y, "facilitator")
