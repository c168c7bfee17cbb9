"""The disparity report as a document: JSON (members' `report.json`, `manage.py disparity_report`),
the public version of a dashboard (small cells suppressed), and CSV rows of any table.

Schema: docs/disparities-report.md. Every figure is `stats.Figure.as_dict()` (unit, numerator,
denominator, value, interval, reliable, n, suppressed, method, level, note); a suppressed figure
also carries `public_label` ("<11" or "suppressed").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.utils import timezone

from ..figures import stats
from ..figures.methods import CAVEATS, METHODS
from . import protection
from .tables import RACE_LABELS, Dashboard, Table

SCHEMA_ID = "https://realcities.example/schemas/disparity-report/1"
# Part of the cache key of members' reports: raise it whenever the document's content changes, so a
# new release never serves a report computed by the previous one.
VERSION = 4
NOT_FOR_PUBLICATION = "Not for publication: exact counts, including small ones, for the city's members only."


PUBLIC_VEIL_KEYS = (
    "eligible",
    "reason",
    "coefficient",
    "std_error",
    "interval",
    "p_value",
    "odds_ratio",
    "n",
    "significant",
    "reading",
    "caveats",
    "window",
)


def benchmark_dict(board: Dashboard) -> dict[str, Any] | None:
    b = board.benchmark
    if b is None:
        return None
    return {
        "name": b.name,
        "geo_id": b.geo_id,
        "source": b.source,
        "vintage": b.vintage,
        "moe_level": 0.90,
        "total": b.total,
        "residents": b.population(),
        "margins_of_error": b.margins(),
        "rows": [
            {"race": race, "label": RACE_LABELS[race], "residents": n, "moe": b.margins()[race]}
            for race, n in b.population().items()
        ],
    }


def document(
    board: Dashboard,
    *,
    public: bool = False,
    veil: dict | None = None,
    threshold: dict | None = None,
    protected: protection.Protected | None = None,
    analyses: dict | None = None,
) -> dict[str, Any]:
    """The whole report as plain JSON data (`protected`: the public tables already worked out)."""
    tables = (protected or protect(board)).tables if public else board.tables
    if veil is None and "with_time" in board.not_recorded and board.dataset.kind == "stop":
        # The veil of darkness compares stops by time of day: a file without one cannot give it.
        veil = {"eligible": False, "reason": board.not_recorded["with_time"]}
    if public and veil:
        # The counts of stops kept and dropped at each step can be small: the public sees the result only.
        veil = {k: veil.get(k) for k in PUBLIC_VEIL_KEYS}
    if public:
        # The threshold test reads counts by district x race, small ones included: members only.
        threshold = None
    elif threshold is None and board.dataset.kind == "stop":
        why = [board.not_recorded[m] for m in ("searches", "hits") if m in board.not_recorded]
        if why:
            threshold = {"eligible": False, "reason": " ".join(why)}
    d = board.dataset
    return {
        "$schema": SCHEMA_ID,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "public": public,
        "notice": "Counts from 1 to 10 are shown as <11, and further counts are hidden where they could be "
        "worked out from a total."
        if public
        else NOT_FOR_PUBLICATION,
        "dataset": {
            "id": d.pk,
            "name": d.name,
            "kind": d.kind,
            "kind_label": d.get_kind_display(),
            "source_agency": d.source_agency,
            "original_filename": d.original_filename,
            "period_start": d.period_start.isoformat() if d.period_start else None,
            "period_end": d.period_end.isoformat() if d.period_end else None,
            "rows_imported": None if public else d.rows_imported,
            "has_incident_id": d.has_incident_id,
            "has_time": d.has_time,
            # An aggregated file: each row carries a count of records, and every figure counts records.
            "weighted": d.weighted,
            "records_imported": None if public else (d.records_imported if d.weighted else d.rows_imported),
            "date_precision": d.date_precision,
        },
        "city": {"name": d.city.name, "state": d.city.state, "slug": d.city.slug},
        "filters": board.filters.as_dict(),
        "filters_description": board.filters.describe(),
        "event_unit": board.event_unit,
        "benchmark": benchmark_dict(board),
        "tables": [t.as_dict() for t in tables],
        "notes": list(board.notes),
        "not_recorded": dict(board.not_recorded),
        "races_not_recorded": dict(board.races_not_recorded),
        "veil_of_darkness": veil,
        "threshold_test": threshold,
        # Members only (exact small counts, whole dataset): never in a public document.
        "analyses": None if public else analyses,
        "methods": [{"title": t, "text": x} for t, x in METHODS],
        "caveats": [{"title": t, "text": x} for t, x in CAVEATS],
    }


# ---------------------------------------------------------------------------------------------
# Public version: small-cell protection across every table


def protect(board: Dashboard) -> protection.Protected:
    """The dashboard's tables as the public may see them, with the system of sums they were
    protected as (`selectors/protection.py`): what the audit before publishing solves."""
    return protection.protect(board.tables)


def publicize(tables: list[Table]) -> list[Table]:
    """The tables as the public may see them: every count on the page protected together, every
    figure computed from a hidden count hidden with it (`selectors/protection.py`)."""
    return protection.protect(tables).tables


# ---------------------------------------------------------------------------------------------
# CSV


def _csv_value(fig: dict | stats.Figure | None, fmt: str) -> list[Any]:
    if fig is None:
        return ["", "", "", ""]
    data = fig.as_dict() if isinstance(fig, stats.Figure) else fig
    if data.get("suppressed"):
        label = data.get("public_label") or (getattr(fig, "_public_label", None) or "suppressed")
        return [label, "", "", ""]
    interval = data.get("interval") or [None, None]
    return [data.get("value"), interval[0], interval[1], data.get("note") or ""]


def csv_rows(table: dict[str, Any], *, title: str = "") -> Iterator[list[Any]]:
    """A table of the report (as in `document()["tables"]`) as CSV rows: a value, its interval and note per column."""
    if title:
        yield [title]
    header = [table["row_header"]]
    for column in table["columns"]:
        label = column["label"]
        header += [label, f"{label}: 95% low", f"{label}: 95% high", f"{label}: note"]
    yield header
    for row in table["rows"]:
        line = [row["label"]]
        for column in table["columns"]:
            line += _csv_value(row["cells"].get(column["key"]), column["format"])
        yield line


def today() -> str:
    return dt.date.today().isoformat()


# ---------------------------------------------------------------------------------------------
# The document's schema (docs/disparities-report.md explains it in words)

PUBLIC_FIGURE_SCHEMA: dict[str, Any] = {
    **stats.FIGURE_SCHEMA,
    "$id": "public-figure.schema.json",
    "properties": {
        **stats.FIGURE_SCHEMA["properties"],
        "public_label": {
            "type": "string",
            "description": "'<11' or 'suppressed': what a hidden figure shows",
        },
    },
}

REPORT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": SCHEMA_ID,
    "title": "Disparity report",
    "type": "object",
    "required": [
        "$schema",
        "generated_at",
        "public",
        "notice",
        "dataset",
        "city",
        "filters",
        "event_unit",
        "benchmark",
        "tables",
        "notes",
        "veil_of_darkness",
        "methods",
        "caveats",
    ],
    "properties": {
        "threshold_test": {
            "type": ["object", "null"],
            "description": "the latest finished threshold test of the whole dataset (stops; members only, null "
            "in public documents): disparities.figures.threshold.ThresholdResult.as_dict()",
            "required": ["eligible"],
        },
        "analyses": {
            "type": ["object", "null"],
            "description": "members only (null in a public document), on the whole dataset whatever the filters: "
            "`adjusted` (stops: disparities/figures/adjusted.py, the latest finished run or null), "
            "`outcome_test_by_place` (stops: disparities/figures/places.py, from the rollups), "
            "`purposes` (stops: disparities/figures/purposes.py, the latest finished run or null), "
            "`complaint_funnel` (complaints: disparities/figures/complaints.py, the latest finished run or null); "
            "see docs/disparities-report.md",
        },
        "not_recorded": {
            "type": "object",
            "description": "measures and shares (search_rate, hit_rate, fines ...) this file does not record "
            "-> why, in words; their figures are null with `not_recorded` set, never 0",
            "additionalProperties": {"type": "string"},
        },
        "races_not_recorded": {
            "type": "object",
            "description": "race or ethnicity categories the agency never records (hispanic) -> where those "
            "people are probably counted and what that does to the other rates; no rate or ratio is given",
            "additionalProperties": {"type": "string"},
        },
        "tables": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["key", "title", "row_header", "note", "columns", "rows"],
                "properties": {
                    "columns": {
                        "type": "array",
                        "items": {"type": "object", "required": ["key", "label", "format"]},
                    },
                    "rows": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["key", "label", "total", "cells"],
                            "properties": {
                                "cells": {
                                    "type": "object",
                                    "additionalProperties": {
                                        "oneOf": [{"$ref": "public-figure.schema.json"}, {"type": "null"}]
                                    },
                                }
                            },
                        },
                    },
                },
            },
        },
    },
    "$defs": {"figure": PUBLIC_FIGURE_SCHEMA},
}
