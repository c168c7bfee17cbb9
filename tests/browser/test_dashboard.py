"""Disparity dashboards in the real Chromium: filter, drill down, publish and read the public page."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def owensboro(city, tmp_path, settings):
    from disparities.services import dashboards as services_dashboard
    from disparities.services import datasets as services
    from disparities.services import imports
    from tests.builders import OWENSBORO, police_file

    settings.MEDIA_ROOT = tmp_path / "media"
    services_dashboard.benchmark_create_from_county(city=city, fips="21059", created_by=None)
    dataset = services.dataset_upload(
        city=city, kind="stop", file=police_file(OWENSBORO), name="Owensboro stops"
    )
    services.dataset_confirm(dataset=dataset, enqueue=False)
    return imports.dataset_import(dataset_id=dataset.pk).dataset


def test_filter_the_dashboard_and_open_a_drilldown(
    page, live_server, member_of, city, sign_in, check_a11y, owensboro
):
    sign_in(page, member_of(city, "staff"))
    page.goto(live_server.url + reverse("disparities:detail", args=[city.slug, owensboro.pk]))
    page.get_by_role("link", name="Open the disparity dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Stops by race")
    expect(page.locator("#cap-counts")).to_be_visible()
    expect(page.locator("canvas#chart-population")).to_be_visible()
    check_a11y(page, context="dashboard")
    total = page.locator("#cap-counts").locator("xpath=..").locator("tr.total-row td").first
    expect(total).to_contain_text("6,921")
    # A filter updates the figures through htmx, and the URL keeps it.
    page.get_by_label("Sex", exact=True).select_option("female")
    expect(page).to_have_url(re.compile(r"sex=female"))
    expect(total).not_to_contain_text("6,921")
    expect(page.get_by_role("status").first).to_contain_text("sex female")
    check_a11y(page, context="filtered dashboard")
    # Trends follow another figure over time: the arrest rate by year and month, with its chart.
    page.get_by_label("Trends over time show").select_option("arrest_rate")
    expect(page).to_have_url(re.compile(r"trend=arrest_rate"))
    expect(page.locator("#figures")).to_contain_text("Arrest rate by month and race")
    expect(page.locator("canvas#chart-trend_month")).to_be_visible()
    check_a11y(page, context="dashboard with a rate trend")
    page.get_by_label("Trends over time show").select_option("count")
    # The same URL opened afresh (no JavaScript state) shows the same filtered figures.
    filtered = page.url
    page.goto(filtered)
    expect(page.get_by_label("Sex", exact=True)).to_have_value("female")
    # Drill down from the count of Black drivers' stops to the records behind it.
    page.locator("#cap-counts").locator("xpath=..").get_by_role(
        "link", name=re.compile(r"^Rows.*, Black:")
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Records behind the figure")
    expect(page.locator("main")).to_contain_text("Black")
    expect(page.locator("tbody tr")).to_have_count(50)
    check_a11y(page, context="drill-down")
    page.get_by_role("link", name="Next page").click()
    expect(page.get_by_role("link", name="First page")).to_be_visible()


def test_publish_and_read_the_public_page(
    page, browser, live_server, member_of, city, sign_in, check_a11y, owensboro
):
    sign_in(page, member_of(city, "lead"))
    page.goto(live_server.url + reverse("disparities:dashboard", args=[city.slug, owensboro.pk]))
    page.get_by_role("link", name="Publish this dashboard").click()
    check_a11y(page, context="publish form")
    page.get_by_label("Title of the public page").fill("Traffic stops by race in Owensboro")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Traffic stops by race in Owensboro")
    public_url = page.url
    assert "/p/" in public_url
    # A resident, not signed in, reads it: small counts protected, methods and caveats printed.
    visitor = browser.new_page()
    visitor.goto(public_url)
    expect(visitor.get_by_role("heading", name="Methods")).to_be_visible()
    expect(visitor.get_by_role("heading", name="Caveats")).to_be_visible()
    expect(visitor.locator("main")).to_contain_text("<11")
    expect(visitor.locator("main")).not_to_contain_text("Not for publication")
    check_a11y(visitor, context="public page")
    # The lead withdraws it; the public page is gone.
    page.goto(live_server.url + reverse("disparities:snapshots", args=[city.slug]))
    check_a11y(page, context="published list")
    page.get_by_role("button", name=re.compile("Withdraw")).click()
    expect(page.locator("main")).to_contain_text("Withdrawn")
    response = visitor.goto(public_url)
    assert response.status == 404
    visitor.close()


def test_benchmarks_page_adds_a_county(page, live_server, member_of, city, sign_in, check_a11y):
    sign_in(page, member_of(city, "staff"))
    page.goto(live_server.url + reverse("disparities:benchmarks", args=[city.slug]))
    check_a11y(page, context="benchmarks, empty")
    page.locator("#id_fips").select_option("21059")
    page.get_by_role("button", name="Add the county").click()
    expect(page.locator("main")).to_contain_text("Daviess County, Kentucky (default)")
    check_a11y(page, context="benchmarks")
