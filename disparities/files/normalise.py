"""Turning one source row into one typed record, following a confirmed mapping.

Pure module (no database). `Normaliser(kind, mapping, header, officer_key)` compiles the mapping
into per-column functions once; `normaliser.row(fields)` returns the tuple COPY writes (in the
order of `columns_for(kind)`) and the values it had to store as missing, with the reason.
Distinct values are cached, so a million rows with a few thousand distinct dates cost little.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import struct
from collections.abc import Callable
from datetime import date, time
from decimal import Decimal, InvalidOperation

from . import mapping as m

# Database columns of each record table, in COPY order, with their PostgreSQL types.
COMMON_COLUMNS: list[tuple[str, str]] = [
    ("line", "int4"),
    ("incident_id", "text"),
    ("date", "date"),
    ("time", "time"),
    ("location", "text"),
    ("district", "text"),
    ("lat", "float8"),
    ("lng", "float8"),
    ("subject_race", "text"),
    ("subject_race_raw", "text"),
    ("subject_sex", "text"),
    ("subject_age", "int2"),
    ("subject_age_group", "text"),
    ("is_person", "bool"),
    ("officer_id_hash", "text"),
    ("officer_race", "text"),
    ("officer_sex", "text"),
    ("weight", "int4"),
    ("in_total", "bool"),
]
KIND_COLUMNS: dict[str, list[tuple[str, str]]] = {
    "stop": [
        ("type", "text"), ("reason", "text"), ("violations", "text[]"), ("search_conducted", "bool"),
        ("search_basis", "text"), ("search_person", "bool"), ("search_vehicle", "bool"),
        ("contraband_found", "bool"), ("frisk_performed", "bool"), ("arrest_made", "bool"),
        ("citation_issued", "bool"), ("warning_issued", "bool"), ("outcome", "text"),
        ("vehicle_registration_state", "text"),
    ],
    "arrest": [("charge", "text"), ("charges", "text[]"), ("offense_level", "text")],
    "citation": [("violation", "text"), ("violations", "text[]"), ("fine_amount", "numeric")],
    "use_of_force": [
        ("force_type", "text"), ("subject_injured", "bool"), ("subject_injury", "text"), ("officer_injured", "bool"),
    ],
    "complaint": [
        ("allegation", "text"), ("allegations", "text[]"), ("disposition", "text"), ("disposition_raw", "text"),
        ("sustained", "bool"),
    ],
}  # fmt: skip
# Maximum lengths of the text columns (the model's max_length): longer values are cut.
MAX_LENGTHS = {
    "incident_id": 100, "location": 300, "district": 100, "subject_race": 30, "subject_race_raw": 100,
    "subject_sex": 10, "subject_age_group": 20, "officer_id_hash": 16, "officer_race": 30, "officer_sex": 10,
    "type": 30, "reason": 300, "search_basis": 30, "outcome": 20, "vehicle_registration_state": 20,
    "charge": 300, "offense_level": 50, "violation": 300, "force_type": 200, "subject_injury": 200,
    "allegation": 300, "disposition": 20, "disposition_raw": 100,
}  # fmt: skip
MISSING_TOKENS = m._MISSING_TOKENS
AGE_MIN, AGE_MAX = 5, 110
CACHE_LIMIT = 200_000
_RANGE = re.compile(r"^(\d{1,3})\s*(?:-|to)\s*(\d{1,3})$|^(\d{1,3})\s*\+$|^(?:under|<)\s*(\d{1,3})$", re.I)


def columns_for(kind: str) -> list[tuple[str, str]]:
    return COMMON_COLUMNS + KIND_COLUMNS[kind]


def age_group(age: int) -> str:
    if age < 18:
        return "under_18"
    if age < 25:
        return "18_24"
    for upper, label in ((35, "25_34"), (45, "35_44"), (55, "45_54"), (65, "55_64")):
        if age < upper:
            return label
    return "65_plus"


def officer_pseudonym(key: bytes, officer_id: str) -> str:
    return hmac.new(key, officer_id.strip().encode(), hashlib.sha256).hexdigest()[:16]


def _is_missing(text: str) -> bool:
    return " ".join(text.split()).lower() in MISSING_TOKENS


def _cut(name: str, value: str) -> str:
    limit = MAX_LENGTHS.get(name)
    return value[:limit] if limit and len(value) > limit else value


_MISS = object()
# Canonical values read as a yes: a row counting searches among other rows' stops is a search.
TRUE_VALUES = frozenset({"true", m.SEARCHES_OF_OTHER_ROWS})


def encode_text_array(parts: list[str]) -> bytes:
    """PostgreSQL's binary form of a one-dimensional text[] (what COPY BINARY expects)."""
    if not parts:
        return EMPTY_TEXT_ARRAY
    encoded = [part.encode() for part in parts]
    head = struct.pack("!iiiii", 1, 0, TEXT_OID, len(encoded), 1)
    return head + b"".join(struct.pack("!i", len(e)) + e for e in encoded)


TEXT_OID = 25
EMPTY_TEXT_ARRAY = struct.pack("!iii", 0, 0, TEXT_OID)


def copy_types(kind: str) -> list[str]:
    """COPY types, dataset_id first; arrays travel as bytes already in PostgreSQL's binary form."""
    return ["int8"] + ["bytea" if kind_ == "text[]" else kind_ for _, kind_ in columns_for(kind)]


def copy_row(kind: str, dataset_id: int, values: tuple) -> tuple:
    """A `record()` tuple as COPY takes it: dataset_id first, arrays encoded."""
    return (dataset_id, *(
        encode_text_array(v) if isinstance(v, list) else v for v in values
    ))  # fmt: skip


class Problem(Exception):
    """A value that cannot be read: stored as missing, reported with this reason."""


class RowRejected(Exception):
    """A row that cannot be a record (its count of records is not a positive whole number): the row
    is left out and reported with this reason; the import goes on."""

    def __init__(self, column: str, value: str, reason: str):
        super().__init__(reason)
        self.column, self.value, self.reason = column, value, reason


MAX_WEIGHT = 10_000_000


def read_weight(text: str) -> int:
    """A row's count of records: a whole number from 1 to MAX_WEIGHT (thousands separators allowed)."""
    value = text.strip().replace(",", "")
    if not value:
        raise ValueError("has no count of records")
    if value.startswith("-") and value[1:].isascii() and value[1:].isdigit():
        raise ValueError("is not a positive number of records")
    if not value.isascii() or not value.isdigit():
        raise ValueError("is not a whole number of records")
    number = int(value)
    if number == 0:
        raise ValueError("records: the row stands for no record (it changes no figure)")
    if number < 1:
        raise ValueError("is not a positive number of records")
    if number > MAX_WEIGHT:
        raise ValueError(f"is more than {MAX_WEIGHT:,} records in one row")
    return number


class Normaliser:
    def __init__(self, kind: str, mapping: dict, header: list[str], officer_key: bytes = b""):
        self.kind = kind
        self.mapping = mapping
        self.header = header
        self.officer_key = officer_key
        self.columns = mapping.get("columns", {})
        self.values = mapping.get("values", {})
        self.index = {field: header.index(column) for field, column in self.columns.items() if column in header}
        self.date_format = mapping.get("date_format") or "iso"
        self.time_format = mapping.get("time_format") or ""
        self.time_in_date = bool(mapping.get("time_in_date")) and "time" not in self.index
        self.separators = mapping.get("separators", {})
        self._caches: dict[str, dict] = {}
        # Values met during the import that the mapping did not list: field -> {value: counted as}.
        self.unmapped: dict[str, dict[str, str]] = {}
        self.output = [name for name, _ in columns_for(kind)]
        self._builders = self._compile()
        self._weights: dict[str, int] = {}
        self._search_category = self._category("search_conducted")

    def weight(self, fields: list[str]) -> int:
        """How many records the row stands for (1 when the mapping has no count column); raises
        `RowRejected` when the count is not a positive whole number."""
        index = self.index.get("weight")
        if index is None:
            return 1
        text = fields[index]
        found = self._weights.get(text)
        if found is not None:
            return found
        try:
            number = read_weight(text)
        except ValueError as error:
            shown = repr(text.strip()) if text.strip() else "The count of records"
            raise RowRejected(
                self.columns["weight"], text[:300], f"{shown} {error}: the row was left out."
            ) from None
        if len(self._weights) < CACHE_LIMIT:
            self._weights[text] = number
        return number

    def in_total(self, fields: list[str]) -> bool:
        """False for a row that counts searches among the stops of other rows (aggregated files)."""
        index = self.index.get("search_conducted")
        if index is None or self.kind != "stop":
            return True
        return self._search_category(fields[index]) != m.SEARCHES_OF_OTHER_ROWS

    # -- value readers (each cached per distinct text) -------------------------------------
    def _cached(self, name: str, reader: Callable[[str], object]) -> Callable[[str], object]:
        """`reader`, remembered per distinct text (values that cannot be read are remembered too)."""
        ok: dict[str, object] = self._caches.setdefault(name, {})
        bad: dict[str, Problem] = self._caches.setdefault(name + ":bad", {})  # type: ignore[assignment]

        def read(text: str):
            try:
                return ok[text]
            except KeyError:
                pass
            problem = bad.get(text)
            if problem is not None:
                raise problem
            try:
                value = reader(text)
            except Problem as error:
                if len(bad) < CACHE_LIMIT:
                    bad[text] = error
                raise
            if len(ok) < CACHE_LIMIT:
                ok[text] = value
            return value

        read.ok = ok  # type: ignore[attr-defined]
        return read

    def _category(self, field: str) -> Callable[[str], str]:
        table = dict(self.values.get(field, {}).items())

        unmapped = self.unmapped.setdefault(field, {})

        def read(text: str) -> str:
            key = text.strip()
            value = table.get(key)
            if value is None:
                value = m.propose_value(field, key).value
                if field == "search_conducted" and "weight" in self.index:
                    # An aggregated file's stops/searches column, met with a value the mapping missed.
                    value = m.kind_value(key) or value
                if len(unmapped) < 1000:
                    unmapped[key] = value
            return value

        return self._cached(field, read)  # type: ignore[return-value]

    def _date(self, text: str) -> date | None:
        text = m.split_date_time(text)[0]
        if not text.strip() or _is_missing(text):
            return None
        value = m.parse_date(text, self.date_format)
        if value is None:
            raise Problem(f"not a date in the format {self.date_format.replace('iso', 'YYYY-MM-DD')}")
        if not 1900 <= value.year <= 2100:
            raise Problem("a date outside the years 1900 to 2100")
        return value

    def _time(self, text: str) -> time | None:
        # The date column's time part, or a time column that holds the date too (`2018-01-27 13:52:00`).
        time_part = m.split_date_time(text)[1]
        text = time_part if self.time_in_date else (time_part or text)
        if self.time_format in ("", "none") or not text.strip() or _is_missing(text):
            return None
        value = m.parse_time(text, self.time_format)
        if value is None:
            raise Problem("not a time of day")
        return value

    @staticmethod
    def _age(text: str) -> tuple[int | None, str]:
        text = text.strip()
        if not text or _is_missing(text) or m.is_not_a_person(text):
            return None, ""
        try:
            number = float(text)
        except ValueError:
            match = _RANGE.match(text)
            if match:
                return None, " ".join(text.split())
            raise Problem("not an age") from None
        if not number.is_integer() or not AGE_MIN <= number <= AGE_MAX:
            raise Problem(f"an age outside {AGE_MIN} to {AGE_MAX}")
        age = int(number)
        return age, age_group(age)

    @staticmethod
    def _float(text: str) -> float | None:
        text = text.strip()
        if not text or _is_missing(text):
            return None
        try:
            return float(text)
        except ValueError:
            raise Problem("not a number") from None

    @staticmethod
    def _money(text: str) -> Decimal | None:
        text = text.strip().replace("$", "").replace(",", "")
        if not text or _is_missing(text):
            return None
        try:
            value = Decimal(text).quantize(Decimal("0.01"))
        except InvalidOperation:
            raise Problem("not an amount of money") from None
        if not Decimal(0) <= value < Decimal(100_000_000):
            raise Problem("an amount outside 0 to 100,000,000")
        return value

    def _bool(self, field: str) -> Callable[[str], bool | None]:
        category = self._category(field)

        def read(text: str) -> bool | None:
            value = category(text)
            return True if value in TRUE_VALUES else False if value == "false" else None

        return read

    def _text(self, text: str) -> str:
        text = " ".join(text.split())
        return "" if _is_missing(text) else text

    def _multi(self, field: str) -> Callable[[str], list[str]]:
        separator = self.separators.get(field, "")

        def read(text: str) -> list[str]:
            text = self._text(text)
            if not text:
                return []
            if not separator:
                return [text]
            return [part.strip() for part in text.split(separator) if part.strip()]

        return read

    # -- compile the row builder -----------------------------------------------------------
    def _compile(self) -> list[tuple[str, int, Callable]]:
        """(field, source index, reader) for every mapped field."""
        builders: list[tuple[str, int, Callable]] = []
        for field, index in self.index.items():
            if field == "date":
                reader: Callable = self._cached("date", self._date)
            elif field == "time":
                reader = self._cached("time", self._time)
            elif field == "subject_age":
                reader = self._cached("age", self._age)
            elif field in {"lat", "lng"}:
                reader = self._float
            elif field == "fine_amount":
                reader = self._cached("fine", self._money)
            elif field in m.BOOLEAN_FIELDS:
                reader = self._bool(field)
            elif field in m.CATEGORICAL_FIELDS:
                reader = self._category(field)
            elif field in m.MULTI_VALUED:
                reader = self._multi(field)
            elif field == "officer_id":
                key = self.officer_key

                def reader(text: str, key: bytes = key) -> str:
                    text = text.strip()
                    return "" if not text or _is_missing(text) else officer_pseudonym(key, text)

                reader = self._cached("officer", reader)
            else:
                reader = self._text
            builders.append((field, index, reader))
        if self.time_in_date and "date" in self.index:
            builders.append(("time", self.index["date"], self._cached("time", self._time)))
        return builders

    def row(self, fields: list[str]) -> tuple[dict, list[tuple[str, str, str]]]:
        """The record's values by field, and the problems: (column, value, reason)."""
        values: dict = {}
        problems: list[tuple[str, str, str]] = []
        for field, index, reader in self._builders:
            text = fields[index]
            try:
                values[field] = reader(text)
            except Problem as problem:
                values[field] = None
                column = self.columns.get(field) or self.columns.get("date", "")
                problems.append((column, text, f"{text.strip()!r} is {problem}; stored as missing."))
        return values, problems

    def record(self, line: int, fields: list[str]) -> tuple[tuple, list[tuple[str, str, str]]]:
        """The tuple COPY writes, in `columns_for(kind)` order (without dataset_id)."""
        weight = self.weight(fields)
        v, problems = self.row(fields)
        race = v.get("subject_race") or "unknown"
        ethnicity = v.get("subject_ethnicity")
        sex = v.get("subject_sex") or "unknown"
        is_person = race != m.NOT_A_PERSON and sex != m.NOT_A_PERSON
        if not is_person:
            race, sex = "unknown", "unknown"
        elif ethnicity == "hispanic":
            race = "hispanic"
        age, group = v.get("subject_age") or (None, "")
        if not is_person:
            age, group = None, ""
        race_raw = ""
        if "subject_race" in self.index:
            race_raw = fields[self.index["subject_race"]].strip()
        common = (
            line,
            _cut("incident_id", v.get("incident_id") or ""),
            v.get("date"),
            v.get("time"),
            _cut("location", v.get("location") or ""),
            _cut("district", v.get("district") or ""),
            v.get("lat"),
            v.get("lng"),
            race,
            _cut("subject_race_raw", race_raw),
            sex,
            age,
            _cut("subject_age_group", group),
            is_person,
            v.get("officer_id") or "",
            "" if "officer_race" not in self.index else (v.get("officer_race") or "unknown"),
            "" if "officer_sex" not in self.index else (v.get("officer_sex") or "unknown"),
            weight,
            self.in_total(fields),
        )
        return common + self._kind_values(v, fields), problems

    def _kind_values(self, v: dict, fields: list[str]) -> tuple:
        kind = self.kind
        if kind == "stop":
            outcome = v.get("outcome") or ""
            arrest = v.get("arrest_made")
            citation = v.get("citation_issued")
            warning = v.get("warning_issued")
            if outcome and "outcome" in self.index:
                # Fill the flags from the outcome where the file has no column for them.
                if "arrest_made" not in self.index:
                    arrest = outcome == "arrest"
                if "citation_issued" not in self.index:
                    citation = outcome in {"citation", "summons"}
                if "warning_issued" not in self.index:
                    warning = outcome == "warning"
            basis = v.get("search_basis") or ""
            search = v.get("search_conducted")
            if search is None and "search_basis" in self.index and "search_conducted" not in self.index:
                search = bool(basis) and basis != "unknown"
            stop_type = v.get("type") or ""
            return (
                _cut("type", "" if stop_type == "unknown" else stop_type),
                _cut("reason", v.get("reason") or ""),
                v.get("violation") or [],
                search,
                _cut("search_basis", basis),
                v.get("search_person"),
                v.get("search_vehicle"),
                v.get("contraband_found"),
                v.get("frisk_performed"),
                arrest,
                citation,
                warning,
                _cut("outcome", outcome),
                _cut("vehicle_registration_state", v.get("vehicle_registration_state") or ""),
            )
        if kind == "arrest":
            charges = v.get("charge") or []
            joined = "; ".join(charges)
            return (_cut("charge", joined), charges, _cut("offense_level", v.get("offense_level") or ""))
        if kind == "citation":
            violations = v.get("violation") or []
            return (_cut("violation", "; ".join(violations)), violations, v.get("fine_amount"))
        if kind == "use_of_force":
            injury_text = ""
            if "subject_injury" in self.index:
                injury_text = self._text(fields[self.index["subject_injury"]])
            return (
                _cut("force_type", v.get("force_type") or ""),
                v.get("subject_injury"),
                _cut("subject_injury", injury_text),
                v.get("officer_injury"),
            )
        # complaint
        allegations = v.get("allegation") or []
        disposition = v.get("disposition") or ""
        raw = self._text(fields[self.index["disposition"]]) if "disposition" in self.index else ""
        sustained = None
        if disposition and disposition != "unknown":
            sustained = disposition == "sustained"
        return (
            _cut("allegation", "; ".join(allegations)),
            allegations,
            _cut("disposition", disposition),
            _cut("disposition_raw", raw),
            sustained,
        )

    # -- the fast path: one generated function per mapping ----------------------------------
    def fast(self, dataset_id: int) -> Callable[[int, list[str]], tuple]:
        """A function `(line, fields) -> tuple for COPY, dataset_id first`, generated for this mapping.

        It gives the same values as `record` but raises `Problem` at the first value that cannot be
        read: the caller then uses `record` for that row, which stores it as missing and reports it.
        """
        env: dict[str, object] = {
            "NAP": m.NOT_A_PERSON, "DATASET": dataset_id, "MISS": _MISS, "WEIGHT": self.weight,
            "IN_TOTAL": self.in_total,
        }  # fmt: skip
        idx = self.index
        counter = iter(range(1000))
        lines = ["def fast(line, f):"]
        add = lines.append

        def reader(fn, index: int) -> str:
            """Emit the lookup of a cached reader's value (a dict hit costs no call) and name it."""
            n = next(counter)
            env[f"r{n}"] = fn
            env[f"c{n}"] = fn.ok
            add(f"    v{n} = c{n}.get(f[{index}], MISS)")
            add(f"    if v{n} is MISS: v{n} = r{n}(f[{index}])")
            return f"v{n}"

        def text(field: str, limit: int, source: str | None = None) -> str:
            i = idx.get(source or field)
            if i is None:
                return "''"

            def read(value: str, limit: int = limit) -> str:
                value = " ".join(value.split())
                if len(value) <= 20 and value.lower() in MISSING_TOKENS:
                    return ""
                return value[:limit]

            return reader(self._cached(f"text:{field}", read), i)

        def bool_of(field: str) -> str:
            if field not in idx:
                return "None"
            category = self._category(field)

            def read(value: str) -> bool | None:
                canonical = category(value)
                return True if canonical in TRUE_VALUES else False if canonical == "false" else None

            return reader(self._cached(f"bool:{field}", read), idx[field])

        def category(field: str) -> str:
            return f"({reader(self._category(field), idx[field])} or '')" if field in idx else "''"

        def multi(field: str, limit: int) -> tuple[str, str]:
            if field not in idx:
                return "''", repr(EMPTY_TEXT_ARRAY)
            split = self._multi(field)

            def read(value: str, limit: int = limit) -> tuple[str, bytes]:
                parts = split(value)
                return "; ".join(parts)[:limit], encode_text_array(parts)

            name = reader(self._cached(f"multi:{field}", read), idx[field])
            return f"{name}[0]", f"{name}[1]"

        def cached(field: str, key: str, fn) -> str:
            return reader(self._cached(key, fn), idx[field]) if field in idx else "None"

        # The count of records first: a row whose count cannot be read is rejected whole.
        add("    weight = WEIGHT(f)" if "weight" in idx else "    weight = 1")
        add("    in_total = IN_TOTAL(f)" if self.kind == "stop" and "search_conducted" in idx else "    in_total = True")
        add(f"    race = {category('subject_race')} or 'unknown'")
        add(f"    sex = {category('subject_sex')} or 'unknown'")
        add(f"    age, group = {cached('subject_age', 'age', self._age) if 'subject_age' in idx else '(None, ' + repr('') + ')'}")
        ethnicity = category("subject_ethnicity") if "subject_ethnicity" in idx else "''"
        add("    if race == NAP or sex == NAP:")
        add("        person = False; race = sex = 'unknown'; age = None; group = ''")
        add("    else:")
        add("        person = True")
        add(f"        if {ethnicity} == 'hispanic': race = 'hispanic'")
        if "time" in idx:
            time_expr = cached("time", "time", self._time)
        elif self.time_in_date and "date" in idx:
            time_expr = reader(self._cached('time', self._time), idx['date'])
        else:
            time_expr = "None"
        raw_race = f"f[{idx['subject_race']}].strip()[:100]" if "subject_race" in idx else "''"
        officer_race = f"({category('officer_race')} or 'unknown')" if "officer_race" in idx else "''"
        officer_sex = f"({category('officer_sex')} or 'unknown')" if "officer_sex" in idx else "''"
        common = [
            "DATASET", "line", text("incident_id", 100), cached("date", "date", self._date), time_expr,
            text("location", 300), text("district", 100), cached("lat", "float:lat", self._float),
            cached("lng", "float:lng", self._float), "race", raw_race, "sex", "age", "group[:20]", "person",
            cached("officer_id", "officer", self._officer) if "officer_id" in idx else "''",
            officer_race, officer_sex, "weight", "in_total",
        ]  # fmt: skip
        kind = self.kind
        if kind == "stop":
            add(f"    outcome = {category('outcome')}")
            add(f"    basis = {category('search_basis')}")
            has_outcome = "outcome" in idx
            arrest = bool_of("arrest_made") if "arrest_made" in idx else (
                "((outcome == 'arrest') if outcome else None)" if has_outcome else "None"
            )  # fmt: skip
            citation = bool_of("citation_issued") if "citation_issued" in idx else (
                "((outcome in ('citation', 'summons')) if outcome else None)" if has_outcome else "None"
            )  # fmt: skip
            warning = bool_of("warning_issued") if "warning_issued" in idx else (
                "((outcome == 'warning') if outcome else None)" if has_outcome else "None"
            )  # fmt: skip
            if "search_conducted" in idx:
                search = bool_of("search_conducted")
            elif "search_basis" in idx:
                search = "(bool(basis) and basis != 'unknown')"
            else:
                search = "None"
            add(f"    stop_type = {category('type')}")
            _, violations = multi("violation", 300)
            rest = [
                "('' if stop_type == 'unknown' else stop_type[:30])", text("reason", 300), violations, search,
                "basis[:30]", bool_of("search_person"), bool_of("search_vehicle"), bool_of("contraband_found"),
                bool_of("frisk_performed"), arrest, citation, warning, "outcome[:20]",
                text("vehicle_registration_state", 20),
            ]  # fmt: skip
        elif kind == "arrest":
            joined, parts = multi("charge", 300)
            rest = [joined, parts, text("offense_level", 50)]
        elif kind == "citation":
            joined, parts = multi("violation", 300)
            rest = [joined, parts, cached("fine_amount", "fine", self._money)]
        elif kind == "use_of_force":
            rest = [
                text("force_type", 200), bool_of("subject_injury"), text("subject_injury_text", 200, "subject_injury"),
                bool_of("officer_injury"),
            ]  # fmt: skip
        else:
            joined, parts = multi("allegation", 300)
            add(f"    disposition = {category('disposition')}")
            rest = [
                joined, parts, "disposition[:20]", text("disposition_raw", 100, "disposition"),
                "(None if not disposition or disposition == 'unknown' else disposition == 'sustained')",
            ]  # fmt: skip
        add("    return (" + ", ".join(common + rest) + ",)")
        exec("\n".join(lines), env)  # noqa: S102 - code built above from the module's own templates
        return env["fast"]  # type: ignore[return-value]

    def _officer(self, text: str) -> str:
        text = text.strip()
        return "" if not text or _is_missing(text) else officer_pseudonym(self.officer_key, text)


# -- persons across rows (RIPA: one row per person per perceived race, per action, per result) -------

PERSON_RULE = (
    "Each person is counted once. A person's rows (one per perceived race, action or result, found "
    "together by stop id and person id) become one record: Hispanic if any row says Hispanic, else "
    "multiracial when the rows give more than one race, else the one race given (the RIPA Board's "
    "rule); a search, a find, an arrest or a citation on any of the person's rows counts for the person."
)
# The most serious outcome wins when a person's rows give several.
OUTCOME_RANK = {"arrest": 6, "summons": 5, "citation": 4, "warning": 3, "none": 2, "other": 1, "unknown": 0, "": 0}
_UNSET = (None, "", "unknown")


def resolve_race(races: list[str]) -> str:
    """One race for a person from the races of their rows (canonical values, 'unknown' ignored)."""
    known = {race for race in races if race not in ("unknown", "", m.NOT_A_PERSON)}
    if "hispanic" in known:
        return "hispanic"
    if len(known) > 1:
        return "multiracial"
    return known.pop() if known else "unknown"


def _any(values: list) -> bool | None:
    if any(v is True for v in values):
        return True
    if any(v is False for v in values):
        return False
    return None


def merge_person(kind: str, records: list[tuple]) -> tuple:
    """One record from the `Normaliser.record` tuples of one person's rows (same order of columns)."""
    if len(records) == 1:
        return records[0]
    merged = []
    for i, (name, type_) in enumerate(columns_for(kind)):
        values = [record[i] for record in records]
        if name == "line":
            merged.append(min(values))
        elif name == "subject_race":
            merged.append(resolve_race(values))
        elif name == "subject_race_raw":
            merged.append(_cut(name, "; ".join(dict.fromkeys(v for v in values if v))))
        elif name == "is_person":
            merged.append(any(values))
        elif type_ == "bool":
            merged.append(_any(values))
        elif type_ == "text[]":
            merged.append(list(dict.fromkeys(part for v in values for part in (v or []))))
        elif name == "outcome":
            merged.append(max(values, key=lambda v: OUTCOME_RANK.get(v or "", 1)))
        else:
            merged.append(next((v for v in values if v not in _UNSET), values[0]))
    return tuple(merged)
