"""Read a framework CSV (pillar_number,pillar_name,item_type,number,text) into checked rows.

Pure: no database. Every problem is reported with its line, so a curator can fix the file; the
caller loads nothing unless the whole file is clean.
"""

import csv
import io
import re
from dataclasses import dataclass

COLUMNS = ["pillar_number", "pillar_name", "item_type", "number", "text"]
ITEM_TYPES = {"recommendation", "action_item", "overarching"}
NUMBER = re.compile(r"^([0-9]{1,3}|[A-Z]{1,2}[0-9]{0,2})(\.[0-9]{1,3}){0,3}$")
MAX_BYTES = 2 * 1024 * 1024
MAX_TEXT = 5000


@dataclass(frozen=True)
class ItemRow:
    line: int
    pillar_number: int | None
    pillar_name: str
    item_type: str
    number: str
    text: str


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    value: str
    reason: str


def sort_key(number: str) -> str:
    """'1.10.2' sorts after '1.9': pad each numeric part."""
    return ".".join(part.zfill(4) if part.isdigit() else part for part in number.split("."))


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ValueError("The file is saved as UTF-16. Save it as 'CSV UTF-8' and upload it again.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError(
            f"The file is not UTF-8 text (byte {error.start + 1} cannot be read). "
            "Save it as 'CSV UTF-8' and upload it again."
        ) from None


def parse(data: bytes) -> tuple[list[ItemRow], list[RowError]]:
    """Return the good rows and the errors; an unreadable file gives one error on line 0."""
    if len(data) > MAX_BYTES:
        return [], [RowError(0, "", "", "The file is larger than 2 MB; a framework file is much smaller.")]
    if not data.strip():
        return [], [RowError(0, "", "", "The file is empty.")]
    try:
        text = _decode(data)
    except ValueError as error:
        return [], [RowError(0, "", "", str(error))]
    rows: list[ItemRow] = []
    errors: list[RowError] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except csv.Error as error:
        return [], [RowError(1, "", "", f"The header line cannot be read: {error}.")]
    header = [h.strip().lower() for h in header]
    if header != COLUMNS:
        return [], [
            RowError(
                1,
                "",
                ",".join(header)[:200],
                "The first line must be exactly: " + ",".join(COLUMNS) + ".",
            )
        ]
    seen: dict[str, int] = {}
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            errors.append(RowError(reader.line_num, "", "", f"This line cannot be read as CSV: {error}."))
            break
        line = reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(COLUMNS):
            errors.append(
                RowError(
                    line, "", ",".join(record)[:120], f"Expected {len(COLUMNS)} columns, found {len(record)}."
                )
            )
            continue
        pillar_raw, pillar_name, item_type, number, item_text = (cell.strip() for cell in record)
        row_errors: list[RowError] = []
        pillar_number: int | None = None
        if pillar_raw:
            if pillar_raw.isdigit() and 0 < int(pillar_raw) < 100:
                pillar_number = int(pillar_raw)
            else:
                row_errors.append(
                    RowError(
                        line, "pillar_number", pillar_raw, "Must be a whole number from 1 to 99, or empty."
                    )
                )
        if item_type not in ITEM_TYPES:
            row_errors.append(
                RowError(line, "item_type", item_type, "Must be recommendation, action_item or overarching.")
            )
        if not NUMBER.match(number):
            row_errors.append(RowError(line, "number", number, "Must look like 1.2 or 1.2.1."))
        elif number in seen:
            row_errors.append(
                RowError(line, "number", number, f"The same number is already on line {seen[number]}.")
            )
        if not item_text:
            row_errors.append(RowError(line, "text", "", "The text of the item is missing."))
        elif len(item_text) > MAX_TEXT:
            row_errors.append(RowError(line, "text", item_text[:60], f"Longer than {MAX_TEXT} characters."))
        if len(pillar_name) > 200:
            row_errors.append(RowError(line, "pillar_name", pillar_name[:60], "Longer than 200 characters."))
        if row_errors:
            errors.extend(row_errors)
            continue
        seen[number] = line
        rows.append(ItemRow(line, pillar_number, pillar_name, item_type, number, item_text))
    if not rows and not errors:
        errors.append(RowError(0, "", "", "The file has a header but no items."))
    return rows, errors
