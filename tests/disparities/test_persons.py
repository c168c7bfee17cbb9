"""Persons and stops across rows (California's RIPA files): each person counted once, by one rule.

San Diego's RIPA release has one row per person per perceived race (and per result), keyed by the
stop id and the person id within the stop. The expected figures here are computed from the raw
files with pandas, by the rule written below (Hispanic if any row says so, else multiracial when the
rows give more than one race), never with the app's own normalisation or rollups.
"""

import datetime as dt
import io
import re
from pathlib import Path

import pandas as pd
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape
from statsmodels.stats.proportion import proportion_confint

from disparities.files import mapping as m
from disparities.files.normalise import PERSON_RULE, columns_for, merge_person, resolve_race
from disparities.models import Dataset, ImportProblem, ProblemKind, Rollup, Status, Stop
from disparities.selectors import dashboard, report
from disparities.selectors.filters import Filters
from disparities.services import dashboards as services_dashboard
from disparities.services import imports
from tests.builders import imported_dataset
from tests.conftest import wait_for
from tests.disparities.test_publish import assert_no_small_count, publish

MULTIROW = Path("/work/shared/data/police/multirow")
RACES_FILE = MULTIROW / "ripa_race_datasd.csv"
RESULTS_FILE = MULTIROW / "ripa_stop_result_datasd.csv"

# RIPA's perceived races, read here by hand into the app's categories (Asian and Pacific Islander
# share one Census category, so a person perceived as both is of one race, not multiracial).
RIPA_RACES = {
    "Hispanic/Latino(a)": "hispanic",
    "Hispanic/Latine(x)": "hispanic",
    "White": "white",
    "Black/African American": "black",
    "Asian": "asian_pacific_islander",
    "Pacific Islander": "asian_pacific_islander",
    "Native American": "native_american",
    "Middle Eastern or South Asian": "middle_eastern_south_asian",
}
ARRESTS = {"Custodial Arrest without warrant", "Custodial Arrest pursuant to outstanding warrant"}
CITATIONS = {"Citation for infraction", "In-field cite and release"}
NO_BENCHMARK = {"middle_eastern_south_asian", "multiracial"}


def rule(races: pd.Series) -> str:
    known = set(races)
    if "hispanic" in known:
        return "hispanic"
    if len(known) > 1:
        return "multiracial"
    return known.pop()


def ripa_long_file() -> pd.DataFrame:
    """The race table joined to the result table by (stop id, person id), with a date for each stop
    (the release's main stops table, which holds the dates, is not in the shared data)."""
    races = pd.read_csv(RACES_FILE, dtype=str)
    results = pd.read_csv(RESULTS_FILE, dtype=str)
    joined = races.merge(results, on=["stop_id", "pid"], how="inner")
    start = dt.date(2018, 7, 1)
    joined["date"] = [str(start + dt.timedelta(days=int(s) % 60)) for s in joined["stop_id"]]
    return joined


def expected_persons(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.assign(canonical=frame["race"].map(RIPA_RACES))
    assert not frame["canonical"].isna().any()
    grouped = frame.groupby(["stop_id", "pid"])
    return pd.DataFrame(
        {
            "race": grouped["canonical"].agg(rule),
            "arrest": grouped["result"].agg(lambda r: bool(set(r) & ARRESTS)),
            "citation": grouped["result"].agg(lambda r: bool(set(r) & CITATIONS)),
        }
    )


# -- the rule itself (pure) --------------------------------------------------------------------


def test_the_rule_resolves_a_persons_races():
    assert resolve_race(["hispanic", "white"]) == "hispanic"
    assert resolve_race(["black", "asian_pacific_islander"]) == "multiracial"
    assert resolve_race(["white", "white", "unknown"]) == "white"
    assert resolve_race(["unknown", "unknown"]) == "unknown"
    assert resolve_race(["black", "hispanic", "white"]) == "hispanic"


def test_a_persons_rows_become_one_record_with_any_of_their_outcomes():
    names = [name for name, _ in columns_for("stop")]

    def row(line, race, **values):
        base = dict.fromkeys(names)
        base.update(line=line, subject_race=race, subject_race_raw=race.title(), is_person=True, violations=[],
                    outcome="", subject_sex="unknown", date=dt.date(2018, 7, 1), incident_id="9")  # fmt: skip
        base.update(values)
        return tuple(base[n] for n in names)

    merged = dict(zip(names, merge_person("stop", [
        row(7, "black", arrest_made=False, citation_issued=True, outcome="citation", violations=["A"]),
        row(3, "asian_pacific_islander", arrest_made=True, citation_issued=False, outcome="arrest",
            violations=["B", "A"], subject_sex="male"),
    ]), strict=True))  # fmt: skip
    assert merged["subject_race"] == "multiracial" and merged["line"] == 3
    assert merged["arrest_made"] is True and merged["citation_issued"] is True and merged["outcome"] == "arrest"
    assert merged["violations"] == ["A", "B"] and merged["subject_sex"] == "male"
    assert merged["subject_race_raw"] == "Black; Asian_Pacific_Islander"


def test_ripa_columns_and_categories_are_proposed():
    proposal = m.propose_columns(["stop_id", "pid", "race", "result", "date"], "stop")
    assert proposal["incident_id"] == "stop_id" and proposal["person_id"] == "pid"
    assert m.propose_value("subject_race", "Middle Eastern or South Asian").value == "middle_eastern_south_asian"
    assert m.propose_value("subject_race", "Multiracial").value == "multiracial"
    assert m.propose_value("subject_race", "Asian").value == "asian_pacific_islander"
    problems = m.problems({"columns": {"date": "date", "subject_race": "race", "person_id": "pid"}},
                          ["date", "race", "pid"])  # fmt: skip
    assert any("stop id" in p for p in problems)


# -- the real RIPA files through the upload pages and a real worker ----------------------------


@pytest.mark.django_db(transaction=True)
def test_ripa_files_import_one_record_per_person(celery_worker, client_as, city):
    frame = ripa_long_file()
    expected = expected_persons(frame)
    # The README's own figures tie this file to the release: persons, stops, one-race persons.
    assert len(expected) == 8_545 and frame["stop_id"].nunique() == 7_786
    assert len(frame) > len(expected)  # rows are not persons
    raw_races = pd.read_csv(RACES_FILE, dtype=str).groupby(["stop_id", "pid"])["race"]
    single = raw_races.agg(lambda r: r.iloc[0] if r.nunique() == 1 else "multiple").value_counts()
    assert single["Black/African American"] == 1_418 and single["multiple"] == 256
    by_race = expected["race"].value_counts()
    # Persons of one race only keep the README's counts; the rule moves the others.
    assert by_race["black"] == 1_418 and by_race["white"] == 2_972
    assert by_race["middle_eastern_south_asian"] == 314 and by_race["native_american"] == 9

    client = client_as(city, "staff")
    data = frame[["stop_id", "pid", "race", "result", "date"]].to_csv(index=False).encode()
    response = client.post(
        reverse("disparities:upload", args=[city.slug]),
        {"kind": "stop", "name": "San Diego RIPA", "file": SimpleUploadedFile("ripa.csv", data)},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    dataset = Dataset.objects.get(city=city)
    form = client.get(response.url).context["form"]
    posted = {name: form[name].value() or "" for name in form.fields}
    assert posted["col__incident_id"] == "stop_id" and posted["col__person_id"] == "pid"
    confirm = client.post(reverse("disparities:mapping", args=[city.slug, dataset.pk]), {**posted, "action": "import"})
    assert confirm.status_code == 302, (confirm.context["form"].errors, confirm.context.get("problems"))
    done = wait_for(lambda: Dataset.objects.filter(pk=dataset.pk, status__in=["imported", "failed"]).first(),
                    timeout=120)  # fmt: skip
    assert done.status == Status.IMPORTED, done.status_message
    assert done.rows_read == len(frame) and done.rows_imported == 8_545
    assert Stop.objects.filter(dataset=done).count() == 8_545

    rollup = pd.DataFrame(Rollup.objects.filter(dataset=done).values("race", "persons", "incidents", "arrests",
                                                                     "citations"))  # fmt: skip
    got = rollup.groupby("race").sum()
    for race, count in by_race.items():
        assert got.loc[race, "persons"] == count, race
    assert set(got.index) == set(by_race.index)
    per_race = expected.groupby("race")[["arrest", "citation"]].sum()
    for race in per_race.index:
        assert got.loc[race, "arrests"] == per_race.loc[race, "arrest"], race
        assert got.loc[race, "citations"] == per_race.loc[race, "citation"], race

    # The dashboard states the rule beside the figures; the new categories have no rate per resident.
    benchmark = services_dashboard.benchmark_create_from_county(city=city, fips="06073", created_by=None)
    page = client.get(reverse("disparities:dashboard", args=[city.slug, done.pk]), {"benchmark": benchmark.pk})
    html = page.content.decode()
    assert page.status_code == 200 and escape(PERSON_RULE) in html
    assert "no Census benchmark" in html and "Middle Eastern or South Asian" in html
    doc = client.get(reverse("disparities:report_json", args=[city.slug, done.pk]),
                     {"benchmark": benchmark.pk}).json()  # fmt: skip
    counts = next(t for t in doc["tables"] if t["key"] == "counts")
    assert PERSON_RULE in counts["note"]
    shown = {r["key"]: r["cells"]["persons"]["value"] for r in counts["rows"] if not r.get("total")}
    assert shown == {race: int(n) for race, n in by_race.items()}
    population = next(t for t in doc["tables"] if t["key"] == "population")
    rows = {r["key"]: r["cells"] for r in population["rows"]}
    for race in NO_BENCHMARK:
        assert rows[race]["events"]["value"] == by_race[race]
        for cell in ("rate", "ratio", "population_share"):
            assert rows[race][cell]["value"] is None
            assert "American Community Survey has no Middle Eastern" in rows["middle_eastern_south_asian"][cell][
                "not_recorded"]  # fmt: skip
            assert rows[race][cell]["not_recorded"].startswith("No Census benchmark")
    assert rows["black"]["rate"]["value"] is not None
    # Arrest and citation rates per person, with their Wilson intervals, recomputed with statsmodels.
    outcomes = {r["key"]: r["cells"] for r in next(t for t in doc["tables"] if t["key"] == "outcomes")["rows"]}
    persons_by_race = expected.groupby("race").size()
    for measure, flag in (("arrest_rate", "arrest"), ("citation_rate", "citation")):
        for race, n in persons_by_race.items():
            k = int(per_race.loc[race, flag])
            fig = outcomes[race][measure]
            assert fig["value"] == pytest.approx(k / n, rel=1e-9), (race, measure)
            low, high = proportion_confint(k, n, alpha=0.05, method="wilson")
            assert fig["interval"] == pytest.approx([max(0.0, low), min(1.0, high)], rel=1e-6), (race, measure)

    # The public page says the same, and its small cells (Native American: 9 persons) are protected.
    lead = client_as(city, "lead")
    snapshot = publish(lead, city, done, benchmark=benchmark.pk)
    assert_no_small_count(snapshot.content)
    client.logout()
    public = client.get(reverse("disparities:public_snapshot", args=[city.slug, snapshot.pk])).content.decode()
    assert "no Census benchmark" in public and "Persons across rows" in public
    assert "Multiracial" in public


# -- the new categories on a published page: small cells protected -----------------------------


def _small_ripa_file() -> bytes:
    """Many white and Black persons, and a few Middle Eastern or South Asian and multiracial ones."""
    lines = ["stop_id,pid,race,date"]
    stop = 0
    for race, persons in (("White", 140), ("Black/African American", 90), ("Middle Eastern or South Asian", 4)):
        for _ in range(persons):
            stop += 1
            lines.append(f"{stop},1,{race},2019-03-{stop % 28 + 1:02d}")
    for _ in range(3):  # perceived as Black and Asian: multiracial
        stop += 1
        lines += [f"{stop},1,Black/African American,2019-04-02", f"{stop},1,Asian,2019-04-02"]
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.django_db
def test_new_categories_pass_through_small_cell_protection(client_as, city):
    data = _small_ripa_file()
    dataset = imported_dataset(city, file="ripa_small.csv", data=data, kind="stop")
    assert dataset.status == Status.IMPORTED, dataset.status_message
    raw = pd.read_csv(io.BytesIO(data), dtype=str).assign(canonical=lambda f: f["race"].map(RIPA_RACES))
    expected = raw.groupby(["stop_id", "pid"])["canonical"].agg(rule).value_counts()
    assert expected["multiracial"] == 3 and expected["middle_eastern_south_asian"] == 4
    benchmark = services_dashboard.benchmark_create_from_county(city=city, fips="06073", created_by=None)
    exact = report.document(dashboard.dashboard(dataset=dataset, filters=Filters(), benchmark=benchmark))
    counts = next(t for t in exact["tables"] if t["key"] == "counts")
    shown = {r["key"]: r["cells"]["persons"] for r in counts["rows"] if not r.get("total")}
    # This file has no Hispanic value: "not recorded by this agency", not 0.
    assert shown.pop("hispanic")["not_recorded"]
    assert {race: fig["value"] for race, fig in shown.items()} == {race: int(n) for race, n in expected.items()}
    snapshot = publish(client_as(city, "lead"), city, dataset, benchmark=benchmark.pk)
    public = snapshot.content
    assert_no_small_count(public)
    hidden = 0
    for table in public["tables"]:
        for row in table["rows"]:
            if row["key"] in NO_BENCHMARK:
                for fig in row["cells"].values():
                    if fig and fig.get("value") is not None:
                        pytest.fail(f"{table['key']} {row['key']} shows {fig['value']}")
                    hidden += bool(fig and fig.get("suppressed"))
    assert hidden > 0


# -- bad input: rows that cannot be joined to their person -------------------------------------


@pytest.mark.django_db
def test_a_missing_person_id_is_reported_on_its_line(city):
    data = (
        b"stop_id,pid,race,date\n"
        b"1,1,White,2019-01-02\n"
        b"1,1,Hispanic/Latino(a),2019-01-02\n"
        b"1,,Black/African American,2019-01-02\n"
        b"2,1,Black/African American,2019-01-03\n"
        b"2,1,Asian,2019-01-03\n"
        b",1,White,2019-01-04\n"
        b"3,2,White,2019-01-05\n"
    )
    dataset = imported_dataset(city, file="ripa_gaps.csv", data=data, kind="stop")
    assert dataset.status == Status.IMPORTED, dataset.status_message
    assert dataset.rows_read == 7 and dataset.rows_imported == 3 and dataset.rows_rejected == 2
    races = dict(Stop.objects.filter(dataset=dataset).values_list("incident_id", "subject_race"))
    assert races == {"1": "hispanic", "2": "multiracial", "3": "white"}
    problems = {p.line: p for p in ImportProblem.objects.filter(dataset=dataset, kind=ProblemKind.ROW_REJECTED)}
    assert set(problems) == {4, 7}
    assert problems[4].column == "pid" and "No person id on this line" in problems[4].reason
    assert problems[7].column == "stop_id" and "No stop id on this line" in problems[7].reason


@pytest.mark.django_db
def test_a_file_whose_rows_all_lack_a_person_id_fails_with_the_reason(city):
    data = b"stop_id,pid,race,date\n1,,White,2019-01-02\n2,,Black,2019-01-03\n"
    dataset = imported_dataset(city, file="ripa_nopid.csv", data=data, kind="stop")
    assert dataset.status == Status.FAILED
    assert "None of the 2 rows" in dataset.status_message and "No person id" in dataset.status_message


# -- the reaper: uploads stuck in "Reading the file" --------------------------------------------


@pytest.mark.django_db
def test_the_reaper_fails_an_upload_stuck_reading_the_file(city, settings):
    from django.utils import timezone

    from tests.builders import police_file

    settings.POLICE_UPLOAD_READ_IN_WORKER_MB = 0  # every upload is read by the worker
    from disparities.services import datasets as services

    stuck = services.dataset_upload(city=city, kind="stop", file=police_file("a.csv", b"DATE,RACE\n2019-01-01,W\n"),
                                    defer_large=True)  # fmt: skip
    fresh = services.dataset_upload(city=city, kind="stop", file=police_file("b.csv", b"DATE,RACE\n2019-01-02,B\n"),
                                    defer_large=True)  # fmt: skip
    assert stuck.status == fresh.status == Status.UPLOADED
    path = Path(stuck.file.path)
    assert path.exists()
    Dataset.objects.filter(pk=stuck.pk).update(uploaded_at=timezone.now() - dt.timedelta(hours=4))
    settings.POLICE_UPLOAD_READ_STALE_SECONDS = 3600

    # While an import runs the worker is busy: nothing is reaped.
    running = imported_dataset(city, file="c.csv", data=b"DATE,RACE\n2019-01-03,W\n", kind="stop")
    Dataset.objects.filter(pk=running.pk).update(status=Status.IMPORTING)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(imports, "_reap_stopped", lambda: 0)
        assert imports.datasets_reap_stale() == 0
    Dataset.objects.filter(pk=running.pk).update(status=Status.IMPORTED)

    assert imports.datasets_reap_stale() == 1
    stuck.refresh_from_db()
    fresh.refresh_from_db()
    assert stuck.status == Status.FAILED and "never read" in stuck.status_message and not stuck.file
    assert not path.exists()
    assert fresh.status == Status.UPLOADED and Path(fresh.file.path).exists()
    # A reading that turns up late finds the dataset failed and keeps nothing.
    assert services.dataset_read(dataset_id=stuck.pk) is None
    assert re.search("upload it again", stuck.status_message)


# -- the related tables of one release, uploaded together in a zip and joined by stop id --------


def _zip(files: dict[str, bytes]) -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _stops_table(stop_ids) -> bytes:
    """The release's main stops table (not in the shared data): one row per stop, with its date."""
    start = dt.date(2018, 7, 1)
    lines = ["stop_id,date_stop,time_stop,beat"]
    lines += [f"{s},{start + dt.timedelta(days=int(s) % 60)},{int(s) % 24:02d}:15,{int(s) % 9 + 1}" for s in stop_ids]
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.django_db(transaction=True)
def test_a_release_zip_is_joined_by_stop_id_and_counts_each_person_once(celery_worker, client_as, city):
    races = pd.read_csv(RACES_FILE, dtype=str)
    results = pd.read_csv(RESULTS_FILE, dtype=str)
    stop_ids = sorted(set(races["stop_id"]), key=int)
    data = _zip({
        "ripa_stops_datasd.csv": _stops_table(stop_ids),
        "ripa_race_datasd.csv": RACES_FILE.read_bytes(),
        "ripa_stop_result_datasd.csv": RESULTS_FILE.read_bytes(),
    })  # fmt: skip
    client = client_as(city, "staff")
    response = client.post(
        reverse("disparities:upload", args=[city.slug]),
        {"kind": "stop", "name": "San Diego RIPA release", "file": SimpleUploadedFile("ripa.zip", data)},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    dataset = Dataset.objects.get(city=city)
    read = wait_for(lambda: Dataset.objects.filter(pk=dataset.pk, status__in=["mapping", "failed"]).first(),
                    timeout=120)  # fmt: skip
    assert read.status == Status.MAPPING, read.status_message
    release = read.file_format["release"]
    # Every person's races times their results, for the stops of the main table.
    expected_rows = int(
        (races.groupby(["stop_id", "pid"]).size() * results.groupby(["stop_id", "pid"]).size()).sum()
    )
    assert release["rows"] == expected_rows
    assert [t["rows"] for t in release["tables"]] == [len(stop_ids), len(races), len(results)]
    assert not read.file.name.endswith(".zip")  # the zip was replaced by the joined table

    page = client.get(reverse("disparities:mapping", args=[city.slug, read.pk]))
    form = page.context["form"]
    posted = {name: form[name].value() or "" for name in form.fields}
    assert (posted["col__incident_id"], posted["col__person_id"], posted["col__date"]) == ("stop_id", "pid",
                                                                                         "date_stop")  # fmt: skip
    confirm = client.post(reverse("disparities:mapping", args=[city.slug, read.pk]), {**posted, "action": "import"})
    assert confirm.status_code == 302, (confirm.context["form"].errors, confirm.context.get("problems"))
    done = wait_for(lambda: Dataset.objects.filter(pk=read.pk, status__in=["imported", "failed"]).first(),
                    timeout=120)  # fmt: skip
    assert done.status == Status.IMPORTED, done.status_message
    expected = expected_persons(races.merge(results, on=["stop_id", "pid"]))
    assert done.rows_imported == len(expected) == 8_545 and done.rows_rejected == 0
    got = pd.DataFrame(Rollup.objects.filter(dataset=done).values("race", "persons", "incidents", "arrests"))
    got = got.groupby("race").sum()
    assert got["persons"].to_dict() == expected["race"].value_counts().to_dict()
    assert got["arrests"].to_dict() == expected.groupby("race")["arrest"].sum().to_dict()
    assert Stop.objects.filter(dataset=done).values("incident_id").distinct().count() == 7_786
    assert Stop.objects.filter(dataset=done, district="").count() == 0  # the stops table's beat came along
    detail = client.get(reverse("disparities:detail", args=[city.slug, done.pk])).content.decode()
    assert "Joined from the tables of one release" in detail and "ripa_race_datasd.csv: 9,105 rows" in detail
    assert f"{release['rows']:,} rows read, imported as 8,545 persons" in detail and escape(PERSON_RULE) in detail


def _refused(city, files: dict[str, bytes]) -> str:
    from django.core.exceptions import ValidationError

    from disparities.services import datasets as services
    from tests.builders import police_file

    with pytest.raises(ValidationError) as caught:
        services.dataset_upload(city=city, kind="stop", file=police_file("release.zip", _zip(files)))
    assert not Dataset.objects.filter(city=city).exists()
    return " ".join(caught.value.messages)


@pytest.mark.django_db
def test_release_tables_that_do_not_join_are_refused_in_words(city, settings):
    stops = b"stop_id,date\n1,2019-01-01\n2,2019-01-02\n"
    races = b"stop_id,pid,race\n1,1,White\n2,1,Black/African American\n"
    no_key = b"person,race\n1,White\n"
    stray = b"stop_id,pid,race\n1,1,White\n77,1,Asian\n78,2,White\n"

    message = _refused(city, {"stops.csv": stops, "races.csv": no_key})
    assert "“races.csv” has no stop id column" in message and "person, race" in message
    message = _refused(city, {"stops.csv": stops, "races.csv": stray})
    assert "2 rows have a stop id that is not in “stops.csv” (first: 77, 78)" in message
    message = _refused(city, {"races.csv": races, "results.csv": b"stop_id,pid,result\n1,1,Warning\n"})
    assert "has a date" in message and "main stops table" in message
    settings.POLICE_RELEASE_MAX_MB = 1
    many = b"stop_id,pid,race\n" + b"".join(b"1,%d,White\n" % i for i in range(100_000))
    message = _refused(city, {"stops.csv": stops, "races.csv": many})
    assert "larger than 1 MB once unpacked, together" in message
    # Nothing of a refused upload is left on the server.
    media = Path(settings.MEDIA_ROOT)
    assert not [p for p in media.rglob("*") if p.is_file()]


def _joined(tmp_path, files: dict[str, bytes]) -> list[list[str]]:
    import csv

    from disparities.files.reader import open_zip_tables
    from disparities.files.release import join_release

    path = tmp_path / "release.zip"
    path.write_bytes(_zip(files))
    out = io.StringIO()
    join_release(open_zip_tables(path), out)
    return list(csv.reader(io.StringIO(out.getvalue())))


def test_the_join_writes_each_persons_rows_and_keeps_stops_without_persons(tmp_path):
    rows = _joined(tmp_path, {
        "stops.csv": b"stop_id,date,code\n1,2019-01-01,A\n2,2019-01-02,B\n3,2019-01-03,C\n",
        "races.csv": b"stop_id,pid,race\n1,1,White\n1,1,Hispanic\n1,2,Black\n2,1,Asian\n",
        "results.csv": b"stop_id,pid,result,code\n1,1,Warning,7\n1,2,Arrest,8\n1,2,Citation,9\n",
    })  # fmt: skip
    assert rows[0] == ["stop_id", "date", "code", "pid", "race", "result", "results_code"]
    assert rows[1:] == [
        ["1", "2019-01-01", "A", "1", "White", "Warning", "7"],
        ["1", "2019-01-01", "A", "1", "Hispanic", "Warning", "7"],
        ["1", "2019-01-01", "A", "2", "Black", "Arrest", "8"],
        ["1", "2019-01-01", "A", "2", "Black", "Citation", "9"],
        ["2", "2019-01-02", "B", "1", "Asian", "", ""],
        ["3", "2019-01-03", "C", "", "", "", ""],  # no person: rejected at import, with its line
    ]


def test_the_join_refuses_a_person_the_stops_table_does_not_have(tmp_path):
    from disparities.files.reader import FileProblem

    with pytest.raises(FileProblem, match=r"1 row has a stop id and person that is not in “persons.csv” \(first: 1 person 3\)"):
        _joined(tmp_path, {
            "persons.csv": b"stop_id,pid,date\n1,1,2019-01-01\n1,2,2019-01-01\n",
            "races.csv": b"stop_id,pid,race\n1,1,White\n1,3,Black\n",
        })  # fmt: skip
