"""Population benchmarks from ACS B03002: the bundled county table and a city's own upload."""

import math

import pytest

from disparities.figures import census
from disparities.figures.census import CensusFileError, parse_b03002, parse_upload


def test_ingham_county_as_read_from_the_file():
    # 0500000US26065,26065,"Ingham County, Michigan",286185,*****,264447,*****,202042,138,30465,978,
    # 724,152,17251,506,66,43,447,198,13452,1108,431,178,13021,1101,21738,*****,...
    b = census.county("26065")
    assert b.name == "Ingham County, Michigan" and b.vintage == "2013-2017" and "B03002" in b.source
    assert b.total.value == 286185 and b.total.controlled and b.total.moe == 0
    assert (b.races["white"].value, b.races["white"].moe) == (202042, 138)
    assert (b.races["black"].value, b.races["black"].moe) == (30465, 978)
    assert (b.races["native_american"].value, b.races["native_american"].moe) == (724, 152)
    api = b.races["asian_pacific_islander"]
    assert api.value == 17251 + 66 and api.combined
    assert api.moe == pytest.approx(math.sqrt(506**2 + 43**2))  # 507.8
    other = b.races["other"]
    assert other.value == 447 + 13452
    assert other.moe == pytest.approx(math.sqrt(198**2 + 1108**2))  # 1125.6
    assert b.races["hispanic"].value == 21738 and b.races["hispanic"].controlled
    assert sum(b.population().values()) == b.total.value


def test_kitsap_county_as_read_from_the_file():
    # 0500000US53035,53035,"Kitsap County, Washington",258903,*****,239949,*****,200498,113,6407,498,
    # 2400,304,12246,585,1912,221,263,124,16223,842,129,75,16094,836,18954,*****,...
    b = census.county("53035")
    assert b.name == "Kitsap County, Washington"
    assert b.population() == {
        "white": 200498,
        "black": 6407,
        "native_american": 2400,
        "asian_pacific_islander": 12246 + 1912,
        "other": 263 + 16223,
        "hispanic": 18954,
    }
    assert b.races["asian_pacific_islander"].moe == pytest.approx(math.sqrt(585**2 + 221**2))
    assert b.races["black"].moe == 498


def test_readme_figures_and_the_whole_table():
    meck = census.county("37119")
    assert meck.total.value == 1034290
    assert (meck.races["hispanic"].value, meck.races["white"].value, meck.races["black"].value) == (
        132949,
        495078,
        318010,
    )
    stl = census.county("29189")
    assert (stl.total.value, stl.races["black"].value, stl.races["white"].value) == (999539, 236515, 668690)
    assert census.county("35013").name == "Doña Ana County, New Mexico"  # Latin-1 byte 0xF1
    everything = census.counties()
    assert len(everything) == 3142
    for b in everything.values():  # the canonical races partition every county's population
        assert sum(b.population().values()) == b.total.value, b.name
    assert census.county("6037").name.startswith("Los Angeles County")  # leading zero restored
    assert census.county("99999") is None
    choices = census.county_choices()
    assert choices[0][1].endswith("Alabama") and len(choices) == 3142


def test_benchmark_as_dict():
    data = census.county("26065").as_dict()
    assert data["geo_id"] == "26065" and data["moe_level"] == 0.9
    assert data["races"]["black"] == {"value": 30465, "moe": 978, "controlled": False, "combined": False}


# --- a city's own upload --------------------------------------------------------------------------

FACTFINDER = census.COUNTY_FILE.read_bytes().split(b"\r\n")


def factfinder_place(*rows: bytes) -> bytes:
    return b"\r\n".join([FACTFINDER[0], FACTFINDER[1], *rows]) + b"\r\n"


def test_place_upload_in_factfinder_layout():
    row = FACTFINDER[2].replace(b"0500000US01001,01001", b"1600000US2646000,2646000")
    benchmarks = parse_upload(factfinder_place(row), filename="ACS_17_5YR_B03002_with_ann.csv")
    b = benchmarks["2646000"]
    assert b.vintage == "2013-2017" and "uploaded ACS_17_5YR_B03002_with_ann.csv" in b.source


NEW_HEADER = "GEO_ID,NAME," + ",".join(f"B03002_{n:03d}E,B03002_{n:03d}M" for n in range(1, 22))
NEW_LABELS = "Geography,Geographic Area Name," + ",".join(
    f'"Estimate!!Total:!!{n}","Margin of Error!!Total:!!{n}"' for n in range(1, 22)
)


def new_layout_row(geo, name, values):
    cells = []
    for n in range(1, 22):
        est, moe = values.get(n, (0, 0))
        cells += [str(est), str(moe)]
    return f'{geo},"{name}",' + ",".join(cells)


def test_place_upload_in_data_census_gov_layout():
    values = {
        1: (118210, "*****"),
        3: (65437, 1210),
        4: (26911, 998),
        5: (590, 151),
        6: (4617, 400),
        7: (30, 25),
        8: (204, 103),
        9: (7201, 690),
        12: (13220, "*****"),
    }
    text = "\n".join(
        [NEW_HEADER, NEW_LABELS, new_layout_row("1600000US2646000", "Lansing city, Michigan", values)]
    )
    b = parse_upload(("\ufeff" + text).encode("utf-8"), filename="ACSDT5Y2019.B03002-Data.csv")["2646000"]
    assert b.name == "Lansing city, Michigan" and b.vintage == "2015-2019"
    assert b.races["asian_pacific_islander"].value == 4647
    assert b.races["asian_pacific_islander"].moe == pytest.approx(math.hypot(400, 25))
    assert b.races["hispanic"].controlled and b.total.value == 118210


def test_vintage_from_filename():
    assert census.vintage_from_filename("ACS_17_5YR_B03002_with_ann.csv") == "2013-2017"
    assert census.vintage_from_filename("ACS_16_1YR_B03002.csv") == "2016"
    assert census.vintage_from_filename("ACSDT5Y2022.B03002-Data.csv") == "2018-2022"
    assert census.vintage_from_filename("lansing.csv") is None
    assert parse_upload(factfinder_place(FACTFINDER[2]))["01001"].vintage == "unknown vintage"


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "empty"),
        (b"\r\n\r\n", "empty"),
        (b"name,population\r\nLansing,118210\r\n", "not a Census Bureau table download"),
        (FACTFINDER[0] + b"\r\n" + FACTFINDER[1] + b"\r\n", "no geography below"),
        (b'GEO.id,GEO.id2,"unterminated\r\n', "not a readable CSV file"),
    ],
)
def test_bad_files(data, message):
    with pytest.raises(CensusFileError, match=message):
        parse_upload(data, filename="x.csv")


def test_missing_columns_are_named():
    header = FACTFINDER[0].decode().split(",")
    keep = [n for n, h in enumerate(header) if h not in ("HD01_VD04", "HD02_VD04", "HD02_VD12")]
    cut = lambda line: ",".join(line.decode("latin-1").split(",")[n] for n in keep).encode()  # noqa: E731
    data = b"\r\n".join([cut(FACTFINDER[0]), b"Id,Id2", cut(FACTFINDER[5])])
    with pytest.raises(CensusFileError) as error:
        parse_upload(data)
    text = str(error.value)
    assert "HD01_VD04 (Black or African American alone, not Hispanic or Latino)" in text
    assert "HD02_VD12 (Hispanic or Latino (of any race), margin of error)" in text


def test_a_different_table_is_recognised():
    header = "GEO_ID,NAME," + ",".join(f"B02001_{n:03d}E,B02001_{n:03d}M" for n in range(1, 11))
    with pytest.raises(CensusFileError, match="different table"):
        parse_upload((header + "\n").encode(), filename="ACSDT5Y2019.B02001-Data.csv")


def test_percentages_and_ragged_rows():
    text = "\n".join(
        [NEW_HEADER, NEW_LABELS, new_layout_row("1600000US2646000", "Lansing", {4: ("22.8%", 1)})]
    )
    with pytest.raises(CensusFileError, match="Line 3: the estimate for Black .* is '22.8%', not a number"):
        parse_upload(text.encode())
    text = "\n".join([NEW_HEADER, "1600000US2646000,Lansing,1,2"])
    with pytest.raises(CensusFileError, match="Line 2 has 4 fields"):
        parse_upload(text.encode())


def test_unpublished_margin():
    values = {1: (500, "*****"), 4: (20, "-999999999"), 3: (480, 12)}
    text = "\n".join([NEW_HEADER, NEW_LABELS, new_layout_row("1600000US0100124", "Tiny town", values)])
    b = parse_b03002(text, source="test")["0100124"]
    assert b.races["black"].moe is None and b.races["black"].value == 20


def test_typed_benchmark():
    b = census.typed_benchmark(
        name="Riverton",
        residents={"white": 50000, "black": 20000, "hispanic": None},
        source="city planning office",
        vintage="2020",
    )
    assert b.total.value == 70000 and b.population()["hispanic"] == 0 and b.races["black"].moe is None
    assert (
        census.typed_benchmark(name="R", residents={"white": 5}, total=9, source="s", vintage="v").total.value
        == 9
    )
    with pytest.raises(CensusFileError, match="smaller than the groups"):
        census.typed_benchmark(name="R", residents={"white": 5, "black": 5}, total=9, source="s", vintage="v")
    with pytest.raises(CensusFileError, match="Unknown categories: latino"):
        census.typed_benchmark(name="R", residents={"latino": 5}, source="s", vintage="v")
    with pytest.raises(CensusFileError, match="negative"):
        census.typed_benchmark(name="R", residents={"white": -5}, source="s", vintage="v")
    with pytest.raises(CensusFileError, match="at least one group"):
        census.typed_benchmark(name="R", residents={}, source="s", vintage="v")
