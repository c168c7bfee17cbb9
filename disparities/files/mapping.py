"""Proposing how a department's columns and values map to the canonical record kinds.

Pure module (no database). A mapping is a JSON-able dict:

    {
      "version": 1,
      "kind": "stop",
      "columns": {"date": "DATE", "time": "TIME", "subject_race": "RACE", ...},   # field -> column
      "values": {"subject_race": {"W": "white", "Dog- Not Citizen": "not_a_person"}, ...},
      "date_format": "%m/%d/%y",        # or "iso"
      "time_format": "%H%M",            # or "" when there is no real time of day
      "separators": {"violation": ";"}, # multi-valued fields
      "personal_columns": ["NAME"],     # found, not imported unless mapped on purpose
      "exclude": [{"column": "STATUS", "values": ["VOID"], "reason": "voided reports"}],
    }

`exclude` lists value rules for rows that are not records (quarter separators, voided or duplicate
rows, another department's rows): a row whose column holds one of the values (surrounding spaces
removed) is left out of the import, and the import's report says how many rows each rule left out.

Value maps are keyed by the value as it appears in the file with surrounding spaces removed.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time

MAPPING_VERSION = 1
NOT_A_PERSON = "not_a_person"
MISSING = ""

# Every field a kind can take, in the order the mapping page shows them.
COMMON_FIELDS = [
    "incident_id", "date", "time", "location", "district", "lat", "lng",
    "subject_race", "subject_ethnicity", "subject_sex", "subject_age",
    "officer_id", "officer_race", "officer_sex", "weight",
]  # fmt: skip
KIND_FIELDS: dict[str, list[str]] = {
    "stop": [
        "person_id", "type", "reason", "violation", "search_conducted", "search_basis", "search_person",
        "search_vehicle", "contraband_found", "frisk_performed", "arrest_made", "citation_issued",
        "warning_issued", "outcome", "vehicle_registration_state",
    ],
    "arrest": ["charge", "offense_level"],
    "citation": ["violation", "fine_amount"],
    "use_of_force": ["force_type", "subject_injury", "officer_injury"],
    "complaint": ["allegation", "disposition"],
}  # fmt: skip
REQUIRED = ["date", "subject_race"]

LABELS = {
    "incident_id": "Incident / stop / complaint id",
    "person_id": "Person within the stop (RIPA pid: several rows per person become one person)",
    "date": "Date",
    "time": "Time of day",
    "location": "Location",
    "district": "District / sector / precinct",
    "lat": "Latitude",
    "lng": "Longitude",
    "subject_race": "Race (of the person stopped, arrested, cited, or the complainant)",
    "subject_ethnicity": "Ethnicity (Hispanic or not)",
    "subject_sex": "Sex",
    "subject_age": "Age",
    "officer_id": "Officer id (stored only as a pseudonym)",
    "officer_race": "Officer race",
    "officer_sex": "Officer sex",
    "type": "Stop type (vehicular, pedestrian)",
    "reason": "Reason for the stop",
    "violation": "Violation(s)",
    "search_conducted": "Search conducted",
    "search_basis": "Search basis",
    "search_person": "Person searched",
    "search_vehicle": "Vehicle searched",
    "contraband_found": "Contraband found",
    "frisk_performed": "Frisk performed",
    "arrest_made": "Arrest made",
    "citation_issued": "Citation issued",
    "warning_issued": "Warning issued",
    "outcome": "Outcome",
    "vehicle_registration_state": "Vehicle registration state",
    "charge": "Charge",
    "offense_level": "Offense level",
    "fine_amount": "Fine amount",
    "force_type": "Force type",
    "subject_injury": "Subject injury",
    "officer_injury": "Officer injury",
    "allegation": "Allegation",
    "disposition": "Finding / disposition",
    "weight": "Records in this row (a count, in aggregated files)",
}

BOOLEAN_FIELDS = {
    "search_conducted", "search_person", "search_vehicle", "contraband_found", "frisk_performed",
    "arrest_made", "citation_issued", "warning_issued", "subject_injury", "officer_injury",
}  # fmt: skip
# Fields whose distinct values are listed with a proposed canonical value.
CATEGORICAL_FIELDS = BOOLEAN_FIELDS | {
    "subject_race", "subject_ethnicity", "subject_sex", "officer_race", "officer_sex",
    "search_basis", "outcome", "disposition", "type",
}  # fmt: skip
MULTI_VALUED = {"violation", "charge", "allegation"}

RACE_CHOICES = [
    "black", "hispanic", "white", "asian_pacific_islander", "native_american", "middle_eastern_south_asian",
    "multiracial", "other", "unknown",
]  # fmt: skip
CHOICES: dict[str, list[str]] = {
    "subject_race": RACE_CHOICES + [NOT_A_PERSON],
    "officer_race": RACE_CHOICES,
    "subject_ethnicity": ["hispanic", "not_hispanic", "unknown"],
    "subject_sex": ["female", "male", "other", "unknown", NOT_A_PERSON],
    "officer_sex": ["female", "male", "other", "unknown"],
    "search_basis": [
        "consent", "probable_cause", "plain_view", "k9", "inventory", "incident_to_arrest", "warrant", "other", "unknown",
    ],
    "outcome": ["arrest", "citation", "summons", "warning", "none", "other", "unknown"],
    "disposition": [
        "sustained", "not_sustained", "exonerated", "unfounded", "informational", "pending", "other", "unknown",
    ],
    "type": ["vehicular", "pedestrian", "other", "unknown"],
}  # fmt: skip
for _name in BOOLEAN_FIELDS:
    CHOICES[_name] = ["true", "false", "unknown"]
# An aggregated file (Open Data Policing NC's long export) gives stops and searches as separate rows:
# a row whose kind column says "searches" counts searches among the stops the other rows count. Its
# records are searches and are not counted again as stops (`in_total` is false on them).
SEARCHES_OF_OTHER_ROWS = "searches_of_other_rows"
CHOICES["search_conducted"] = ["true", "false", "unknown", SEARCHES_OF_OTHER_ROWS]

# Known column names, compared after lower-casing and removing everything but letters and digits.
SYNONYMS: dict[str, list[str]] = {
    "incident_id": [
        "incidentid", "incident", "incidentnumber", "incidentno", "bpsno", "complaintid", "complaintnumber",
        "complaintno", "caseid", "casenumber", "caseno", "reportnumber", "stopid", "eventid", "cadnumber",
        "iapronumber", "filenumber", "uofnumber", "forceid",
    ],
    "date": [
        "date", "stopdate", "incidentdate", "incidentoccurreddate", "occurreddate", "occurredon", "eventdate",
        "arrestdate", "citationdate", "violationdate", "dateoccurred", "complaintdate", "datetime",
        "incidentdatetime", "reporteddate", "datestop", "year", "stopyear", "yearmonth", "stopmonth", "period",
    ],
    "person_id": ["pid", "personid", "personnumber", "personno", "subjectid", "subjectnumber"],
    "time": ["time", "stoptime", "timestop", "incidenttime", "arresttime", "citationtime", "eventtime", "timeoccurred"],
    "location": ["location", "address", "incidentlocation", "street", "streetaddress", "block", "blockaddress"],
    "district": [
        "district", "sector", "precinct", "beat", "zone", "division", "area", "policedistrict", "ward",
        "officerassignment",
    ],
    "lat": ["lat", "latitude", "y"],
    "lng": ["lng", "lon", "long", "longitude", "x"],
    "subject_race": [
        "subjectrace", "race", "driverrace", "citizenrace", "civilianrace", "suspectrace", "personrace",
        "complainantrace", "arresteerace", "defendantrace", "victimrace", "subjectracecode", "racecode",
        "citizen_race", "subjrace",
    ],
    "subject_ethnicity": [
        "subjectethnicity", "ethnicity", "driverethnicity", "citizenethnicity", "hispanic", "ethnic",
        "complainantethnicity", "arresteeethnicity",
    ],
    "subject_sex": [
        "subjectsex", "sex", "gender", "driversex", "drivergender", "citizensex", "citizengender",
        "subjectgender", "complainantsex", "complainantgender", "arresteesex", "suspectsex",
    ],
    "subject_age": ["subjectage", "age", "driverage", "citizenage", "ageatarrest", "arresteeage", "suspectage"],
    "officer_id": ["officeridhash", "officerid", "officerbadge", "badge", "badgenumber", "officer", "employeeid"],
    "officer_race": ["officerrace", "offrace", "employeerace"],
    "officer_sex": ["officersex", "officergender", "offsex", "employeesex", "employeegender"],
    "type": ["type", "stoptype", "subjecttype"],
    "reason": ["reason", "stopreason", "reasonforstop", "purpose", "reasonforstopdescription"],
    "violation": ["violation", "violations", "offense", "violationdescription", "charge", "citationcharge"],
    "search_conducted": ["searchconducted", "search", "searched", "searchperformed"],
    # How many records one row stands for (an aggregated export). Proposed only when the column holds
    # whole numbers, some above 1 (see `propose`).
    "weight": [
        "count", "counts", "n", "records", "stops", "number", "total", "totals", "num", "cnt", "frequency",
        "freq", "numberofstops", "stopcount", "persons", "people", "events", "weight",
    ],
    "search_basis": ["searchbasis", "searchtype", "searchreason", "basisforsearch"],
    "search_person": ["searchperson", "personsearched", "driversearched"],
    "search_vehicle": ["searchvehicle", "vehiclesearched"],
    "contraband_found": ["contrabandfound", "contraband", "hit", "searchresult"],
    "frisk_performed": ["friskperformed", "frisk", "frisked"],
    "arrest_made": ["arrestmade", "arrest", "arrested"],
    "citation_issued": ["citationissued", "citation", "cited", "ticket", "ticketissued"],
    "warning_issued": ["warningissued", "warning", "warned"],
    "outcome": ["outcome", "result", "disposition", "stopoutcome", "stopresult", "action"],
    "vehicle_registration_state": ["vehicleregistrationstate", "registrationstate", "platestate"],
    "charge": ["charge", "charges", "chargedescription", "offense", "offensedescription", "crime", "statute"],
    "offense_level": ["offenselevel", "chargelevel", "level", "severity", "chargeclass"],
    "fine_amount": ["fineamount", "fine", "amount", "fineamt", "penalty", "bailamount"],
    "force_type": ["forcetype", "typeofforce", "force", "forceused", "typeofforceused"],
    "subject_injury": ["citizeninjury", "subjectinjury", "subjectinjured", "citizeninjured", "injury"],
    "officer_injury": ["officerinjury", "officerinjured"],
    "allegation": ["allegation", "allegations", "complainttype", "allegationtype", "charge"],
    "disposition": [
        "disposition", "incidentdisposition", "finding", "findings", "allegationdisposition", "outcome",
        "result", "allegationfinding",
    ],
}
# Columns whose names say they identify a person: never proposed for import.
PERSONAL_PATTERNS = re.compile(
    r"(first|last|middle|full|sur|given)?name|address|dob|dateofbirth|birth|ssn|socialsecurity|phone|"
    r"email|driverslicense|licensenumber|licenseno|dlnumber",
)


def normalise_name(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def header_key(header: list[str]) -> str:
    """Identifies a department's export layout, whatever the order of its columns."""
    names = sorted(normalise_name(h) for h in header)
    return hashlib.sha256(json.dumps(names).encode()).hexdigest()


def fields_for(kind: str) -> list[str]:
    return COMMON_FIELDS + KIND_FIELDS[kind]


def personal_columns(header: list[str]) -> list[str]:
    found = []
    for column in header:
        name = normalise_name(column)
        if name in {"officername", "officerlastname"} or PERSONAL_PATTERNS.search(name) and name not in {"streetname"}:
            found.append(column)
    return found


def propose_columns(header: list[str], kind: str) -> dict[str, str]:
    """field -> column, from known synonyms; each column used once, personal columns never."""
    personal = set(personal_columns(header))
    by_name: dict[str, str] = {}
    for column in header:
        by_name.setdefault(normalise_name(column), column)
    taken: set[str] = set()
    proposal: dict[str, str] = {}
    for field in fields_for(kind):
        for synonym in SYNONYMS.get(field, []):
            column = by_name.get(synonym)
            if column and column not in taken and column not in personal:
                proposal[field] = column
                taken.add(column)
                break
    # A stop file's own "outcome" wins over "disposition"; a complaint's "disposition" over "outcome".
    return proposal


# -- values --------------------------------------------------------------------------------

_MISSING_TOKENS = {
    "", "na", "n/a", "nan", "null", "none", "unknown", "unk", "u", "not specified", "notspecified",
    "not recorded", "not available", "refused", "missing", "-", "--", "?", "x", "undetermined", "unspecified",
}  # fmt: skip

_RACE = {
    # RIPA's categories first, so that "South Asian" is not read as Asian / Pacific Islander.
    "middle_eastern_south_asian": {"middle eastern or south asian", "middle eastern", "south asian", "arab",
                                   "mena", "swana", "middle eastern/south asian", "me/sa"},
    "multiracial": {"multiracial", "multi-racial", "two or more", "two or more races", "mixed", "mixed race",
                    "biracial", "multiple", "multiple races"},
    "white": {"w", "white", "caucasian", "wht", "white/caucasian", "white non-hispanic", "white, not hispanic",
              "nh white", "european"},
    "black": {"b", "black", "african american", "black or african american", "black/african american",
              "afr amer", "blk", "african-american", "black non-hispanic", "nh black"},
    "hispanic": {"h", "hispanic", "latino", "latina", "latinx", "hispanic/latino", "hispanic or latino",
                 "white hispanic", "black hispanic", "l", "mexican"},
    "asian_pacific_islander": {"a", "asian", "asian/pacific islander", "asian or pacific islander", "api",
                               "pacific islander", "native hawaiian", "native hawaiian or other pacific islander",
                               "asian pacific islander", "p", "asian american", "filipino", "chinese",
                               "japanese", "korean", "vietnamese", "asian indian", "hawaiian"},
    "native_american": {"i", "n", "native american", "american indian", "american indian or alaska native",
                        "american indian/alaskan native", "amer ind/alaskan", "alaskan native", "alaska native",
                        "indian", "aian", "native"},
    "other": {"o", "other", "other race", "bosnian"},
}  # fmt: skip
_SEX = {
    "male": {"m", "male", "man", "boy"},
    "female": {"f", "female", "woman", "girl"},
    "other": {"x", "nonbinary", "non-binary", "other", "transgender"},
}
_TRUE = {"true", "t", "yes", "y", "1", "1.0"}
_FALSE = {"false", "f", "no", "n", "0", "0.0"}
_SEARCH_BASIS = [
    ("incident_to_arrest", ("incident to arrest", "incident to an arrest", "sita", "search incident")),
    ("inventory", ("inventory", "tow")),
    ("warrant", ("warrant",)),
    ("consent", ("consent",)),
    ("probable_cause", ("probable cause", "pc", "probable")),
    ("plain_view", ("plain view", "plain sight", "plain smell")),
    ("k9", ("k9", "k-9", "canine", "dog")),
    ("other", ("other", "reasonable suspicion", "pat", "frisk", "exigent")),
]
_OUTCOME = [
    ("arrest", ("arrest", "custody", "booked")),
    ("summons", ("summons",)),
    ("citation", ("citation", "cite", "ticket", "cited")),
    ("warning", ("warning", "warn")),
    ("none", ("no action", "none", "released", "field contact", "no enforcement")),
]
_DISPOSITION = [
    ("not_sustained", ("not sustained", "unsustained", "insufficient")),
    ("sustained", ("sustained",)),
    ("exonerated", ("exonerated",)),
    ("unfounded", ("unfounded",)),
    ("informational", ("informational", "information only", "info only")),
    ("pending", ("pending", "open", "under investigation", "active")),
    ("other", ("withdrawn", "closed", "mediated", "other", "policy", "training", "no finding", "administratively")),
]


def _clean(value: str) -> str:
    return " ".join(value.split()).lower()


def is_not_a_person(value: str) -> bool:
    text = _clean(value)
    return bool(re.search(r"\bdog\b|\bk-?9\b|canine|not citizen|not a person|animal", text))


@dataclass(frozen=True)
class Proposal:
    value: str
    sure: bool  # False: a guess the analyst should check


def propose_value(field: str, raw: str) -> Proposal:
    text = _clean(raw)
    if field in {"subject_race", "officer_race"}:
        if field == "subject_race" and text and is_not_a_person(text):
            return Proposal(NOT_A_PERSON, True)
        if text in _MISSING_TOKENS:
            return Proposal("unknown", True)
        for canonical, spellings in _RACE.items():
            if text in spellings:
                return Proposal(canonical, text != "bosnian")
        for canonical, spellings in _RACE.items():
            if any(len(s) > 3 and s in text for s in spellings):
                return Proposal(canonical, False)
        return Proposal("other", False)
    if field == "subject_ethnicity":
        if text in {"h", "hispanic", "latino", "hispanic or latino", "y", "yes", "hispanic/latino", "1", "true"}:
            return Proposal("hispanic", True)
        if text in {"n", "nh", "non-hispanic", "not hispanic", "no", "non hispanic", "0", "false",
                    "not hispanic or latino"}:  # fmt: skip
            return Proposal("not_hispanic", True)
        return Proposal("unknown", text in _MISSING_TOKENS)
    if field in {"subject_sex", "officer_sex"}:
        if field == "subject_sex" and text and is_not_a_person(text):
            return Proposal(NOT_A_PERSON, True)
        for canonical, spellings in _SEX.items():
            if text in spellings:
                return Proposal(canonical, True)
        return Proposal("unknown", text in _MISSING_TOKENS)
    if field in {"subject_injury", "officer_injury"}:
        if text in _MISSING_TOKENS:
            return Proposal("unknown", True)
        if text in _FALSE or text.startswith("no ") or "no injur" in text or text == "none":
            return Proposal("false", True)
        return Proposal("true", text in _TRUE or "injur" in text or "wound" in text or "fatal" in text)
    if field in BOOLEAN_FIELDS:
        if text in _TRUE:
            return Proposal("true", True)
        if text in _FALSE:
            return Proposal("false", True)
        return Proposal("unknown", text in _MISSING_TOKENS)
    table = {"search_basis": _SEARCH_BASIS, "outcome": _OUTCOME, "disposition": _DISPOSITION}.get(field)
    if table is not None:
        if text in _MISSING_TOKENS:
            return Proposal("unknown", True)
        words = f" {text} "
        for canonical, needles in table:
            if any(f" {needle} " in words or (len(needle) > 3 and needle in text) for needle in needles):
                return Proposal(canonical, True)
        return Proposal("other", False)
    if field == "type":
        if text in {"vehicular", "vehicle", "traffic", "v", "motor vehicle", "traffic stop", "driver"}:
            return Proposal("vehicular", True)
        if text in {"pedestrian", "ped", "p", "subject", "person", "pedestrian stop", "terry stop"}:
            return Proposal("pedestrian", True)
        if text in _MISSING_TOKENS:
            return Proposal("unknown", True)
        return Proposal("other", False)
    return Proposal(raw.strip(), True)


def resolves_persons(mapping: dict | None) -> bool:
    """Whether the file has several rows per person (a person id with its stop id): persons are then
    resolved at import, one record each (files/normalise.py: PERSON_RULE)."""
    columns = (mapping or {}).get("columns", {})
    return "person_id" in columns and "incident_id" in columns


def key_value(raw: str) -> str:
    """A stop or person id as the import compares it: "" when the cell is empty or says missing."""
    text = raw.strip()
    return "" if " ".join(text.split()).lower() in _MISSING_TOKENS else text


def value_key(raw: str) -> str:
    return raw.strip()


def distinct_values(rows: list[list[str]], header: list[str], column: str) -> Counter:
    index = header.index(column)
    return Counter(value_key(row[index]) for row in rows)


# -- dates and times -----------------------------------------------------------------------

DATE_FORMATS = [
    "iso", "%m/%d/%Y", "%m/%d/%y", "%d/%m/%Y", "%d/%m/%y", "%Y/%m/%d", "%m-%d-%Y", "%m-%d-%y",
    "%d-%b-%y", "%d-%b-%Y", "%d.%m.%Y", "%Y%m%d", "%b %d, %Y", "%B %d, %Y", "%Y-%m", "%Y",
]  # fmt: skip
# Dates that are only a year or a year and month (aggregated exports): stored as the first day of the
# period, with the dataset's `date_precision` saying so (figures by month are not offered for years).
YEAR_FORMATS = {"%Y": "year", "%Y-%m": "month"}
_YEAR_MONTH = re.compile(r"^(\d{4})[-/](\d{1,2})$")


def date_precision(date_format: str) -> str:
    """What a date in this format says: "year", "month" or "day"."""
    return YEAR_FORMATS.get(date_format, "day")
TIME_FORMATS = ["%H:%M:%S", "%H:%M", "%H%M", "%I:%M:%S %p", "%I:%M %p", "%H:%M:%S.%f"]
_DATE_TIME_SPLIT = re.compile(r"[ T]")


def split_date_time(text: str) -> tuple[str, str]:
    """`2018-01-27 12:00:00` -> (`2018-01-27`, `12:00:00`); `4/1/17` -> (`4/1/17`, ``)."""
    text = text.strip()
    parts = _DATE_TIME_SPLIT.split(text, maxsplit=1)
    if len(parts) == 2 and re.match(r"^\d{1,2}:\d{2}", parts[1]):
        return parts[0], parts[1]
    return text, ""


def parse_date(text: str, fmt: str) -> date | None:
    """None when the text is not a date in that format (including impossible dates)."""
    text = text.strip()
    if not text:
        return None
    try:
        if fmt == "iso":
            return date.fromisoformat(text[:10])
        if fmt == "%Y":
            return date(int(text), 1, 1) if len(text) == 4 and text.isdigit() else None
        if fmt == "%Y-%m":
            match = _YEAR_MONTH.match(text)
            return date(int(match[1]), int(match[2]), 1) if match else None
        if fmt in {"%m/%d/%y", "%m/%d/%Y"}:
            m, d, y = text.split("/")
            year = int(y)
            if fmt == "%m/%d/%y":
                if len(y) != 2:
                    return None
                year += 2000 if year < 70 else 1900
            elif len(y) != 4:
                return None
            return date(year, int(m), int(d))
        return datetime.strptime(text, fmt).date()
    except ValueError:
        return None


def parse_time(text: str, fmt: str) -> time | None:
    text = text.strip()
    if not text:
        return None
    try:
        if fmt == "%H%M":
            if not text.isdigit() or len(text) > 4:
                return None
            text = text.zfill(4)
            return time(int(text[:2]), int(text[2:]))
        if fmt in {"%H:%M:%S", "%H:%M"}:
            parts = text.split(":")
            if len(parts) != (3 if fmt == "%H:%M:%S" else 2):
                return None
            numbers = [int(p) for p in parts]
            return time(*numbers)
        return datetime.strptime(text, fmt).time()
    except ValueError:
        return None


def _best_format(values: list[str], formats: list[str], parse) -> tuple[str, float]:
    values = [v for v in values if v.strip() and _clean(v) not in _MISSING_TOKENS]
    if not values:
        return formats[0], 0.0
    best, best_share = formats[0], -1.0
    for fmt in formats:
        ok = sum(1 for v in values if parse(v, fmt) is not None)
        share = ok / len(values)
        if share > best_share:
            best, best_share = fmt, share
    return best, best_share


def detect_date_format(values: list[str]) -> tuple[str, float]:
    """The format that reads most of the sample, and the share it reads."""
    return _best_format([split_date_time(v)[0] for v in values], DATE_FORMATS, parse_date)


def detect_time_format(values: list[str]) -> tuple[str, float]:
    return _best_format(values, TIME_FORMATS, parse_time)


def is_placeholder_time(times: list[time | None]) -> bool:
    """Most rows at the same time of day (`12:00:00`): a placeholder, not a real time.

    In real stop data the commonest minute holds a few percent of the rows; half is a placeholder."""
    present = [t for t in times if t is not None]
    if len(present) < 10:
        return False
    most_common, count = Counter(present).most_common(1)[0]
    return count / len(present) >= 0.5


def detect_separator(values: list[str]) -> str:
    for separator in (";", "|"):
        if sum(1 for v in values if separator in v) >= max(1, len(values) // 100):
            return separator
    return ""


# -- the whole proposal --------------------------------------------------------------------


def propose(header: list[str], rows: list[list[str]], kind: str, *, saved: dict | None = None) -> dict:
    """A complete mapping: a saved one for this header if any, else one built from synonyms."""
    if saved:
        mapping = json.loads(json.dumps(saved))
        mapping["kind"] = kind
        mapping["columns"] = {f: c for f, c in mapping.get("columns", {}).items() if c in header}
        return complete(mapping, header, rows)
    mapping = {
        "version": MAPPING_VERSION,
        "kind": kind,
        "columns": propose_columns(header, kind),
        "values": {},
        "date_format": "",
        "time_format": "",
        "separators": {},
        "personal_columns": personal_columns(header),
    }
    _propose_weight(mapping, header, rows)
    return complete(mapping, header, rows)


_KIND_VALUES = {"stops": "unknown", "stop": "unknown", "searches": SEARCHES_OF_OTHER_ROWS, "search": SEARCHES_OF_OTHER_ROWS}


def kind_value(raw: str) -> str | None:
    """What a value of an aggregated file's stops/searches column stands for (None: not such a value)."""
    return _KIND_VALUES.get(_clean(raw))


def kind_column(header: list[str], rows: list[list[str]]) -> str | None:
    """A column saying whether a row counts stops or searches (Open Data Policing's long export)."""
    for index, column in enumerate(header):
        values = {_clean(row[index]) for row in rows if index < len(row) and row[index].strip()}
        if values and values <= set(_KIND_VALUES) and values & {"searches", "search"}:
            return column
    return None


def _propose_weight(mapping: dict, header: list[str], rows: list[list[str]]) -> None:
    """The count column of an aggregated file, only when it holds whole numbers (some above 1); and
    its stops/searches column, which says which rows count searches among the others' stops."""
    columns = mapping["columns"]
    proposed = columns.pop("weight", None)
    counted = count_column(header, rows)
    if counted is None or (counted in columns.values() and counted != proposed):
        return
    columns["weight"] = counted
    if mapping["kind"] == "stop" and "search_conducted" not in columns:
        kinds = kind_column(header, rows)
        if kinds is not None and kinds not in columns.values():
            columns["search_conducted"] = kinds
            index = header.index(kinds)
            mapping["values"]["search_conducted"] = {
                value_key(row[index]): _KIND_VALUES[_clean(row[index])] for row in rows if row[index].strip()
            }


def complete(mapping: dict, header: list[str], rows: list[list[str]]) -> dict:
    """Fill in formats and value proposals for the mapped columns (keeping choices already made)."""
    columns = mapping.setdefault("columns", {})
    values = mapping.setdefault("values", {})
    mapping.setdefault("separators", {})
    mapping.setdefault("personal_columns", personal_columns(header))
    mapping.setdefault("version", MAPPING_VERSION)

    def column_values(field: str) -> list[str]:
        index = header.index(columns[field])
        return [row[index] for row in rows]

    if "date" in columns and not mapping.get("date_format"):
        mapping["date_format"] = detect_date_format(column_values("date"))[0]
    if "time" in columns:
        if not mapping.get("time_format") and mapping.get("time_format") != "none":
            fmt, share = detect_time_format(column_values("time"))
            parsed = [parse_time(v, fmt) for v in column_values("time")]
            mapping["time_format"] = "none" if is_placeholder_time(parsed) or share == 0 else fmt
    elif "date" in columns and not mapping.get("time_format"):
        # A date column that carries a time too (`2018-01-27 12:00:00`).
        times = [split_date_time(v)[1] for v in column_values("date")]
        if any(times):
            fmt, share = detect_time_format(times)
            parsed = [parse_time(t, fmt) for t in times]
            mapping["time_format"] = "none" if is_placeholder_time(parsed) or share == 0 else fmt
            mapping["time_in_date"] = True
    for field in MULTI_VALUED & set(columns):
        if field not in mapping["separators"]:
            mapping["separators"][field] = detect_separator(column_values(field))
    for field in CATEGORICAL_FIELDS & set(columns):
        known = values.setdefault(field, {})
        for raw in sorted({value_key(v) for v in column_values(field)}):
            if raw not in known:
                if field == "search_conducted" and "weight" in columns and _clean(raw) in _KIND_VALUES:
                    known[raw] = _KIND_VALUES[_clean(raw)]
                else:
                    known[raw] = propose_value(field, raw).value
    return mapping


MAX_EXCLUDED_VALUES = 100


def exclusion_rules(mapping: dict) -> list[dict]:
    """The mapping's rules for rows that are not records, each {"column", "values", "reason"}."""
    rules = []
    for rule in mapping.get("exclude") or []:
        if not isinstance(rule, dict) or not isinstance(rule.get("column"), str) or "\x00" in rule["column"]:
            continue
        values = rule.get("values")
        if isinstance(values, str):
            values = [values]
        if not isinstance(values, list):
            continue
        # No NUL: the mapping is stored as jsonb, which cannot hold one.
        values = [value_key(str(v).replace("\x00", "")) for v in values if isinstance(v, str | int | float)]
        values = list(dict.fromkeys(values))[:MAX_EXCLUDED_VALUES]
        reason = str(rule.get("reason") or "").replace("\x00", "")[:200]
        if values:
            rules.append({"column": rule["column"], "values": values, "reason": reason})
    return rules


def rule_label(rule: dict) -> str:
    """A rule in words: “STATUS” is VOID or DUPLICATE (voided reports)."""
    values = " or ".join(v if v else "(blank)" for v in rule["values"])
    reason = f" ({rule['reason']})" if rule.get("reason") else ""
    return f"“{rule['column']}” is {values}{reason}"


class Exclusions:
    """Which rule, if any, leaves a row out of the import; counts the rows each rule left out."""

    def __init__(self, mapping: dict, header: list[str]):
        self.rules = [r for r in exclusion_rules(mapping) if r["column"] in header]
        self.tests = [(header.index(r["column"]), frozenset(r["values"])) for r in self.rules]
        self.counts = [0] * len(self.rules)

    def __bool__(self) -> bool:
        return bool(self.rules)

    def excluded(self, fields: list[str]) -> bool:
        for number, (index, values) in enumerate(self.tests):
            if (fields[index].strip() if index < len(fields) else "") in values:
                self.counts[number] += 1
                return True
        return False

    def report(self) -> list[dict]:
        return [{**rule, "rows": n} for rule, n in zip(self.rules, self.counts, strict=True)]


def problems(mapping: dict, header: list[str]) -> list[str]:
    """What stops this mapping from being used, in words for the analyst."""
    out = []
    columns = mapping.get("columns", {})
    for rule in exclusion_rules(mapping):
        if rule["column"] not in header:
            out.append(f"The column “{rule['column']}” of the rule for rows to leave out is not in this file.")
    for field in REQUIRED:
        if field not in columns:
            out.append(f"Choose the column that holds the {LABELS[field].split(' (')[0].lower()}: it is required.")
    for field, column in columns.items():
        if column not in header:
            out.append(f"The column “{column}” chosen for {LABELS.get(field, field)} is not in this file.")
    if "person_id" in columns and "incident_id" not in columns:
        out.append(
            "A person id numbers the persons within one stop: choose the column that holds the stop id "
            "(incident / stop id) too, so that a person's rows can be found together."
        )
    used = Counter(columns.values())
    for column, count in used.items():
        if count > 1 and column in header:
            fields = [LABELS.get(f, f) for f, c in columns.items() if c == column]
            if set(fields) != {LABELS["date"], LABELS["time"]}:
                out.append(f"The column “{column}” is chosen for several fields ({', '.join(fields)}).")
    return out


def _check_json_types(data: dict) -> None:
    """Every part of an imported mapping has the type an exported one has, and no text holds a
    character the database cannot store (NUL, half a surrogate pair): refused in words, not stored."""

    def text(value: object, where: str) -> None:
        if not isinstance(value, str):
            raise ValueError(f"In this mapping file, {where} must be text.")
        if "\x00" in value or any("\ud800" <= ch <= "\udfff" for ch in value):
            raise ValueError(f"In this mapping file, {where} holds a character that is not allowed.")
        if len(value) > 1000:
            raise ValueError(f"In this mapping file, {where} is too long.")

    def table(value: object, where: str) -> dict:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise ValueError(f"In this mapping file, “{where}” must be a table of names and values.")
        if len(value) > 100_000:
            raise ValueError(f"In this mapping file, “{where}” is too long.")
        return value

    for field, column in table(data.get("columns"), "columns").items():
        text(field, "a field name in “columns”")
        text(column, f"the column chosen for “{field[:50]}”")
    for field, values in table(data.get("values"), "values").items():
        text(field, "a field name in “values”")
        for raw, canonical in table(values, f"values of {field[:50]}").items():
            text(raw, f"a value of “{field[:50]}”")
            text(canonical, f"what “{raw[:50]}” stands for")
    for field, separator in table(data.get("separators"), "separators").items():
        text(field, "a field name in “separators”")
        text(separator, f"the separator of “{field[:50]}”")
    for name in ("date_format", "time_format"):
        if data.get(name) is not None:
            text(data[name], f"“{name}”")
    if data.get("time_in_date") is not None and not isinstance(data["time_in_date"], bool):
        raise ValueError("In this mapping file, “time_in_date” must be true or false.")


def validate_import(data: object, kind: str) -> dict:
    """A mapping read from JSON (exported earlier): checked for shape and types, unknown fields dropped.
    Raises ValueError, in words for the analyst, for anything else."""
    if not isinstance(data, dict) or not isinstance(data.get("columns"), dict):
        raise ValueError("This is not a mapping exported from REAL Cities (it has no “columns”).")
    _check_json_types(data)
    fields = set(fields_for(kind))
    mapping = {
        "version": MAPPING_VERSION,
        "kind": kind,
        "columns": {str(f): str(c) for f, c in data["columns"].items() if f in fields},
        "values": {},
        "date_format": str(data.get("date_format", "")),
        "time_format": str(data.get("time_format", "")),
        "separators": {str(k): str(v) for k, v in (data.get("separators") or {}).items() if k in MULTI_VALUED},
    }
    if data.get("time_in_date"):
        mapping["time_in_date"] = True
    if data.get("exclude") is not None and not isinstance(data.get("exclude"), list):
        raise ValueError("“exclude” must be a list of rules ({\"column\": ..., \"values\": [...], \"reason\": ...}).")
    if exclude := exclusion_rules(data):
        mapping["exclude"] = exclude
    for field, table in (data.get("values") or {}).items():
        if field in CATEGORICAL_FIELDS and isinstance(table, dict):
            allowed = set(CHOICES.get(field, []))
            mapping["values"][field] = {str(k): str(v) for k, v in table.items() if not allowed or v in allowed}
    if mapping["date_format"] and mapping["date_format"] not in DATE_FORMATS:
        raise ValueError(f"Unknown date format “{mapping['date_format']}”.")
    if mapping["time_format"] and mapping["time_format"] not in TIME_FORMATS + ["none"]:
        raise ValueError(f"Unknown time format “{mapping['time_format']}”.")
    return mapping


# -- refusals that name the real problem ---------------------------------------------------------

# Column names that say a row stands for several records (an aggregated export).
COUNT_NAMES = {
    "count", "counts", "n", "stops", "number", "total", "totals", "records", "num", "cnt", "frequency",
    "freq", "numberofstops", "stopcount", "searchcount", "searches", "persons", "people", "events",
}  # fmt: skip
_YEAR = re.compile(r"^(19|20)\d\d$")


def sample_values(rows: list[list[str]], index: int, *, limit: int = 3) -> list[str]:
    """A few distinct, non-empty values of a column, in the order met (each cut to 30 characters)."""
    seen: list[str] = []
    for row in rows:
        value = row[index].strip() if index < len(row) else ""
        if value and _clean(value) not in _MISSING_TOKENS and value not in seen:
            seen.append(value if len(value) <= 30 else value[:29] + "…")
            if len(seen) == limit:
                break
    return seen


def _described(column: str, rows: list[list[str]], index: int) -> str:
    values = sample_values(rows, index)
    return f"“{column}” ({', '.join(values)})" if values else f"“{column}” (empty in the first rows)"


def _share_of(values: list[str], test) -> float:
    values = [v for v in values if v.strip() and _clean(v) not in _MISSING_TOKENS]
    return sum(1 for v in values if test(v)) / len(values) if values else 0.0


def count_column(header: list[str], rows: list[list[str]]) -> str | None:
    """A column that says how many records each row stands for (`count`, `n`, `stops` ...): whole
    numbers, some above 1. A file with one is aggregated, not one record per row."""
    for index, column in enumerate(header):
        if normalise_name(column) not in COUNT_NAMES:
            continue
        values = [row[index].strip() for row in rows if index < len(row) and row[index].strip()]
        if values and all(v.isdigit() for v in values) and any(int(v) > 1 for v in values):
            return column
    return None


def date_columns(header: list[str], rows: list[list[str]]) -> list[str]:
    """Columns most of whose values read as a date in one of the known formats (a year alone is not one)."""
    found = []
    for index, column in enumerate(header):
        values = [row[index] for row in rows if index < len(row)]
        if _share_of(values, lambda v: bool(_YEAR.match(v.strip()))) > 0.5:
            continue
        if values and detect_date_format(values)[1] >= 0.8:
            found.append(column)
    return found


def race_columns(header: list[str], rows: list[list[str]]) -> list[str]:
    """Columns most of whose values are known spellings of a race."""
    found = []
    spellings = set().union(*_RACE.values())
    for index, column in enumerate(header):
        values = [row[index] for row in rows if index < len(row)]
        if _share_of(values, lambda v: _clean(v) in spellings) >= 0.6:
            found.append(column)
    return found


def _year_column(header: list[str], rows: list[list[str]]) -> str | None:
    for index, column in enumerate(header):
        values = [row[index] for row in rows if index < len(row)]
        if values and _share_of(values, lambda v: bool(_YEAR.match(v.strip()))) > 0.9:
            return column
    return None


def _about_officer(column: str) -> bool:
    name = normalise_name(column)
    return "officer" in name or "employee" in name or name.startswith("off")


def missing_field_help(mapping: dict, header: list[str], rows: list[list[str]], kind: str) -> list[str]:
    """What the analyst needs to know when a required field could not be proposed: the columns that
    could hold it, with a few of their values, and what the file is if it is not a file of records."""
    columns = mapping.get("columns", {})
    out: list[str] = []
    if not rows:
        return out
    index = {column: i for i, column in enumerate(header)}
    counted = count_column(header, rows)
    if counted is not None and columns.get("weight") == counted:
        out.append(
            f"This file looks aggregated: its column {_described(counted, rows, index[counted])} says how "
            "many records each row stands for, and it is proposed as “records in this row”: every figure "
            "counts each row as that many records. Check that the column is a count of records."
            + (
                f" Its dates are {'years' if mapping.get('date_format') == '%Y' else 'months'} "
                f"(“{columns.get('date')}”), as in aggregated exports"
                + (": figures by month will not be offered." if mapping.get("date_format") == "%Y" else ".")
                if date_precision(mapping.get("date_format") or "") != "day"
                else ""
            )
            + (
                f" Rows whose “{columns['search_conducted']}” says searches count searches among the stops "
                "of the other rows, not more stops."
                if columns.get("search_conducted") and SEARCHES_OF_OTHER_ROWS
                in mapping.get("values", {}).get("search_conducted", {}).values()
                else ""
            )
        )
    elif counted is not None and counted not in columns.values():
        out.append(
            f"This file looks aggregated: its column {_described(counted, rows, index[counted])} says how "
            "many records each row stands for, so a row is not one record. Imported as it is, every row "
            "would count once and the figures would be wrong. Choose it as “records in this row”."
        )
    if "date" not in columns:
        dates = [c for c in date_columns(header, rows) if c not in columns.values()]
        year = _year_column(header, rows)
        if dates:
            listed = "; ".join(_described(c, rows, index[c]) for c in dates[:5])
            out.append(
                f"No column is named as the date of the record, but these hold dates: {listed}. Choose the "
                "one that says when the stop, arrest or incident happened (a date reported or received can "
                "be days later; it will do if it is the only one, and figures by month then follow it)."
            )
        elif year is not None:
            out.append(
                f"No column holds a full date; {_described(year, rows, index[year])} holds only a year, as "
                "aggregated exports do. Choose it as the date with the date format “2017 (year only)”: "
                "figures then follow years, and figures by month are not offered."
            )
        else:
            listed = "; ".join(_described(c, rows, i) for i, c in enumerate(header[:12]))
            more = f" and {len(header) - 12} more" if len(header) > 12 else ""
            out.append(f"No column of this file holds dates. Its columns: {listed}{more}.")
    if "subject_race" not in columns:
        races = race_columns(header, rows)
        subjects = [c for c in races if not _about_officer(c) and c not in columns.values()]
        officers = [c for c in races if _about_officer(c)]
        if subjects:
            listed = "; ".join(_described(c, rows, index[c]) for c in subjects[:5])
            out.append(f"No column is named as the race of the person, but these hold race values: {listed}.")
        elif kind == "complaint":
            about = (
                f" ({'; '.join(_described(c, rows, index[c]) for c in officers)} is the officer's race)"
                if officers
                else ""
            )
            out.append(
                "No column holds the complainant's race" + about + ". Without it this file cannot give "
                "disparity figures: complaints by race, against residents, sustained by complainant race. "
                "What it can still tell is the number of complaints and allegations, their types and "
                "findings, and the share sustained by officer race; REAL Cities needs the complainant's "
                "race to import it, so ask the department for a file with that column."
            )
        else:
            listed = "; ".join(_described(c, rows, i) for i, c in enumerate(header[:12]))
            more = f" and {len(header) - 12} more" if len(header) > 12 else ""
            out.append(
                "No column holds the race of the person"
                + (f" ({', '.join(f'“{c}”' for c in officers)} is the officer's)" if officers else "")
                + f". Its columns: {listed}{more}. Without race there are no disparity figures."
            )
    return out
