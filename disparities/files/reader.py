"""Reading whatever file a police department exports: CSV, TSV, zipped CSV, Excel.

Pure module (no database). `open_table(path)` sniffs the format, the text encoding and the
delimiter, and returns a `Table` whose `rows()` streams `(line, fields)` pairs; a row that cannot be
read (wrong number of fields, a broken quote) comes as `(line, None, reason)` so the caller can
reject it and go on. A file that cannot be read at all raises `FileProblem` with a message that says
what to do about it.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

# A single CSV field may be long (a narrative), but not unbounded.
csv.field_size_limit(1_000_000)

DELIMITERS = [",", "\t", ";", "|"]
DELIMITER_NAMES = {",": "comma", "\t": "tab", ";": "semicolon", "|": "vertical bar"}
TEXT_SUFFIXES = {".csv", ".tsv", ".txt", ".tab"}
SAMPLE_BYTES = 256 * 1024
DEFAULT_MAX_UNCOMPRESSED = 4 * 1024**3


class FileProblem(Exception):
    """The file cannot be read at all. The message is for the person who uploaded it."""


@dataclass
class RowProblem:
    line: int
    reason: str


@dataclass
class Table:
    """An opened source file. `rows()` may be called once per `Table`."""

    path: Path
    format: str  # csv | zip | xlsx
    encoding: str = ""
    delimiter: str = ""
    header: list[str] = field(default_factory=list)
    member: str = ""  # the CSV inside a zip
    total_bytes: int = 0
    bytes_done: int = 0
    max_uncompressed: int = DEFAULT_MAX_UNCOMPRESSED

    def describe(self) -> dict:
        return {
            "format": self.format,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "member": self.member,
            "header": self.header,
        }

    # -- streaming -------------------------------------------------------------------------
    def rows(self) -> Iterator[tuple[int, list[str]] | RowProblem]:
        if self.format == "xlsx":
            yield from self._xlsx_rows()
        else:
            yield from self._csv_rows()

    def _open_binary(self) -> tuple[io.BufferedIOBase, object]:
        """The raw bytes of the text (the zip member for a zip) and an object to close."""
        if self.format == "zip":
            archive = zipfile.ZipFile(self.path)
            stream = _BoundedReader(archive.open(self.member), self.max_uncompressed)
            return stream, archive
        handle = open(self.path, "rb")  # noqa: SIM115 - closed by the caller
        return handle, handle  # type: ignore[return-value]

    def _csv_rows(self) -> Iterator[tuple[int, list[str]] | RowProblem]:
        raw, closer = self._open_binary()
        try:
            counter = _CountingReader(raw, self)
            text = io.TextIOWrapper(counter, encoding=self.encoding, newline="")  # type: ignore[arg-type]
            reader = csv.reader(text, delimiter=self.delimiter, strict=True)
            width = len(self.header)
            first = True
            line = 0
            while True:
                start = reader.line_num + 1
                try:
                    fields = next(reader)
                except StopIteration:
                    break
                except csv.Error as error:
                    yield RowProblem(start, _csv_reason(error))
                    continue
                except UnicodeDecodeError:
                    raise FileProblem(
                        f"Line {start} is not valid {self.encoding} text. Save the file again as "
                        "UTF-8 (in Excel: CSV UTF-8) and upload it again."
                    ) from None
                line = start
                if first:
                    first = False
                    continue  # the header, already read
                if not fields or (len(fields) == 1 and fields[0] == ""):
                    continue  # blank line
                if len(fields) != width:
                    yield RowProblem(line, f"This row has {len(fields)} fields where the header has {width}.")
                    continue
                yield line, fields
        finally:
            closer.close()  # type: ignore[attr-defined]

    def _xlsx_rows(self) -> Iterator[tuple[int, list[str]] | RowProblem]:
        workbook = _load_workbook(self.path)
        try:
            sheet = workbook.worksheets[0]
            width = len(self.header)
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                self.bytes_done = min(self.total_bytes, number)  # rows, for progress
                if number == 1:
                    continue
                cells = [_cell_text(v) for v in values]
                while cells and cells[-1] == "":
                    cells.pop()
                if not cells:
                    continue
                if len(cells) > width:
                    yield RowProblem(number, f"This row has {len(cells)} cells where the header has {width}.")
                    continue
                cells.extend([""] * (width - len(cells)))
                yield number, cells
        finally:
            workbook.close()


class _CountingReader(io.RawIOBase):
    """Counts bytes read, so the importer can show progress."""

    def __init__(self, raw, table: Table):
        self.raw = raw
        self.table = table

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.table.bytes_done += n
        return n


class _BoundedReader(io.RawIOBase):
    """Stops decompression beyond a limit: the sizes in a zip's headers come from the uploader."""

    def __init__(self, raw, limit: int):
        self.raw = raw
        self.limit = limit
        self.total = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            size = 1024 * 1024
        data = self.raw.read(size)
        self.total += len(data)
        if self.total > self.limit:
            raise FileProblem(
                f"The file inside the zip is larger than {self.limit // (1024 * 1024)} MB once unpacked. "
                "Split it, or upload the CSV without zipping it."
            )
        return data

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self.raw.close()
        super().close()


def _csv_reason(error: csv.Error) -> str:
    text = str(error)
    if "NUL" in text:
        return "This row contains a NUL character (the file may be damaged)."
    if "quote" in text or "delimiter" in text:
        return "This row has a quotation mark that is not closed or is misplaced."
    return f"This row cannot be read: {text}."


def _cell_text(value) -> str:
    import datetime as dt

    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip("\r\n")


def _load_workbook(path: Path):
    import openpyxl

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise FileProblem(
            "This Excel file cannot be opened (it may be damaged or protected by a password). "
            "Open it in Excel and save it again as .xlsx or as CSV."
        ) from error


# -- sniffing ------------------------------------------------------------------------------


def open_table(path: str | Path, *, max_uncompressed: int = DEFAULT_MAX_UNCOMPRESSED) -> Table:
    path = Path(path)
    size = path.stat().st_size
    if size == 0:
        raise FileProblem("The file is empty. Export the data again and upload the file with its rows.")
    with open(path, "rb") as handle:
        magic = handle.read(4)
    if magic == b"PK\x03\x04":
        with _open_zip(path) as archive:
            names = archive.namelist()
        if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
            return _open_xlsx(path)
        return _open_zipped_csv(path, max_uncompressed)
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileProblem(
            "This is an old Excel (.xls) file. Open it in Excel and save it as .xlsx or as CSV, then upload that."
        )
    table = Table(path=path, format="csv", total_bytes=size, max_uncompressed=max_uncompressed)
    with open(path, "rb") as handle:
        _sniff_text(table, handle)
    return table


def _open_zip(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise FileProblem("This zip file is damaged and cannot be opened. Zip the CSV again.") from error


def _open_zipped_csv(path: Path, max_uncompressed: int) -> Table:
    with _open_zip(path) as archive:
        members = [
            info
            for info in archive.infolist()
            if not info.is_dir()
            and not info.filename.startswith("__MACOSX/")
            and not PurePosixPath(info.filename).name.startswith(".")
        ]
        if len(members) != 1:
            raise FileProblem(
                f"The zip holds {len(members)} files; it must hold exactly one CSV file. "
                "Zip the one file you want to import, or upload the CSV itself."
            )
        info = members[0]
        name = PurePosixPath(info.filename)
        if name.is_absolute() or ".." in name.parts or "\\" in info.filename:
            raise FileProblem("The file inside the zip has a path that is not allowed. Zip the CSV file alone.")
        if name.suffix.lower() not in TEXT_SUFFIXES:
            raise FileProblem(
                f"The zip holds “{name.name}”, which is not a CSV file. Zip the CSV (or upload the Excel file itself)."
            )
        if info.flag_bits & 0x1:
            raise FileProblem("The file inside the zip is protected by a password. Zip it again without one.")
        if info.file_size > max_uncompressed:
            raise FileProblem(
                f"The file inside the zip is larger than {max_uncompressed // (1024 * 1024)} MB once unpacked. "
                "Split it, or upload the CSV without zipping it."
            )
        table = Table(
            path=path, format="zip", member=info.filename, total_bytes=info.file_size,
            max_uncompressed=max_uncompressed,
        )
    raw, closer = table._open_binary()
    try:
        _sniff_text(table, raw)
    finally:
        closer.close()  # type: ignore[attr-defined]
    return table


def _open_xlsx(path: Path) -> Table:
    workbook = _load_workbook(path)
    try:
        if not workbook.worksheets:
            raise FileProblem("This Excel file has no sheet.")
        sheet = workbook.worksheets[0]
        header_values = next(sheet.iter_rows(max_row=1, values_only=True), None)
        rows = sheet.max_row or 0
    finally:
        workbook.close()
    if not header_values or all(v is None or str(v).strip() == "" for v in header_values):
        raise FileProblem("The first sheet of this Excel file is empty, or its first row has no column names.")
    cells = [_cell_text(v) for v in header_values]
    while cells and cells[-1] == "":
        cells.pop()
    table = Table(path=path, format="xlsx", encoding="", delimiter="", total_bytes=max(rows, 1))
    table.header = clean_header(cells)
    return table


def detect_encoding(sample: bytes, stream=None) -> str:
    """UTF-8 (with or without BOM), UTF-16 (BOM or NUL pattern), else cp1252 / Latin-1.

    When `stream` is given (positioned after `sample`), the rest is checked too, so that a file
    whose first rows are plain ASCII but later rows are Latin-1 is not taken for UTF-8.
    """
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith(codecs.BOM_UTF16_LE) or sample.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    head = sample[:4096]
    if len(head) >= 4:
        even_nuls = head[0::2].count(0)
        odd_nuls = head[1::2].count(0)
        half = len(head) / 2
        if odd_nuls > half * 0.3 and even_nuls < half * 0.05:
            return "utf-16-le"
        if even_nuls > half * 0.3 and odd_nuls < half * 0.05:
            return "utf-16-be"
    utf8, cp1252 = _scan(sample, stream)
    if utf8:
        return "utf-8"
    return "cp1252" if cp1252 else "latin-1"


_CP1252_UNDEFINED = bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D])


def _scan(sample: bytes, stream) -> tuple[bool, bool]:
    """(valid UTF-8, valid cp1252) for the sample and, when given, the rest of the stream."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8 = True
    cp1252 = True
    chunk = sample
    while chunk:
        if utf8:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                utf8 = False
        if cp1252 and any(b in chunk for b in _CP1252_UNDEFINED):
            cp1252 = False
        if not utf8 and not cp1252:
            break
        chunk = stream.read(1024 * 1024) if stream is not None else b""
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    return utf8, cp1252


def detect_delimiter(lines: list[str]) -> str:
    """The candidate that splits the header into most fields and the next lines into as many."""
    lines = [line for line in lines if line.strip()][:30]
    if not lines:
        return ","
    best, best_score = ",", -1.0
    for candidate in DELIMITERS:
        try:
            parsed = list(csv.reader(lines, delimiter=candidate))
        except csv.Error:
            continue
        width = len(parsed[0])
        if width < 2:
            continue
        body = parsed[1:-1] if len(parsed) > 2 else parsed[1:]  # the last sampled line may be cut
        consistent = sum(1 for row in body if len(row) == width) / len(body) if body else 1.0
        score = consistent * 1000 + width
        if score > best_score:
            best, best_score = candidate, score
    return best


def clean_header(names: list[str]) -> list[str]:
    """Trimmed names; blank ones named by position; duplicates numbered."""
    seen: dict[str, int] = {}
    out: list[str] = []
    for index, name in enumerate(names, start=1):
        name = " ".join(str(name).replace("\ufeff", "").split()) or f"Column {index}"
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        out.append(name)
    return out


def _sniff_text(table: Table, stream) -> None:
    sample = stream.read(SAMPLE_BYTES)
    if not sample.strip(b"\x00\r\n\t \xef\xbb\xbf\xff\xfe"):
        raise FileProblem("The file is empty. Export the data again and upload the file with its rows.")
    table.encoding = detect_encoding(sample, stream)
    text = sample.decode(table.encoding, errors="ignore")
    lines = text.splitlines()
    if len(sample) == SAMPLE_BYTES and len(lines) > 1:
        lines = lines[:-1]
    table.delimiter = detect_delimiter(lines)
    try:
        header = next(csv.reader(io.StringIO(text, newline=""), delimiter=table.delimiter, strict=True), [])
    except csv.Error as error:
        raise FileProblem(f"The first line (the column names) cannot be read: {error}.") from error
    if not header or all(not h.strip() for h in header):
        raise FileProblem("The first line of the file must hold the column names, and it is empty.")
    if len(header) < 2:
        raise FileProblem(
            "Only one column was found. The columns must be separated by commas, tabs, semicolons or "
            "vertical bars; save the file as CSV from your spreadsheet program and upload it again."
        )
    table.header = clean_header(header)


def preview(table: Table, *, limit: int = 2000) -> tuple[list[list[str]], int]:
    """The first `limit` readable rows (for the mapping page) and how many rows were unreadable."""
    rows: list[list[str]] = []
    problems = 0
    for item in table.rows():
        if isinstance(item, RowProblem):
            problems += 1
            continue
        rows.append(item[1])
        if len(rows) >= limit:
            break
    return rows, problems
