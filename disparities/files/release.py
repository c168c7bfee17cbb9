"""The related tables of one release, joined by stop id into one table of rows (pure, no Django).

California's RIPA data comes as several tables keyed by the stop id (and the person number within
the stop): a main stops table with the dates and places, and person tables without dates (perceived
races, actions, results). Uploaded together in one zip, they are joined here into one CSV, one row
per combination of a stop's row, and, for each person, one row of each person table: the import
then resolves each person from their rows (files/normalise.py: PERSON_RULE).

The main table is the one with a date column; every table needs the stop id. A person table's row
whose stop id is not in the main table, or a table with no stop id column, is refused in words.
"""

from __future__ import annotations

import csv
import itertools
from pathlib import PurePosixPath
from typing import TextIO

from . import mapping as m
from .reader import FileProblem, RowProblem, Table

MAX_ROWS_PER_PERSON = 1000  # the product of one person's rows across the tables
SHOWN = 3  # ids quoted in a refusal


def _name(table: Table) -> str:
    return PurePosixPath(table.member or str(table.path)).name


def _column(header: list[str], field: str) -> str | None:
    by_name = {m.normalise_name(column): column for column in header}
    for synonym in m.SYNONYMS[field]:
        if synonym in by_name:
            return by_name[synonym]
    return None


def _rows(table: Table) -> list[list[str]]:
    rows = []
    for item in table.rows():
        if isinstance(item, RowProblem):
            raise FileProblem(
                f"Line {item.line} of “{_name(table)}” cannot be read: {item.reason} The tables of a release are "
                "joined whole: correct that table and upload the zip again."
            )
        rows.append(item[1])
    return rows


def join_release(tables: list[Table], out: TextIO) -> dict:
    """Write the joined table to `out` as CSV; returns what was joined (for the dataset's page)."""
    stop_columns = {}
    for table in tables:
        column = _column(table.header, "incident_id")
        if column is None:
            raise FileProblem(
                f"“{_name(table)}” has no stop id column (a column named stop_id, stop id, incident id ...): "
                "the tables of one release are joined by their stop id. Its columns: "
                f"{', '.join(table.header[:12])}."
            )
        stop_columns[id(table)] = column
    dated = [t for t in tables if m.propose_columns(t.header, "stop").get("date")]
    if not dated:
        raise FileProblem(
            f"None of the {len(tables)} tables of this zip ({', '.join(_name(t) for t in tables)}) has a date: "
            "a person table has no date of its own. Add the release's main stops table (stop id, date, time, "
            "place) to the zip, and upload it again."
        )
    if len(dated) > 1:
        raise FileProblem(
            f"Several tables of this zip have a date ({', '.join(_name(t) for t in dated)}): zip one main stops "
            "table with the person tables that go with it (races, actions, results), which have no date."
        )
    main = dated[0]
    others = [t for t in tables if t is not main]
    main_stop = main.header.index(stop_columns[id(main)])
    main_pid_column = _column(main.header, "person_id")
    main_pid = main.header.index(main_pid_column) if main_pid_column else None

    main_rows = _rows(main)
    stops: dict[str, list[list[str]]] = {}
    for row in main_rows:
        stops.setdefault(row[main_stop].strip(), []).append(row)

    main_persons = (
        {(row[main_stop].strip(), row[main_pid].strip()) for row in main_rows} if main_pid is not None else None
    )
    header = list(main.header)
    taken = {m.normalise_name(c) for c in header}
    added_pid = None
    parts = []  # (table, stop index, pid index or None, kept column indexes, rows by key)
    report_tables = [{"name": _name(main), "rows": len(main_rows), "role": "stops (with the dates)"}]
    for table in others:
        stop_at = table.header.index(stop_columns[id(table)])
        pid_column = _column(table.header, "person_id")
        pid_at = table.header.index(pid_column) if pid_column else None
        if pid_column and main_pid is None and added_pid is None:
            added_pid = pid_column if m.normalise_name(pid_column) not in taken else f"{_stem(table)}_{pid_column}"
            header.append(added_pid)
            taken.add(m.normalise_name(added_pid))
        kept = [i for i in range(len(table.header)) if i not in (stop_at, pid_at)]
        for i in kept:
            column = table.header[i]
            if m.normalise_name(column) in taken:
                column = f"{_stem(table)}_{column}"
            header.append(column)
            taken.add(m.normalise_name(column))
        rows = _rows(table)
        by_key: dict[tuple[str, ...], list[list[str]]] = {}
        unmatched: list[str] = []
        missing_key = 0
        for row in rows:
            stop = row[stop_at].strip()
            if not stop:
                missing_key += 1
                continue
            key = (stop, row[pid_at].strip()) if pid_at is not None else (stop,)
            if stop not in stops or (main_persons is not None and pid_at is not None and key not in main_persons):
                unmatched.append(stop if len(key) == 1 or main_persons is None else f"{stop} person {key[1]}")
                continue
            by_key.setdefault(key, []).append(row)
        if unmatched or missing_key:
            first = list(dict.fromkeys(unmatched))[:SHOWN]
            words = []
            if unmatched:
                what = "stop id and person" if main_persons is not None and pid_at is not None else "stop id"
                words.append(
                    f"{_rows_have(len(unmatched))} a {what} that is not in “{_name(main)}” (first: {', '.join(first)})"
                )
            if missing_key:
                words.append(f"{_rows_have(missing_key)} no stop id")
            raise FileProblem(
                f"“{_name(table)}” does not match the stops table: {'; '.join(words)}. The tables must come from "
                "the same release: zip the stops table and its person tables as they were published together."
            )
        parts.append((table, pid_at, kept, by_key))
        report_tables.append({"name": _name(table), "rows": len(rows), "role": "joined by stop id" + (
            " and person" if pid_at is not None else "")})  # fmt: skip

    # The persons of each stop, in the order the person tables give them (when the stops table has no
    # person number of its own).
    persons_of: dict[str, dict[str, None]] = {}
    for _, pid_at, _, by_key in parts:
        if pid_at is not None:
            for key in by_key:
                persons_of.setdefault(key[0], {})[key[1]] = None
    by_person = any(pid_at is not None for _, pid_at, _, _ in parts)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    written = 0
    for stop, stop_rows in stops.items():
        for main_row in stop_rows:
            if main_pid is not None:
                persons = [main_row[main_pid].strip()]
            else:
                persons = list(persons_of.get(stop, {"": None})) if by_person else [None]
            for person in persons:
                pieces = []
                for _table, pid_at, kept, by_key in parts:
                    key = (stop, person or "") if pid_at is not None else (stop,)
                    found = by_key.get(key) or [None]
                    pieces.append([[r[i] for i in kept] if r is not None else [""] * len(kept) for r in found])
                combinations = 1
                for piece in pieces:
                    combinations *= len(piece)
                if combinations > MAX_ROWS_PER_PERSON:
                    raise FileProblem(
                        f"Stop {stop[:40]}: one person has {combinations:,} combinations of rows across the tables "
                        f"(more than {MAX_ROWS_PER_PERSON:,}). Check that the tables are of one release."
                    )
                lead = list(main_row) + ([person or ""] if added_pid else [])
                for combination in itertools.product(*pieces):
                    writer.writerow(lead + [cell for piece in combination for cell in piece])
                    written += 1
    return {"tables": report_tables, "rows": written, "header": header}


def _stem(table: Table) -> str:
    return PurePosixPath(_name(table)).stem


def _rows_have(n: int) -> str:
    return "1 row has" if n == 1 else f"{n:,} rows have"
