"""The disparity dashboards: benchmarks, the dashboard from rollups, filters, drill-down, exports, report."""

import csv
import io
import json
from dataclasses import replace

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from disparities.figures import census, stats
from disparities.measures import MEASURES
from disparities.models import Benchmark
from disparities.selectors import dashboard, report
from disparities.selectors.drilldown import DrillSelection, drill_records, drilldown
from disparities.selectors.filters import Filters
from disparities.selectors.trends import TRENDS, figure_trend_table
from disparities.services import dashboards as services_dashboard
from disparities.services import publishing
from tests.builders import (
    BREMERTON_ARRESTS,
    BREMERTON_CITATIONS,
    LANSING,
    OWENSBORO,
    ST_LOUIS,
    generated_stops,
    imported_dataset,
)

pytestmark = pytest.mark.django_db

DAVIESS = "21059"  # Daviess County, Kentucky (Owensboro)


def url(name, city, *args):
    return reverse(f"disparities:{name}", args=[city.slug, *args])


def table(doc, key):
    return next(t for t in doc["tables"] if t["key"] == key)


def row(tbl, key):
    return next(r for r in tbl["rows"] if r["key"] == key)


def value(tbl, row_key, column):
    return row(tbl, row_key)["cells"][column]["value"]


@pytest.fixture
def daviess(city):
    return services_dashboard.benchmark_create_from_county(city=city, fips=DAVIESS, created_by=None)


# ---------------------------------------------------------------------------------------------
# Population benchmarks


def test_county_benchmark_keeps_source_vintage_and_margins(client_as, city):
    client = client_as(city, "staff")
    response = client.post(url("benchmarks", city), {"add": "county", "fips": DAVIESS})
    assert response.status_code == 302
    b = Benchmark.objects.get(city=city)
    expected = census.county(DAVIESS)
    assert b.name == "Daviess County, Kentucky" and b.vintage == "2013-2017" and b.is_default
    assert b.black == expected.races["black"].value and b.black_moe == expected.races["black"].moe
    assert b.total == expected.total.value
    page = client.get(url("benchmarks", city)).content.decode()
    assert "Daviess County, Kentucky" in page and "(default)" in page


def test_typed_benchmark_and_bad_figures_keep_the_form(client_as, city):
    client = client_as(city, "lead")
    data = {"add": "typed", "name": "City of Testville", "source": "City census office", "vintage": "2018-2022",
            "white": "1000", "black": "500", "total": "100"}  # fmt: skip
    response = client.post(url("benchmarks", city), data)
    assert response.status_code == 400
    assert "smaller than the groups added up" in response.content.decode()
    assert not Benchmark.objects.filter(city=city).exists()
    response = client.post(url("benchmarks", city), {**data, "total": ""})
    assert response.status_code == 302
    b = Benchmark.objects.get(city=city)
    assert (b.white, b.black, b.total, b.white_moe) == (1000, 500, 1500, None)


def test_uploaded_place_table_and_a_malformed_one(client_as, city):
    client = client_as(city, "staff")
    header = "GEO_ID,NAME," + ",".join(f"B03002_{n:03d}E,B03002_{n:03d}M" for n in range(1, 22))
    values = ",".join(f"{v},{m}" for v, m in [(1000, 10), (900, 9), (500, 8), (200, 7), (20, 6), (50, 5), (5, 4),
                                               (10, 3), (15, 2)] + [(0, 1)] * 2 + [(100, 11)] + [(0, 1)] * 9)  # fmt: skip
    data = f"{header}\n1600000US2600001,Testville city,{values}\n".encode()
    response = client.post(
        url("benchmarks", city),
        {"add": "upload", "file": SimpleUploadedFile("ACSDT5Y2019.B03002-Data.csv", data)},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    b = Benchmark.objects.get(city=city)
    assert (b.white, b.black, b.hispanic, b.asian_pacific_islander, b.vintage) == (
        500,
        200,
        100,
        55,
        "2015-2019",
    )
    bad = client.post(
        url("benchmarks", city), {"add": "upload", "file": SimpleUploadedFile("x.csv", b"hello\n1,2\n")}
    )
    assert bad.status_code == 400 and "message--error" in bad.content.decode()
    empty = client.post(url("benchmarks", city), {"add": "county", "fips": ""})
    assert empty.status_code == 400 and Benchmark.objects.filter(city=city).count() == 1


def test_a_census_table_over_5_mb_is_refused_by_the_form(client_as, city):
    from tests.builders import place_table

    data = place_table() + b"\n" * (5 * 1024 * 1024)
    response = client_as(city, "staff").post(
        url("benchmarks", city), {"add": "upload", "file": SimpleUploadedFile("big.csv", data)}
    )
    assert response.status_code == 400 and "larger than 5 MB" in response.content.decode()
    assert not Benchmark.objects.filter(city=city).exists()


def test_default_benchmark_switches_and_others_get_404(client_as, city, other_city, daviess):
    second = services_dashboard.benchmark_create_from_county(city=city, fips="26065", created_by=None)
    assert not second.is_default
    client = client_as(city, "staff")
    assert client.post(url("benchmark_default", city, second.pk)).status_code == 302
    second.refresh_from_db()
    daviess.refresh_from_db()
    assert second.is_default and not daviess.is_default
    foreign = services_dashboard.benchmark_create_from_county(city=other_city, fips=DAVIESS, created_by=None)
    assert client.post(url("benchmark_default", city, foreign.pk)).status_code == 404
    assert client.post(url("benchmark_delete", city, foreign.pk)).status_code == 404
    viewer = client_as(city, "viewer")
    assert viewer.post(url("benchmarks", city), {"add": "county", "fips": DAVIESS}).status_code == 404
    assert client_as(city, "staff").post(url("benchmark_delete", city, second.pk)).status_code == 302
    daviess.refresh_from_db()
    assert daviess.is_default


def test_uploaded_census_table_is_kept_and_can_be_downloaded(client_as, city, other_city, tmp_path, settings):
    from tests.builders import place_table

    settings.MEDIA_ROOT = tmp_path
    staff = client_as(city, "staff")
    response = staff.post(
        url("benchmarks", city),
        {"add": "upload", "file": SimpleUploadedFile("ACSDT5Y2019.B03002-Data.csv", place_table())},
    )
    assert response.status_code == 302
    b = Benchmark.objects.get(city=city)
    assert b.file and b.file.name.startswith(f"census/{city.pk}/")
    page = staff.get(url("benchmarks", city)).content.decode()
    assert url("benchmark_file", city, b.pk) in page
    viewer = client_as(city, "viewer")
    download = viewer.get(url("benchmark_file", city, b.pk))
    assert download.status_code == 200 and download["Content-Type"].startswith("text/csv")
    sent = b"".join(download.streaming_content).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(sent))) == list(csv.reader(io.StringIO(place_table().decode())))
    assert "ACSDT5Y2019.B03002-Data.csv" in download["Content-Disposition"]
    assert client_as(other_city, "lead").get(url("benchmark_file", city, b.pk)).status_code == 404
    # A county from the bundled table has no file of its own.
    county = services_dashboard.benchmark_create_from_county(city=city, fips=DAVIESS, created_by=None)
    assert viewer.get(url("benchmark_file", city, county.pk)).status_code == 404
    # The file goes with the last benchmark read from it.
    path = tmp_path / b.file.name
    assert path.exists()
    with TestCase.captureOnCommitCallbacks(execute=True):
        services_dashboard.benchmark_delete(benchmark=b)
    assert not path.exists()


def test_a_refused_upload_keeps_no_file(client_as, city, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    bad = client_as(city, "staff").post(
        url("benchmarks", city), {"add": "upload", "file": SimpleUploadedFile("x.csv", b"hello\n1,2\n")}
    )
    assert bad.status_code == 400
    assert not any(p.is_file() for p in tmp_path.rglob("*"))


def test_typed_benchmark_figures_can_be_corrected_and_the_dashboard_follows(client_as, city):
    b = services_dashboard.benchmark_create_typed(
        city=city, name="Testville", residents={"white": 10000, "black": 1000}, total=None,
        source="City office", vintage="2020", created_by=None,
    )  # fmt: skip
    dataset = imported_dataset(city, file=OWENSBORO)
    lead = client_as(city, "lead")
    before = value(
        table(lead.get(url("report_json", city, dataset.pk)).json(), "population"), "black", "rate"
    )
    assert before == pytest.approx(830 / 1000 * 1000)
    form = lead.get(url("benchmark_edit", city, b.pk)).content.decode()
    assert 'value="10000"' in form and 'name="black"' in form
    data = {"name": "Testville (corrected)", "source": "City office, revised", "vintage": "2020",
            "white": "10000", "black": "2000", "total": ""}  # fmt: skip
    assert lead.post(url("benchmark_edit", city, b.pk), data).status_code == 302
    b.refresh_from_db()
    assert (b.name, b.black, b.total, b.source) == (
        "Testville (corrected)",
        2000,
        12000,
        "City office, revised",
    )
    after = value(table(lead.get(url("report_json", city, dataset.pk)).json(), "population"), "black", "rate")
    assert after == pytest.approx(830 / 2000 * 1000)  # not the cached report on the old figures
    # Bad figures: the form comes back with what was typed, nothing changes.
    bad = lead.post(url("benchmark_edit", city, b.pk), {**data, "name": "Kept name", "total": "5"})
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "smaller than the groups added up" in text and 'value="Kept name"' in text
    empty = lead.post(url("benchmark_edit", city, b.pk), {"name": "", "source": "", "vintage": ""})
    assert empty.status_code == 400 and "This field is required" in empty.content.decode()
    b.refresh_from_db()
    assert (b.name, b.total) == ("Testville (corrected)", 12000)


def test_census_figures_are_not_editable_and_roles_and_cities_are_checked(
    client_as, city, other_city, daviess
):
    lead = client_as(city, "lead")
    page = lead.get(url("benchmark_edit", city, daviess.pk)).content.decode()
    assert 'name="black"' not in page and "as the Census Bureau published them" in page
    original = daviess.black
    response = lead.post(
        url("benchmark_edit", city, daviess.pk),
        {"name": "Daviess County (ACS)", "source": daviess.source, "vintage": daviess.vintage, "black": "1"},
    )
    assert response.status_code == 302
    daviess.refresh_from_db()
    assert daviess.name == "Daviess County (ACS)" and daviess.black == original
    with pytest.raises(ValidationError, match="figures of a Census table cannot be changed"):
        services_dashboard.benchmark_update(
            benchmark=daviess, name="x", source="x", vintage="x", residents={"black": 1}
        )
    assert client_as(city, "viewer").get(url("benchmark_edit", city, daviess.pk)).status_code == 404
    assert (
        client_as(city, "facilitator")
        .post(url("benchmark_edit", city, daviess.pk), {"name": "x"})
        .status_code
        == 404
    )
    assert (
        client_as(other_city, "lead")
        .post(url("benchmark_edit", city, daviess.pk), {"name": "Stolen", "source": "x", "vintage": "x"})
        .status_code
        == 404
    )
    daviess.refresh_from_db()
    assert daviess.name == "Daviess County (ACS)"


# ---------------------------------------------------------------------------------------------
# The dashboard on the real files: the README's figures


def test_owensboro_dashboard_shows_the_readme_figures(client_as, city, daviess):
    dataset = imported_dataset(city, file=OWENSBORO)
    client = client_as(city, "viewer")
    doc = client.get(url("report_json", city, dataset.pk)).json()
    counts = table(doc, "counts")
    assert {r["key"]: r["cells"]["rows"]["value"] for r in counts["rows"] if r["key"] != "hispanic"} == {
        "white": 6017, "black": 830, "asian_pacific_islander": 53, "other": 3, "unknown": 18, "total": 6921,
    }  # fmt: skip
    # Owensboro records no Hispanic category: not recorded by this agency, never "0 stops".
    hispanic = row(counts, "hispanic")["cells"]["rows"]
    assert hispanic["value"] is None and "not recorded by this agency" in hispanic["not_recorded"].lower()
    assert "hispanic" in doc["races_not_recorded"]
    outcomes = table(doc, "outcomes")
    assert {r["key"]: r["cells"]["arrest_rate_n"]["value"] for r in outcomes["rows"]} == {
        "white": 689, "black": 112, "asian_pacific_islander": 8, "other": 0, "unknown": 5, "total": 814,
    }  # fmt: skip
    # Rates against Daviess County's residents, recomputed here from the ACS table.
    residents = census.county(DAVIESS).population()
    population = table(doc, "population")
    assert value(population, "black", "rate") == pytest.approx(830 / residents["black"] * 1000)
    ratio = row(population, "black")["cells"]["ratio"]
    margins = doc["benchmark"]["margins_of_error"]  # carried into the interval (delta method)
    expected = stats.rate_ratio(
        830, residents["black"], 6017, residents["white"],
        population_moe=margins["black"], ref_population_moe=margins["white"],
    )  # fmt: skip
    assert ratio["value"] == pytest.approx(expected.value) and ratio["interval"] == pytest.approx(
        list(expected.interval)
    )
    arrest = row(outcomes, "black")["cells"]["arrest_rate"]
    assert arrest["interval"] == pytest.approx(list(stats.wilson_interval(112, 830)))
    assert arrest["method"] == "Wilson score"
    page = client.get(url("dashboard", city, dataset.pk)).content.decode()
    assert "6,017" in page and "830" in page and "Not for publication" in page
    assert "unreliable, n = 3" in page  # the 3 stops of "other": a rate on 3 events is greyed, in words


def test_complaints_use_of_force_arrests_and_citations_show_the_readme_figures(client_as, city, daviess):
    client = client_as(city, "staff")
    lansing = imported_dataset(city, file=LANSING)
    doc = client.get(url("report_json", city, lansing.pk)).json()
    counts = table(doc, "counts")
    assert {r["key"]: (r["cells"]["rows"]["value"], r["cells"]["incidents"]["value"]) for r in counts["rows"]} == {
        "black": (76, 45), "white": (81, 52), "hispanic": (23, 11), "unknown": (19, 14), "other": (6, 2), "total": (205, 122),
    }  # fmt: skip
    assert "complaints" in counts["rows"][0]["cells"]["incidents"]["unit"]
    sustained = table(doc, "sustained")
    assert row(sustained, "black")["cells"]["sustained_rate"]["denominator"] == 45
    st_louis = imported_dataset(city, file=ST_LOUIS)
    doc = client.get(url("report_json", city, st_louis.pk)).json()
    counts = table(doc, "counts")
    assert (value(counts, "black", "persons"), value(counts, "black", "incidents")) == (1344, 550)
    assert (value(counts, "white", "persons"), value(counts, "white", "incidents")) == (672, 274)
    assert value(counts, "total", "incidents") == 859
    assert value(counts, "total", "rows") - value(counts, "total", "persons") == 7  # the police dog's rows
    arrests = imported_dataset(city, file=BREMERTON_ARRESTS)
    doc = client.get(url("report_json", city, arrests.pk)).json()
    assert {r["key"]: r["cells"]["rows"]["value"] for r in table(doc, "counts")["rows"] if not r["total"] and r["key"] != "hispanic"} == {
        "white": 131, "black": 19, "asian_pacific_islander": 7, "unknown": 1, "native_american": 1,
    }  # fmt: skip
    assert table(doc, "types")["row_header"] == "Charge"
    citations = imported_dataset(city, file=BREMERTON_CITATIONS)
    doc = client.get(url("report_json", city, citations.pk)).json()
    assert {r["key"]: r["cells"]["rows"]["value"] for r in table(doc, "counts")["rows"] if not r["total"] and r["key"] != "hispanic"} == {
        "white": 163, "black": 30, "unknown": 27, "asian_pacific_islander": 7,
    }  # fmt: skip
    assert "Fines: Not recorded in this file: no column for fine amounts was mapped." in doc["notes"]
    assert doc["not_recorded"]["fines"]


def test_use_of_force_per_arrest_when_arrests_cover_the_period(city, daviess):
    from disparities.models import Dataset

    force = imported_dataset(city, file=ST_LOUIS)
    arrests = imported_dataset(city, file=BREMERTON_ARRESTS)
    board = dashboard.dashboard(dataset=force, filters=Filters(), benchmark=daviess)
    per_arrest = board.table("per_arrest")  # both files have April 2017
    assert per_arrest is not None and "per 1,000 arrests" in per_arrest.rows[0].cells["rate"].unit
    assert "April 2017 to April 2017" in per_arrest.note
    white = next(r for r in per_arrest.rows if r.key == "white").cells
    assert white["arrests"].value == 131 and white["rate"].denominator == 131
    Dataset.objects.filter(pk=arrests.pk).update(period_start="1990-01-01", period_end="1990-12-31")
    force.refresh_from_db()
    board = dashboard.dashboard(dataset=force, filters=Filters(), benchmark=daviess)
    assert board.table("per_arrest") is None
    assert any("No arrest dataset covers the same period" in n for n in board.notes)


def test_fines_total_median_and_share_above_a_threshold(city, daviess):
    header = "Date,Race,Sex,Violation,Fine\n"
    lines = [f"4/{d}/17,{race},M,SPEEDING,{amount}" for d, (race, amount) in enumerate(
        [("W", 50), ("W", 150), ("W", 250), ("B", 150), ("B", 150), ("B", 300)], start=1)]  # fmt: skip
    data = (header + "\n".join(lines) + "\n").encode()
    dataset = imported_dataset(city, file=BREMERTON_CITATIONS, data=data, kind="citation")
    assert dataset.status == "imported", dataset.status_message
    board = dashboard.dashboard(dataset=dataset, filters=Filters(), benchmark=daviess)
    fines = board.table("fines")
    assert fines is not None, board.notes
    white = next(r for r in fines.rows if r.key == "white").cells
    black = next(r for r in fines.rows if r.key == "black").cells
    assert (white["total"].value, white["median"].value, white["above"].value) == (
        450,
        150,
        pytest.approx(2 / 3),
    )
    assert (black["total"].value, black["median"].value, black["above"].value) == (600, 150, 1.0)
    higher = dashboard.dashboard(
        dataset=dataset, filters=Filters.from_query({"fine_threshold": "200"}), benchmark=daviess
    )
    assert next(r for r in higher.table("fines").rows if r.key == "black").cells[
        "above"
    ].value == pytest.approx(1 / 3)


# ---------------------------------------------------------------------------------------------
# Filters, htmx, queries


def test_filters_narrow_the_figures_and_stay_in_the_url(client_as, city, daviess):
    dataset = imported_dataset(city, file=OWENSBORO)
    client = client_as(city, "viewer")
    full = client.get(url("report_json", city, dataset.pk)).json()
    narrowed = client.get(
        url("report_json", city, dataset.pk), {"start": "2016-01", "end": "2016-12", "sex": "female"}
    ).json()
    assert narrowed["filters"] == {**full["filters"], "start": "2016-01", "end": "2016-12", "sex": "female"}
    assert value(table(narrowed, "counts"), "total", "rows") < value(table(full, "counts"), "total", "rows")
    assert [r["key"] for r in table(narrowed, "trend_year")["rows"]] == ["2016"]
    page = client.get(
        url("dashboard", city, dataset.pk), {"start": "2016-01", "sex": "female"}
    ).content.decode()
    assert '<option value="2016-01" selected>' in page and '<option value="female" selected>' in page
    assert "start=2016-01" in page  # links (report, CSV, drill-down) keep the filters
    fragment = client.get(
        url("dashboard", city, dataset.pk), {"start": "2016-01"}, headers={"HX-Request": "true"}
    )
    text = fragment.content.decode()
    assert text.lstrip().startswith('<div id="figures">') and "<html" not in text


def test_dashboard_reads_rollups_only_with_few_queries(
    client_as, city, daviess, django_assert_max_num_queries
):
    dataset = imported_dataset(city, file=OWENSBORO)
    client = client_as(city, "viewer")
    client.get(url("dashboard", city, dataset.pk))  # warm the options cache and the session
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url("dashboard", city, dataset.pk), {"district": "x", "start": "2016-01"})
    assert response.status_code == 200
    assert len(queries) <= 20
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "disparities_stop" not in sql, "the dashboard must not read raw records"


def test_wrong_city_dataset_and_not_imported_are_404(client_as, city, other_city):
    foreign = imported_dataset(other_city, file=BREMERTON_ARRESTS)
    client = client_as(city, "lead")
    for name in ("dashboard", "report_json", "report", "drilldown", "publish"):
        assert client.get(url(name, city, foreign.pk)).status_code == 404, name
    assert client.get(url("table_csv", city, foreign.pk, "counts")).status_code == 404


# ---------------------------------------------------------------------------------------------
# Drill-down


def test_drilldown_lists_the_records_behind_a_count_without_personal_data(client_as, city, daviess):
    dataset = imported_dataset(city, file=OWENSBORO)
    client = client_as(city, "viewer")
    page = client.get(url("dashboard", city, dataset.pk)).content.decode()
    link = url("drilldown", city, dataset.pk) + "?race=black&amp;measure=arrests"
    assert link in page
    seen = 0
    after = None
    pages = 0
    while True:
        params = {"race": "black", "measure": "arrests", **({"after": after} if after else {})}
        response = client.get(url("drilldown", city, dataset.pk), params)
        assert response.status_code == 200
        page = response.context["page"]
        seen += len(page.records)
        assert all(r["subject_race"] == "black" and r["arrest_made"] for r in page.records)
        assert (
            "location" not in page.fields
            and "officer_id_hash" not in page.fields
            and "time" not in page.fields
        )
        pages += 1
        if not page.next_after:
            break
        after = page.next_after
    assert seen == 112 and pages == 3
    body = response.content.decode()
    assert "MAIN ST" not in body and "officer" not in body.lower().replace(
        "no names, addresses, times or officer identifiers", ""
    )


# Columns whose figures do not stand on this dataset's records: residents, and another dataset's arrests.
NOT_FROM_RECORDS = {("population", "population_share"), ("per_arrest", "arrests")}


GENERATED = "generated"  # 40,000 generated stops, with searches of every basis, hits and outcomes


def _linked_dataset(city, name):
    if name == GENERATED:
        return imported_dataset(city, file="stops.csv", data=generated_stops(40_000, seed=2024), kind="stop")
    return imported_dataset(city, file=name)


@pytest.mark.parametrize(
    "name", [OWENSBORO, LANSING, ST_LOUIS, BREMERTON_CITATIONS, BREMERTON_ARRESTS, GENERATED]
)
def test_every_figure_links_to_the_records_it_counts(client_as, city, daviess, name):
    """Counts, shares, rates and ratios alike: the drill-down lists exactly what the figure counts,
    and a share of records also lists its denominator."""
    dataset = _linked_dataset(city, name)
    checked, kinds = _check_every_link(dataset, Filters(), daviess)
    assert checked >= 20
    assert kinds >= 3  # not only counts


@pytest.mark.parametrize(
    ("name", "trend"),
    [
        (OWENSBORO, "hit_rate"),
        (OWENSBORO, "ratio"),
        (LANSING, "sustained_rate"),
        (ST_LOUIS, "injury_rate"),
        (GENERATED, "discretionary_hit_rate"),
        (GENERATED, "hit_rate"),
    ],
)
def test_every_figure_of_a_trend_links_to_its_records(city, daviess, name, trend):
    dataset = _linked_dataset(city, name)
    checked, _kinds = _check_every_link(dataset, Filters(trend=trend), daviess, only="trend_")
    assert checked >= 4


def _listed(dataset, filters, selection) -> int:
    """What the drill-down lists, counted in the unit of the figure.

    A figure of records: its records. A figure of incidents counts each (incident, race) pair of
    records about a person once, in the cell of the pair's first record: the drill-down lists the
    pairs' records in the cell, so it is the listed pairs whose first record is in the cell that the
    figure counts (under a period filter, a pair's later records can fall in another period)."""
    records = drill_records(dataset=dataset, filters=filters, selection=selection)
    if not MEASURES[selection.measure].counts_incidents:
        return records.count()
    first = {}
    model = records.model
    for pk, incident, race in (
        model.objects.filter(dataset=dataset, is_person=True).order_by("line", "id")
        .values_list("id", "incident_id", "subject_race")
    ):  # fmt: skip
        first.setdefault((incident or f"line:{pk}", race), pk)
    in_cell = set(
        drill_records(
            dataset=dataset, filters=filters, selection=replace(selection, measure="persons", of="")
        ).values_list("id", flat=True)
    )
    pairs = {
        (incident or f"line:{pk}", race)
        for pk, incident, race in records.values_list("id", "incident_id", "subject_race")
    }
    return sum(1 for pair in pairs if first[pair] in in_cell)


def _check_every_link(dataset, filters, benchmark, only=""):
    from urllib.parse import parse_qsl, urlsplit

    from disparities.templatetags.disparity_figures import drill_url

    board = dashboard.dashboard(dataset=dataset, filters=filters, benchmark=benchmark)
    checked = kinds = 0
    for t in board.tables:
        if not t.key.startswith(only):
            continue
        td = t.as_dict()
        formats = set()
        for row in td["rows"]:
            for column in td["columns"]:
                fig = row["cells"].get(column["key"])
                link = drill_url("/records/", "", td, row, column)
                if row["total"] or row["key"] == "others" or fig is None:
                    assert not link or fig is None
                    continue
                if fig["not_recorded"]:  # nothing the file records: no records to list
                    assert fig["value"] is None and fig["interval"] is None
                    continue
                if (t.key, column["key"]) in NOT_FROM_RECORDS:
                    assert not link
                    continue
                assert link, f"{t.key}/{row['key']}/{column['key']} has no link to its records"
                params = dict(parse_qsl(urlsplit(link).query))
                page = drilldown(
                    dataset=dataset,
                    filters=filters,
                    selection=DrillSelection.from_query(params),
                )
                original = t.rows[[r["key"] for r in td["rows"]].index(row["key"])].cells[column["key"]]
                where = (t.key, row["key"], column["key"])
                assert page.total == original.counts[0], where
                # The records themselves (the measures module's condition), not only the rollups' count.
                assert _listed(dataset, filters, page.selection) == original.counts[0], where
                assert drill_records(dataset=dataset, filters=filters, selection=page.selection).count() == (
                    page.record_total
                ), where
                if params.get("of"):
                    assert page.of_total == original.counts[1], where
                    of = replace(page.selection, measure=page.selection.of, of="")
                    assert _listed(dataset, filters, of) == original.counts[1], where
                if page.record_total:
                    assert page.records, (t.key, row["key"], column["key"])
                checked += 1
                formats.add(column["format"])
        kinds += len(formats)
    return checked, kinds


def test_a_rate_links_to_its_records_and_its_denominator_from_the_page(client_as, city, daviess):
    dataset = imported_dataset(city, file=OWENSBORO)
    client = client_as(city, "viewer")
    page = client.get(url("dashboard", city, dataset.pk)).content.decode()
    # Owensboro's file has no search column: its search and hit rates are not recorded, not 0 %.
    hit_rate = url("drilldown", city, dataset.pk) + "?race=black&amp;measure=hits&amp;of=searches"
    assert hit_rate not in page
    assert "not recorded in this file" in page
    assert 'aria-label="Hit rate (contraband found), Black:' not in page
    arrest_rate = url("drilldown", city, dataset.pk) + "?race=black&amp;measure=arrests&amp;of=persons"
    assert arrest_rate in page
    import re

    # The link reads the figure as the cell shows it: value, interval and reliability.
    assert re.search(
        r'aria-label="Arrest rate, Black: [\d.]+%, 95% interval [\d.]+% to [\d.]+% \(list the records\)"',
        page,
    )
    assert re.search(
        r'aria-label="Arrest rate, Other: [\d.]+%, 95% interval [^"]*, unreliable, n = 3 \(list', page
    )
    response = client.get(
        url("drilldown", city, dataset.pk), {"race": "black", "measure": "arrests", "of": "persons"}
    )
    drill = response.context["page"]
    assert drill.total == 112 and drill.of_total == 830
    body = response.content.decode()
    assert f"{drill.total} stops ending in an arrest" in body
    assert f"list those {drill.of_total} records about a person" in body
    assert all(r["arrest_made"] for r in drill.records)
    # Nonsense parameters fall back to all records, never an error.
    odd = client.get(
        url("drilldown", city, dataset.pk), {"measure": "drop table", "of": "x", "officer_race": "<b>"}
    )
    assert odd.status_code == 200 and odd.context["page"].measure == "rows"


# ---------------------------------------------------------------------------------------------
# Trends of every figure, by year and month


def test_trends_follow_rates_and_shares_by_year_and_month(client_as, city, daviess):
    """Each trend figure checked against the raw records, counted here without the rollups."""
    from collections import Counter

    from disparities.models import Stop

    dataset = imported_dataset(city, file=OWENSBORO)
    client = client_as(city, "viewer")
    stops = Stop.objects.filter(dataset=dataset, is_person=True)
    # The year with the most arrests of Black people, so every figure below is non-trivial.
    arrest_years = Counter(
        d.year for d in stops.filter(subject_race="black", arrest_made=True).values_list("date", flat=True)
    )
    year = arrest_years.most_common(1)[0][0]
    black = stops.filter(subject_race="black", date__year=year)
    white = stops.filter(subject_race="white", date__year=year)
    residents = census.county(DAVIESS).population()

    def trend(name, on=dataset):
        doc = client.get(url("report_json", city, on.pk), {"trend": name}).json()
        assert doc["filters"]["trend"] == name
        return table(doc, "trend_year"), table(doc, "trend_month")

    by_year, by_month = trend("arrest_rate")
    assert by_year["title"].startswith("Arrest rate by year")
    fig = row(by_year, str(year))["cells"]["black"]
    assert (fig["numerator"], fig["denominator"]) == (black.filter(arrest_made=True).count(), black.count())
    assert fig["value"] == pytest.approx(fig["numerator"] / fig["denominator"])
    assert fig["numerator"] > 0 and fig["interval"][0] < fig["value"] < fig["interval"][1]
    month = max(r["key"] for r in by_month["rows"])
    m_black = stops.filter(subject_race="black", date__year=int(month[:4]), date__month=int(month[5:]))
    assert row(by_month, month)["cells"]["black"]["denominator"] == m_black.count()

    by_year, _ = trend("rate")
    assert row(by_year, str(year))["cells"]["black"]["value"] == pytest.approx(
        black.count() / residents["black"] * 1000
    )
    by_year, by_month = trend("ratio")
    expected = (black.count() / residents["black"]) / (white.count() / residents["white"])
    assert row(by_year, str(year))["cells"]["black"]["value"] == pytest.approx(expected)
    assert "white" not in [c["key"] for c in by_year["columns"]]
    assert len(by_month["rows"]) >= len(by_year["rows"])

    # The dashboard offers only what fits the dataset (this file records no searches), and keeps
    # the choice in the URL.
    page = client.get(url("dashboard", city, dataset.pk), {"trend": "arrest_rate"}).content.decode()
    assert '<option value="arrest_rate" selected>' in page
    assert 'value="hit_rate"' not in page and 'value="sustained_rate"' not in page
    assert "Arrest rate by month and race" in page
    assert "trend=arrest_rate" in page  # the report and export links carry it
    assert trend("hit_rate")[0]["title"].startswith("Stops by year")  # asked for anyway: counts


def test_hit_rate_trend_on_stops_with_searches(client_as, city):
    from disparities.models import Stop

    dataset = imported_dataset(
        city, file="stops.csv", data=generated_stops(4000, seed=3, years=2), kind="stop"
    )
    client = client_as(city, "viewer")
    doc = client.get(url("report_json", city, dataset.pk), {"trend": "hit_rate"}).json()
    by_year = table(doc, "trend_year")
    assert by_year["title"].startswith("Hit rate (contraband found) by year")
    searched = Stop.objects.filter(dataset=dataset, is_person=True, search_conducted=True)
    for r in by_year["rows"]:
        for race, fig in r["cells"].items():
            mine = searched.filter(subject_race=race, date__year=int(r["key"]))
            assert (fig["numerator"], fig["denominator"]) == (
                mine.filter(contraband_found=True).count(),
                mine.count(),
            )
    page = client.get(url("dashboard", city, dataset.pk)).content.decode()
    assert 'value="hit_rate"' in page and 'value="rate"' not in page  # no benchmark: no rate per resident


def test_fines_trend_adds_the_amounts_by_period():
    import datetime as dt
    from decimal import Decimal

    rows = [
        {
            "month": dt.date(2019, 1, 1),
            "race": "black",
            "persons": 3,
            "fines": 3,
            "fines_total": Decimal("300"),
        },
        {
            "month": dt.date(2019, 2, 1),
            "race": "black",
            "persons": 2,
            "fines": 1,
            "fines_total": Decimal("50.5"),
        },
        {
            "month": dt.date(2020, 1, 1),
            "race": "white",
            "persons": 4,
            "fines": 0,
            "fines_total": Decimal("0"),
        },
    ]
    trend = TRENDS["fines_total"]
    by_year = figure_trend_table(rows, "fines_total", trend, "persons", "citations", None, by="year")
    cells = {r.key: r.cells for r in by_year.rows}
    assert cells["2019"]["black"].value == pytest.approx(350.5) and cells["2019"]["black"].n == 4
    assert cells["2020"]["white"].value is None  # no fine amounts that year: no total, not 0
    assert by_year.columns[0].format == "money" and by_year.columns[0].drill == "fines"


def test_a_trend_that_does_not_fit_falls_back_to_counts(client_as, city):
    dataset = imported_dataset(city, file=LANSING)
    client = client_as(city, "viewer")
    for name in ("hit_rate", "rate", "<script>", "fines_total"):  # a stop figure; no benchmark; nonsense
        doc = client.get(url("report_json", city, dataset.pk), {"trend": name}).json()
        assert table(doc, "trend_year")["title"].startswith("Complaints by year")
    doc = client.get(url("report_json", city, dataset.pk), {"trend": "sustained_rate"}).json()
    assert table(doc, "trend_year")["title"].startswith("Share of complaints sustained by year")
    csv_text = client.get(url("table_csv", city, dataset.pk, "trend_year"), {"trend": "sustained_rate"})
    assert csv_text.status_code == 200


def test_a_published_snapshot_shows_trends_as_protected_counts(client_as, city, daviess):
    dataset = imported_dataset(city, file=OWENSBORO)
    snapshot = publishing.snapshot_publish(
        dataset=dataset,
        filters=Filters(trend="search_rate"),
        benchmark=daviess,
        title="Stops",
        introduction="",
        published_by=None,
    )
    tables = {t["key"]: t for t in snapshot.content["tables"]}
    assert tables["trend_year"]["title"].startswith("Stops by year")
    assert "row_total" in [c["key"] for c in tables["trend_year"]["columns"]]


def test_drilldown_query_count_is_bounded(client_as, city, django_assert_max_num_queries):
    dataset = imported_dataset(city, file=OWENSBORO)
    client = client_as(city, "viewer")
    client.get(url("drilldown", city, dataset.pk))
    with django_assert_max_num_queries(12):
        client.get(url("drilldown", city, dataset.pk), {"race": "white", "period": "2016"})


# ---------------------------------------------------------------------------------------------
# Exports and the JSON report


def test_csv_of_every_table_neutralises_formulas(client_as, city, daviess):
    data = b'DATE,TIME,RACE,SEX,CHARGE\n4/1/17,0700,W,M,=HYPERLINK("http://x")\n4/2/17,1249,B,F,@SUM(A1)\n'
    dataset = imported_dataset(city, file=BREMERTON_ARRESTS, data=data)
    client = client_as(city, "staff")
    doc = client.get(url("report_json", city, dataset.pk)).json()
    for t in doc["tables"]:
        response = client.get(url("table_csv", city, dataset.pk, t["key"]))
        assert response.status_code == 200, t["key"]
        rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
        assert rows[1][0] == t["row_header"]
        assert len(rows) == 2 + len(t["rows"])
        if t["key"] == "types":
            labels = [r[0] for r in rows[2:]]
            assert '\'=HYPERLINK("http://x")' in labels and "'@SUM(A1)" in labels
    assert client.get(url("table_csv", city, dataset.pk, "nope")).status_code == 404


def _check(data, schema):
    from tests.disparities.test_stats import check_against_schema

    check_against_schema(data, schema)


def test_report_json_matches_its_schema_and_the_command(client_as, city, daviess, capsys):
    dataset = imported_dataset(city, file=OWENSBORO)
    doc = client_as(city, "viewer").get(url("report_json", city, dataset.pk)).json()
    for key in report.REPORT_SCHEMA["required"]:
        assert key in doc
    figures = 0
    for t in doc["tables"]:
        for r in t["rows"]:
            for fig in r["cells"].values():
                if fig is not None:
                    fig.pop("public_label", None)
                    _check(fig, stats.FIGURE_SCHEMA)
                    figures += 1
    assert figures > 100
    call_command("disparity_report", str(dataset.pk), "--json")
    from_command = json.loads(capsys.readouterr().out)
    from_command.pop("generated_at"), doc.pop("generated_at")
    assert from_command == doc
    call_command("disparity_report", str(dataset.pk), "--json", "--public")
    public = json.loads(capsys.readouterr().out)
    assert public["public"] is True and public["dataset"]["rows_imported"] is None


def test_printable_report_has_methods_source_period_and_caveats(client_as, city, daviess):
    dataset = imported_dataset(city, file=OWENSBORO)
    page = client_as(city, "viewer").get(url("report", city, dataset.pk)).content.decode()
    for words in ("Methods", "Caveats", "Residents are not the people at risk", "Data source and period",
                  "Daviess County, Kentucky", "2015", "infra-marginality", "@media print"[:0]):  # fmt: skip
        assert words in page
    assert "chart-data" in page and "vendor/chartjs/" in page


def test_related_topics_are_library_topics():
    from library.models import Topic

    for kind in ("stop", "arrest", "citation", "use_of_force", "complaint"):
        topics = dashboard.related_topics(kind=kind)
        assert topics and set(topics) <= set(Topic.values), kind
    assert dashboard.related_topics(kind="nope") == []


def test_dashboard_suggests_published_practices_on_its_topics(client_as, city, daviess):
    from library import services as library_services
    from library.models import Kind as LibraryKind
    from tests.factories import UserFactory

    curator = UserFactory(is_curator=True)

    def resource(title, topics, publish):
        r = library_services.resource_create(
            by=curator, title=title, kind=LibraryKind.CASE_STUDY, summary="s", topics=topics
        )
        if publish:
            r = library_services.resource_transition(resource=r, to="in_review", by=curator)
            r = library_services.resource_transition(resource=r, to="published", by=curator)
        return r

    resource("Open stop data portal", ["police_data"], publish=True)
    resource("Unpublished stop idea", ["police_data"], publish=False)
    resource("Reading program", ["literacy"], publish=True)
    dataset = imported_dataset(city, file=OWENSBORO)
    page = client_as(city, "viewer").get(url("dashboard", city, dataset.pk)).content.decode()
    assert "Open stop data portal" in page
    assert "Unpublished stop idea" not in page and "Reading program" not in page


def test_home_panel_shows_headline_disparities(client_as, city, daviess):
    imported_dataset(city, file=OWENSBORO)
    page = client_as(city, "viewer").get(reverse("cities:home", args=[city.slug])).content.decode()
    assert "ratio to white" in page and "2.77" in page


def test_home_headline_is_cached_until_the_benchmark_changes(client_as, city, daviess):
    imported_dataset(city, file=OWENSBORO)
    client = client_as(city, "viewer")
    home = reverse("cities:home", args=[city.slug])
    client.get(home)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(home).content.decode()
    assert "2.77" in page
    assert not any("disparities_rollup" in q["sql"] for q in queries.captured_queries)  # from the cache
    # Figures typed in as a new default: the home follows at once.
    typed = services_dashboard.benchmark_create_typed(
        city=city, name="Typed", residents={"white": 10000, "black": 10000}, total=None,
        source="x", vintage="2020", created_by=None,
    )  # fmt: skip
    services_dashboard.benchmark_set_default(benchmark=typed)
    page = client.get(home).content.decode()
    assert "2.77" not in page and "0.14 (95%" in page  # (830 / 10,000) / (6,017 / 10,000)
    services_dashboard.benchmark_update(
        benchmark=typed, name="Typed", source="x", vintage="2020", residents={"white": 10000, "black": 1000}
    )
    assert "1.38 (95%" in client.get(home).content.decode()  # (830 / 1,000) / (6,017 / 10,000)


def test_bad_parameters_are_ignored_not_errors(client_as, city):
    dataset = imported_dataset(city, file=BREMERTON_ARRESTS)
    client = client_as(city, "viewer")
    for params in (
        {"start": "2016-13", "end": "x", "sex": "robot", "fine_threshold": "NaN", "benchmark": "abc"},
        {"period": "0000", "after": "9" * 40, "race": "martian", "measure": "drop table"},
        {"period": "2017", "after": "-1"},
    ):
        assert client.get(url("dashboard", city, dataset.pk), params).status_code == 200
        assert client.get(url("drilldown", city, dataset.pk), params).status_code == 200
        assert client.get(url("report_json", city, dataset.pk), params).status_code == 200


def test_injuries_are_shares_of_records_about_a_person(client_as, city, daviess):
    """St. Louis County's file has police dog records: an injured dog is not a person's injury."""
    from disparities.models import UseOfForce

    dataset = imported_dataset(city, file=ST_LOUIS)
    people = UseOfForce.objects.filter(dataset=dataset, is_person=True)
    assert UseOfForce.objects.filter(dataset=dataset, is_person=False).exists()
    doc = client_as(city, "viewer").get(url("report_json", city, dataset.pk)).json()
    injuries = table(doc, "injuries")
    for r in injuries["rows"]:
        mine = people if r["total"] else people.filter(subject_race=r["key"])
        fig = r["cells"]["injury_rate"]
        assert (fig["numerator"], fig["denominator"]) == (
            mine.filter(subject_injured=True).count(),
            mine.count(),
        )
    # By month too: no share above 100% and no error in any month.
    doc = client_as(city, "viewer").get(url("report_json", city, dataset.pk), {"trend": "injury_rate"}).json()
    for r in table(doc, "trend_month")["rows"]:
        for fig in r["cells"].values():
            assert fig is None or fig["value"] is None or 0 <= fig["value"] <= 1
