"""Refusals that name the real problem, and rows that are not records left out by a value rule.

When a required field cannot be proposed, the mapping page and `import_dataset` list the columns
that could hold it with a few of their values; an aggregated file (a count column) is called
aggregated; a complaints file without the complainant's race says what it can and cannot give.
"""

import io
from pathlib import Path

import pandas as pd
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from disparities.files import mapping as m
from disparities.models import Dataset
from tests.builders import generated_stops, imported_dataset, uploaded_dataset

pytestmark = pytest.mark.django_db

DURHAM = Path("/work/shared/data/police/aggregated/durham_nc_stops_searches_by_purpose_race.csv")
REPORTED = b"CaseNo,DateReported,Race,Sex,Beat\n19-1,2019-01-03,W,M,A1\n19-2,2019-01-05,B,F,B2\n19-3,2019-02-11,W,M,A1\n"
AGGREGATED = (
    b"kind,year,purpose,driver_race,count\n"
    b"stops,2002,Speed Limit Violation,White,123\nstops,2002,Speed Limit Violation,Black,240\n"
    b"searches,2002,Speed Limit Violation,Black,12\n"
)
NO_COMPLAINANT_RACE = (
    b"Incident_Occurred_Date,Allegation,Incident_Disposition,Officer_Race,Incident_ID\n"
    b"2018-01-27,Use of Force,Sustained,White,1\n2018-02-03,Courtesy,Not Sustained,Black,2\n"
)


def url(name, city, *args):
    return reverse(f"disparities:{name}", args=[city.slug, *args])


def command_error(city, tmp_path, name, data, kind):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(CommandError) as error:
        call_command("import_dataset", str(path), city=city.slug, kind=kind)
    assert not Dataset.objects.filter(city=city).exists()  # nothing left behind
    return str(error.value)


def test_a_date_reported_column_is_listed_as_a_date_with_its_values(city, client_as, tmp_path):
    message = command_error(city, tmp_path, "reported.csv", REPORTED, "stop")
    assert "Choose the column that holds the date" in message
    assert "“DateReported” (2019-01-03, 2019-01-05, 2019-02-11)" in message
    dataset = uploaded_dataset(city, file="reported.csv", data=REPORTED, kind="stop")
    page = client_as(city, "staff").get(url("mapping", city, dataset.pk)).content.decode()
    assert "“DateReported” (2019-01-03, 2019-01-05, 2019-02-11)" in page
    assert 'id="mapping-advice"' in page


def test_an_aggregated_file_is_imported_by_its_count_column_and_said_to_be(city, tmp_path, capsys):
    path = tmp_path / "durham.csv"
    path.write_bytes(AGGREGATED)
    call_command("import_dataset", str(path), city=city.slug, kind="stop")
    out = capsys.readouterr().out
    # 123 + 240 stops; the 12 searches are among those stops, not more of them.
    assert "This file is aggregated: the 3 rows imported stand for 363 records (column “count”)" in out
    assert "Its dates are only years: figures by month are not offered." in out


def test_an_aggregated_file_without_a_year_names_its_count_column(city, tmp_path):
    data = b"kind,purpose,driver_race,count\nstops,Speed,White,123\nstops,Speed,Black,240\nsearches,Speed,Black,12\n"
    message = command_error(city, tmp_path, "durham.csv", data, "stop")
    assert "looks aggregated" in message and "“count” (123, 240, 12)" in message
    assert "proposed as “records in this row”" in message


def test_the_real_durham_export_is_imported_as_aggregated(city, tmp_path, capsys):
    if not DURHAM.is_file():
        pytest.skip(f"{DURHAM} is not on this machine")
    path = tmp_path / DURHAM.name
    path.write_bytes(DURHAM.read_bytes())
    call_command("import_dataset", str(path), city=city.slug, kind="stop")
    assert "stand for 322,891 records (column “count”)" in capsys.readouterr().out


def test_a_complaints_file_without_the_complainants_race_says_what_it_can_still_give(city, tmp_path):
    message = command_error(city, tmp_path, "complaints.csv", NO_COMPLAINANT_RACE, "complaint")
    assert "No column holds the complainant's race" in message
    assert "“Officer_Race” (White, Black) is the officer's race" in message
    assert "cannot give disparity figures" in message and "share sustained by officer race" in message


def test_candidates_are_named_without_a_database():
    rows = [["19-1", "2019-01-03", "W"], ["19-2", "2019-01-05", "B"]]
    header = ["CaseNo", "Reported", "Code"]
    mapping = m.propose(header, rows, "stop")
    advice = " ".join(m.missing_field_help(mapping, header, rows, "stop"))
    assert "“Reported” (2019-01-03, 2019-01-05)" in advice
    assert "these hold race values: “Code” (W, B)" in advice


# -- rows that are not records ------------------------------------------------------------------


def _with_junk() -> tuple[bytes, pd.DataFrame]:
    """Generated stops with a STATUS column (some VOID), a quarter separator row, and another agency's rows."""
    df = pd.read_csv(io.BytesIO(generated_stops(400)), dtype=str, keep_default_na=False)
    df["status"] = ["VOID" if i % 37 == 0 else "OK" for i in range(len(df))]
    df["agency"] = ["County Sheriff" if i % 53 == 0 else "City PD" for i in range(len(df))]
    separator = dict.fromkeys(df.columns, "")
    separator["raw_row_number"] = "Q2 2019"
    separator["status"] = "QUARTER"
    out = pd.concat([df.iloc[:100], pd.DataFrame([separator]), df.iloc[100:]], ignore_index=True)
    return out.to_csv(index=False).encode(), df


def test_rows_left_out_by_value_rules_are_counted_by_rule(city, client_as):
    data, df = _with_junk()
    dataset = uploaded_dataset(city, file="stops.csv", data=data, kind="stop")
    mapping = dict(dataset.mapping)
    mapping["exclude"] = [
        {
            "column": "status",
            "values": ["VOID", "QUARTER"],
            "reason": "voided reports and quarter separators",
        },
        {"column": "agency", "values": ["County Sheriff"], "reason": "another department's rows"},
    ]
    dataset = imported_dataset(city, file="stops.csv", data=data, kind="stop", mapping=mapping)
    assert dataset.status == "imported", dataset.status_message
    void = int((df["status"] == "VOID").sum())
    other = int(((df["status"] != "VOID") & (df["agency"] == "County Sheriff")).sum())
    assert [rule["rows"] for rule in dataset.exclusions] == [void + 1, other]
    assert dataset.rows_excluded == void + 1 + other
    kept = df[(df["status"] != "VOID") & (df["agency"] != "County Sheriff")]
    assert dataset.rows_imported == len(kept) and dataset.rows_read == len(df) + 1
    assert dataset.rows_rejected == 0  # a separator left out is not a rejected row
    page = client_as(city, "viewer").get(url("detail", city, dataset.pk)).content.decode()
    assert f"{void + 1} rows left out where" in page and "voided reports and quarter separators" in page
    doc = client_as(city, "viewer").get(url("report_json", city, dataset.pk)).json()
    counts = next(t for t in doc["tables"] if t["key"] == "counts")
    total = next(r for r in counts["rows"] if r["total"])
    assert total["cells"]["rows"]["value"] == len(kept)


def test_a_rule_is_added_on_the_mapping_page_and_kept_in_the_exported_mapping(city, client_as):
    data, df = _with_junk()
    dataset = uploaded_dataset(city, file="stops.csv", data=data, kind="stop")
    client = client_as(city, "staff")
    form = client.get(url("mapping", city, dataset.pk)).context["form"]
    post = {name: form[name].value() or "" for name in form.fields}
    post = {k: v for k, v in post.items() if v is not False}
    post.update(excl_column="status", excl_values="VOID\nQUARTER\n", excl_reason="voided reports")
    assert client.post(url("mapping", city, dataset.pk), {**post, "action": "save"}).status_code == 302
    dataset.refresh_from_db()
    assert dataset.mapping["exclude"] == [
        {"column": "status", "values": ["VOID", "QUARTER"], "reason": "voided reports"}
    ]
    form = client.get(url("mapping", city, dataset.pk)).context["form"]
    assert form["excl_keep__0"].value() is True
    exported = client.get(url("mapping_json", city, dataset.pk)).json()
    assert exported["exclude"] == dataset.mapping["exclude"]
    assert m.validate_import(exported, "stop")["exclude"] == exported["exclude"]
    # A values list without a column is refused in words.
    bad = {**post, "excl_column": "", "action": "save"}
    response = client.post(url("mapping", city, dataset.pk), bad)
    assert (
        response.status_code == 400
        and "Choose the column that holds these values" in response.content.decode()
    )


def test_the_mapping_page_says_what_the_dashboards_will_call_not_recorded(city, client_as):
    from tests.builders import OWENSBORO

    dataset = uploaded_dataset(city, file=OWENSBORO)
    page = client_as(city, "staff").get(url("mapping", city, dataset.pk)).content.decode()
    assert 'id="mapping-not-recorded"' in page
    assert (
        "Search rate: Not recorded in this file: no column for searches or the search basis was mapped."
        in page
    )
    assert "no Hispanic category and no ethnicity column" in page
    assert "Arrest rate:" not in page  # arrest_made and outcome are both there


def test_the_command_imports_with_value_rules_and_says_what_they_left_out(city, tmp_path, capsys):
    import json

    data, df = _with_junk()
    path = tmp_path / "stops.csv"
    path.write_bytes(data)
    rules = tmp_path / "mapping.json"
    header = list(pd.read_csv(io.BytesIO(data), nrows=0).columns)
    rules.write_text(
        json.dumps(
            {
                "columns": {"date": "date", "time": "time", "subject_race": "subject_race"},
                "exclude": [{"column": "status", "values": ["VOID", "QUARTER"], "reason": "voided reports"}],
                "header": header,
            }
        )
    )
    call_command("import_dataset", str(path), city=city.slug, kind="stop", mapping=str(rules))
    out = capsys.readouterr().out
    void = int((df["status"] == "VOID").sum()) + 1
    assert f"{void} rows left out as not records" in out
    assert f"{void} left out where “status” is VOID or QUARTER (voided reports)" in out


def test_the_dataset_page_says_hispanic_is_not_recorded_by_this_agency(city, client_as):
    from tests.builders import BREMERTON_ARRESTS

    dataset = imported_dataset(city, file=BREMERTON_ARRESTS)
    page = client_as(city, "viewer").get(url("detail", city, dataset.pk)).content.decode()
    assert "not recorded by this agency" in page and "most likely counted as white" in page


def test_value_rules_from_a_mapping_file_are_checked_for_shape():
    rules = m.exclusion_rules(
        {
            "exclude": [
                {"column": "a\x00"},  # a NUL cannot be stored: the rule is dropped
                {"column": "S", "values": ["V\x00", 3, None, {"x": 1}], "reason": "r"},
                "junk",
                {"column": "T", "values": "VOID"},
                {"column": "U", "values": []},
            ]
        }
    )
    assert rules == [
        {"column": "S", "values": ["V", "3"], "reason": "r"},
        {"column": "T", "values": ["VOID"], "reason": ""},
    ]
    with pytest.raises(ValueError, match="must be a list of rules"):
        m.validate_import({"columns": {}, "exclude": "VOID"}, "stop")
    assert m.problems({"columns": {"date": "D", "subject_race": "R"}, "exclude": rules}, ["D", "R", "S"]) == [
        "The column “T” of the rule for rows to leave out is not in this file."
    ]
