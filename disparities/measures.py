"""Every measure of the police data, defined once, and the shares of records made of them.

A measure is what the import counts in each rollup cell (`Rollup` has one column per measure) and
what a figure reads: stops, searches, hits, arrests, injuries, fines ... For each one this module
says its name, what its records are called on the drill-down page (`label`), what one of it is
(`unit`), the SQL aggregate that builds its rollup column for each kind of record, and the
condition (a `Q`) that opens the records it counts. The import (`services/imports.py`,
`build_rollups`), the dashboard's tables and trends and the drill-down all read it: this is the only
place a measure's SQL or condition is written (tests/disparities/test_measures.py checks it against
`Rollup._meta` and, on every real file, that each rollup column counts exactly the records its
condition opens).

A count of records is written once, as Django lookups on the record (`{"search_conducted": True,
"contraband_found": True}`): its SQL (`count(*) FILTER (WHERE search_conducted AND
contraband_found)`) and its `Q` are both made from them, so the two cannot disagree. Only what is
not a plain count has SQL of its own: sums (violations, fine amounts) and incidents. Incident SQL
reads the window columns that `build_rollups` adds when the file has incident ids: `first_pair` (the
record is the first of its (incident, race) pair among records about a person), `first_incident`
(the first record of its incident) and `pair_sustained` (some allegation of the pair is sustained).

A kind of record that does not record a measure gets 0 in its rollup column and no records: what a
file does not record is "not recorded", and the pages only offer the figures a dataset has.

A measure also knows which canonical fields of the mapping it needs (`needs`): a stops file whose
mapping has no contraband column records no hits, and its hit rate is "not recorded in this file",
never 0 %. `not_recorded(kind, mapping)` says, from a dataset's confirmed mapping, which measures the
file does not record and why; `race_not_recorded(mapping)` does the same for a race or ethnicity
category the agency never records (no Hispanic value and no ethnicity column). A measure whose
columns were mapped but that no record has is a real zero, and stays 0.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from django.db.models import Q, Sum

from .models import Kind

ALL = "*"  # every kind of record

# Search bases: discretionary searches are the officer's choice; the others follow an arrest, an
# impound or a warrant, and say nothing about the evidence an officer searched on.
DISCRETIONARY_BASES = ["consent", "probable_cause", "plain_view", "k9", "other"]
NON_DISCRETIONARY_BASES = ["incident_to_arrest", "inventory", "warrant"]

# The columns of a rollup row that are not measures: what a dashboard filters and groups on.
DIMENSIONS = ("month", "district", "race", "sex", "age_group", "type", "officer_race", "is_person")

Lookups = Mapping[str, object]
# What a measure needs from the mapping: groups of canonical fields, every group satisfied by any of
# its fields ((("search_conducted", "search_basis"), ("contraband_found",)): a search column or a
# search basis, and a contraband column).
Needs = tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Measure:
    name: str
    label: str  # what its records are, in the words of the drill-down page
    unit: str  # what one of it is: records, incidents, values, US dollars
    records: Mapping[str, Lookups] = field(default_factory=dict)  # kind (or ALL) -> the records counted
    sql: Mapping[str, str] = field(default_factory=dict)  # kind -> an aggregate other than a count
    incident_sql: Mapping[str, str] = field(default_factory=dict)  # ... when the file has incident ids
    persons_only: bool = False  # figures sum only the records about a person (not a police dog)
    listed: str = ""  # a count of incidents: the measure that counts the records its drill-down lists
    in_rollup: bool = True  # a column of `Rollup` (False: read from `FineRollup`)
    above: str = ""  # a field that must exceed the dashboard's threshold (fines above $100)
    needs: Mapping[str, Needs] = field(default_factory=dict)  # kind (or ALL) -> mapped fields it needs

    def missing(self, kind: str, fields: Collection[str]) -> list[tuple[str, ...]]:
        """The groups of canonical fields this measure needs that the mapping has none of."""
        needs = self.needs.get(kind, self.needs.get(ALL, ()))
        return [group for group in needs if not any(f in fields for f in group)]

    def lookups(self, kind: str) -> Lookups | None:
        """The records of this kind the measure counts, as lookups; None when the kind does not record it."""
        found = self.records.get(kind, self.records.get(ALL))
        if found is None:
            return None
        return {**found, "is_person": True} if self.persons_only else found

    def record_q(self, kind: str, *, threshold: object = None) -> Q | None:
        """The condition that opens this measure's records of this kind (None: the kind has none)."""
        found = self.lookups(kind)
        if found is None:
            return None
        if self.above:
            found = {**found, f"{self.above}__gt": threshold}
        return Q(**found)

    def rollup_sql(self, kind: str, *, has_incident_id: bool) -> str:
        """The aggregate that builds this measure's rollup column from the records of this kind."""
        if has_incident_id and (kind in self.incident_sql or ALL in self.incident_sql):
            return self.incident_sql.get(kind, self.incident_sql.get(ALL, ""))
        if kind in self.sql:
            return self.sql[kind]
        found = self.lookups(kind)
        if found is None:
            return "0"
        condition = sql_condition(found)
        # A row stands for `weight` records (1 unless the file is aggregated): counts sum weights.
        return f"coalesce(sum(weight) FILTER (WHERE {condition}), 0)" if condition else "coalesce(sum(weight), 0)"

    def total(self) -> Sum:
        """The sum of this measure over rollup rows, as figures read it."""
        return rollup_sum(self.name, persons_only=self.persons_only)

    @property
    def counts_incidents(self) -> bool:
        return self.unit == "incidents"

    @property
    def listable(self) -> bool:
        """Whether the drill-down can list this measure's records."""
        return bool(self.records)


def rollup_sum(column: str, *, persons_only: bool = False) -> Sum:
    return Sum(column, filter=Q(is_person=True)) if persons_only else Sum(column)


_LITERAL = re.compile(r"[a-z0-9_]*")


def _literal(value: object) -> str:
    if not isinstance(value, str) or not _LITERAL.fullmatch(value):
        raise ValueError(f"{value!r} is not a canonical value")
    return f"'{value}'"


def sql_condition(lookups: Lookups) -> str:
    """The SQL condition of Django lookups on a record (the few this module uses); "" for none."""
    parts = []
    for lookup, value in lookups.items():
        column, _, operator = lookup.partition("__")
        if not operator and value is True:
            parts.append(column)
        elif operator == "in" and isinstance(value, Sequence):
            parts.append(f"{column} IN ({', '.join(_literal(v) for v in value)})")
        elif operator == "isnull" and value is False:
            parts.append(f"{column} IS NOT NULL")
        else:
            raise ValueError(f"No SQL for the lookup {lookup}={value!r}")
    return " AND ".join(parts)


SEARCHED = {"search_conducted": True}
IN_TOTAL = {"in_total": True}
# The canonical fields measures need (`Measure.needs`): a search is recorded by a search column or,
# without one, by a search basis (the import then takes a known basis for a search).
SEARCH = ("search_conducted", "search_basis")
BASIS = ("search_basis",)
CONTRABAND = ("contraband_found",)
DISPOSITION = ("disposition",)
FINE = ("fine_amount",)
TIME = ("time", "time_in_date")  # and a time format that is not "none" (see `mapped_fields`)

MEASURES: dict[str, Measure] = {
    m.name: m
    for m in [
        # Records, not rows: a row of an aggregated file counting searches among other rows' stops
        # (`in_total` false) is not another record.
        Measure("rows", "records", "records", {ALL: IN_TOTAL}),
        Measure("persons", "records about a person", "records", {ALL: {**IN_TOTAL, "is_person": True}}),
        # Without incident ids every record about a person is its own incident.
        Measure("incidents", "incidents", "incidents", {ALL: IN_TOTAL}, incident_sql={ALL: "sum(first_pair)"},
                persons_only=True, listed="rows"),
        Measure("incidents_all", "incidents", "incidents", {ALL: IN_TOTAL},
                incident_sql={ALL: "sum(first_incident)"}, listed="rows"),
        Measure("with_time", "records with a time of day", "records", {ALL: {**IN_TOTAL, "time__isnull": False}},
                needs={ALL: (TIME,)}),
        Measure("violations", "violations", "values", sql={
            Kind.STOP: "coalesce(sum(cardinality(violations) * weight), 0)",
            Kind.ARREST: "coalesce(sum(cardinality(charges) * weight), 0)",
            Kind.CITATION: "coalesce(sum(cardinality(violations) * weight), 0)",
        }),
        Measure("searches", "searches", "records", {Kind.STOP: SEARCHED}, needs={Kind.STOP: (SEARCH,)}),
        Measure("searches_discretionary", "discretionary searches", "records",
                {Kind.STOP: {**SEARCHED, "search_basis__in": DISCRETIONARY_BASES}}, needs={Kind.STOP: (BASIS,)}),
        Measure("searches_incident_to_arrest", "searches incident to arrest", "records",
                {Kind.STOP: {**SEARCHED, "search_basis__in": NON_DISCRETIONARY_BASES}}, needs={Kind.STOP: (BASIS,)}),
        Measure("searches_basis_unknown", "searches of no known basis", "records",
                {Kind.STOP: {**SEARCHED, "search_basis__in": ["", "unknown"]}}, needs={Kind.STOP: (BASIS,)}),
        Measure("hits", "searches that found contraband", "records",
                {Kind.STOP: {**SEARCHED, "contraband_found": True}}, needs={Kind.STOP: (SEARCH, CONTRABAND)}),
        # A hit is a search that found contraband: contraband recorded on a stop with no search (seen
        # in plain view, or a file that flags it on frisks) is not one. The hit rate of discretionary
        # searches divides these by `searches_discretionary`, so they must be among them.
        Measure("hits_discretionary", "discretionary searches that found contraband", "records",
                {Kind.STOP: {**SEARCHED, "contraband_found": True, "search_basis__in": DISCRETIONARY_BASES}},
                needs={Kind.STOP: (BASIS, CONTRABAND)}),
        Measure("frisks", "stops with a frisk", "records", {Kind.STOP: {"frisk_performed": True}},
                needs={Kind.STOP: (("frisk_performed",),)}),
        Measure("arrests", "stops ending in an arrest", "records",
                {Kind.STOP: {"arrest_made": True}, Kind.ARREST: {}}, needs={Kind.STOP: (("arrest_made", "outcome"),)}),
        Measure("citations", "stops ending in a citation", "records",
                {Kind.STOP: {"citation_issued": True}, Kind.CITATION: {}},
                needs={Kind.STOP: (("citation_issued", "outcome"),)}),
        Measure("warnings", "stops ending in a warning", "records", {Kind.STOP: {"warning_issued": True}},
                needs={Kind.STOP: (("warning_issued", "outcome"),)}),
        Measure("force", "uses of force", "records", {Kind.USE_OF_FORCE: {}}),
        # An injured police dog is not a person's injury: injuries are shares of records about a person.
        Measure("injuries", "records with the subject injured", "records",
                {Kind.USE_OF_FORCE: {"subject_injured": True}}, persons_only=True,
                needs={Kind.USE_OF_FORCE: (("subject_injury",),)}),
        Measure("officer_injuries", "records with the officer injured", "records",
                {Kind.USE_OF_FORCE: {"officer_injured": True}}, persons_only=True,
                needs={Kind.USE_OF_FORCE: (("officer_injury",),)}),
        Measure("sustained", "sustained allegations", "records", {Kind.COMPLAINT: {"sustained": True}},
                needs={Kind.COMPLAINT: (DISPOSITION,)}),
        Measure("sustained_incidents", "complaints sustained", "incidents",
                {Kind.COMPLAINT: {"sustained": True}}, incident_sql={Kind.COMPLAINT: "sum(first_pair * pair_sustained)"},
                persons_only=True, listed="sustained", needs={Kind.COMPLAINT: (DISPOSITION,)}),
        # Fines are of persons, as in `FineRollup`.
        Measure("fines", "fines", "records", {Kind.CITATION: {"fine_amount__isnull": False}}, persons_only=True,
                needs={Kind.CITATION: (FINE,)}),
        Measure("fines_total", "fines", "US dollars", sql={Kind.CITATION: "coalesce(sum(fine_amount * weight), 0)"},
                persons_only=True, needs={Kind.CITATION: (FINE,)}),
        Measure("fines_above", "fines above the threshold", "records",
                {Kind.CITATION: {"fine_amount__isnull": False}}, persons_only=True, in_rollup=False,
                above="fine_amount", needs={Kind.CITATION: (FINE,)}),
    ]
}  # fmt: skip
ROLLUP_MEASURES = [name for name, m in MEASURES.items() if m.in_rollup]


def rollup_columns(kind: str, *, has_incident_id: bool) -> dict[str, str]:
    """Every rollup measure column of this kind of record -> the SQL aggregate that builds it."""
    return {
        name: MEASURES[name].rollup_sql(kind, has_incident_id=has_incident_id) for name in ROLLUP_MEASURES
    }


@dataclass(frozen=True)
class Share:
    """A share of records: the records of one measure among those of another (search rate, hit rate ...)."""

    label: str
    numerator: str
    denominator: str
    kinds: tuple[str, ...]

    def missing(self, kind: str, fields: Collection[str]) -> list[tuple[str, ...]]:
        """What the measures behind this share need that the mapping does not have."""
        return [
            g for name in (self.numerator, self.denominator) for g in MEASURES[name].missing(kind, fields)
        ]


SHARES: dict[str, Share] = {
    "search_rate": Share("Search rate", "searches", "persons", (Kind.STOP,)),
    "hit_rate": Share("Hit rate (contraband found)", "hits", "searches", (Kind.STOP,)),
    "discretionary_rate": Share(
        "Discretionary searches per stop", "searches_discretionary", "persons", (Kind.STOP,)
    ),
    "discretionary_hit_rate": Share(
        "Hit rate of discretionary searches", "hits_discretionary", "searches_discretionary", (Kind.STOP,)
    ),
    "incident_rate": Share(
        "Searches incident to arrest per stop", "searches_incident_to_arrest", "persons", (Kind.STOP,)
    ),
    "arrest_rate": Share("Arrest rate", "arrests", "persons", (Kind.STOP,)),
    "citation_rate": Share("Citation rate", "citations", "persons", (Kind.STOP,)),
    "warning_rate": Share("Warning rate", "warnings", "persons", (Kind.STOP,)),
    "injury_rate": Share("Subject injured", "injuries", "persons", (Kind.USE_OF_FORCE,)),
    "officer_injury_rate": Share("Officer injured", "officer_injuries", "persons", (Kind.USE_OF_FORCE,)),
    "sustained_rate": Share(
        "Share of complaints sustained", "sustained_incidents", "incidents", (Kind.COMPLAINT,)
    ),
}


# -- what a file records ------------------------------------------------------------------------

NOT_RECORDED = "not recorded in this file"
RACE_NOT_RECORDED = "not recorded by this agency"

# The words for a canonical field in the reason a figure is not recorded.
FIELD_WORDS = {
    "search_conducted": "searches",
    "search_basis": "the search basis",
    "contraband_found": "contraband found",
    "frisk_performed": "frisks",
    "arrest_made": "arrests",
    "citation_issued": "citations",
    "warning_issued": "warnings",
    "outcome": "the outcome of the stop",
    "subject_injury": "the subject's injuries",
    "officer_injury": "the officer's injuries",
    "disposition": "the finding (disposition)",
    "fine_amount": "fine amounts",
    "time": "the time of day",
    "time_in_date": "the time of day",
}


def mapped_fields(mapping: Mapping[str, object] | None) -> set[str] | None:
    """The canonical fields a confirmed mapping records; None for a dataset without one (every
    measure is then taken as recorded, as before mappings were kept)."""
    if not mapping or not isinstance(mapping.get("columns"), Mapping):
        return None
    fields = set(mapping["columns"])  # type: ignore[arg-type]
    if mapping.get("time_in_date"):
        fields.add("time_in_date")
    if mapping.get("time_format") == "none":  # a placeholder time (every row at 12:00) is no time of day
        fields -= {"time", "time_in_date"}
    return fields


def reason(groups: Sequence[tuple[str, ...]]) -> str:
    """Why a figure is not recorded, in the analyst's words."""
    words: list[str] = []
    for group in groups:
        text = " or ".join(dict.fromkeys(FIELD_WORDS.get(f, f.replace("_", " ")) for f in group))
        if text not in words:
            words.append(text)
    return f"{NOT_RECORDED.capitalize()}: no column for {' and '.join(words)} was mapped."


def not_recorded(kind: str, mapping: Mapping[str, object] | None) -> dict[str, str]:
    """Every measure and share (by name) that this file does not record -> why, in words."""
    fields = mapped_fields(mapping)
    if fields is None:
        return {}
    out: dict[str, str] = {}
    assert mapping is not None  # mapped_fields gave fields
    # A time column (or a date carrying a time) whose times are all the same is no time of day.
    placeholder = mapping.get("time_format") == "none" and (
        "time" in mapping["columns"] or bool(mapping.get("time_in_date"))  # type: ignore[operator]
    )
    for name, measure in MEASURES.items():
        groups = measure.missing(kind, fields)
        if groups:
            out[name] = reason(groups)
            if placeholder and TIME in groups:
                out[name] = (
                    out[name][:-1] + " (the times in the file are a placeholder, such as every row at 12:00)."
                )
    for name, share in SHARES.items():
        if kind in share.kinds:
            groups = share.missing(kind, fields)
            if groups:
                out[name] = reason(groups)
    return out


# Where people of a category the agency never records are most likely counted, and what that does.
RACE_NOTES = {
    "hispanic": (
        "This agency's file has no Hispanic category and no ethnicity column: Hispanic or Latino people "
        "are not recorded as such. They are most likely counted as white (some as black or other), as "
        "officers record race alone. The residents' benchmark counts Hispanic residents apart from white "
        "and black residents, so the white (and to a lesser degree the black) rate per resident is "
        "overstated, and ratios to the white rate are understated. No rate or ratio is given for "
        "Hispanic people."
    ),
}


def race_not_recorded(mapping: Mapping[str, object] | None) -> dict[str, str]:
    """Race or ethnicity categories the agency never records -> the note that says so.

    Hispanic is not recorded when no ethnicity column is mapped and no value of the race column
    is taken for Hispanic. (A category recorded but with no one in it is a real zero.)"""
    fields = mapped_fields(mapping)
    if fields is None or "subject_race" not in fields:
        return {}
    values = mapping.get("values") or {}  # type: ignore[union-attr]
    race_values = values.get("subject_race", {}) if isinstance(values, Mapping) else {}
    out: dict[str, str] = {}
    if "subject_ethnicity" not in fields and "hispanic" not in set(race_values.values()):
        out["hispanic"] = RACE_NOTES["hispanic"]
    return out
