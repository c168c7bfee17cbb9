"""The disparity report as a document: JSON (members' `report.json`, `manage.py disparity_report`),
the public version of a dashboard (small cells suppressed), and CSV rows of any table.

Schema: docs/disparities-report.md. Every figure is `stats.Figure.as_dict()` (unit, numerator,
denominator, value, interval, reliable, n, suppressed, method, level, note); a suppressed figure
also carries `public_label` ("<11" or "suppressed").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from django.utils import timezone

from ..figures import stats, suppression
from ..figures.methods import CAVEATS, METHODS
from .tables import RACE_LABELS, Column, Dashboard, Row, Table

SCHEMA_ID = "https://realcities.example/schemas/disparity-report/1"
# Part of the cache key of members' reports: raise it whenever the document's content changes, so a
# new release never serves a report computed by the previous one.
VERSION = 3
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


def document(board: Dashboard, *, public: bool = False, veil: dict | None = None) -> dict[str, Any]:
    """The whole report as plain JSON data."""
    tables = publicize(board.tables) if public else board.tables
    if veil is None and "with_time" in board.not_recorded and board.dataset.kind == "stop":
        # The veil of darkness compares stops by time of day: a file without one cannot give it.
        veil = {"eligible": False, "reason": board.not_recorded["with_time"]}
    if public and veil:
        # The counts of stops kept and dropped at each step can be small: the public sees the result only.
        veil = {k: veil.get(k) for k in PUBLIC_VEIL_KEYS}
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
        "methods": [{"title": t, "text": x} for t, x in METHODS],
        "caveats": [{"title": t, "text": x} for t, x in CAVEATS],
    }


# ---------------------------------------------------------------------------------------------
# Public version: small-cell protection across every table


def _hidden_count(fig: stats.Figure, label: str) -> stats.Figure:
    hidden = suppression.suppress_figure(fig, hide=True)
    object.__setattr__(hidden, "_public_label", label)
    return hidden


def _label_of(cell: suppression.Cell) -> str:
    return suppression.SMALL_LABEL if cell.reason == suppression.SMALL else suppression.COMPLEMENTARY_LABEL


def _absent(fig: stats.Figure | None) -> bool:
    return fig is not None and bool(fig.not_recorded)


def _is_count(fig: stats.Figure | None) -> bool:
    return (
        fig is not None
        and fig.denominator is None
        and fig.method.startswith("exact Poisson")
        and fig.counts == (int(fig.value or 0),)
        and fig.numerator == fig.value
    )


def publicize(tables: list[Table]) -> list[Table]:
    """The tables as the public may see them.

    - A table of counts by race with figures beside them (`count_column`): `protect_by_race`.
      Other count columns of such a table are dropped (rows and persons beside incidents would
      let a reader subtract), and so is the "All" row when it is not the sum of the rows shown.
    - A grid (months x races, types x races): `suppress_table` with row and column totals.
    - Then across all tables: any count equal to a hidden count, and any figure built on one, is
      hidden too (the same count can appear in several tables), until nothing changes.
    """
    out: list[Table] = []
    hidden_values: set[int] = set()
    by_key = {t.key: t for t in tables}
    linked = _public_trends(by_key.get("trend_year"), by_key.get("trend_month"), hidden_values)
    for table in tables:
        if table.key in linked:
            out.append(linked[table.key])
        elif table.grid:
            out.append(_public_grid(table, hidden_values))
        elif table.count_column:
            out.append(_public_by_race(table, hidden_values))
        else:
            out.append(_public_figures(table))
    # Fixed point across tables.
    changed = True
    while changed:
        changed = False
        for table in out:
            for row in table.rows:
                for key, fig in list(row.cells.items()):
                    if fig is None or fig.suppressed:
                        continue
                    if any(c in hidden_values or suppression.is_small(c) for c in fig.counts):
                        row.cells[key] = _hidden_count(
                            fig,
                            suppression.SMALL_LABEL
                            if any(suppression.is_small(c) for c in fig.counts) and _is_count(fig)
                            else suppression.COMPLEMENTARY_LABEL,
                        )
                        if _is_count(fig):
                            hidden_values.add(int(fig.value or 0))
                        changed = True
    return out


def _public_figures(table: Table) -> Table:
    rows = [
        replace(
            r,
            cells={
                k: (suppression.suppress_figure(v) if v is not None else None) for k, v in r.cells.items()
            },
        )
        for r in table.rows
    ]
    return replace(table, rows=rows)


def _public_by_race(table: Table, hidden_values: set[int]) -> Table:
    """Counts by race with figures beside them: every count column is protected with its total
    (`protect_by_race`), and every figure built on a hidden count is hidden."""
    count_columns = [
        c.key
        for c in table.columns
        if c.format == "count"
        and all(
            r.cells.get(c.key) is None or _absent(r.cells.get(c.key)) or _is_count(r.cells.get(c.key))
            for r in table.rows
        )
        and not all(_absent(r.cells.get(c.key)) for r in table.rows)
    ]
    # In the table of counts only the count rates are built on is published: rows and persons
    # beside incidents would let a reader subtract one from the other.
    drop = {k for k in count_columns if k != table.count_column} if table.key == "counts" else set()
    count_columns = [k for k in count_columns if k not in drop]
    columns = [c for c in table.columns if c.key not in drop]
    body = [r for r in table.rows if not r.total]
    total_row = next((r for r in table.rows if r.total), None)
    figures = {
        r.key: {
            k: v for k, v in r.cells.items() if k not in count_columns and k not in drop and v is not None
        }
        for r in body
    }
    hidden_cells: dict[tuple[str, str], str] = {}  # (row, column) -> label
    total_labels: dict[str, str | None] = {}
    public_figures = {r.key: dict(figures[r.key]) for r in body}
    for key in count_columns:
        counts = {
            r.key: int(r.cells[key].value or 0) if r.cells.get(key) else 0
            for r in body
            if not _absent(r.cells.get(key))  # a category not recorded is no count to protect
        }
        total_fig = total_row.cells.get(key) if total_row is not None else None
        is_sum = total_fig is not None and int(total_fig.value or 0) == sum(counts.values())
        cells, total_cell, public = suppression.protect_by_race(counts, figures, total=is_sum)
        for race, cell in cells.items():
            if cell.hidden:
                hidden_cells[(race, key)] = _label_of(cell)
                hidden_values.add(cell.value)
        for race, by_name in public.items():
            for name, fig in by_name.items():
                if fig.suppressed:
                    public_figures[race][name] = fig
        if total_fig is None:
            continue
        if is_sum:
            total_labels[key] = _label_of(total_cell) if total_cell.hidden else None
            if total_cell.hidden:
                hidden_values.add(total_cell.value)
        else:
            # A distinct total (incidents) is not the sum: shown only when nothing beside it is hidden.
            any_hidden = any(c.hidden for c in cells.values()) or suppression.is_small(
                int(total_fig.value or 0)
            )
            total_labels[key] = (
                (
                    suppression.SMALL_LABEL
                    if suppression.is_small(int(total_fig.value or 0))
                    else suppression.COMPLEMENTARY_LABEL
                )
                if any_hidden
                else None
            )
    rows: list[Row] = []
    for r in body:
        new_cells: dict[str, stats.Figure | None] = {}
        for c in columns:
            fig = r.cells.get(c.key)
            if fig is None:
                new_cells[c.key] = None
            elif _absent(fig):
                new_cells[c.key] = fig
            elif c.key in count_columns:
                label = hidden_cells.get((r.key, c.key))
                new_cells[c.key] = _hidden_count(fig, label) if label else fig
            else:
                new_cells[c.key] = public_figures[r.key].get(c.key, fig)
        rows.append(replace(r, cells=new_cells))
    if hidden_cells:
        # Shares of the known races would tell the sum of the hidden ones: hide the shares.
        for row in rows:
            fig = row.cells.get("share")
            if fig is not None and not fig.suppressed:
                row.cells["share"] = _hidden_count(fig, suppression.COMPLEMENTARY_LABEL)
    if total_row is not None:
        new_cells = {}
        for c in columns:
            fig = total_row.cells.get(c.key)
            if fig is None:
                new_cells[c.key] = None
            elif c.key in count_columns:
                label = total_labels.get(c.key)
                new_cells[c.key] = _hidden_count(fig, label) if label else fig
            else:
                new_cells[c.key] = suppression.suppress_figure(
                    fig, hide=any(v in hidden_values for v in fig.counts)
                )
        rows.append(replace(total_row, cells=new_cells))
    return replace(table, columns=columns, rows=rows)


def _count_grid(table: Table) -> tuple[list[str], list[Row], list[list[int]]]:
    columns = [c.key for c in table.columns if c.format == "count"]
    body = [r for r in table.rows if not r.total]
    grid = [[int((r.cells.get(c).value or 0) if r.cells.get(c) else 0) for c in columns] for r in body]
    return columns, body, grid


def _public_trends(year: Table | None, month: Table | None, hidden_values: set[int]) -> dict[str, Table]:
    """The trend tables by year and by month, protected together.

    A year's count is the sum of its months: protected apart, a month hidden in one table could be
    worked out from its year in the other. So both are one system of sums (each month's races add
    up to the month, each year's months to the year's cell, race by race, and so on) for
    `suppress_lines`. Only counts are published over time: a rate or a share by month would need
    its own protection of every numerator and denominator.
    """
    if year is None or month is None or not year.grid or not month.grid:
        return {}
    races, months, grid = _count_grid(month)
    year_races, years, _ = _count_grid(year)
    if not months or year_races != races:
        return {}
    year_of = [r.key[:4] for r in months]
    year_keys = [r.key for r in years]
    if sorted(set(year_of)) != sorted(year_keys):
        return {}
    values: dict[tuple, int] = {}
    lines: list[tuple[list[tuple], tuple]] = []
    for i, row in enumerate(grid):
        for j, v in enumerate(row):
            values[("m", i, j)] = v
        values[("mt", i)] = sum(row)
        lines.append(([("m", i, j) for j in range(len(races))], ("mt", i)))
    for k, y in enumerate(year_keys):
        in_year = [i for i, key in enumerate(year_of) if key == y]
        for j in range(len(races)):
            values[("y", k, j)] = sum(grid[i][j] for i in in_year)
            lines.append(([("m", i, j) for i in in_year], ("y", k, j)))
        values[("yt", k)] = sum(values[("y", k, j)] for j in range(len(races)))
        lines.append(([("y", k, j) for j in range(len(races))], ("yt", k)))
        lines.append(([("mt", i) for i in in_year], ("yt", k)))
    for j in range(len(races)):
        values[("c", j)] = sum(values[("y", k, j)] for k in range(len(year_keys)))
        lines.append(([("y", k, j) for k in range(len(year_keys))], ("c", j)))
    values[("g",)] = sum(values[("c", j)] for j in range(len(races)))
    lines.append(([("c", j) for j in range(len(races))], ("g",)))
    lines.append(([("yt", k) for k in range(len(year_keys))], ("g",)))
    hidden = suppression.suppress_lines(values, lines)
    hidden_values.update(values[k] for k in hidden)

    def fig(key: tuple, unit: str) -> stats.Figure:
        figure = stats.count(values[key], unit=unit)
        if key not in hidden:
            return figure
        label = (
            suppression.SMALL_LABEL if hidden[key] == suppression.SMALL else suppression.COMPLEMENTARY_LABEL
        )
        return _hidden_count(figure, label)

    def build(table: Table, body: list[Row], cell: str, total: str) -> Table:
        rows: list[Row] = []
        for i, r in enumerate(body):
            cells = {
                c: fig((cell, i, j), r.cells[c].unit if r.cells.get(c) else "records")
                for j, c in enumerate(races)
            }
            cells["row_total"] = fig((total, i), "records")
            rows.append(replace(r, cells=cells))
        totals = {c: fig(("c", j), "records") for j, c in enumerate(races)}
        totals["row_total"] = fig(("g",), "records")
        rows.append(Row("total", "All", totals, total=True))
        columns = [c for c in table.columns if c.key in races]
        return replace(table, columns=[*columns, Column("row_total", "All")], rows=rows)

    return {"trend_month": build(month, months, "m", "mt"), "trend_year": build(year, years, "y", "yt")}


def _public_grid(table: Table, hidden_values: set[int]) -> Table:
    count_columns = [c for c in table.columns if c.format == "count"]
    other_columns = [c for c in table.columns if c.format != "count"]
    body = [r for r in table.rows if not r.total]
    if not body or not count_columns:
        return replace(table, columns=count_columns, rows=[])
    grid = [
        [int((r.cells.get(c.key).value or 0) if r.cells.get(c.key) else 0) for c in count_columns]
        for r in body
    ]
    result = suppression.suppress_table(grid, row_totals=True, column_totals=True)
    for cell in result.entries():
        if cell.hidden:
            hidden_values.add(cell.value)
    rows: list[Row] = []
    for i, r in enumerate(body):
        new_cells: dict[str, stats.Figure | None] = {}
        for j, c in enumerate(count_columns):
            cell = result.cells[i][j]
            fig = stats.count(cell.value, unit=r.cells[c.key].unit if r.cells.get(c.key) else "records")
            new_cells[c.key] = _hidden_count(fig, _label_of(cell)) if cell.hidden else fig
        total = result.row_totals[i]
        fig = stats.count(total.value, unit="records")
        new_cells["row_total"] = _hidden_count(fig, _label_of(total)) if total.hidden else fig
        rows.append(replace(r, cells=new_cells))
    total_cells: dict[str, stats.Figure | None] = {}
    for j, c in enumerate(count_columns):
        cell = result.column_totals[j]
        fig = stats.count(cell.value, unit="records")
        total_cells[c.key] = _hidden_count(fig, _label_of(cell)) if cell.hidden else fig
    grand = result.grand_total
    fig = stats.count(grand.value, unit="records")
    total_cells["row_total"] = _hidden_count(fig, _label_of(grand)) if grand.hidden else fig
    rows.append(Row("total", "All", total_cells, total=True))

    del other_columns  # rates by type are not published: each would need its own protection
    return replace(table, columns=[*count_columns, Column("row_total", "All")], rows=rows, note=table.note)


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
