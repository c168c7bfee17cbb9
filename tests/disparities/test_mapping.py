"""Proposing column and value mappings, and normalising rows: plain modules, no database."""

from datetime import date, time
from decimal import Decimal

import pytest

from disparities.files import mapping as m
from disparities.files.normalise import Normaliser, officer_pseudonym


@pytest.mark.parametrize("column", ["RACE", "driver_race", "CitizenRace", "Citizen_Race", "subject_race"])
def test_race_column_synonyms(column):
    assert m.propose_columns(["DATE", column, "x"], "stop")["subject_race"] == column


@pytest.mark.parametrize(
    ("field", "raw", "canonical"),
    [
        ("subject_race", "W", "white"),
        ("subject_race", "B", "black"),
        ("subject_race", " Black", "black"),
        ("subject_race", "Hispanic ", "hispanic"),
        ("subject_race", "asian/pacific islander", "asian_pacific_islander"),
        ("subject_race", "AMER IND/ALASKAN", "native_american"),
        ("subject_race", "Not Specified", "unknown"),
        ("subject_race", "NA", "unknown"),
        ("subject_race", "Dog- Not Citizen", m.NOT_A_PERSON),
        ("subject_ethnicity", "H", "hispanic"),
        ("subject_ethnicity", "N", "not_hispanic"),
        ("subject_sex", "F", "female"),
        ("subject_sex", "Dog- Not Citizen", m.NOT_A_PERSON),
        ("arrest_made", "TRUE", "true"),
        ("arrest_made", "N", "false"),
        ("outcome", "Written Warning", "warning"),
        ("search_basis", "Probable Cause", "probable_cause"),
        ("search_basis", "Search Incident to Arrest", "incident_to_arrest"),
        ("disposition", "Not Sustained", "not_sustained"),
        ("disposition", "Partially Sustained", "sustained"),
        ("disposition", "Informational Only", "informational"),
        ("subject_injury", "No injuries noted or visible", "false"),
        ("subject_injury", "K-9 bite wound", "true"),
    ],
)
def test_value_proposals(field, raw, canonical):
    assert m.propose_value(field, raw).value == canonical


def test_date_and_time_formats_are_detected():
    assert m.detect_date_format(["4/1/17", "4/12/17", "12/30/17"])[0] == "%m/%d/%y"
    assert m.detect_date_format(["2016-08-04", "2015-09-13"])[0] == "iso"
    assert m.detect_date_format(["2018-01-27 12:00:00"])[0] == "iso"
    assert m.detect_time_format(["0700", "1249", "1740"])[0] == "%H%M"
    assert m.detect_time_format(["13:52:00", "01:48:00"])[0] == "%H:%M:%S"


def test_placeholder_time_is_no_time():
    header = ["Incident_Occurred_Date", "race"]
    rows = [[f"2018-01-{d:02d} 12:00:00", "W"] for d in range(1, 28)]
    mapping = m.propose(header, rows, "complaint")
    assert mapping["columns"]["date"] == "Incident_Occurred_Date" and mapping["time_format"] == "none"
    record, problems = Normaliser("complaint", mapping, header).record(2, rows[0])
    assert record[2] == date(2018, 1, 1) and record[3] is None and problems == []


def test_personal_columns_are_never_proposed():
    header = ["date", "race", "first_name", "Last Name", "Address", "DOB", "street"]
    mapping = m.propose(header, [], "arrest")
    assert set(mapping["personal_columns"]) == {"first_name", "Last Name", "Address", "DOB"}
    assert not set(mapping["columns"].values()) & set(mapping["personal_columns"])
    assert mapping["columns"]["location"] == "street"


def test_missing_required_column_is_named():
    assert any("race" in p for p in m.problems({"columns": {"date": "d"}}, ["d"]))


def test_header_key_ignores_order_and_case():
    assert m.header_key(["DATE", "Race"]) == m.header_key(["race", "date"])


def _normalise(kind, header, row, **overrides):
    mapping = m.propose(header, [row], kind)
    mapping.update(overrides)
    return Normaliser(kind, mapping, header, b"secret").record(7, row)


def test_hispanic_ethnicity_takes_precedence_over_race():
    record, _ = _normalise("stop", ["date", "race", "ethnicity"], ["2017-01-01", "W", "H"])
    assert record[8] == "hispanic" and record[9] == "W"


def test_unreadable_values_are_stored_as_missing_and_reported():
    header = ["date", "race", "age", "time"]
    record, problems = _normalise("stop", header, ["2017-02-30", "B", "936", "2561"], time_format="%H%M")
    assert record[2] is None and record[11] is None and record[3] is None
    assert sorted(p[0] for p in problems) == ["age", "date", "time"]
    assert any("936" in p[2] for p in problems)


def test_age_ranges_become_the_age_group_and_dogs_are_not_persons():
    header = ["date", "CitizenRace", "CitizenAge", "CitizenSex"]
    record, problems = _normalise("use_of_force", header, ["2018-01-10", "Black", "11-19", "Male"])
    assert record[11] is None and record[12] == "11-19" and record[13] is True and problems == []
    record, problems = _normalise(
        "use_of_force", header, ["2018-01-10", "Dog- Not Citizen", "Dog- Not Citizen", "Dog- Not Citizen"]
    )
    assert record[8] == "unknown" and record[13] is False and problems == []


def test_multi_valued_violations_are_kept():
    header = ["date", "race", "violation"]
    row = ["2017-01-01", "white", "NO TAIL LAMPS; POSS CONT SUB 1ST DEG, 1ST OFF; SPEEDING"]
    record, _ = _normalise("stop", header, row)
    assert record[-12] == ["NO TAIL LAMPS", "POSS CONT SUB 1ST DEG, 1ST OFF", "SPEEDING"]


def test_officer_ids_are_only_kept_as_a_keyed_pseudonym():
    record, _ = _normalise("stop", ["date", "race", "officer_id"], ["2017-01-01", "W", "4711"])
    assert record[14] == officer_pseudonym(b"secret", "4711") and "4711" not in record[14]
    assert officer_pseudonym(b"other city", "4711") != record[14]


def test_bremerton_dates_times_and_fines():
    header = ["DATE", "TIME", "RACE", "FINE"]
    record, problems = _normalise("citation", header, ["4/1/17", "0700", "W", "$1,124.50"])
    assert record[2] == date(2017, 4, 1) and record[3] == time(7, 0) and record[-1] == Decimal("1124.50")


def test_exported_mapping_is_validated_on_import():
    with pytest.raises(ValueError, match="columns"):
        m.validate_import({"nope": 1}, "stop")
    good = m.validate_import(
        {
            "columns": {"subject_race": "RACE", "bogus": "X"},
            "values": {"subject_race": {"W": "white", "Z": "zzz"}},
        },
        "stop",
    )
    assert good["columns"] == {"subject_race": "RACE"} and good["values"]["subject_race"] == {"W": "white"}


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("ky_owensboro_2020_04_01.csv", "stop"),
        ("Michigan_Lansing_COMPLAINTS.csv", "complaint"),
        ("Missouri_St._Louis_County_USE_OF_FORCE_MULTIPLE.csv", "use_of_force"),
        ("Washington_Bremerton_ARRESTS_April_2017.csv", "arrest"),
        ("Washington_Bremerton_CITATIONS_April_2017.csv", "citation"),
        ("generated", "stop"),
    ],
)
def test_the_fast_path_gives_exactly_what_the_careful_path_gives(name, kind, tmp_path):
    from disparities.files.generate import write_stops
    from disparities.files.normalise import Problem, copy_row
    from disparities.files.reader import open_table, preview
    from tests.builders import POLICE_SAMPLES

    path = write_stops(tmp_path / "g.csv", 3000) if name == "generated" else POLICE_SAMPLES / name
    table = open_table(path)
    rows, _ = preview(table)
    mapping = m.propose(table.header, rows, kind)
    careful = Normaliser(kind, mapping, table.header, b"k")
    fast = Normaliser(kind, mapping, table.header, b"k").fast(42)
    bad = 0
    for line, fields in open_table(path).rows():
        record, problems = careful.record(line, fields)
        try:
            assert fast(line, fields) == copy_row(kind, 42, record), line
        except Problem:
            bad += 1
            assert problems
    assert bad == 0 or name == "generated"


def test_a_time_column_that_carries_the_date_too():
    header = ["date", "race", "time"]
    record, problems = _normalise(
        "stop", header, ["2017-01-01", "W", "2017-01-01 13:52:00"], time_format="%H:%M:%S"
    )
    assert record[3] == time(13, 52) and problems == []
