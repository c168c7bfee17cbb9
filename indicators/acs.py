"""Read an ACS race-iteration table as people download it (pure: no Django, no database).

Two forms are read, and nothing else:
- a Census API response: a JSON array of arrays, row 0 the header (`<TABLE>_<nnn>E`, `EA`, `M`, `MA`
  for each cell, then `GEO_ID`, `NAME` and the geography columns such as `state`, `county`), every
  value a string (annotations may be null);
- a data.census.gov download (`ACSDT5Y2024.C15002B-Data.csv`): a CSV with two header rows (the codes
  `GEO_ID`, `NAME`, `<TABLE>_<nnn>E`, `<TABLE>_<nnn>M` ..., then their labels such as
  `Estimate!!Total:`), no state/county columns, sometimes a trailing empty column.

A race-iteration table is a base table followed by one letter A-I (B17001B: poverty, Black alone).
`read_table(raw, filename=)` returns a `Table` with every geography's estimates and margins of error
(90 %), or raises `NotACensusTable` with a sentence saying what the file is instead.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field

MAX_BYTES = 20 * 1024 * 1024
MAX_GEOGRAPHIES = 5000

# Race-iteration suffixes of the ACS (the Census Bureau's "selected population tables").
RACE_ITERATIONS: dict[str, str] = {
    "A": "White alone",
    "B": "Black or African American alone",
    "C": "American Indian and Alaska Native alone",
    "D": "Asian alone",
    "E": "Native Hawaiian and Other Pacific Islander alone",
    "F": "Some other race alone",
    "G": "Two or more races",
    "H": "White alone, not Hispanic or Latino",
    "I": "Hispanic or Latino",
}

# Special values: the API writes jam values as negative numbers, data.census.gov as symbols.
# An estimate that is not available is None; a margin that does not apply (a controlled estimate,
# "*****" or -555555555) is 0, as the Census Bureau says to treat it.
API_JAM = {
    "-666666666": "estimate not available (too few sample observations)",
    "-999999999": "not available (too few sample observations to compute a margin)",
    "-888888888": "not applicable",
    "-222222222": "margin not available (too few sample observations)",
    "-333333333": "median falls in the lowest or highest interval",
    "-555555555": "controlled estimate (no sampling error)",
    "-111111111": "not available",
}
CSV_JAM = {
    "-": "not available (too few sample observations)",
    "N": "not available (too few sample observations)",
    "(X)": "not applicable",
    "**": "margin not available (too few sample observations)",
    "***": "median falls in the lowest or highest interval",
    "*****": "controlled estimate (no sampling error)",
    "null": "not available",
    "": "not available",
}
CONTROLLED = {"-555555555", "*****"}

CELL_RE = re.compile(r"^(?P<table>[BC]\d{5})(?P<race>[A-I])_(?P<cell>\d{3})(?P<kind>E|EA|M|MA)$")
ANY_CELL_RE = re.compile(r"^(?P<table>[A-Z]{1,2}\d{4,5}[A-Z]{0,2})_(?P<cell>\d{3})(?P<kind>E|EA|M|MA|PE|PM)$")
GEO_ID_RE = re.compile(r"^(?P<summary>\d{3})(?P<component>\d{2})(?P<variant>\d{2})US(?P<code>[0-9A-Z]*)$")
VINTAGE_RE = re.compile(r"(?:ACSDT[15]Y|ACSST[15]Y|^)(?P<year>20\d\d)(?!\d)")
SUMMARY_LEVELS = {
    "010": "nation",
    "040": "state",
    "050": "county",
    "060": "county subdivision",
    "140": "census tract",
    "150": "block group",
    "160": "place",
    "310": "metro area",
    "860": "ZIP code area",
}


class NotACensusTable(ValueError):
    """The file is not one of the two forms read here; the message says what it is instead."""


@dataclass(frozen=True)
class Cell:
    estimate: float | None
    moe: float | None  # 90 % margin of error; 0 for a controlled estimate; None when not available
    note: str = ""  # why a value is missing ("estimate not available ..."), in words


@dataclass
class Geography:
    geo_id: str
    name: str
    level: str  # "county", "state", "place", ...
    cells: dict[int, Cell] = field(default_factory=dict)


@dataclass
class Table:
    table: str  # base table, "B17001"
    race: str  # iteration letter, "B"
    form: str  # "api_json" | "census_csv"
    vintage: int | None  # the end year of the estimates when the file or its name says it
    labels: dict[int, str]  # cell number -> label, when the file carries them (CSV)
    geographies: list[Geography]

    @property
    def table_id(self) -> str:
        return f"{self.table}{self.race}"

    @property
    def race_label(self) -> str:
        return RACE_ITERATIONS[self.race]

    @property
    def cell_numbers(self) -> list[int]:
        found: set[int] = set()
        for geo in self.geographies:
            found.update(geo.cells)
        return sorted(found)

    def report(self) -> dict:
        """What was read, in plain values: shown after an upload and kept with the file."""
        levels: dict[str, int] = {}
        for geo in self.geographies:
            levels[geo.level] = levels.get(geo.level, 0) + 1
        missing = sum(1 for g in self.geographies for c in g.cells.values() if c.estimate is None)
        return {
            "table": self.table_id,
            "race": self.race_label,
            "form": "Census API (JSON)" if self.form == "api_json" else "data.census.gov download (CSV)",
            "vintage": self.vintage,
            "geographies": len(self.geographies),
            "levels": levels,
            "cells": len(self.cell_numbers),
            "values": sum(len(g.cells) for g in self.geographies),
            "not_available": missing,
        }


def level_of(geo_id: str) -> str:
    match = GEO_ID_RE.match(geo_id)
    if not match:
        return ""
    return SUMMARY_LEVELS.get(match.group("summary"), f"summary level {match.group('summary')}")


def vintage_from_name(filename: str) -> int | None:
    base = filename.rsplit("/", 1)[-1]
    match = VINTAGE_RE.search(base)
    return int(match.group("year")) if match else None


def read_table(raw: bytes, *, filename: str = "") -> Table:
    """Read `raw` as a Census API JSON response or a data.census.gov CSV; refuse anything else."""
    if not raw or not raw.strip():
        raise NotACensusTable("The file is empty.")
    if len(raw) > MAX_BYTES:
        raise NotACensusTable(
            f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB: no ACS table by race is."
        )
    if raw[:4] == b"PK\x03\x04":
        raise NotACensusTable(
            "This is a zip archive. data.census.gov downloads come zipped: open it and upload the "
            "file whose name ends in -Data.csv."
        )
    if raw[:5] == b"%PDF-":
        raise NotACensusTable("This is a PDF document, not a table of estimates.")
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise NotACensusTable(
            "This file is in UTF-16 (as Excel saves it). Upload the file as downloaded from the Census Bureau."
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("latin-1")
        except UnicodeDecodeError:  # pragma: no cover - latin-1 decodes every byte
            raise NotACensusTable("The file is not text.") from None
    if "\x00" in text:
        raise NotACensusTable("The file is binary, not a Census table (it has NUL bytes).")
    stripped = text.lstrip()
    if stripped.startswith("[") or stripped.startswith("{"):
        return _read_json(stripped, filename=filename)
    return _read_csv(text, filename=filename)


# ------------------------------------------------------------------------------------------ JSON


def _read_json(text: str, *, filename: str) -> Table:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise NotACensusTable(
            f"The file looks like JSON but is damaged at line {err.lineno}, column {err.colno} "
            f"({err.msg}): it may have been cut short while downloading."
        ) from None
    if isinstance(data, dict):
        raise NotACensusTable(
            "This is a JSON object, not a Census API response (which is a list of rows with a header row)."
        )
    if not isinstance(data, list) or len(data) < 2 or not all(isinstance(row, list) for row in data):
        raise NotACensusTable(
            "This JSON is not a Census API response: it needs a header row and at least one row."
        )
    header = data[0]
    if not all(isinstance(h, str) for h in header):
        raise NotACensusTable("The first row of this JSON is not a header of variable names.")
    rows = data[1:]
    for number, row in enumerate(rows, start=2):
        if len(row) != len(header):
            raise NotACensusTable(
                f"Row {number} has {len(row)} values where the header has {len(header)}: the file is damaged."
            )
        if not all(v is None or isinstance(v, str | int | float) for v in row):
            raise NotACensusTable(f"Row {number} holds something that is not a value: the file is damaged.")
    table, race, columns = _columns(header)
    if "GEO_ID" not in header:
        raise NotACensusTable("This Census API response has no GEO_ID column: ask for it with get=GEO_ID.")
    geo_index = header.index("GEO_ID")
    name_index = header.index("NAME") if "NAME" in header else None
    geographies = []
    for number, row in enumerate(rows, start=2):
        geo_id = str(row[geo_index] or "")
        name = str(row[name_index] or "") if name_index is not None else geo_id
        geographies.append(_geography(geo_id, name, row, columns, number, jam=API_JAM))
    return _table(table, race, "api_json", vintage_from_name(filename), {}, geographies)


# ------------------------------------------------------------------------------------------- CSV


def _read_csv(text: str, *, filename: str) -> Table:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        rows = list(reader)
    except csv.Error as err:
        raise NotACensusTable(f"The CSV is damaged ({err}): it may have been cut short or edited.") from None
    rows = [r for r in rows if any(v.strip() for v in r)]
    if not rows:
        raise NotACensusTable("The file is empty.")
    header = [h.strip() for h in rows[0]]
    # A trailing empty column (data.census.gov writes a comma at the end of each line): every line
    # then has it, and a line without it has lost a value.
    trailing = 0
    while header and header[-1] == "":
        header.pop()
        trailing += 1
    if any(h.startswith("HD01_") for h in header):
        raise NotACensusTable(
            "This is an older American FactFinder download (HD01_/HD02_ columns), not a race-iteration "
            "table from data.census.gov. Download the table again from data.census.gov."
        )
    if "GEO_ID" not in header:
        first = ", ".join(h for h in header[:4] if h)
        raise NotACensusTable(
            f"This CSV has no GEO_ID column (its first columns are: {first or 'none'}): it is not a "
            "data.census.gov download of an ACS table."
        )
    if len(rows) < 3:
        raise NotACensusTable(
            "This CSV has no rows of data: a data.census.gov download has a row of codes, a row of labels, then the data."
        )
    labels_row = rows[1]
    if labels_row and labels_row[0].strip() not in ("Geography", "Geographic Area Name", "id", "Id"):
        raise NotACensusTable(
            "The second row of this CSV is not the row of labels that data.census.gov writes "
            "(it starts with 'Geography'): the file has been edited or is another kind of file."
        )
    table, race, columns = _columns(header)
    labels: dict[int, str] = {}
    for index, code in enumerate(header):
        match = CELL_RE.match(code)
        if match and match.group("kind") == "E" and index < len(labels_row):
            labels[int(match.group("cell"))] = labels_row[index].strip()
    geo_index = header.index("GEO_ID")
    name_index = header.index("NAME") if "NAME" in header else None
    geographies = []
    for number, row in enumerate(rows[2:], start=3):
        if len(row) != len(header) + trailing or any(v.strip() for v in row[len(header) :]):
            raise NotACensusTable(
                f"Line {number} has {len(row)} values where the header has {len(header) + trailing}: "
                "the file is damaged."
            )
        row = row[: len(header)]
        geo_id = row[geo_index].strip()
        name = row[name_index].strip() if name_index is not None else geo_id
        geographies.append(_geography(geo_id, name, row, columns, number, jam=CSV_JAM))
    return _table(table, race, "census_csv", vintage_from_name(filename), labels, geographies)


# ---------------------------------------------------------------------------------------- shared


def _columns(header: list[str]) -> tuple[str, str, dict[int, dict[str, int]]]:
    """The table, race letter and, per cell number, the column index of its E and M values."""
    tables: set[tuple[str, str]] = set()
    columns: dict[int, dict[str, int]] = {}
    other_tables: set[str] = set()
    for index, code in enumerate(header):
        match = CELL_RE.match(code)
        if match:
            tables.add((match.group("table"), match.group("race")))
            columns.setdefault(int(match.group("cell")), {})[match.group("kind")] = index
            continue
        other = ANY_CELL_RE.match(code)
        if other:
            other_tables.add(other.group("table"))
    if not tables:
        if other_tables:
            names = ", ".join(sorted(other_tables)[:3])
            raise NotACensusTable(
                f"This is Census table {names}, which is not a table by race: a race-iteration table's "
                "name ends in a letter A to I (B17001B is poverty for Black residents)."
            )
        raise NotACensusTable(
            "No column of this file is an ACS variable such as B17001B_002E: it is not a Census table by race."
        )
    if len(tables) > 1:
        names = ", ".join(sorted(t + r for t, r in tables))
        raise NotACensusTable(f"This file mixes several tables ({names}): upload one table by race per file.")
    for cell, kinds in sorted(columns.items()):
        if "E" not in kinds:
            raise NotACensusTable(
                f"Cell {cell:03d} has a margin of error but no estimate: the file is incomplete."
            )
        if "M" not in kinds:
            raise NotACensusTable(
                f"Cell {cell:03d} has no margin of error: download the table with its margins of error "
                "(they are needed to say how sure each figure is)."
            )
    (table, race) = tables.pop()
    return table, race, columns


def _geography(geo_id, name, row, columns, number, *, jam) -> Geography:
    level = level_of(geo_id)
    if not level:
        raise NotACensusTable(
            f"Line {number}: {geo_id!r} is not a Census GEO_ID (such as 0500000US01001): the file is damaged."
        )
    geo = Geography(geo_id=geo_id, name=name, level=level)
    for cell, kinds in columns.items():
        est_raw = _text(row[kinds["E"]])
        moe_raw = _text(row[kinds["M"]])
        estimate, est_note = _value(est_raw, jam, number, cell, "estimate")
        if moe_raw in CONTROLLED:
            moe, moe_note = 0.0, ""
        else:
            moe, moe_note = _value(moe_raw, jam, number, cell, "margin of error")
        if estimate is not None and estimate < 0:
            raise NotACensusTable(f"Line {number}, cell {cell:03d}: the estimate {est_raw} is negative.")
        if moe is not None and moe < 0:
            raise NotACensusTable(
                f"Line {number}, cell {cell:03d}: the margin of error {moe_raw} is negative."
            )
        geo.cells[cell] = Cell(estimate=estimate, moe=moe, note=est_note or moe_note)
    return geo


def _text(value) -> str:
    if value is None:
        return "null"
    return str(value).strip()


def _value(raw: str, jam: dict[str, str], number: int, cell: int, what: str) -> tuple[float | None, str]:
    if raw in jam:
        return None, jam[raw]
    cleaned = raw.replace(",", "")
    plus = cleaned.endswith("+")  # "250,000+" (top-coded median)
    minus = cleaned.endswith("-") and len(cleaned) > 1  # "2,500-" (bottom-coded median)
    if plus or minus:
        cleaned = cleaned[:-1]
    try:
        value = float(cleaned)
    except ValueError:
        raise NotACensusTable(
            f"Line {number}, cell {cell:03d}: the {what} {raw[:30]!r} is not a number: the file is damaged."
        ) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise NotACensusTable(f"Line {number}, cell {cell:03d}: the {what} {raw[:30]!r} is not a number.")
    if raw in API_JAM:  # pragma: no cover - caught above
        return None, API_JAM[raw]
    if value <= -100000000:
        return None, "not available"
    note = "top-coded" if plus else "bottom-coded" if minus else ""
    return value, note


def _table(table, race, form, vintage, labels, geographies) -> Table:
    if not geographies:
        raise NotACensusTable("The file has a header but no geography.")
    if len(geographies) > MAX_GEOGRAPHIES:
        raise NotACensusTable(
            f"The file has more than {MAX_GEOGRAPHIES} geographies: upload a smaller selection."
        )
    seen: set[str] = set()
    for geo in geographies:
        if geo.geo_id in seen:
            raise NotACensusTable(f"{geo.name} ({geo.geo_id}) appears twice: the file is damaged.")
        seen.add(geo.geo_id)
    return Table(table=table, race=race, form=form, vintage=vintage, labels=labels, geographies=geographies)
