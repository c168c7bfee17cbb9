"""The ACS reader (indicators/acs.py), without a database: both forms, the special values, and
every kind of foreign or damaged file refused with a sentence saying what it is."""

import json
from pathlib import Path

import pytest

from indicators import acs

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
SAMPLES = HERE.parents[1] / "indicators" / "sample_data"


def test_the_api_form_reads_estimates_margins_and_geographies():
    t = acs.read_table(
        (SAMPLES / "2024-POVERTY_BY_RACE_COUNTY_BLACK.json").read_bytes(),
        filename="2024-POVERTY_BY_RACE_COUNTY_BLACK.json",
    )
    assert (t.table, t.race, t.form, t.vintage) == ("B17001", "B", "api_json", 2024)
    assert [g.name for g in t.geographies] == [
        "Jefferson County, Alabama",
        "Mobile County, Alabama",
        "Montgomery County, Alabama",
    ]
    assert t.cell_numbers == list(range(1, 60))
    assert all(g.level == "county" for g in t.geographies)
    assert t.report()["values"] == 3 * 59


def test_the_csv_form_gives_the_same_values_as_the_api_form():
    api = acs.read_table((SAMPLES / "2024-POVERTY_BY_RACE_COUNTY_BLACK.json").read_bytes())
    csv_ = acs.read_table(
        (DATA / "ACSDT5Y2024.B17001B-Data.csv").read_bytes(), filename="ACSDT5Y2024.B17001B-Data.csv"
    )
    assert (csv_.table_id, csv_.form, csv_.vintage) == ("B17001B", "census_csv", 2024)
    assert csv_.labels[3] == "Estimate!!Total:!!Income in the past 12 months below poverty level:!!Male:"
    assert [(g.geo_id, g.cells) for g in csv_.geographies] == [(g.geo_id, g.cells) for g in api.geographies]


@pytest.mark.parametrize("name", sorted(p.name for p in DATA.glob("*.csv")))
def test_every_test_file_in_the_published_layout_reads(name):
    t = acs.read_table((DATA / name).read_bytes(), filename=name)
    assert t.table_id == name.split(".")[1].split("-")[0]
    assert t.vintage == 2024 and len(t.geographies) == 3


def test_special_values_of_the_download():
    t = acs.read_table((DATA / "ACSDT5Y2024.B19013C-Data.csv").read_bytes())
    montgomery = t.geographies[2].cells[1]
    assert montgomery.estimate is None and "too few" in montgomery.note
    top = acs.read_table((DATA / "ACSDT5Y2024.B19013A-Data.csv").read_bytes()).geographies[0].cells[1]
    assert top.estimate == 250000 and top.moe is None and top.note
    controlled = (
        acs.read_table(
            b'"GEO_ID","NAME","B01001B_001E","B01001B_001M",\n"Geography","Geographic Area Name","Estimate!!Total:",'
            b'"Margin of Error!!Total:",\n"0500000US01073","Jefferson County, Alabama","280000","*****",\n'
        )
        .geographies[0]
        .cells[1]
    )
    assert (controlled.estimate, controlled.moe) == (280000, 0)


def test_api_jam_values():
    header = ["C27001B_001E", "C27001B_001EA", "C27001B_001M", "C27001B_001MA", "GEO_ID", "NAME", "state"]
    raw = json.dumps(
        [header, ["-666666666", "-", "-222222222", "**", "0400000US01", "Alabama", "01"]]
    ).encode()
    cell = acs.read_table(raw).geographies[0].cells[1]
    assert cell.estimate is None and cell.moe is None and "not available" in cell.note


def _api(rows):
    return json.dumps(rows).encode()


REFUSED = [
    (b"", "empty"),
    (b"PK\x03\x04rest-of-a-zip", "zip archive"),
    (b"%PDF-1.7 ...", "PDF"),
    ("\ufeffname,value\n".encode("utf-16"), "UTF-16"),
    (b'{"error": "unknown variable"}', "JSON object"),
    (b'[["B17001B_001E", "B17001B_001M", "GEO_ID"], ["12", "3"', "damaged"),
    (_api([["B17001B_001E", "B17001B_001M", "GEO_ID"], ["12", "3"]]), "damaged"),
    (_api([["B03002_001E", "B03002_001M", "GEO_ID"], ["12", "3", "0500000US01001"]]), "not a table by race"),
    (_api([["B17001B_001E", "GEO_ID"], ["12", "0500000US01001"]]), "no margin of error"),
    (
        _api(
            [
                ["B17001B_001E", "B17001B_001M", "C27001B_001E", "C27001B_001M", "GEO_ID"],
                ["1", "1", "1", "1", "0500000US01001"],
            ]
        ),
        "mixes several tables",
    ),
    (_api([["B17001B_001E", "B17001B_001M", "GEO_ID"], ["twelve", "3", "0500000US01001"]]), "not a number"),
    (_api([["B17001B_001E", "B17001B_001M", "GEO_ID"], ["12", "3", "Autauga"]]), "not a Census GEO_ID"),
    (
        _api(
            [
                ["B17001B_001E", "B17001B_001M", "GEO_ID"],
                ["12", "3", "0500000US01001"],
                ["12", "3", "0500000US01001"],
            ]
        ),
        "appears twice",
    ),
    (
        b"GEO.id,GEO.id2,GEO.display-label,HD01_VD01,HD02_VD01\nId,Id2,Geography,Estimate,Margin\n",
        "American FactFinder",
    ),
    (b"date,race,outcome\n2024-01-01,B,arrest\n", "no GEO_ID column"),
    (b'"GEO_ID","NAME","B17001B_001E","B17001B_001M",\n"0500000US01073","J","1","2",\n', "no rows of data"),
    (
        b'"GEO_ID","NAME","B17001B_001E","B17001B_001M",\n"Geography","Geographic Area Name","E","M",\n'
        b'"0500000US01073","J","1",\n',
        "damaged",
    ),
    (
        b'"GEO_ID","NAME","B17001B_001E","B17001B_001M",\n"Geography","Geographic Area Name","E","M",\n'
        b'"0500000US01073","J","1","2\n',
        "damaged",
    ),
]


@pytest.mark.parametrize(("raw", "says"), REFUSED, ids=[s for _, s in REFUSED])
def test_foreign_and_damaged_files_are_refused_saying_what_they_are(raw, says):
    with pytest.raises(acs.NotACensusTable) as refused:
        acs.read_table(raw, filename="upload")
    assert says.lower() in str(refused.value).lower()


def test_the_population_benchmark_file_is_refused_as_what_it_is():
    benchmark = Path("/work/shared/data/census/ACS_17_5YR_B03002_counties_with_ann.csv")
    if not benchmark.exists():
        pytest.skip("the shared Census folder is not on this machine")
    with pytest.raises(acs.NotACensusTable, match="American FactFinder"):
        acs.read_table(benchmark.read_bytes(), filename=benchmark.name)


def test_a_cut_short_download_is_refused():
    whole = (DATA / "ACSDT5Y2024.C23002B-Data.csv").read_bytes()
    with pytest.raises(acs.NotACensusTable, match="damaged"):
        acs.read_table(whole[: len(whole) - 40])


def test_the_pure_modules_import_no_django():
    for name in ("acs.py", "acsmath.py", "catalogue.py"):
        source = (HERE.parents[1] / "indicators" / name).read_text()
        assert "django" not in source.lower().replace("no django", ""), name
