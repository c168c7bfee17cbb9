"""Reading a CSV of contacts for the stakeholder directory. No database here.

`read_contacts(raw)` decodes and parses the file strictly (ragged rows and broken quotes are bad
rows, not silently repaired); `classify(rows, existing)` marks each row new, duplicate (by email,
or by name) or bad, with a reason a person understands. Every line of the file keeps its original
values so that skipped lines can be downloaded and nothing is lost.
"""

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000

COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("name", "full name", "contact", "contact name", "organisation name", "organization name"),
    "kind": ("kind", "type", "person or organisation", "person or organization"),
    "organisation": ("organisation", "organization", "org", "affiliation", "employer"),
    "role_title": ("role", "title", "role or title", "position", "job title"),
    "group": ("group", "stakeholder group", "sector", "category"),
    "district": ("district", "neighbourhood", "neighborhood", "ward", "area", "district or neighbourhood"),
    "email": ("email", "e-mail", "email address", "e-mail address"),
    "phone": ("phone", "telephone", "mobile", "phone number", "cell"),
    "preferred_language": ("language", "preferred language"),
    "consent": ("consent", "consent to contact", "agreed to be contacted", "consent given"),
    "consent_date": ("consent date", "consented on", "consent given on"),
    "notes": ("notes", "note", "comments"),
}
_HEADER_LOOKUP = {syn: canon for canon, syns in COLUMNS.items() for syn in syns}

YES = {"yes", "y", "true", "1", "agreed", "x"}
NO = {"no", "n", "false", "0", ""}


class CsvProblem(Exception):
    """The file as a whole cannot be read; the message says what to do."""


@dataclass
class ContactRow:
    line: int
    original: list[str]
    fields: dict[str, str] = field(default_factory=dict)
    verdict: str = "new"  # new | duplicate | bad
    reason: str = ""
    duplicate_of: str = ""  # "directory:<id>" or "line:<n>"

    def as_json(self) -> dict:
        return {
            "line": self.line,
            "original": self.original,
            "fields": self.fields,
            "verdict": self.verdict,
            "reason": self.reason,
            "duplicate_of": self.duplicate_of,
        }


def decode(raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def normalise_name(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())


def _header_key(cell: str) -> str:
    return " ".join(cell.strip().lower().replace("_", " ").split())


def read_contacts(raw: bytes) -> tuple[list[str], list[ContactRow]]:
    if not raw.strip():
        raise CsvProblem("The file is empty. Export your contacts as CSV with a header row and try again.")
    if len(raw) > MAX_BYTES:
        raise CsvProblem("The file is larger than 2 MB. Split it into smaller files and import each.")
    if b"\x00" in raw and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CsvProblem(
            "This does not look like a CSV file. Save the spreadsheet as 'CSV (comma delimited)'."
        )
    text = decode(raw)
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    lines = text.splitlines(keepends=True)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except (csv.Error, StopIteration) as error:
        raise CsvProblem(f"The header row could not be read ({error}).") from error
    mapping: dict[int, str] = {}
    for index, cell in enumerate(header):
        canon = _HEADER_LOOKUP.get(_header_key(cell))
        if canon and canon not in mapping.values():
            mapping[index] = canon
    if "name" not in mapping.values():
        raise CsvProblem(
            "No 'name' column was found in the header row. The first row must name the columns, "
            "e.g. name, email, phone, group, district, language."
        )
    rows: list[ContactRow] = []
    line_no = 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            line_no = reader.line_num
            original = lines[line_no - 1].rstrip("\r\n") if line_no - 1 < len(lines) else ""
            rows.append(
                ContactRow(
                    line=line_no,
                    original=[original],
                    verdict="bad",
                    reason=f"This line could not be read as CSV ({error}).",
                )
            )
            break
        line_no = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(rows) >= MAX_ROWS:
            raise CsvProblem(f"The file has more than {MAX_ROWS} contacts. Split it into smaller files.")
        row = ContactRow(line=line_no, original=values)
        if len(values) != len(header):
            row.verdict, row.reason = (
                "bad",
                (f"This line has {len(values)} values where the header has {len(header)} columns."),
            )
        else:
            row.fields = {canon: values[i].strip() for i, canon in mapping.items()}
        rows.append(row)
    return header, rows


def _parse_date(value: str) -> date | None:
    for fmt in ("%Y-%m-%d", "%m/%d/%Y", "%d %b %Y", "%d %B %Y"):
        try:
            return datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    raise ValueError(value)


def check_row(row: ContactRow, *, groups: dict[str, str]) -> None:
    """Validate and normalise one row's fields in place; mark it bad with a reason if needed."""
    if row.verdict == "bad":
        return
    f = row.fields
    problems = []
    if not f.get("name"):
        problems.append("the name is empty")
    if len(f.get("name", "")) > 200:
        problems.append("the name is longer than 200 characters")
    email = f.get("email", "")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            problems.append(f"'{email}' is not a valid email address")
        f["email"] = email.lower()
    group_text = f.get("group", "")
    group = groups.get(group_text.strip().lower()) if group_text else "other"
    if group is None:
        problems.append(f"the group '{group_text}' is not one of the directory's groups")
    else:
        f["group"] = group
    kind = f.get("kind", "").strip().lower()
    if kind in ("", "person", "individual", "people"):
        f["kind"] = "person"
    elif kind in ("organisation", "organization", "org", "group"):
        f["kind"] = "organisation"
    else:
        problems.append(f"the kind '{f.get('kind')}' should be 'person' or 'organisation'")
    consent = f.get("consent", "").strip().lower()
    if consent not in YES | NO:
        problems.append(f"consent '{f.get('consent')}' should be yes or no")
    f["consent"] = "yes" if consent in YES else ""
    if f.get("consent_date"):
        try:
            f["consent_date"] = _parse_date(f["consent_date"]).isoformat()
        except ValueError:
            problems.append(f"the consent date '{f['consent_date']}' is not a date (use 2025-03-31)")
    for key, limit in (("phone", 40), ("district", 120), ("preferred_language", 60), ("role_title", 200)):
        if len(f.get(key, "")) > limit:
            problems.append(f"the {key.replace('_', ' ')} is longer than {limit} characters")
    if problems:
        row.verdict = "bad"
        row.reason = "; ".join(problems).capitalize() + "."


def classify(rows: list[ContactRow], *, existing: list[tuple[int, str, str]], groups: dict[str, str]) -> None:
    """Mark duplicates of the directory (`existing`: id, name, email) and of earlier lines.

    Same email (ignoring case) is a duplicate. Same name (ignoring case, accents and punctuation)
    is a duplicate when either side has no email or both have the same one; same name with
    different emails is reported as a possible duplicate, still skipped unless a person ticks it.
    """
    by_email: dict[str, str] = {}
    by_name: dict[str, tuple[str, str]] = {}
    for pk, name, email in existing:
        ref = f"directory:{pk}"
        if email:
            by_email.setdefault(email.lower(), ref)
        by_name.setdefault(normalise_name(name), (ref, (email or "").lower()))
    for row in rows:
        check_row(row, groups=groups)
        if row.verdict == "bad":
            continue
        email = row.fields.get("email", "")
        key = normalise_name(row.fields["name"])
        if email and email in by_email:
            row.verdict, row.duplicate_of = "duplicate", by_email[email]
            row.reason = (
                f"The email {email} is already in the directory."
                if by_email[email].startswith("directory")
                else f"The email {email} appears on an earlier line of the file."
            )
        elif key in by_name:
            ref, other_email = by_name[key]
            where = "in the directory" if ref.startswith("directory") else "on an earlier line of the file"
            row.verdict, row.duplicate_of = "duplicate", ref
            if email and other_email and email != other_email:
                row.reason = f"Possible duplicate: the same name is {where}, with another email."
            else:
                row.reason = f"The name {row.fields['name']} is already {where}."
        else:
            ref = f"line:{row.line}"
            if email:
                by_email[email] = ref
            by_name[key] = (ref, email)
