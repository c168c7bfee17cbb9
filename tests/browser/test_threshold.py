"""The threshold test's result in the real Chromium: accessible (axe) and readable on a phone."""

import pytest
from django.urls import reverse

from tests.builders import generated_stops, imported_dataset, threshold_run

pytestmark = pytest.mark.django_db(transaction=True)


def test_threshold_result_is_accessible_and_fits_a_phone(phone, live_server, member_of, city, sign_in, check_a11y, settings):
    settings.THRESHOLD_TEST_CHAINS = 2
    settings.THRESHOLD_TEST_WARMUP = 1000
    settings.THRESHOLD_TEST_DRAWS = 1000
    dataset = imported_dataset(city, file="stops.csv", data=generated_stops(8000), kind="stop")
    run = threshold_run(city, dataset=dataset)
    assert run.result["verdict"] in {"ok", "flagged"}, run.result["problems"]
    sign_in(phone, member_of(city, "staff"))
    for url in (
        reverse("disparities:threshold_status", args=[city.slug, dataset.pk, run.pk]),
        reverse("disparities:dashboard", args=[city.slug, dataset.pk]) + "#threshold",
    ):
        phone.goto(live_server.url + url)
        assert phone.locator("#threshold-result table").first.is_visible()
        assert phone.locator("#threshold-result svg").is_visible()
        check_a11y(phone, context="threshold test at 320px")
        overflow = phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, f"{url} scrolls sideways"
