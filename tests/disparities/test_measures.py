"""Every measure is defined once (disparities/measures.py): the rollup table has exactly its columns,
and on every real file and on a generated 40,000-stop file each rollup column holds what the
measure's records say, counted here from the records themselves, cell by cell."""

from collections import Counter, defaultdict
from pathlib import Path

import pytest
from django.db.models import Q, Sum
from django.db.models.functions import TruncMonth

from disparities import measures
from disparities.measures import MEASURES, ROLLUP_MEASURES, SHARES, sql_condition
from disparities.models import RECORD_MODELS, FineRollup, Kind, Rollup
from tests.builders import POLICE_FILES, generated_stops, imported_dataset

pytestmark = pytest.mark.django_db

GENERATED = "generated"  # 40,000 generated stops with searches, hits and outcomes by race
CELL = ("race", "month", "is_person")
# Open Data Policing NC's aggregated export: a count per row, and rows that count searches of other rows' stops.
DURHAM = Path("/work/shared/data/police/aggregated/durham_nc_stops_searches_by_purpose_race.csv")


def test_the_rollup_has_a_column_for_every_measure_and_a_measure_for_every_column():
    columns = {f.name for f in Rollup._meta.concrete_fields} - {"id", "dataset"}
    assert set(measures.DIMENSIONS) <= columns
    assert columns - set(measures.DIMENSIONS) == set(ROLLUP_MEASURES)
    assert [name for name, m in MEASURES.items() if not m.in_rollup] == ["fines_above"]


def test_every_measure_says_what_it_counts_and_what_its_records_are():
    for name, m in MEASURES.items():
        assert m.name == name and m.label and m.unit in {"records", "incidents", "values", "US dollars"}, name
        assert m.counts_incidents == bool(m.listed), name
        if m.listed:
            assert MEASURES[m.listed].listable and not MEASURES[m.listed].counts_incidents, name
        assert m.listable or m.unit in {"values", "US dollars"}, name  # only sums have no records to list
        assert set(m.records) | set(m.sql) | set(m.incident_sql) <= {measures.ALL, *Kind.values}, name
    for name, share in SHARES.items():
        assert share.numerator in MEASURES and share.denominator in MEASURES, name
        assert MEASURES[share.numerator].listable and MEASURES[share.denominator].listable, name


def test_a_count_is_one_condition_for_its_sql_and_its_records():
    hits = MEASURES["hits_discretionary"]
    assert hits.rollup_sql(Kind.STOP, has_incident_id=False) == (
        "coalesce(sum(weight) FILTER (WHERE search_conducted AND contraband_found AND search_basis IN "
        "('consent', 'probable_cause', 'plain_view', 'k9', 'other')), 0)"
    )
    # A hit of a discretionary search is a search: the drill-down asks for one too.
    assert hits.record_q(Kind.STOP) == Q(
        search_conducted=True, contraband_found=True, search_basis__in=measures.DISCRETIONARY_BASES
    )
    assert hits.rollup_sql(Kind.ARREST, has_incident_id=False) == "0" and hits.record_q(Kind.ARREST) is None
    injuries = MEASURES["injuries"]  # of records about a person only
    assert injuries.record_q(Kind.USE_OF_FORCE) == Q(subject_injured=True, is_person=True)
    assert "is_person" in injuries.rollup_sql(Kind.USE_OF_FORCE, has_incident_id=False)
    assert MEASURES["incidents"].rollup_sql(Kind.COMPLAINT, has_incident_id=True) == "sum(first_pair)"
    assert MEASURES["incidents"].rollup_sql(Kind.COMPLAINT, has_incident_id=False) == (
        "coalesce(sum(weight) FILTER (WHERE in_total AND is_person), 0)"
    )
    # A row of an aggregated file stands for `weight` records; a row counting searches among other
    # rows' stops (`in_total` false) is not another record.
    assert MEASURES["rows"].rollup_sql(Kind.STOP, has_incident_id=False) == (
        "coalesce(sum(weight) FILTER (WHERE in_total), 0)"
    )


@pytest.mark.parametrize(
    "lookups", [{"subject_race__startswith": "b"}, {"search_basis__in": ["k9'); DROP TABLE x; --"]}, {"x": 1}]
)
def test_a_condition_the_module_cannot_write_as_sql_is_refused(lookups):
    with pytest.raises(ValueError):
        sql_condition(lookups)


def _dataset(city, name):
    if name == DURHAM.name:
        if not DURHAM.is_file():
            pytest.skip(f"{DURHAM} is not on this machine")
        return imported_dataset(city, file=name, data=DURHAM.read_bytes(), kind="stop")
    if name == GENERATED:
        return imported_dataset(city, file="stops.csv", data=generated_stops(40_000, seed=2024), kind="stop")
    return imported_dataset(city, file=name)


def _rollup_cells(dataset, column):
    rows = Rollup.objects.filter(dataset=dataset).values(*CELL).annotate(n=Sum(column))
    return {tuple(r[k] for k in CELL): r["n"] for r in rows if r["n"]}


def _cell(record):
    month = record["date"].replace(day=1) if record["date"] else None
    return (record["subject_race"], month, record["is_person"])


def _incident_cells(records, *, all_races: bool, sustained: bool) -> Counter:
    """Incidents counted as the rollups promise: each (incident, race) pair of records about a person
    (or each incident, `all_races`) once, at its first record in file order."""
    first: dict[tuple, dict] = {}
    any_sustained: dict[tuple, bool] = defaultdict(bool)
    for r in records:
        if not (all_races or r["is_person"]):
            continue
        key = ("id", r["incident_id"]) if r["incident_id"] else ("line", r["id"])
        pair = key if all_races else (key, r["subject_race"])
        first.setdefault(pair, r)
        any_sustained[pair] |= bool(r.get("sustained"))
    return Counter(_cell(r) for pair, r in first.items() if not sustained or any_sustained[pair])


@pytest.mark.parametrize("name", [*POLICE_FILES, GENERATED, DURHAM.name])
def test_every_rollup_column_counts_what_its_measure_says_in_every_cell(city, name):
    dataset = _dataset(city, name)
    assert dataset.status == "imported", dataset.status_message
    records = RECORD_MODELS[dataset.kind].objects.filter(dataset=dataset)
    fields = {f.name for f in records.model._meta.fields}
    listed = [
        f
        for f in ("id", "line", "incident_id", "subject_race", "date", "is_person", "sustained")
        if f in fields
    ]
    in_file_order = list(records.order_by("line", "id").values(*listed))
    checked = 0
    for column in ROLLUP_MEASURES:
        measure = MEASURES[column]
        rollup = _rollup_cells(dataset, column)
        q = measure.record_q(dataset.kind)
        if measure.counts_incidents and dataset.has_incident_id:
            expected = _incident_cells(
                in_file_order, all_races=column == "incidents_all", sustained=column == "sustained_incidents"
            )
        elif q is not None:
            rows = (
                records.filter(q).annotate(month=TruncMonth("date"))
                .values("subject_race", "month", "is_person").annotate(n=Sum("weight"))
            )  # fmt: skip
            expected = Counter({(r["subject_race"], r["month"], r["is_person"]): r["n"] for r in rows})
        elif column == "violations" and dataset.kind in (Kind.STOP, Kind.ARREST, Kind.CITATION):
            array = "charges" if dataset.kind == Kind.ARREST else "violations"
            expected = Counter()
            for r in records.values("subject_race", "date", "is_person", "weight", array):
                expected[_cell(r)] += len(r[array]) * r["weight"]
        elif column == "fines_total" and dataset.kind == Kind.CITATION:
            expected = Counter()
            for r in records.exclude(fine_amount=None).values(
                "subject_race", "date", "is_person", "fine_amount", "weight"
            ):
                expected[_cell(r)] += r["fine_amount"] * r["weight"]
        else:
            expected = Counter()  # not recorded by this kind of record: 0 in every cell
        assert rollup == {k: v for k, v in expected.items() if v}, column
        checked += bool(expected)
    assert checked >= 5
    # The fine amounts by race (medians, shares above a threshold) count the same fines.
    fines = FineRollup.objects.filter(dataset=dataset).aggregate(n=Sum("count"))["n"] or 0
    assert fines == Rollup.objects.filter(dataset=dataset).aggregate(n=MEASURES["fines"].total())["n"]


# What each record field of a measure's condition needs from the mapping (`Measure.needs`).
FIELD_NEEDS = {
    "search_conducted": {"search_conducted", "search_basis"},
    "search_basis__in": {"search_basis"},
    "contraband_found": {"contraband_found"},
    "frisk_performed": {"frisk_performed"},
    "arrest_made": {"arrest_made", "outcome"},
    "citation_issued": {"citation_issued", "outcome"},
    "warning_issued": {"warning_issued", "outcome"},
    "subject_injured": {"subject_injury"},
    "officer_injured": {"officer_injury"},
    "sustained": {"disposition"},
    "fine_amount__isnull": {"fine_amount"},
    "time__isnull": {"time", "time_in_date"},
}


def test_every_measure_needs_the_columns_its_records_are_read_from():
    """A measure counted from a field the mapping may leave out names that field in `needs`, so a
    file without the column shows "not recorded", never 0."""
    from disparities.measures import ALL, MEASURES, not_recorded

    for measure in MEASURES.values():
        for kind, lookups in measure.records.items():
            kinds = ["stop", "arrest", "citation", "use_of_force", "complaint"] if kind == ALL else [kind]
            for k in kinds:
                needs = measure.needs.get(k, measure.needs.get(ALL, ()))
                for lookup in lookups:
                    if lookup in FIELD_NEEDS:
                        assert any(
                            set(group) == FIELD_NEEDS[lookup] or set(group) <= FIELD_NEEDS[lookup]
                            for group in needs
                        ), (measure.name, k, lookup)
    # With every column mapped nothing is absent; with none of the optional ones, the shares say why.
    everything = {
        "columns": {f: f for groups in FIELD_NEEDS.values() for f in groups},
        "time_format": "%H:%M",
    }
    assert not_recorded("stop", everything) == {}
    bare = not_recorded("stop", {"columns": {"date": "DATE", "subject_race": "RACE"}})
    assert bare["hit_rate"] == (
        "Not recorded in this file: no column for searches or the search basis and contraband found was mapped."
    )
    assert "arrest_rate" in bare and "rows" not in bare and "persons" not in bare
    # A placeholder time (every row at 12:00) is no time of day.
    assert "with_time" in not_recorded("stop", {"columns": {"date": "D", "time": "T"}, "time_format": "none"})
    # A dataset without a confirmed mapping (from before mappings were kept): nothing is called absent.
    assert not_recorded("stop", {}) == {}


def test_hispanic_is_not_recorded_only_without_ethnicity_and_without_a_hispanic_value():
    from disparities.measures import race_not_recorded

    owensboro = {"columns": {"subject_race": "subject_race"}, "values": {"subject_race": {"white": "white"}}}
    assert "most likely counted as white" in race_not_recorded(owensboro)["hispanic"]
    with_value = {**owensboro, "values": {"subject_race": {"H": "hispanic"}}}
    assert race_not_recorded(with_value) == {}
    with_ethnicity = {**owensboro, "columns": {"subject_race": "R", "subject_ethnicity": "E"}}
    assert race_not_recorded(with_ethnicity) == {}
