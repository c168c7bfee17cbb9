"""Population benchmarks from the Census Bureau's ACS table B03002 (Hispanic or Latino origin by race).

Reads the table as the Census Bureau's download tools write it, in either of its two layouts:
- the older American FactFinder layout (`..._with_ann.csv`): columns `GEO.id`, `GEO.id2` (the FIPS
  code), `GEO.display-label`, then `HD01_VDnn` (estimates) and `HD02_VDnn` (margins of error);
- the data.census.gov layout: columns `GEO_ID` (`0500000US26065`), `NAME`, then `B03002_nnnE`
  (estimates) and `B03002_nnnM` (margins of error).
Both have two header rows (codes, then labels); older files are Latin-1, newer ones UTF-8.

Each geography becomes a `Benchmark`: the population of each canonical race with its margin of
error at 90% (the ACS publishes 90% margins), its source and its vintage. Categories that are sums
of published cells (Asian + Pacific Islander; some other race + two or more races) get the
Census Bureau's approximate margin for a sum, the square root of the sum of the squared margins.
A margin published as `*****` means the estimate is controlled (fixed by the Census Bureau's
population estimates), so it has no sampling error: it is stored as 0 and flagged `controlled`.

The bundled county table (ACS 2013-2017, every US county) ships in `disparities/data/census/`.
"""

from __future__ import annotations

import csv
import functools
import io
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parents[1] / "data" / "census"
COUNTY_FILE = DATA_DIR / "ACS_17_5YR_B03002_counties_with_ann.csv"
COUNTY_SOURCE = "US Census Bureau, American Community Survey 5-year estimates, table B03002, counties"
COUNTY_VINTAGE = "2013-2017"

# Canonical race -> the B03002 lines that make it up (line numbers of the table).
LINES: dict[str, tuple[int, ...]] = {
    "total": (1,),
    "white": (3,),
    "black": (4,),
    "native_american": (5,),
    "asian_pacific_islander": (6, 7),
    "other": (8, 9),
    "hispanic": (12,),
}
LINE_LABELS = {
    1: "Total",
    3: "White alone, not Hispanic or Latino",
    4: "Black or African American alone, not Hispanic or Latino",
    5: "American Indian and Alaska Native alone, not Hispanic or Latino",
    6: "Asian alone, not Hispanic or Latino",
    7: "Native Hawaiian and Other Pacific Islander alone, not Hispanic or Latino",
    8: "Some other race alone, not Hispanic or Latino",
    9: "Two or more races, not Hispanic or Latino",
    12: "Hispanic or Latino (of any race)",
}
RACES = tuple(k for k in LINES if k != "total")

# Categories a police file may record that have no line in B03002: their stops are counted and shown,
# but no rate per resident (nor ratio) is offered, and the cell says why (docs/disparities.md).
NO_BENCHMARK: dict[str, str] = {
    "middle_eastern_south_asian": (
        "No Census benchmark: the American Community Survey has no Middle Eastern or South Asian category "
        "(Middle Eastern residents are counted as White, South Asian residents as Asian), so no rate per "
        "resident is offered."
    ),
    "multiracial": (
        "No Census benchmark: a person the officer perceived as of several races is not the same group as "
        "the residents who report two or more races to the Census (counted under Other), so no rate per "
        "resident is offered."
    ),
}

CONTROLLED = {"*****", "-555555555"}  # estimate controlled: no sampling error
NOT_AVAILABLE = {
    "",
    "(X)",
    "N",
    "**",
    "***",
    "-",
    "null",
    "-222222222",
    "-333333333",
    "-666666666",
    "-888888888",
    "-999999999",
}


class CensusFileError(ValueError):
    """The file cannot be read as a B03002 table; the message says what is wrong and what to do."""


@dataclass(frozen=True)
class Estimate:
    value: int
    moe: float | None  # 90% margin of error; 0 when controlled; None when not published
    controlled: bool = False
    combined: bool = False  # a sum of published cells; its margin is the root-sum-of-squares approximation

    def as_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "moe": self.moe,
            "controlled": self.controlled,
            "combined": self.combined,
        }


@dataclass(frozen=True)
class Benchmark:
    geo_id: str  # FIPS code: 5 digits for a county, 7 for a place
    name: str
    source: str
    vintage: str
    total: Estimate
    races: dict[str, Estimate] = field(default_factory=dict)

    def population(self) -> dict[str, int]:
        """Residents by canonical race, as `stats.rates_by_race` takes them."""
        return {race: est.value for race, est in self.races.items()}

    def as_dict(self) -> dict[str, Any]:
        return {
            "geo_id": self.geo_id,
            "name": self.name,
            "source": self.source,
            "vintage": self.vintage,
            "moe_level": 0.90,
            "total": self.total.as_dict(),
            "races": {race: est.as_dict() for race, est in self.races.items()},
        }


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")  # the Census Bureau's older download tool


def table_rows(data: bytes) -> list[list[str]]:
    """The cells of a Census table as a city uploaded it (any encoding the Bureau's tools write), to
    send it back as it was; raises CensusFileError when it is not a CSV file."""
    try:
        return list(csv.reader(io.StringIO(_decode(data), newline="")))
    except csv.Error as exc:
        raise CensusFileError(f"The file is not a readable CSV file ({exc}).") from None


def vintage_from_filename(filename: str) -> str | None:
    """'ACS_17_5YR_B03002_with_ann.csv' -> '2013-2017'; 'ACSDT5Y2019.B03002-Data.csv' -> '2015-2019'."""
    m = re.search(r"ACS_(\d{2})_(\d)YR", filename, re.IGNORECASE)
    if m:
        end, span = 2000 + int(m.group(1)), int(m.group(2))
        return f"{end - span + 1}-{end}" if span > 1 else str(end)
    m = re.search(r"ACS(?:DT|DP|ST)?(\d)Y(\d{4})", filename, re.IGNORECASE)
    if m:
        span, end = int(m.group(1)), int(m.group(2))
        return f"{end - span + 1}-{end}" if span > 1 else str(end)
    return None


def _layout(header: list[str]) -> tuple[str, dict[int, tuple[int, int]], int, int | None]:
    """Which layout the header is in: (name, line -> (estimate col, moe col), id col, name col)."""
    index = {h.strip(): n for n, h in enumerate(header)}
    if "GEO.id2" in index or any(h.startswith("HD01_VD") for h in index):
        layout, id_col, name_col = "factfinder", index.get("GEO.id2"), index.get("GEO.display-label")
        est, moe = "HD01_VD{:02d}", "HD02_VD{:02d}"
        id_name = "GEO.id2"
    elif "GEO_ID" in index or any(re.match(r"B03002_\d{3}E$", h) for h in index):
        layout, id_col, name_col = "data.census.gov", index.get("GEO_ID"), index.get("NAME")
        est, moe = "B03002_{:03d}E", "B03002_{:03d}M"
        id_name = "GEO_ID"
    else:
        raise CensusFileError(
            "This file is not a Census Bureau table download: its first row should hold column codes such "
            "as GEO.id2 and HD01_VD01 (American FactFinder) or GEO_ID and B03002_001E (data.census.gov). "
            "Download table B03002 (Hispanic or Latino origin by race) as CSV and upload that file."
        )
    if id_col is None:
        raise CensusFileError(
            f"The file has no {id_name} column, which names each geography by its FIPS code."
        )
    columns: dict[int, tuple[int, int]] = {}
    missing = []
    for line in sorted({ln for lines in LINES.values() for ln in lines}):
        e, m = index.get(est.format(line)), index.get(moe.format(line))
        if e is None or m is None:
            missing += [
                f"{code} ({LINE_LABELS[line]}{', margin of error' if code == moe.format(line) else ''})"
                for code, col in ((est.format(line), e), (moe.format(line), m))
                if col is None
            ]
        else:
            columns[line] = (e, m)
    if missing:
        hint = (
            " This looks like a different table; it must be B03002 (Hispanic or Latino origin by race)."
            if len(missing) >= 2 * len(LINE_LABELS) - 2
            else ""
        )
        raise CensusFileError(
            "The file lacks these columns of table B03002: " + "; ".join(missing) + "." + hint
        )
    return layout, columns, id_col, name_col


def _fips(layout: str, value: str) -> str:
    value = value.strip()
    if layout == "data.census.gov" and "US" in value:
        return value.split("US", 1)[1]
    return value


def _number(raw: str, *, what: str, line_no: int) -> int:
    text = raw.strip().replace(",", "")
    try:
        value = int(text)
    except ValueError:
        raise CensusFileError(
            f"Line {line_no}: the {what} is {raw!r}, not a number. The table must hold estimates, "
            "not percentages or notes."
        ) from None
    if value < 0:
        raise CensusFileError(f"Line {line_no}: the {what} is not available in this table ({raw}).")
    return value


def _moe(raw: str, *, what: str, line_no: int) -> tuple[float | None, bool]:
    text = raw.strip().replace(",", "")
    if text in CONTROLLED:
        return 0.0, True
    if text in NOT_AVAILABLE:
        return None, False
    if text.startswith("+/-"):
        text = text[3:]
    try:
        value = float(text)
    except ValueError:
        raise CensusFileError(f"Line {line_no}: the {what} is {raw!r}, not a number.") from None
    if value < 0:
        return None, False
    return value, False


def _combine(values: dict[int, tuple[int, float | None, bool]], lines: tuple[int, ...]) -> Estimate:
    """One canonical category from its B03002 lines; margins of a sum: root-sum-of-squares."""
    parts = [values[ln] for ln in lines]
    if len(parts) == 1:
        value, moe, controlled = parts[0]
        return Estimate(value=value, moe=moe, controlled=controlled)
    moes = [p[1] for p in parts]
    combined = None if any(m is None for m in moes) else math.sqrt(sum(m * m for m in moes if m is not None))
    return Estimate(
        value=sum(p[0] for p in parts), moe=combined, controlled=all(p[2] for p in parts), combined=True
    )


def parse_b03002(data: bytes | str, *, source: str, vintage: str | None = None) -> dict[str, Benchmark]:
    """Every geography in a B03002 download, keyed by FIPS code. Raises CensusFileError."""
    text = _decode(data) if isinstance(data, bytes) else data
    if not text.strip():
        raise CensusFileError("The file is empty.")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise CensusFileError(f"The file is not a readable CSV file ({exc}).") from None
    rows = [r for r in rows if any(c.strip() for c in r)]
    layout, columns, id_col, name_col = _layout(rows[0])
    width = len(rows[0])
    body = rows[1:]
    # The second header row holds labels ("Id", "Geography", "Estimate; Total:"): skip it.
    if body and not body[0][columns[1][0]].strip().replace(",", "").isdigit():
        body = body[1:]
        first_line = 3
    else:
        first_line = 2
    if not body:
        raise CensusFileError("The file has its header rows but no geography below them.")
    vintage = vintage or "unknown vintage"
    out: dict[str, Benchmark] = {}
    for offset, row in enumerate(body):
        line_no = first_line + offset
        if len(row) != width:
            raise CensusFileError(f"Line {line_no} has {len(row)} fields where the header has {width}.")
        values: dict[int, tuple[int, float | None, bool]] = {}
        for line, (e, m) in columns.items():
            what = LINE_LABELS[line]
            value = _number(row[e], what=f"estimate for {what}", line_no=line_no)
            moe, controlled = _moe(row[m], what=f"margin of error for {what}", line_no=line_no)
            values[line] = (value, moe, controlled)

        fips = _fips(layout, row[id_col])
        out[fips] = Benchmark(
            geo_id=fips,
            name=row[name_col].strip() if name_col is not None else fips,
            source=source,
            vintage=vintage,
            total=_combine(values, LINES["total"]),
            races={race: _combine(values, LINES[race]) for race in RACES},
        )
    return out


def parse_upload(data: bytes, *, filename: str = "", source: str | None = None) -> dict[str, Benchmark]:
    """A city's own place-level B03002 download. The vintage is read from the file name when it can be."""
    vintage = vintage_from_filename(filename) if filename else None
    return parse_b03002(
        data,
        source=source
        or f"US Census Bureau, American Community Survey, table B03002 (uploaded {filename or 'file'})",
        vintage=vintage,
    )


@functools.cache
def counties() -> dict[str, Benchmark]:
    """The bundled table of every US county, by 5-digit FIPS code."""
    return parse_b03002(COUNTY_FILE.read_bytes(), source=COUNTY_SOURCE, vintage=COUNTY_VINTAGE)


def county(fips: str) -> Benchmark | None:
    return counties().get(fips.strip().zfill(5))


def county_choices() -> list[tuple[str, str]]:
    """(FIPS, "Ingham County, Michigan") for a picker, ordered by state then county."""

    def key(item: Benchmark) -> tuple[str, str]:
        county_name, _, state = item.name.rpartition(", ")
        return (state, county_name)

    return [(b.geo_id, b.name) for b in sorted(counties().values(), key=key)]


def typed_benchmark(
    *, name: str, residents: dict[str, int | None], total: int | None = None, source: str, vintage: str
) -> Benchmark:
    """A benchmark whose figures a city typed in (no margins of error known).

    Races left out or None count as 0. The total defaults to the sum of the races; a total given
    that is smaller than that sum is refused, since the categories cannot add up to more than everyone.
    """
    unknown = set(residents) - set(RACES)
    if unknown:
        raise CensusFileError(f"Unknown categories: {', '.join(sorted(unknown))}. Use: {', '.join(RACES)}.")
    values = {race: residents.get(race) or 0 for race in RACES}
    negative = [race for race, v in values.items() if v < 0]
    if negative:
        raise CensusFileError(f"Residents cannot be negative ({', '.join(negative)}).")
    summed = sum(values.values())
    if summed == 0:
        raise CensusFileError("Enter the number of residents of at least one group.")
    if total is None:
        total = summed
    elif total < summed:
        raise CensusFileError(
            f"The total ({total:,}) is smaller than the groups added up ({summed:,}); check the figures."
        )
    return Benchmark(
        geo_id="",
        name=name,
        source=source,
        vintage=vintage,
        total=Estimate(value=total, moe=None),
        races={race: Estimate(value=v, moe=None) for race, v in values.items()},
    )
