"""Publishing a dashboard: the public page and public exports never show a count from 1 to 10, and
no hidden count can be worked out from the totals shown beside it; withdrawing takes the page down."""

import csv
import io
import re

import pytest
from django.urls import reverse
from scipy.optimize import linprog

from disparities.models import PublishedSnapshot
from disparities.selectors import dashboard, report
from disparities.selectors.filters import Filters
from disparities.selectors.trends import count_trend_table
from disparities.services import dashboards as services_dashboard
from tests.builders import BREMERTON_ARRESTS, LANSING, OWENSBORO, ST_LOUIS, imported_dataset

pytestmark = pytest.mark.django_db

SMALL = "<11"


@pytest.fixture
def benchmark(city):
    return services_dashboard.benchmark_create_from_county(city=city, fips="21059", created_by=None)


def publish(client, city, dataset, **filters):
    response = client.post(
        reverse("disparities:publish", args=[city.slug, dataset.pk]),
        {"title": f"{dataset.name} by race", "introduction": "Why we publish <b>this</b>.", **filters},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    return PublishedSnapshot.objects.get(city=city, dataset=dataset, withdrawn_at=None)


def _is_integer(v):
    return isinstance(v, int | float) and not isinstance(v, bool) and float(v).is_integer()


def assert_no_small_count(doc):
    for t in doc["tables"]:
        for r in t["rows"]:
            for key, fig in r["cells"].items():
                if fig is None or fig["suppressed"]:
                    continue
                where = (t["key"], r["key"], key)
                assert not (fig["n"] is not None and 1 <= fig["n"] <= 10), where
                if fig["unit"].startswith("ratio") or fig["unit"].startswith("share of residents"):
                    continue
                for field in ("numerator", "denominator"):
                    v = fig[field]
                    assert not (_is_integer(v) and 1 <= v <= 10), (*where, field, v)
                if fig["method"].startswith("exact Poisson") and fig["denominator"] is None:
                    assert not (1 <= fig["value"] <= 10), where


def count_lines(public_table, exact_table):
    """The linear facts a reader has: for each line of counts shown with a total equal to its sum."""
    columns = [c["key"] for c in public_table["columns"] if c["format"] == "count"]
    exact_rows = {r["key"]: r for r in exact_table["rows"]} if exact_table else {}
    entries = {}  # (row, column) -> (exact value, public cell)
    for r in public_table["rows"]:
        for c in columns:
            fig = r["cells"].get(c)
            if fig is None:
                continue
            if fig["suppressed"]:
                source = exact_rows.get(r["key"], {}).get("cells", {}).get(c) if exact_rows else None
                exact = source["value"] if source else None
            else:
                exact = fig["value"]
            entries[(r["key"], c)] = (exact, fig)
    lines = []
    body = [r["key"] for r in public_table["rows"] if not r["total"]]
    total = next((r["key"] for r in public_table["rows"] if r["total"]), None)
    grid = "row_total" in columns
    count_cols = [c for c in columns if c != "row_total"]
    if grid:
        for rk in [*body, total]:
            members = [(rk, c) for c in count_cols if (rk, c) in entries]
            if (rk, "row_total") in entries:
                lines.append((members, (rk, "row_total")))
    if total is not None:
        for c in columns:
            members = [(rk, c) for rk in body if (rk, c) in entries]
            known = (total, c) in entries and all(entries[m][0] is not None for m in members)
            if known and sum(entries[m][0] for m in members) == entries[(total, c)][0]:
                lines.append((members, (total, c)))
    return entries, lines


def assert_nothing_recoverable(public_doc, exact_doc):
    exact_tables = {t["key"]: t for t in exact_doc["tables"]}
    checked = 0
    for t in public_doc["tables"]:
        entries, lines = count_lines(t, exact_tables.get(t["key"]))
        keys = list(entries)
        if not lines:
            continue
        index = {k: n for n, k in enumerate(keys)}
        equations = []
        for members, tot in lines:
            row = [0] * len(keys)
            for m in members:
                row[index[m]] = 1
            row[index[tot]] = -1
            equations.append(row)
        bounds = []
        for k in keys:
            exact, fig = entries[k]
            if not fig["suppressed"]:
                bounds.append((fig["value"], fig["value"]))
            else:
                bounds.append((1, 10) if fig.get("public_label") == SMALL else (11, None))
        for n, k in enumerate(keys):
            exact, fig = entries[k]
            if not fig["suppressed"] or exact is None:
                continue
            c = [0] * len(keys)
            c[n] = 1
            low = linprog(c, A_eq=equations, b_eq=[0] * len(equations), bounds=bounds, method="highs")
            c[n] = -1
            high = linprog(c, A_eq=equations, b_eq=[0] * len(equations), bounds=bounds, method="highs")
            assert low.status == 0 and high.status in (0, 3), (t["key"], k)
            if high.status == 0:
                assert round(-high.fun) > round(low.fun), (t["key"], k, low.fun, -high.fun, "recoverable")
            checked += 1
    return checked


def assert_trends_not_recoverable(public_doc, exact_doc):
    """The month and year trend tables taken together (a year is the sum of its months, race by
    race): no hidden count is fixed by all the sums shown in both. Returns how many were checked."""
    public = {t["key"]: t for t in public_doc["tables"]}
    exact = {t["key"]: t for t in exact_doc["tables"]}
    if "trend_month" not in public or "trend_year" not in public:
        return 0
    keys, bounds, truth = [], [], []

    def add(key, fig, exact_value):
        keys.append(key)
        truth.append(exact_value)
        if not fig["suppressed"]:
            bounds.append((fig["value"], fig["value"]))
        else:
            bounds.append((1, 10) if fig.get("public_label") == SMALL else (11, None))

    races = [c["key"] for c in public["trend_month"]["columns"] if c["key"] != "row_total"]
    exact_cells = {}
    for table in ("trend_month", "trend_year"):
        for r in exact[table]["rows"]:
            for c in races:
                exact_cells[(table, r["key"], c)] = (r["cells"].get(c) or {}).get("value") or 0
    for table in ("trend_month", "trend_year"):
        for r in public[table]["rows"]:
            for c in [*races, "row_total"]:
                fig = r["cells"][c]
                if r["total"] and table == "trend_year":
                    continue  # the same totals as the month table's
                if c == "row_total":
                    value = (
                        sum(exact_cells[(table, r["key"], rc)] for rc in races) if not r["total"] else None
                    )
                else:
                    value = exact_cells.get((table, r["key"], c))
                add((table, r["key"], c), fig, value)
    index = {k: n for n, k in enumerate(keys)}
    months = [r["key"] for r in public["trend_month"]["rows"] if not r["total"]]
    years = [r["key"] for r in public["trend_year"]["rows"] if not r["total"]]
    lines = []
    for m in [*months, "total"]:
        lines.append(([("trend_month", m, c) for c in races], ("trend_month", m, "row_total")))
    for y in years:
        lines.append(([("trend_year", y, c) for c in races], ("trend_year", y, "row_total")))
        ms = [m for m in months if m.startswith(y)]
        for c in [*races, "row_total"]:
            lines.append(([("trend_month", m, c) for m in ms], ("trend_year", y, c)))
    for c in [*races, "row_total"]:
        lines.append(([("trend_year", y, c) for y in years], ("trend_month", "total", c)))
    equations = []
    for members, total in lines:
        row = [0] * len(keys)
        for m in members:
            row[index[m]] = 1
        row[index[total]] = -1
        equations.append(row)
    checked = 0
    for n, k in enumerate(keys):
        low_b, high_b = bounds[n]
        if low_b == high_b or truth[n] is None or not (1 <= truth[n] <= 10):
            continue
        c = [0] * len(keys)
        c[n] = 1
        low = linprog(c, A_eq=equations, b_eq=[0] * len(equations), bounds=bounds, method="highs")
        c[n] = -1
        high = linprog(c, A_eq=equations, b_eq=[0] * len(equations), bounds=bounds, method="highs")
        assert low.status == 0 and high.status in (0, 3), k
        if high.status == 0:
            assert round(-high.fun) > round(low.fun), (k, low.fun, -high.fun, "recoverable")
        checked += 1
    return checked


def test_trends_by_month_and_year_are_protected_together():
    """Protected apart, a month hidden in one table could be worked out from its year in the other."""
    import datetime as dt
    import random

    rng = random.Random(7)
    leaks_apart = 0
    for _attempt in range(8):
        rows = []
        for year in (2019, 2020):
            for month in range(1, 13):
                for race in ("white", "black", "hispanic"):
                    value = rng.choice([0, rng.randint(1, 10), rng.randint(11, 80), rng.randint(11, 400)])
                    rows.append({"month": dt.date(year, month, 1), "race": race, "persons": value})
        tables = [
            count_trend_table(rows, "persons", "stops", by="year"),
            count_trend_table(rows, "persons", "stops", by="month"),
        ]
        exact = {"tables": [t.as_dict() for t in tables]}
        public = {"tables": [t.as_dict() for t in report.publicize(tables)]}
        assert_no_small_count(public)
        assert assert_trends_not_recoverable(public, exact) > 0
        # The same tables protected one by one leave some hidden month recoverable.
        apart = {"tables": [report.publicize([t])[0].as_dict() for t in tables]}
        try:
            assert_trends_not_recoverable(apart, exact)
        except AssertionError:
            leaks_apart += 1
    assert leaks_apart > 0


@pytest.mark.parametrize("name", [OWENSBORO, LANSING, ST_LOUIS, BREMERTON_ARRESTS])
def test_public_page_json_and_csv_never_show_a_small_count(client_as, client, city, benchmark, name):
    dataset = imported_dataset(city, file=name)
    lead = client_as(city, "lead")
    snapshot = publish(lead, city, dataset)
    exact = report.document(dashboard.dashboard(dataset=dataset, filters=Filters(), benchmark=benchmark))
    public = snapshot.content
    assert public["public"] is True
    assert_no_small_count(public)
    hidden = assert_nothing_recoverable(public, exact)
    assert hidden > 0, "these files have small cells: something must be hidden"
    assert_trends_not_recoverable(public, exact)

    client.logout()
    page = client.get(reverse("disparities:public_snapshot", args=[city.slug, snapshot.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    shown = [int(v.replace(",", "")) for v in re.findall(r'<span class="fig__value">([\d,]+)</span>', html)]
    assert shown and not [v for v in shown if 1 <= v <= 10]
    assert SMALL.replace("<", "&lt;") in html and "Methods" in html and "Caveats" in html
    assert "Not for publication" not in html and "&lt;b&gt;this&lt;/b&gt;" in html
    for t in public["tables"]:
        response = client.get(reverse("disparities:public_csv", args=[city.slug, snapshot.pk, t["key"]]))
        assert response.status_code == 200
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        for line in list(csv.reader(io.StringIO(text)))[2:]:
            for cell in line[1:]:
                assert not (re.fullmatch(r"\d+", cell) and 1 <= int(cell) <= 10), (t["key"], line)
    as_json = client.get(reverse("disparities:public_json", args=[city.slug, snapshot.pk])).json()
    assert_no_small_count(as_json)


def test_filtered_snapshot_is_protected_too(client_as, city, benchmark):
    dataset = imported_dataset(city, file=OWENSBORO)
    snapshot = publish(client_as(city, "lead"), city, dataset, start="2016-01", end="2016-03", sex="female")
    filters = Filters.from_query({"start": "2016-01", "end": "2016-03", "sex": "female"})
    exact = report.document(dashboard.dashboard(dataset=dataset, filters=filters, benchmark=benchmark))
    assert snapshot.content["filters"]["start"] == "2016-01"
    assert_no_small_count(snapshot.content)
    assert assert_nothing_recoverable(snapshot.content, exact) > 0


def test_only_a_lead_publishes_and_withdrawing_takes_the_page_down(
    client_as, client, city, other_city, benchmark
):
    dataset = imported_dataset(city, file=BREMERTON_ARRESTS)
    staff = client_as(city, "staff")
    assert (
        staff.post(reverse("disparities:publish", args=[city.slug, dataset.pk]), {"title": "x"}).status_code
        == 404
    )
    lead = client_as(city, "lead")
    empty = lead.post(reverse("disparities:publish", args=[city.slug, dataset.pk]), {"title": ""})
    assert empty.status_code == 400 and not PublishedSnapshot.objects.exists()
    snapshot = publish(lead, city, dataset)
    listing = lead.get(reverse("disparities:snapshots", args=[city.slug])).content.decode()
    assert snapshot.title in listing
    public_url = reverse("disparities:public_snapshot", args=[city.slug, snapshot.pk])
    assert client.get(public_url).status_code == 200
    assert (
        client.get(reverse("disparities:public_snapshot", args=[other_city.slug, snapshot.pk])).status_code
        == 404
    )
    lead.post(reverse("disparities:snapshot_withdraw", args=[city.slug, snapshot.pk]))
    client.logout()
    assert client.get(public_url).status_code == 404
    assert (
        client.get(reverse("disparities:public_csv", args=[city.slug, snapshot.pk, "counts"])).status_code
        == 404
    )
    assert client.get(reverse("disparities:public_index", args=[city.slug])).status_code == 404


def test_a_page_the_audit_refuses_is_not_published_and_says_which_table(
    client_as, city, benchmark, monkeypatch
):
    """Were the protection to leave a count that can be worked out (here: only counts of 1 to 10
    hidden, nothing beside them), the audit before publishing refuses the page and names the table."""
    from disparities.figures import suppression

    def primary_only(system, **_):
        return {k: suppression.SMALL for k, v in system.values.items() if suppression.is_small(v)}

    monkeypatch.setattr(suppression, "protect", primary_only)
    dataset = imported_dataset(city, file=BREMERTON_ARRESTS)
    lead = client_as(city, "lead")
    response = lead.post(
        reverse("disparities:publish", args=[city.slug, dataset.pk]),
        {"title": "Arrests by race", "introduction": "Kept when refused."},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Not published" in html and "need fewer details" in html
    assert "by race: rows, persons and incidents" in html or "against the population" in html
    assert "Kept when refused." in html and 'value="Arrests by race"' in html
    assert not PublishedSnapshot.objects.exists()


def test_the_audit_finds_bremertons_unknown_from_two_totals():
    """159 arrests in all and 158 of known race: Unknown, hidden as "<11", is 1."""
    from disparities.figures import suppression

    races = {"white": 100, "black": 30, "hispanic": 28, "unknown": 1}
    values = {**races, "all": 159, "known": 158}
    system = suppression.System(values, [(list(races), "all"), (["white", "black", "hispanic"], "known")])
    (failure,) = suppression.audit(system, {"unknown": suppression.SMALL})
    assert failure.key == "unknown" and (failure.least, failure.most) == (1, 1)
    hidden = suppression.protect(system)
    assert suppression.audit(system, hidden) == []
    assert hidden["unknown"] == suppression.SMALL and len(hidden) >= 3
