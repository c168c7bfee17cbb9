"""Aggregated police files: a row that stands for several records (a "records in this row" count).

Open Data Policing NC's long export of Durham's stops is the model (one row per year, purpose and
race with a count; the stops and the searches of those stops are separate rows). Every figure is
checked here against pandas, statsmodels and scipy computed from the raw file, never against the
app's own functions; and a small weighted file gives exactly the figures of the same file written
out one row per record, on every table, trend, export, drill-down and the published page.
"""

import io
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from django.urls import reverse
from scipy.stats import chi2
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from disparities.files import mapping as m
from disparities.models import Dataset, ImportProblem, ProblemKind, Status, Stop
from disparities.selectors.trends import TRENDS
from tests.builders import generated_stops, imported_dataset, published_snapshot, uploaded_dataset
from tests.conftest import wait_for

DURHAM = Path("/work/shared/data/police/aggregated/durham_nc_stops_searches_by_purpose_race.csv")
# The README's totals of the Durham file (../shared/data/police/aggregated/README.md), by race.
README_TOTALS = {
    "black": (186_193, 14_996),
    "white": (89_256, 2_286),
    "hispanic": (38_842, 2_286),
    "asian_pacific_islander": (5_339, 73),
    "other": (1_821, 43),
    "native_american": (1_440, 28),
}
README_ALL = (322_891, 19_712)
# Durham's race words, read here by hand: NC's categories, Hispanic apart from race.
DURHAM_RACES = {
    "black": "black", "white": "white", "hispanic": "hispanic", "asian": "asian_pacific_islander",
    "other": "other", "native_american": "native_american",
}  # fmt: skip


def url(name, city, *args):
    return reverse(f"disparities:{name}", args=[city.slug, *args])


def approx(x):
    return pytest.approx(x, rel=1e-6, abs=1e-9)


def poisson(k):
    low = 0.0 if k == 0 else chi2.ppf(0.025, 2 * k) / 2
    return [low, chi2.ppf(0.975, 2 * k + 2) / 2]


def wilson(k, n):
    low, high = proportion_confint(k, n, alpha=0.05, method="wilson")
    return [max(0.0, low), min(1.0, high)]


def table(doc, key):
    return next((t for t in doc["tables"] if t["key"] == key), None)


def cells(tbl, row_key):
    return next(r for r in tbl["rows"] if r["key"] == row_key)["cells"]


# -- Durham, through the pages and a real worker --------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_durham_export_imports_weighted_and_reproduces_its_totals(celery_worker, client_as, city):
    if not DURHAM.is_file():
        pytest.skip(f"{DURHAM} is not on this machine")
    raw = DURHAM.read_bytes()
    client = client_as(city, "staff")
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        url("upload", city), {"kind": "stop", "file": SimpleUploadedFile(DURHAM.name, raw, "text/csv")}
    )
    assert response.status_code == 302, response.content[:500]
    dataset = Dataset.objects.get(city=city)
    page = client.get(response.url)
    body = page.content.decode()
    # The mapping page proposes the count column and says the file looks aggregated.
    assert "This file looks aggregated" in body and "“count”" in body
    assert "searches among the stops of the other rows" in body
    assert "Its dates are years (“year”), as in aggregated exports" in body
    form = page.context["form"]
    assert form["col__weight"].value() == "count"
    assert form["col__date"].value() == "year" and form["date_format"].value() == "%Y"
    assert form["col__search_conducted"].value() == "kind"
    data = {field: form[field].value() or "" for field in form.fields}
    assert client.post(url("mapping", city, dataset.pk), {**data, "action": "import"}).status_code == 302
    done = wait_for(
        lambda: Dataset.objects.filter(pk=dataset.pk, status__in=[Status.IMPORTED, Status.FAILED]).first(),
        timeout=120,
    )
    assert done.status == Status.IMPORTED, done.status_message
    assert done.weighted and done.date_precision == "year"

    # Independently: the raw CSV in pandas.
    df = pd.read_csv(io.BytesIO(raw), dtype={"count": "int64"}, keep_default_na=False)
    df["race"] = df["driver_race"].map(DURHAM_RACES)
    assert not df["race"].isna().any()
    stops = df[df["kind"] == "stops"].groupby("race")["count"].sum()
    searches = df[df["kind"] == "searches"].groupby("race")["count"].sum()
    for race, (n_stops, n_searches) in README_TOTALS.items():
        assert int(stops[race]) == n_stops and int(searches[race]) == n_searches, race
    # Rows with a count of 0 stand for no record: left out and reported, line by line.
    zero_lines = sorted(int(i) + 2 for i in df.index[df["count"] == 0])
    assert done.rows_rejected == len(zero_lines) and done.rows_imported == len(df) - len(zero_lines)
    assert done.records_imported == README_ALL[0]
    reported = list(
        ImportProblem.objects.filter(dataset=done, kind=ProblemKind.ROW_REJECTED).values_list("line", flat=True)
    )
    assert sorted(reported) == zero_lines

    doc = client.get(url("report_json", city, dataset.pk)).json()
    assert doc["dataset"]["weighted"] is True and doc["dataset"]["records_imported"] == README_ALL[0]
    counts = table(doc, "counts")
    for race, (n_stops, _n) in README_TOTALS.items():
        assert cells(counts, race)["rows"]["value"] == n_stops, race
        assert cells(counts, race)["persons"]["value"] == n_stops, race
        assert cells(counts, race)["persons"]["interval"] == approx(poisson(n_stops)), race
    assert cells(counts, "total")["rows"]["value"] == README_ALL[0]
    tbl = table(doc, "searches")
    for race, (n_stops, n_searches) in README_TOTALS.items():
        c = cells(tbl, race)
        assert c["search_rate_n"]["value"] == n_searches, race
        assert c["search_rate"]["value"] == approx(n_searches / n_stops), race
        assert c["search_rate"]["interval"] == approx(wilson(n_searches, n_stops)), race
    # Hispanic drivers are searched about twice as often as white drivers, well clear of 1.
    k1, n1 = int(searches["hispanic"]), int(stops["hispanic"])
    k0, n0 = int(searches["white"]), int(stops["white"])
    ratio = cells(tbl, "hispanic")["search_rate_ratio"]
    low, high = confint_proportions_2indep(k1, n1, k0, n0, method="log", compare="ratio", alpha=0.05)
    assert ratio["value"] == approx((k1 / n1) / (k0 / n0))
    assert ratio["interval"] == approx([low, high])
    assert ratio["value"] == pytest.approx(2.30, abs=0.01) and ratio["interval"][0] > 2.1
    # No contraband column: hit rates are not recorded, never 0 %.
    assert cells(tbl, "black")["hit_rate"]["value"] is None and cells(tbl, "black")["hit_rate"]["not_recorded"]
    # The dates are years: trends by year (the stops of each year), none by month.
    keys = [t["key"] for t in doc["tables"]]
    assert "trend_year" in keys and "trend_month" not in keys
    by_year = df[df["kind"] == "stops"].groupby(["year", "race"])["count"].sum()
    trend = table(doc, "trend_year")
    for (year, race), n in by_year.items():
        row = next(r for r in trend["rows"] if r["key"] == str(year))
        assert (row["cells"][race]["value"] or 0) == n, (year, race)
    assert "figures by month are not offered" in trend["note"]
    # The veil of darkness needs times of day: an aggregated file without them has none.
    assert doc["dataset"]["has_time"] is False
    # The drill-down lists rows with the records each stands for.
    drill = client.get(url("drilldown", city, dataset.pk), {"measure": "searches", "race": "hispanic"})
    assert drill.status_code == 200
    text = drill.content.decode()
    assert "Records in this row" in text and f"{k1:,} searches" in text
    weights = [r["weight"] for r in drill.context["page"].records]
    raw_weights = df[(df["kind"] == "searches") & (df["race"] == "hispanic") & (df["count"] > 0)]["count"]
    assert weights == list(raw_weights)[: len(weights)]


def test_the_durham_rows_of_zero_count_left_out_change_no_figure(city):
    """Through the service (no worker): the searches rows add searches, never stops."""
    if not DURHAM.is_file():
        pytest.skip(f"{DURHAM} is not on this machine")
    dataset = imported_dataset(city, file=DURHAM.name, data=DURHAM.read_bytes(), kind="stop")
    assert dataset.status == Status.IMPORTED, dataset.status_message
    searched = Stop.objects.filter(dataset=dataset, in_total=False)
    assert all(searched.values_list("search_conducted", flat=True))
    assert sum(searched.values_list("weight", flat=True)) == README_ALL[1]
    kept = Stop.objects.filter(dataset=dataset, in_total=True)
    assert sum(kept.values_list("weight", flat=True)) == README_ALL[0]


# -- bad counts ---------------------------------------------------------------------------------

BAD = (
    "date,race,count\n"
    "2019-01-03,white,3\n"
    "2019-01-04,black,0\n"
    "2019-01-05,black,-1\n"
    "2019-01-06,black,2.5\n"
    "2019-01-07,black,x\n"
    "2019-01-08,black,\n"
    "2019-01-09,black,4\n"
    "2019-02-01,white,2\n"
)


def test_a_count_that_is_not_a_positive_whole_number_rejects_its_line_only(city, client_as):
    mapping = {"columns": {"date": "date", "subject_race": "race", "weight": "count"}, "date_format": "iso"}
    dataset = imported_dataset(city, file="bad.csv", data=BAD.encode(), kind="stop", mapping=mapping)
    assert dataset.status == Status.IMPORTED, dataset.status_message
    assert dataset.rows_rejected == 5 and dataset.rows_imported == 3 and dataset.records_imported == 9
    problems = {
        p.line: p
        for p in ImportProblem.objects.filter(dataset=dataset, kind=ProblemKind.ROW_REJECTED)
    }
    assert sorted(problems) == [3, 4, 5, 6, 7]
    assert "stands for no record" in problems[3].reason and problems[3].value == "0"
    assert "not a positive number of records" in problems[4].reason
    assert "not a whole number of records" in problems[5].reason and problems[5].value == "2.5"
    assert "not a whole number of records" in problems[6].reason
    assert "has no count of records" in problems[7].reason
    assert all(p.column == "count" for p in problems.values())
    client = client_as(city, "staff")
    doc = client.get(url("report_json", city, dataset.pk)).json()
    counts = table(doc, "counts")
    assert cells(counts, "white")["rows"]["value"] == 5 and cells(counts, "black")["rows"]["value"] == 4
    page = client.get(url("detail", city, dataset.pk)).content.decode()
    assert "standing for 9 records" in page and "5 rejected" in page


def test_a_file_of_counts_none_positive_fails_in_words(city):
    data = b"date,race,count\n2019-01-03,white,0\n2019-01-04,black,x\n"
    mapping = {"columns": {"date": "date", "subject_race": "race", "weight": "count"}, "date_format": "iso"}
    dataset = imported_dataset(city, file="none.csv", data=data, kind="stop", mapping=mapping)
    assert dataset.status == Status.FAILED
    assert "None of the 2 rows could be read" in dataset.status_message and "line 2" in dataset.status_message


# -- pure: proposals and dates --------------------------------------------------------------------


def test_count_columns_are_proposed_only_when_they_hold_counts():
    header = ["year", "race", "n"]
    rows = [["2019", "white", "3"], ["2019", "black", "7"], ["2020", "white", "1"]]
    mapping = m.propose(header, rows, "stop")
    assert mapping["columns"]["weight"] == "n" and mapping["date_format"] == "%Y"
    # A "total" that is money, or a "number" that is an id of one record each, is not a count.
    assert "weight" not in m.propose(["date", "race", "total"], [["2019-01-01", "W", "12.50"]], "stop")["columns"]
    assert "weight" not in m.propose(["date", "race", "number"], [["2019-01-01", "W", "1"]] * 3, "stop")["columns"]


def test_a_year_or_a_year_and_month_is_a_date_of_its_precision():
    import datetime as dt

    assert m.parse_date("2019", "%Y") == dt.date(2019, 1, 1) and m.parse_date("19", "%Y") is None
    assert m.parse_date("2019-04", "%Y-%m") == dt.date(2019, 4, 1) and m.parse_date("2019-13", "%Y-%m") is None
    assert m.detect_date_format(["2019-04", "2019-05"]) == ("%Y-%m", 1.0)
    assert m.detect_date_format(["2019-04-01", "2019-05-02"])[0] == "iso"
    assert [m.date_precision(f) for f in ("%Y", "%Y-%m", "iso")] == ["year", "month", "day"]


# -- a weighted file against the same file one row per record --------------------------------------


GENERATED_RACES = {
    "white": "white", "black": "black", "hispanic": "hispanic", "asian/pacific islander": "asian_pacific_islander",
    "other": "other", "NA": "unknown",
}  # fmt: skip


def _weighted_and_expanded() -> tuple[bytes, bytes, pd.DataFrame]:
    """Generated stops without the columns unique to each stop, each row given a count from 1 to 5;
    and the same stops written out one row per record."""
    df = pd.read_csv(io.BytesIO(generated_stops(500, seed=11)), dtype=str, keep_default_na=False)
    df = df.drop(columns=["raw_row_number", "location", "lat", "lng", "officer_id_hash"])
    rng = np.random.default_rng(13)
    df["count"] = rng.integers(1, 6, size=len(df)).astype(str)
    weighted = df.to_csv(index=False).encode()
    expanded = df.loc[df.index.repeat(df["count"].astype(int))].drop(columns=["count"])
    return weighted, expanded.to_csv(index=False).encode(), df


def _report(client, city, dataset, **query):
    doc = client.get(url("report_json", city, dataset.pk), query).json()
    return {k: doc[k] for k in ("tables", "notes", "not_recorded", "races_not_recorded", "event_unit", "benchmark")}


# 32 reports, every CSV and drill-down twice: about a minute alone, several times that on a loaded machine.
@pytest.mark.timeout(1200)
def test_a_weighted_file_gives_the_figures_of_the_same_file_one_row_per_record(city, client_as):
    weighted_bytes, expanded_bytes, df = _weighted_and_expanded()
    weighted = imported_dataset(city, file="weighted.csv", data=weighted_bytes, kind="stop", name="Stops")
    expanded = imported_dataset(city, file="expanded.csv", data=expanded_bytes, kind="stop", name="Stops")
    assert weighted.status == expanded.status == Status.IMPORTED
    assert weighted.weighted and not expanded.weighted
    assert weighted.rows_imported == len(df) and expanded.rows_imported == weighted.records_imported
    assert weighted.has_time and expanded.has_time
    client = client_as(city, "staff")
    # Every table and every trend, under no filter and under filters.
    filter_sets = [{}, {"district": "Central"}, {"sex": "female"}, {"start": "2021-03", "end": "2022-06"}]
    for filters in filter_sets:
        for trend in TRENDS:
            a = _report(client, city, weighted, **filters, trend=trend)
            b = _report(client, city, expanded, **filters, trend=trend)
            assert a == b, (filters, trend)
    doc = client.get(url("report_json", city, weighted.pk)).json()
    assert {"counts", "searches", "trend_year", "trend_month"} <= {t["key"] for t in doc["tables"]}
    # Independently: stops and searches by race from the weighted raw file.
    df["n"] = df["count"].astype(int)
    df["race"] = df["subject_race"].map(GENERATED_RACES)
    assert not df["race"].isna().any()
    stops = df.groupby("race")["n"].sum()
    searched = df[df["search_conducted"] == "TRUE"].groupby("race")["n"].sum()
    tbl = table(doc, "searches")
    for race, n in stops.items():
        k = int(searched.get(race, 0))
        assert cells(table(doc, "counts"), race)["persons"]["value"] == n
        assert cells(tbl, race)["search_rate"]["value"] == approx(k / n)
        assert cells(tbl, race)["search_rate"]["interval"] == approx(wilson(k, int(n)))
    # Every CSV export.
    for key in [t["key"] for t in doc["tables"]]:
        a = client.get(url("table_csv", city, weighted.pk, key))
        b = client.get(url("table_csv", city, expanded.pk, key))
        assert a.status_code == b.status_code == 200, key
        body = b"".join(a.streaming_content)
        assert body == b"".join(b.streaming_content) and body.count(b"\n") > 2, key
    # The drill-down: the same totals; the weighted one lists rows with their weight.
    for measure in ("rows", "searches", "hits", "arrests", "citations", "with_time"):
        for race in ("", "black", "white"):
            query = {"measure": measure, "race": race}
            pa = client.get(url("drilldown", city, weighted.pk), query).context["page"]
            pb = client.get(url("drilldown", city, expanded.pk), query).context["page"]
            assert (pa.total, pa.record_total, pa.of_total) == (pb.total, pb.record_total, pb.of_total), query
            assert "weight" in pa.fields and "weight" not in pb.fields
            assert sum(r["weight"] for r in pa.records) >= len(pa.records)
    # The published page: the same protected figures.
    a = published_snapshot(city, dataset=weighted).content
    b = published_snapshot(city, dataset=expanded).content
    assert a["tables"] == b["tables"] and a["notes"] == b["notes"]


def test_a_year_only_file_offers_no_figures_by_month(city, client_as):
    data = b"year,race,n\n2019,white,3\n2019,black,7\n2020,white,4\n2020,black,2\n"
    dataset = imported_dataset(city, file="years.csv", data=data, kind="stop")
    assert dataset.status == Status.IMPORTED, dataset.status_message
    assert dataset.date_precision == "year" and dataset.weighted
    assert str(dataset.period_start) == "2019-01-01" and str(dataset.period_end) == "2020-12-31"
    client = client_as(city, "staff")
    doc = client.get(url("report_json", city, dataset.pk)).json()
    keys = [t["key"] for t in doc["tables"]]
    assert "trend_month" not in keys
    rows = {r["key"]: r["cells"] for r in table(doc, "trend_year")["rows"]}
    assert rows["2019"]["black"]["value"] == 7 and rows["2020"]["white"]["value"] == 4
    page = client.get(url("dashboard", city, dataset.pk)).content.decode()
    assert re.search(r"standing for\s+16 records", page) and "dates given only as years" in page
    listed = client.get(reverse("disparities:index", args=[city.slug])).content.decode()
    assert "(standing for 16 records)" in listed
    home = client.get(reverse("cities:home", args=[city.slug])).content.decode()
    assert "16 records in 4 aggregated rows" in home


def test_an_uploaded_aggregated_file_is_proposed_its_count(city):
    data = b"kind,year,purpose,driver_race,count\nstops,2002,Speed,white,123\nstops,2002,Speed,black,240\n"
    data += b"searches,2002,Speed,black,12\n"
    mapping = uploaded_dataset(city, file="agg.csv", data=data, kind="stop").mapping
    assert mapping["columns"]["weight"] == "count" and mapping["columns"]["search_conducted"] == "kind"
    assert mapping["values"]["search_conducted"] == {"stops": "unknown", "searches": m.SEARCHES_OF_OTHER_ROWS}


# -- veil of darkness ---------------------------------------------------------------------------------


def test_the_veil_of_darkness_counts_each_row_as_its_stops(city):
    """Owensboro's real stops, counted by (date, time, sector, race, type): the same test result."""
    from disparities.services import dashboards
    from tests.builders import OWENSBORO, POLICE_SAMPLES

    city.latitude, city.longitude, city.timezone = "37.7719", "-87.1112", "America/Chicago"
    city.save(update_fields=["latitude", "longitude", "timezone"])
    df = pd.read_csv(POLICE_SAMPLES / OWENSBORO, dtype=str, keep_default_na=False)
    keep = ["date", "time", "sector", "subject_race", "type"]
    grouped = df.groupby(keep).size().reset_index(name="count")
    assert grouped["count"].max() > 1 and len(grouped) < len(df)
    weighted = imported_dataset(city, file="w.csv", data=grouped.to_csv(index=False).encode(), kind="stop")
    plain = imported_dataset(city, file="p.csv", data=df[keep].to_csv(index=False).encode(), kind="stop")
    assert weighted.weighted and weighted.records_imported == plain.rows_imported == len(df)
    results = []
    for dataset in (weighted, plain):
        run = dashboards.veil_run_start(dataset=dataset, started_by=None, enqueue=False)
        results.append(dashboards.veil_run_execute(run_id=run.pk).result)
    a, b = results
    assert a["eligible"] and b["eligible"], (a.get("reason"), b.get("reason"))
    assert a["n"] == b["n"] == 1120
    assert a["coefficient"] == pytest.approx(b["coefficient"], rel=1e-6)
    assert a["interval"] == pytest.approx(b["interval"], rel=1e-6)


def test_a_searches_row_the_mapping_did_not_list_still_counts_searches_not_stops():
    """Without the database: a `searches` value met only after the rows the mapping page read."""
    from disparities.files.normalise import Normaliser, columns_for, copy_row

    mapping = {
        "columns": {"date": "year", "subject_race": "race", "weight": "count", "search_conducted": "kind"},
        "values": {"search_conducted": {"stops": "unknown"}}, "date_format": "%Y",
    }  # fmt: skip
    normaliser = Normaliser("stop", mapping, ["kind", "year", "race", "count"])
    names = ["dataset_id"] + [name for name, _ in columns_for("stop")]
    fast = normaliser.fast(1)
    stops = dict(zip(names, fast(2, ["stops", "2002", "black", "5"]), strict=True))
    searches = dict(zip(names, fast(3, ["searches", "2002", "black", "2"]), strict=True))
    assert (stops["weight"], stops["in_total"], stops["search_conducted"]) == (5, True, None)
    assert (searches["weight"], searches["in_total"], searches["search_conducted"]) == (2, False, True)
    careful, problems = normaliser.record(3, ["searches", "2002", "black", "2"])
    assert copy_row("stop", 1, careful) == fast(3, ["searches", "2002", "black", "2"]) and not problems
