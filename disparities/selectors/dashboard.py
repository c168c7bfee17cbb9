"""Reads for the disparity dashboards: every figure of a dataset's dashboard, from the rollups only.

`dashboard(dataset=, filters=, benchmark=)` returns a `Dashboard`: a list of tables, each a list of
rows of `stats.Figure` cells with the unit of every figure stated. The dashboard page, the CSV
exports, the printed report, the JSON report (`selectors/report.py`) and a published snapshot
all render this one structure, so they never disagree.

No request aggregates raw records: every query here reads `Rollup` / `FineRollup` rows of one
dataset (a few thousand rows whatever the dataset's size, index `(dataset_id, month)`). The
drill-down (`drilldown`) is the only reader of the typed tables, and it reads one bounded page.
"""

from __future__ import annotations

from ..measures import not_recorded, race_not_recorded
from ..models import (
    Benchmark,
    Dataset,
    Kind,
)
from .filters import Filters
from .tables import (
    EVENT_UNIT,
    Dashboard,
    Table,
    arrest_dataset_for,
    counts_table,
    fine_table,
    officer_table,
    per_arrest_table,
    population_table,
    proportion_table,
    race_rows,
    type_table,
)
from .trends import trend_tables

# Library topics (`library.models.Topic` keys) of the practices a dashboard of each kind suggests.
TOPICS = {
    Kind.STOP: ["police_data", "trust", "community_policing"],
    Kind.ARREST: ["police_data", "policy", "youth"],
    Kind.CITATION: ["police_data", "policy"],
    Kind.USE_OF_FORCE: ["policy", "training", "oversight"],
    Kind.COMPLAINT: ["oversight", "trust"],
}


def related_topics(*, kind: str) -> list[str]:
    """Library topics of the practices that a dashboard of this kind of dataset suggests."""
    return list(TOPICS.get(kind, []))


def related_practices(*, kind: str, limit: int = 4) -> list:
    """Published library practices on those topics, strongest evidence first."""
    from library.selectors import suggest_resources

    return suggest_resources(topics=related_topics(kind=kind), limit=limit)


def default_benchmark(*, city) -> Benchmark | None:
    return Benchmark.objects.for_city(city).order_by("-is_default", "-id").first()


def dashboard(*, dataset: Dataset, filters: Filters, benchmark: Benchmark | None) -> Dashboard:
    """Every table of the dataset's dashboard under the filters (rollups only)."""
    unit = EVENT_UNIT.get(dataset.kind, "records")
    if dataset.kind == Kind.ARREST and not dataset.has_incident_id:
        unit = "arrest records"
    by_race = race_rows(dataset, filters)
    # What the file does not record is "not recorded", never 0 (decided from the confirmed mapping).
    absent = not_recorded(dataset.kind, dataset.mapping)
    races_absent = {r: why for r, why in race_not_recorded(dataset.mapping).items() if r not in by_race}
    tables: list[Table] = [counts_table(dataset, by_race, unit, races_absent)]
    notes: list[str] = list(races_absent.values())
    if benchmark is not None:
        tables.append(population_table(dataset, by_race, benchmark, unit, races_absent))
    else:
        notes.append("No population benchmark yet: add one to see rates per 1,000 residents.")
    arrest_dataset = None
    if dataset.kind == Kind.STOP and "with_time" in absent:
        notes.append(f"Time of day (the veil of darkness needs it): {absent['with_time']}")
    if dataset.kind == Kind.STOP:
        tables.append(
            proportion_table(
                "searches",
                "Searches and the outcome test",
                by_race,
                ["search_rate", "hit_rate"],
                note="Hit rate: searches that found contraband among searches (the outcome test; see the "
                "caveat on infra-marginality). Wilson intervals; ratios with Katz log intervals.",
                chart_column="search_rate",
                absent=absent,
            )
        )
        if any(v["searches_discretionary"] or v["searches_incident_to_arrest"] for v in by_race.values()):
            tables.append(
                proportion_table(
                    "discretionary",
                    "Discretionary searches and searches incident to arrest",
                    by_race,
                    ["discretionary_rate", "discretionary_hit_rate", "incident_rate"],
                    note="Discretionary: consent, probable cause, plain view, drug dog, other. Incident to "
                    "arrest, inventory and warrant searches are not the officer's choice.",
                    absent=absent,
                )
            )
        elif "discretionary_rate" in absent:
            notes.append(f"Discretionary searches: {absent['discretionary_rate']}")
        tables.append(
            proportion_table(
                "outcomes",
                "Arrest, citation and warning rates",
                by_race,
                ["arrest_rate", "citation_rate", "warning_rate"],
                note="Share of stops ending in each outcome, Wilson intervals.",
                absent=absent,
            )
        )
    if (
        dataset.kind in (Kind.ARREST, Kind.CITATION)
        or dataset.kind == Kind.USE_OF_FORCE
        or dataset.kind == Kind.COMPLAINT
    ):
        tables.append(type_table(dataset, filters, unit, "rows", benchmark))
    if dataset.kind == Kind.CITATION:
        fines = fine_table(dataset, filters)
        if fines is not None:
            tables.append(fines)
        elif "fines" in absent:
            notes.append(f"Fines: {absent['fines']}")
        else:
            notes.append("No citation in this file has a fine amount.")
    if dataset.kind == Kind.USE_OF_FORCE:
        tables.append(
            proportion_table(
                "injuries",
                "Injuries in use-of-force records",
                by_race,
                ["injury_rate", "officer_injury_rate"],
                note="Share of records about a person in which the subject (or the officer) was injured.",
                absent=absent,
            )
        )
        arrest_dataset = arrest_dataset_for(dataset)
        if arrest_dataset is not None:
            tables.append(per_arrest_table(dataset, filters, by_race, arrest_dataset))
        else:
            notes.append("No arrest dataset covers the same period: the rate per 1,000 arrests is not shown.")
    if dataset.kind == Kind.COMPLAINT:
        tables.append(
            proportion_table(
                "sustained",
                "Complaints sustained by complainant race",
                by_race,
                ["sustained_rate"],
                note="A complaint is sustained when at least one of its allegations is.",
                absent=absent,
            )
        )
        officer = officer_table(dataset, filters, absent)
        if officer is not None:
            tables.append(officer)
    tables.extend(trend_tables(dataset, filters, unit, benchmark, absent))
    return Dashboard(
        dataset=dataset,
        filters=filters,
        benchmark=benchmark,
        tables=tables,
        event_unit=unit,
        notes=notes,
        arrest_dataset=arrest_dataset,
        not_recorded=absent,
        races_not_recorded=races_absent,
    )
