"""The drill-down: the records behind a figure, one bounded page at a time. The only reader of the
typed record tables besides the veil of darkness job."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from django.db import OperationalError, connection, transaction
from django.db.models import Q, QuerySet, Sum
from django.utils.http import urlencode

from ..measures import MEASURES, not_recorded, rollup_sum
from ..models import (
    OFFICER_RACE_KINDS,
    RECORD_MODELS,
    TYPE_FIELD,
    Dataset,
    FineRollup,
    Kind,
    Race,
    Rollup,
)
from .filters import Filters, next_month, parse_month

DRILL_PAGE = 50
DRILL_FIELDS = {
    "common": ["line", "date", "district", "subject_race", "subject_sex", "subject_age_group"],
    Kind.STOP: [
        "type",
        "search_conducted",
        "search_basis",
        "contraband_found",
        "arrest_made",
        "citation_issued",
        "warning_issued",
        "outcome",
    ],
    Kind.ARREST: ["charge", "offense_level"],
    Kind.CITATION: ["violation", "fine_amount"],
    Kind.USE_OF_FORCE: ["incident_id", "force_type", "subject_injured", "officer_injured"],
    Kind.COMPLAINT: ["incident_id", "allegation", "disposition", "officer_race"],
}

# The weight of each row of an aggregated file: how many records the row stands for.
HEADERS = {"weight": "Records in this row"}
DRILL_TIMEOUT_MS = 3000
# The measures whose records a drill-down can list.
LISTABLE = frozenset(name for name, measure in MEASURES.items() if measure.listable)


@dataclass(frozen=True)
class DrillSelection:
    """Which records a figure stands on: a measure, and the race, type, period or officer race of its cell."""

    measure: str = "rows"
    race: str = ""
    type: str = ""
    period: str = ""
    officer_race: str = ""
    of: str = ""  # the denominator's measure, when the figure is a share of records

    @classmethod
    def from_query(cls, query: Any) -> DrillSelection:
        """The selection named by a drill-down URL's parameters (anything unknown is dropped)."""
        return cls.clean(
            measure=query.get("measure", "rows"),
            race=query.get("race", ""),
            type=query.get("drill_type", ""),
            period=query.get("period", "")[:7],
            officer_race=query.get("officer_race", ""),
            of=query.get("of", ""),
        )

    @classmethod
    def clean(
        cls,
        *,
        measure: str,
        race: str = "",
        type: str = "",
        period: str = "",
        officer_race: str = "",
        of: str = "",
    ) -> DrillSelection:
        return cls(
            measure=measure if measure in LISTABLE else "rows",
            race=race if race in Race.values else "",
            type=type[:300],
            period=period if _period_range(period) else "",
            officer_race=officer_race if officer_race in Race.values else "",
            of=of if of in LISTABLE and of != measure else "",
        )

    def as_query(self) -> dict[str, str]:
        """The selection as a drill-down URL's parameters (the inverse of `from_query`)."""
        return {
            "race": self.race,
            "officer_race": self.officer_race,
            "measure": self.measure,
            "of": self.of,
            "drill_type": self.type,
            "period": self.period,
        }


def _period_range(period: str) -> tuple[dt.date, dt.date] | None:
    """A month ("2019-04") or a year ("2019") as [start, end)."""
    if len(period) == 7 and parse_month(period):
        start = parse_month(period)
        return start, next_month(start)
    if period.isdigit() and len(period) == 4 and 1900 <= int(period) <= 2200:
        return dt.date(int(period), 1, 1), dt.date(int(period) + 1, 1, 1)
    return None


def _drill_totals(dataset: Dataset, filters: Filters, sel: DrillSelection) -> tuple[int, int]:
    """How many the figure counts, and how many records the drill-down lists, from the rollups.

    They differ for incidents (an incident has one record per person or allegation). 0 records: no
    need to read any.
    """
    q = Q(dataset=dataset) & filters.q()
    if sel.race:
        q &= Q(race=sel.race)
    if sel.type:
        q &= Q(type="" if sel.type == "__none__" else sel.type)
    if sel.period:
        start, end = _period_range(sel.period)
        q &= Q(month__gte=start, month__lt=end)
    measure = MEASURES[sel.measure]
    if not measure.in_rollup:  # fines above the threshold: counted from the amounts
        n = FineRollup.objects.filter(q, amount__gt=filters.fine_threshold).aggregate(n=Sum("count"))["n"]
        return int(n or 0), int(n or 0)
    if sel.officer_race and dataset.kind in OFFICER_RACE_KINDS:
        q &= Q(officer_race=sel.officer_race)
    if measure.counts_incidents:
        listed = rollup_sum(measure.listed, persons_only=measure.persons_only)
        sums = Rollup.objects.filter(q).aggregate(n=measure.total(), records=listed)
        return int(sums["n"] or 0), int(sums["records"] or 0)
    n = int(Rollup.objects.filter(q).aggregate(n=measure.total())["n"] or 0)
    return n, n


@dataclass
class DrillPage:
    fields: list[str]
    records: list[dict[str, Any]]
    next_after: int | None
    after: int | None
    selection: DrillSelection
    total: int = 0  # what the figure counts (records, or incidents), from the rollups
    record_total: int = 0  # the records listed over all pages
    of_total: int | None = None  # the denominator's records, when the figure is a share of records
    too_slow: bool = False  # the page took too long to find: narrow the filters
    not_recorded: str = ""  # the file does not record what the figure counts: why (no records, not "0")

    @property
    def headers(self) -> list[str]:
        return [
            HEADERS.get(f) or f.replace("subject_", "").replace("_", " ").capitalize() for f in self.fields
        ]

    @property
    def measure(self) -> str:
        return self.selection.measure

    @property
    def race(self) -> str:
        return self.selection.race

    @property
    def type(self) -> str:
        return self.selection.type

    @property
    def period(self) -> str:
        return self.selection.period

    @property
    def label(self) -> str:
        return MEASURES[self.selection.measure].label

    @property
    def of_label(self) -> str:
        return MEASURES[self.selection.of].label if self.selection.of else ""


def drill_records(*, dataset: Dataset, filters: Filters, selection: DrillSelection) -> QuerySet:
    """Every record a figure stands on (the drill-down lists them a page at a time): the records its
    measure opens (`measures.MEASURES`), under the dashboard's filters and the cell's race, officer
    race, type and period."""
    sel = selection
    model = RECORD_MODELS[dataset.kind]
    condition = MEASURES[sel.measure].record_q(dataset.kind, threshold=filters.fine_threshold)
    if condition is None:  # this kind of record does not record the measure
        return model.objects.none()
    q = Q(dataset=dataset) & filters.record_q() & condition
    if sel.race:
        q &= Q(subject_race=sel.race)
    if sel.officer_race and dataset.kind in OFFICER_RACE_KINDS:
        q &= Q(officer_race=sel.officer_race)
    value = sel.type or filters.type
    if value:
        q &= Q(**{TYPE_FIELD[dataset.kind]: "" if value == "__none__" else value})
    if sel.period:
        start, end = _period_range(sel.period)
        q &= Q(date__gte=start, date__lt=end)
    return model.objects.filter(q)


def drilldown(
    *, dataset: Dataset, filters: Filters, selection: DrillSelection, after: int | None = None
) -> DrillPage:
    """One page (50) of the records behind a figure, in file order, keyset-paginated by id.

    No personal data: no location, coordinates, time of day, officer pseudonym or raw race text.
    """
    sel = selection
    model = RECORD_MODELS[dataset.kind]
    model_fields = {f.name for f in model._meta.fields}
    fields = DRILL_FIELDS["common"] + [f for f in DRILL_FIELDS.get(dataset.kind, []) if f in model_fields]
    if dataset.weighted:
        fields.append("weight")
    records = drill_records(dataset=dataset, filters=filters, selection=sel)
    if after:
        records = records.filter(id__gt=after)
    absent = not_recorded(dataset.kind, dataset.mapping)
    why = absent.get(sel.measure) or (absent.get(sel.of) if sel.of else "")
    if why:
        return DrillPage(
            fields=fields, records=[], next_after=None, after=after, selection=sel, not_recorded=why
        )
    total, record_total = _drill_totals(dataset, filters, sel)
    of_total = _drill_totals(dataset, filters, replace(sel, measure=sel.of, of=""))[0] if sel.of else None
    rows: list[dict[str, Any]] = []
    too_slow = False
    if record_total:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                # A rare selection in a huge dataset would walk all its records: bound the wait.
                cursor.execute("SET LOCAL statement_timeout = %s", [DRILL_TIMEOUT_MS])
                rows = list(records.order_by("id").values("id", *fields)[: DRILL_PAGE + 1])
        except OperationalError:
            too_slow = True
    next_after = rows[DRILL_PAGE - 1]["id"] if len(rows) > DRILL_PAGE else None
    for record in rows:
        if record.get("date") is not None:
            record["date"] = record["date"].isoformat()
    return DrillPage(
        fields=fields,
        records=rows[:DRILL_PAGE],
        next_after=next_after,
        after=after,
        selection=sel,
        total=total,
        record_total=record_total,
        of_total=of_total,
        too_slow=too_slow,
    )


def drill_queries(*, filters: Filters, page: DrillPage) -> dict[str, str]:
    """The query strings of a drill-down page's links: the next and first pages, the records of the
    figure's denominator (a share of records), and the dashboard under the same filters."""
    selection = page.selection
    base = {k: v for k, v in {**filters.as_query(), **selection.as_query()}.items() if v}
    of_params = {k: v for k, v in base.items() if k != "of"}
    return {
        "next_query": urlencode({**base, "after": page.next_after}) if page.next_after else "",
        "first_query": urlencode(base),
        "of_query": urlencode({**of_params, "measure": selection.of}) if selection.of else "",
        "dashboard_query": urlencode(filters.as_query()),
    }
