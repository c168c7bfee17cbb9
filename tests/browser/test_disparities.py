"""Police data in the real Chromium: upload, correct a value, watch the import, read the result."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from disparities.files.generate import write_stops
from disparities.models import Dataset, Rollup

pytestmark = pytest.mark.django_db(transaction=True)


def test_upload_correct_a_value_watch_the_progress_and_see_the_result(
    page, live_server, member_of, city, sign_in, check_a11y, celery_worker, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = write_stops(tmp_path / "riverton_stops.csv", 150_000)
    user = member_of(city, "staff")
    sign_in(page, user)
    page.goto(live_server.url + reverse("disparities:index", args=[city.slug]))
    check_a11y(page)
    page.get_by_role("link", name="Upload police data").click()
    check_a11y(page)
    page.get_by_label("What is one row of the file?").select_option("stop")
    page.get_by_label("Name").fill("Stops 2019-2021")
    page.locator("#id_file").set_input_files(str(path))
    page.get_by_role("button", name="Upload and check the columns").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Map the columns")
    check_a11y(page, context="mapping page")
    race_values = page.locator("table:has(caption#values-subject_race)")
    expect(race_values).to_contain_text("asian/pacific islander")
    # The analyst corrects one value: "other" is counted as unknown in this department's file.
    race_values.get_by_label("other", exact=True).select_option("unknown")
    page.get_by_role("button", name="Import with this mapping").click()
    expect(page.locator("progress")).to_be_visible()
    check_a11y(page, context="while importing")
    expect(page.get_by_role("heading", name="Imported")).to_be_visible(timeout=90_000)
    # The progress bar stopped polling by itself: the fragment no longer carries a trigger.
    expect(page.locator("[hx-trigger]")).to_have_count(0)
    check_a11y(page, context="result")
    dataset = Dataset.objects.get(city=city)
    assert dataset.rows_imported == 150_000
    assert not Rollup.objects.filter(dataset=dataset, race="other").exists()
    expect(page.locator("main")).to_contain_text("150,000 of 150,000 rows imported")


def test_police_data_pages_fit_a_phone(
    phone, live_server, member_of, city, sign_in, check_a11y, tmp_path, settings
):
    from disparities.services import datasets as services
    from disparities.services import imports
    from tests.builders import BREMERTON_ARRESTS, police_file

    settings.MEDIA_ROOT = tmp_path / "media"
    user = member_of(city, "lead")
    dataset = services.dataset_upload(city=city, kind="arrest", file=police_file(BREMERTON_ARRESTS))
    imported = services.dataset_upload(
        city=city, kind="arrest", file=police_file(BREMERTON_ARRESTS), allow_duplicate=True
    )
    services.dataset_confirm(dataset=imported, enqueue=False)
    imports.dataset_import(dataset_id=imported.pk)
    failed = services.dataset_upload(city=city, kind="arrest", file=police_file("empty.csv", b"DATE,RACE\n"))
    services.dataset_confirm(dataset=failed, enqueue=False)
    assert imports.dataset_import(dataset_id=failed.pk).dataset.status == "failed"
    sign_in(phone, user)
    for url in (
        reverse("disparities:index", args=[city.slug]),
        reverse("disparities:upload", args=[city.slug]),
        reverse("disparities:mapping", args=[city.slug, dataset.pk]),
        reverse("disparities:detail", args=[city.slug, imported.pk]),
        reverse("disparities:delete", args=[city.slug, imported.pk]),
        reverse("disparities:detail", args=[city.slug, failed.pk]),
    ):
        phone.goto(live_server.url + url)
        check_a11y(phone, context="at 320px")
        overflow = phone.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        culprits = phone.evaluate(
            """() => { const out = []; const d = document.documentElement;
            for (const e of document.querySelectorAll('main *')) { const old = e.style.display; e.style.display = 'none';
              if (d.scrollWidth - d.clientWidth <= 1) out.push(e.tagName + '.' + e.className + '#' + e.id);
              e.style.display = old; } return out.slice(0, 8); }"""
        )
        assert overflow <= 1, f"{url} scrolls sideways: {culprits}"


def test_choosing_another_column_shows_its_values_at_once(
    page, live_server, member_of, city, sign_in, check_a11y, tmp_path, settings
):
    from disparities.services import datasets as services
    from tests.builders import BREMERTON_ARRESTS, police_file

    settings.MEDIA_ROOT = tmp_path / "media"
    dataset = services.dataset_upload(city=city, kind="arrest", file=police_file(BREMERTON_ARRESTS))
    sign_in(page, member_of(city, "staff"))
    page.goto(live_server.url + reverse("disparities:mapping", args=[city.slug, dataset.pk]))
    expect(page.locator("caption#values-officer_sex")).to_have_count(0)
    page.locator("#id_col__officer_sex").focus()
    page.locator("#id_col__officer_sex").select_option("SEX")
    expect(page.locator("caption#values-officer_sex")).to_be_visible()
    expect(page.locator("#id_col__officer_sex")).to_be_focused()
    check_a11y(page, context="after choosing a column")


def test_analyses_page_runs_the_adjusted_disparities_and_stays_accessible(
    page, live_server, member_of, city, sign_in, check_a11y, celery_worker, tmp_path, settings
):
    from tests.builders import generated_stops, imported_dataset

    settings.MEDIA_ROOT = tmp_path / "media"
    dataset = imported_dataset(city, file="stops.csv", data=generated_stops(3000, seed=6), kind="stop")
    sign_in(page, member_of(city, "staff"))
    page.goto(live_server.url + reverse("disparities:analyses", args=[city.slug, dataset.pk]))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Analyses")
    expect(page.locator("canvas#scatter-black")).to_be_visible()
    check_a11y(page, context="analyses before a run")
    page.locator("#adjusted").get_by_role("button", name="Run it").click()
    expect(page.get_by_role("heading", name="Search", exact=True)).to_be_visible(timeout=90_000)
    expect(page.locator("#run-adjusted table").first).to_contain_text("Adjusted odds ratio")
    # The result fragment stopped polling by itself.
    expect(page.locator("#run-adjusted[hx-trigger]")).to_have_count(0)
    check_a11y(page, context="analyses with the adjusted disparities")
    page.set_viewport_size({"width": 320, "height": 800})
    check_a11y(page, context="analyses at 320 px")
