"""Findings first: the dashboard and the public page open with the headline findings in plain words.

Each sentence is checked against pandas and scipy on the real Owensboro file (the test's own
reading of its race column and its own rate-ratio interval), never against the app's functions.
What the file does not record is said in words, never as a number; a published page hides what
small-cell protection hides; a group with no residents in the benchmark gets no sentence.
"""

import html
import re

import pytest
from django.urls import reverse

from disparities.figures.findings import findings
from tests.builders import OWENSBORO, county_benchmark, imported_dataset, published_snapshot
from tests.disparities.test_report_recomputed import frame, rate_ratio

pytestmark = pytest.mark.django_db

SECTION = re.compile(r'<section id="findings".*?</section>', re.S)
ITEM = re.compile(r'<li class="findings__item findings__item--(\w+)">(.*?)</li>', re.S)


def findings_of(page: str) -> list[tuple[str, str]]:
    section = SECTION.search(page)
    assert section, "the page has no findings"
    return [(kind, html.unescape(text)) for kind, text in ITEM.findall(section.group(0))]


def expected_black_sentence(df, doc, verb="stopped") -> str:
    residents = doc["benchmark"]["residents"]
    margins = doc["benchmark"].get("margins_of_error") or {}
    persons = df[df["person"]].groupby("race").size()
    value, (low, high) = rate_ratio(
        int(persons["black"]), residents["black"], int(persons["white"]), residents["white"],
        margins.get("black"), margins.get("white"),
    )  # fmt: skip
    return (
        f"Black residents were {verb} at {value:.2f} times the rate of white residents "
        f"(95% interval {low:.2f} to {high:.2f})."
    )


@pytest.fixture
def owensboro(city):
    county_benchmark(city, fips="21059")  # Daviess County, KY
    dataset = imported_dataset(city, file=OWENSBORO)
    assert dataset.status == "imported", dataset.failure_reason
    return dataset


def test_the_dashboard_opens_with_findings_checked_against_the_raw_file(city, client_as, owensboro):
    client = client_as(city, "viewer")
    url = reverse("disparities:dashboard", args=[city.slug, owensboro.pk])
    page = client.get(url).content.decode()
    doc = client.get(reverse("disparities:report_json", args=[city.slug, owensboro.pk])).json()
    df = frame(OWENSBORO)

    shown = findings_of(page)
    assert shown[0] == ("finding", expected_black_sentence(df, doc))
    # Owensboro's file has no Hispanic category: said in words, never a ratio of 0.
    hispanic = [text for kind, text in shown if text.startswith("Hispanic")]
    assert hispanic and hispanic[0].startswith("Hispanic residents: not recorded.")
    assert not re.search(r"Hispanic residents were", page)
    # No search column: the search finding says so.
    assert any(kind == "absent" and text.startswith("Searches: not recorded.") for kind, text in shown)
    # Findings, then the filters, then the tables.
    assert page.index('id="findings"') < page.index('aria-label="Filters"') < page.index("<table")


def test_a_filter_redraws_the_findings_for_the_filtered_records(city, client_as, owensboro):
    client = client_as(city, "viewer")
    url = reverse("disparities:dashboard", args=[city.slug, owensboro.pk])
    page = client.get(url).content.decode()
    # The age groups read as words; the values in the URL stay the same.
    assert '<option value="25_34">25–34</option>' in page and ">25_34<" not in page

    response = client.get(url, {"age_group": "25_34"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    part = response.content.decode()
    assert 'id="findings" class="usa-summary-box findings" hx-swap-oob="true"' in part
    assert "for age group 25–34" in part

    doc = client.get(reverse("disparities:report_json", args=[city.slug, owensboro.pk])).json()
    df = frame(OWENSBORO)
    age = df["subject_age"].apply(lambda a: int(float(a)) if a not in ("", "NA") else None)
    filtered = df[(age >= 25) & (age < 35)]
    assert 0 < len(filtered) < len(df)
    assert findings_of(part)[0] == ("finding", expected_black_sentence(filtered, doc))


def test_the_public_page_opens_with_findings_and_keeps_small_cells_hidden(city, client, owensboro):
    benchmark = county_benchmark(city, fips="21059")
    snapshot = published_snapshot(city, dataset=owensboro, benchmark=benchmark)
    page = client.get(reverse("disparities:public_snapshot", args=[city.slug, snapshot.pk])).content.decode()
    shown = findings_of(page)
    # Owensboro's file is small: its Black and white counts are protected on the public page (a
    # count of other groups from 1 to 10 would otherwise be recovered from them), so the public
    # finding says the figure is hidden and quotes no number the members' page shows.
    members_sentence = expected_black_sentence(frame(OWENSBORO), snapshot.content)
    assert shown[0] == ("hidden", "Black residents: hidden to protect people in small counts.")
    ratio = re.search(r"at (\d+\.\d\d) times", members_sentence).group(1)
    assert ratio not in SECTION.search(page).group(0)
    assert page.index('id="findings"') < page.index("What this means") < page.index('id="h-methods"')
    assert 'href="#h-methods"' in SECTION.search(page).group(0)
    assert "not for publication" not in SECTION.search(page).group(0).lower()


def _doc(cells: dict, *, kind="stop", searches=None) -> dict:
    rows = [
        {"key": race, "label": label, "total": False, "cells": {"ratio": fig}}
        for race, label, fig in cells
    ]
    tables = [{"key": "population", "rows": rows}]
    if searches is not None:
        tables.append(
            {"key": "searches", "rows": [{"key": "black", "label": "Black", "total": False,
                                          "cells": {"search_rate_ratio": searches}}]}
        )  # fmt: skip
    return {"dataset": {"kind": kind}, "tables": tables}


def _fig(value, interval=None, **more):
    return {"value": value, "interval": interval, "reliable": True, "suppressed": False, "not_recorded": "",
            "note": "", **more}  # fmt: skip


def test_what_is_hidden_or_not_recorded_never_reads_as_a_number():
    doc = _doc(
        [
            ("white", "White", None),
            ("black", "Black", _fig(None, suppressed=True)),
            ("hispanic", "Hispanic", _fig(None, not_recorded="Not recorded by this agency: no ethnicity.")),
            ("other", "Other", None),  # no residents in the benchmark: no per-resident comparison
            ("native_american", "Native American", _fig(3.2, [0.9, 11.4], reliable=False, note="unreliable, n = 4")),
        ],
        kind="arrest",
        searches=_fig(1.8, [1.5, 2.1]),
    )
    shown = [(f["kind"], f["text"]) for f in findings(doc)]
    assert shown == [
        ("hidden", "Black residents: hidden to protect people in small counts."),
        ("absent", "Hispanic residents: not recorded. Not recorded by this agency: no ethnicity."),
        ("finding", "Black people arrested were searched at 1.80 times the rate of white people arrested "
                    "(95% interval 1.50 to 2.10)."),
        ("finding", "Native American residents were arrested at 3.20 times the rate of white residents "
                    "(95% interval 0.90 to 11.40); unreliable, n = 4."),
    ]  # fmt: skip
    assert not any("Other" in text for _, text in shown)
    assert findings({"dataset": {"kind": "stop"}, "tables": []}) == []


def test_no_benchmark_no_ratio_sentence_but_a_way_to_add_one(city, client_as):
    dataset = imported_dataset(city, file=OWENSBORO)
    page = client_as(city, "staff").get(reverse("disparities:dashboard", args=[city.slug, dataset.pk])).content
    section = SECTION.search(page.decode()).group(0)
    assert "times the rate" not in section
    assert "add a population benchmark" in section
