"""Reading whatever file a police department exports: CSV, TSV, zipped CSV, Excel.

Pure module (no database). `open_table(path)` sniffs the format, the text encoding and the
delimiter, and returns a `Table` whose `rows()` streams `(line, fields)` pairs; a row that cannot be
read (wrong number of fields, a broken quote) comes as `(line, None, reason)` so the caller can
reject it and go on. A file that cannot be read at all raises `FileProblem` with a message that says
what to do about it: every error of the libraries underneath (zip, zlib, XML, text encodings) becomes
one, so a damaged or hostile file is refused in words.

`Limits` bounds what one file may cost: its width (columns), the length of one cell and of one line,
how much a zip or an Excel file may hold once unpacked (in all, and per packed byte), and how large an
Excel file's shared text may be. The limits are enforced while reading, never from sizes that the
file itself declares.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

DELIMITERS = [",", "\t", ";", "|"]
DELIMITER_NAMES = {",": "comma", "\t": "tab", ";": "semicolon", "|": "vertical bar"}
TEXT_SUFFIXES = {".csv", ".tsv", ".txt", ".tab"}
SAMPLE_BYTES = 256 * 1024
DEFAULT_MAX_UNCOMPRESSED = 4 * 1024**3
MB = 1024 * 1024
# Encodings an analyst may choose on the upload page when the detection is not what the file is.
ENCODINGS = {
    "utf-8": "UTF-8",
    "cp1252": "Windows-1252 (Western European, Excel on Windows)",
    "latin-1": "ISO-8859-1 (Latin-1)",
    "utf-16": "UTF-16 (Excel's “Unicode text”)",
}


class FileProblem(Exception):
    """The file cannot be read at all. The message is for the person who uploaded it."""


@dataclass(frozen=True)
class Limits:
    """What one uploaded file may cost to read (the settings give them; see docs/disparities.md)."""

    max_uncompressed: int = DEFAULT_MAX_UNCOMPRESSED  # bytes a zip or an Excel file may hold unpacked
    max_ratio: int = 100  # unpacked bytes per packed byte, beyond `ratio_floor`
    ratio_floor: int = 64 * MB  # a small archive may always unpack to this much
    max_columns: int = 1_000
    max_cell_chars: int = 32_767  # Excel's own limit for one cell
    max_line_chars: int = 4 * MB  # one physical line of a text file
    max_shared_strings: int = 50 * MB  # an Excel file's shared text, which its reader holds in memory

    def with_uncompressed(self, max_uncompressed: int | None) -> Limits:
        if max_uncompressed is None:
            return self
        return Limits(**{**self.__dict__, "max_uncompressed": max_uncompressed})


DEFAULT_LIMITS = Limits()
# The errors that zipfile, zlib and the decoders raise for a damaged archive.
ARCHIVE_ERRORS = (
    zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError, struct.error, ValueError,
)  # fmt: skip


def _megabytes(n: int) -> str:
    return f"{n // MB:,} MB"


def _unpacked_too_large(limit: int) -> FileProblem:
    return FileProblem(
        f"The file inside the zip is larger than {_megabytes(limit)} once unpacked. "
        "Split it, or upload the CSV without zipping it."
    )


def _damaged_zip(error: BaseException) -> FileProblem:
    return FileProblem(
        f"The zip file is damaged ({_describe(error)}) and cannot be read to the end. "
        "Zip the CSV again, or upload the CSV itself."
    )


def _describe(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text[:200]


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
    limits: Limits = DEFAULT_LIMITS
    packed_bytes: int = 0  # the zip member's compressed size (for the unpacking ratio)

    @property
    def max_uncompressed(self) -> int:
        return self.limits.max_uncompressed

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
            archive = _open_zip(self.path)
            try:
                member = archive.open(self.member)
            except ARCHIVE_ERRORS as error:
                archive.close()
                raise _damaged_zip(error) from error
            bound = _unpack_bound(self.limits, self.packed_bytes)
            stream = _BoundedReader(member, bound, self.limits.max_uncompressed)
            return stream, _Closer(stream, archive)  # type: ignore[return-value]
        handle = open(self.path, "rb")  # noqa: SIM115 - closed by the caller
        return handle, handle  # type: ignore[return-value]

    def _csv_rows(self) -> Iterator[tuple[int, list[str]] | RowProblem]:
        raw, closer = self._open_binary()
        try:
            counter = _CountingReader(raw, self)
            text = io.TextIOWrapper(counter, encoding=self.encoding, newline="")  # type: ignore[arg-type]
            csv.field_size_limit(self.limits.max_cell_chars)
            nul = [False]  # a line read since the last row held a NUL character
            reader = csv.reader(
                _bounded_lines(text, self.limits.max_line_chars, nul), delimiter=self.delimiter, strict=True
            )
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
                    yield RowProblem(start, _csv_reason(error, self.limits))
                    continue
                except UnicodeDecodeError:
                    raise FileProblem(
                        f"Line {start} is not valid {self.encoding} text. Save the file again as "
                        "UTF-8 (in Excel: CSV UTF-8) and upload it again, or choose the file's encoding "
                        "on the upload page."
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
                if nul[0]:
                    nul[0] = False
                    problem = _unstorable(line, fields, self.header)
                    if problem is not None:
                        yield problem
                        continue
                yield line, fields
        finally:
            closer.close()  # type: ignore[attr-defined]

    def _xlsx_rows(self) -> Iterator[tuple[int, list[str]] | RowProblem]:
        workbook = _load_workbook(self.path)
        try:
            sheet = workbook.worksheets[0]
            # Rows as the sheet holds them, not padded to the size its header declares (a file may
            # claim A1:XFD1048576 and make every row 16,384 cells).
            if hasattr(sheet, "reset_dimensions"):
                sheet.reset_dimensions()
            width = len(self.header)
            longest = self.limits.max_cell_chars
            number = 0
            values_iter = iter(sheet.iter_rows(values_only=True))
            while True:
                try:
                    values = next(values_iter)
                except StopIteration:
                    break
                except Exception as error:  # openpyxl, its XML parser and zlib raise many kinds
                    raise _damaged_xlsx(error) from error
                number += 1
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
                if any(len(cell) > longest for cell in cells):
                    yield RowProblem(number, f"This row has a cell longer than {longest:,} characters.")
                    continue
                cells.extend([""] * (width - len(cells)))
                problem = _unstorable(number, cells, self.header)
                if problem is not None:
                    yield problem
                    continue
                yield number, cells
        finally:
            workbook.close()


# Characters a PostgreSQL text column cannot hold: NUL, and halves of a surrogate pair (which an
# Excel file's `_xD800_` escapes can produce). A row holding one is rejected, never sent to COPY.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _unstorable(line: int, cells: list[str], header: list[str]) -> RowProblem | None:
    for index, cell in enumerate(cells):
        match = _UNSTORABLE.search(cell)
        if match is not None:
            column = header[index] if index < len(header) else f"Column {index + 1}"
            what = (
                "a NUL character" if match.group() == "\x00" else "a broken character (half a surrogate pair)"
            )
            return RowProblem(
                line,
                f"The value in “{column}” holds {what}, which the database cannot store; the row is "
                "rejected (the file may be damaged at this line).",
            )
    return None


def _bounded_lines(text: io.TextIOBase, limit: int, nul: list[bool] | None = None) -> Iterator[str]:
    """The text's lines, refusing a line longer than `limit` characters before it is held whole;
    `nul[0]` is set when a line holds a character the database cannot store."""
    readline = text.readline
    while True:
        line = readline(limit + 1)
        if not line:
            return
        if nul is not None and "\x00" in line:
            nul[0] = True
        if len(line) > limit:
            raise FileProblem(
                f"The file has a line longer than {limit:,} characters: it is not a table of records "
                "(or its line ends are damaged). Export the data again as CSV."
            )
        yield line


class _Closer:
    def __init__(self, *things):
        self.things = things

    def close(self) -> None:
        for thing in self.things:
            with contextlib.suppress(ARCHIVE_ERRORS):
                thing.close()


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


def _unpack_bound(limits: Limits, packed: int) -> int:
    """How many bytes an archive of `packed` bytes may unpack to."""
    return min(limits.max_uncompressed, max(limits.ratio_floor, limits.max_ratio * max(packed, 1)))


class _BoundedReader(io.RawIOBase):
    """Stops decompression beyond a limit: the sizes in a zip's headers come from the uploader.
    A damaged archive (bad CRC, corrupt deflate data) is a `FileProblem`."""

    def __init__(self, raw, limit: int, max_uncompressed: int | None = None):
        self.raw = raw
        self.limit = limit
        self.max_uncompressed = max_uncompressed or limit
        self.total = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            size = MB
        try:
            data = self.raw.read(min(size, MB))
        except ARCHIVE_ERRORS as error:
            raise _damaged_zip(error) from error
        self.total += len(data)
        if self.total > self.limit:
            if self.limit >= self.max_uncompressed:
                raise _unpacked_too_large(self.limit)
            raise FileProblem(
                f"The zip unpacks to far more than such a file holds ({_megabytes(self.limit)} unpacked "
                "and still going): it is damaged or built to exhaust the server. Upload the CSV itself."
            )
        return data

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        with contextlib.suppress(ARCHIVE_ERRORS):
            self.raw.close()
        super().close()


def _csv_reason(error: csv.Error, limits: Limits = DEFAULT_LIMITS) -> str:
    text = str(error)
    if "NUL" in text:
        return "This row contains a NUL character (the file may be damaged)."
    if "field larger than field limit" in text:
        return f"This row has a cell longer than {limits.max_cell_chars:,} characters."
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


def _damaged_xlsx(error: BaseException) -> FileProblem:
    return FileProblem(
        f"This Excel file is damaged and cannot be read to the end ({_describe(error)}). "
        "Open it in Excel and save it again as .xlsx or as CSV."
    )


def _load_workbook(path: Path):
    import openpyxl

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise FileProblem(
            "This Excel file cannot be opened (it may be damaged or protected by a password). "
            "Open it in Excel and save it again as .xlsx or as CSV."
        ) from error


# -- an Excel file checked before openpyxl parses it ----------------------------------------------

_XML_DELIMITERS = re.compile(rb"[<>]")
_DTD = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_XML_SUFFIXES = (".xml", ".rels", ".vml")


def check_xlsx(path: Path, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse an Excel file before its XML is parsed: every part is unpacked as a stream, within the
    same bound as a zip (in all and per packed byte); an XML part must be UTF-8 without a DTD or an
    entity declaration, and hold no run of text longer than a cell may be; the shared text (which
    openpyxl holds in memory) is bounded."""
    # The longest stretch between two angle brackets: a cell's text, escaped and in UTF-8.
    longest_token = limits.max_cell_chars * 6 + 4096
    with _open_zip(path) as archive:
        infos = archive.infolist()
        packed = sum(info.compress_size for info in infos)
        bound = _unpack_bound(limits, max(packed, path.stat().st_size))
        total = 0
        for info in infos:
            if info.is_dir():
                continue
            if info.flag_bits & 0x1:
                raise FileProblem("This Excel file is protected by a password. Save it again without one.")
            name = info.filename.lower()
            is_xml = name.endswith(_XML_SUFFIXES)
            shared = name.endswith("sharedstrings.xml")
            run = 0
            tail = b""
            part_total = 0
            try:
                with archive.open(info) as member:
                    while chunk := member.read(MB):
                        total += len(chunk)
                        part_total += len(chunk)
                        if total > bound:
                            raise _excel_too_large(bound, limits)
                        if not is_xml:
                            continue
                        if shared and part_total > limits.max_shared_strings:
                            raise FileProblem(
                                f"The text of this Excel file is larger than {_megabytes(limits.max_shared_strings)}. "
                                "Save it as CSV (UTF-8) and upload the CSV."
                            )
                        if part_total == len(chunk) and (
                            chunk.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
                            or b"\x00" in chunk[:4]
                        ):
                            raise FileProblem(
                                "This Excel file is not written as Excel writes one (its XML is not UTF-8). "
                                "Open it in Excel and save it again as .xlsx or as CSV."
                            )
                        if _DTD.search(tail + chunk):
                            raise FileProblem(
                                "This Excel file contains a document type declaration (DTD), which Excel never "
                                "writes and which can be used to attack the server. It is refused: open it in "
                                "Excel and save it again as .xlsx or as CSV."
                            )
                        tail = chunk[-16:]
                        parts = _XML_DELIMITERS.split(chunk)
                        if len(parts) == 1:
                            run += len(chunk)
                        else:
                            run += len(parts[0])
                            if run > longest_token or max(map(len, parts[1:-1]), default=0) > longest_token:
                                raise _cell_too_long(limits)
                            run = len(parts[-1])
                        if run > longest_token:
                            raise _cell_too_long(limits)
            except FileProblem:
                raise
            except ARCHIVE_ERRORS as error:
                raise _damaged_xlsx(error) from error


def _excel_too_large(bound: int, limits: Limits) -> FileProblem:
    if bound >= limits.max_uncompressed:
        return FileProblem(
            f"This Excel file is larger than {_megabytes(bound)} once unpacked. Split it, or save it as CSV."
        )
    return FileProblem(
        f"This Excel file unpacks to far more than such a file holds ({_megabytes(bound)} unpacked and "
        "still going): it is damaged or built to exhaust the server. Save it again as .xlsx or as CSV."
    )


def _cell_too_long(limits: Limits) -> FileProblem:
    return FileProblem(
        f"This Excel file has a cell longer than {limits.max_cell_chars:,} characters, the most Excel itself "
        "allows. It is damaged or not a table of records; save it again as .xlsx or as CSV."
    )


# -- sniffing ------------------------------------------------------------------------------


def open_table(
    path: str | Path,
    *,
    max_uncompressed: int | None = None,
    limits: Limits | None = None,
    encoding: str = "",
    check_whole_file: bool = True,
) -> Table:
    """Open and sniff a file. `encoding` forces the text encoding (one of `ENCODINGS`; "" detects it).

    With `check_whole_file` (at upload) a text file is read to its end, so that an encoding error or a
    damaged zip is found now, with its byte offset, rather than during the import; an Excel file is
    checked part by part (`check_xlsx`)."""
    path = Path(path)
    limits = (limits or DEFAULT_LIMITS).with_uncompressed(max_uncompressed)
    if encoding and encoding not in ENCODINGS and encoding not in {"utf-8-sig", "utf-16-le", "utf-16-be"}:
        raise FileProblem(f"Unknown text encoding “{encoding[:40]}”. Choose one of the list.")
    try:
        size = path.stat().st_size
    except OSError as error:
        raise FileProblem("The uploaded file is no longer on the server. Upload it again.") from error
    if size == 0:
        raise FileProblem("The file is empty. Export the data again and upload the file with its rows.")
    with open(path, "rb") as handle:
        magic = handle.read(4)
    if magic == b"PK\x03\x04":
        with _open_zip(path) as archive:
            names = archive.namelist()
        if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
            if check_whole_file:
                check_xlsx(path, limits)
            return _open_xlsx(path, limits)
        return _open_zipped_csv(path, limits, encoding, check_whole_file)
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileProblem(
            "This is an old Excel (.xls) file. Open it in Excel and save it as .xlsx or as CSV, then upload that."
        )
    table = Table(path=path, format="csv", total_bytes=size, limits=limits)
    with open(path, "rb") as handle:
        _sniff_text(table, handle, encoding, check_whole_file)
    return table


def _open_zip(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except ARCHIVE_ERRORS as error:
        raise FileProblem("This zip file is damaged and cannot be opened. Zip the CSV again.") from error


def _zip_members(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    return [
        info
        for info in archive.infolist()
        if not info.is_dir()
        and not info.filename.startswith("__MACOSX/")
        and not PurePosixPath(info.filename).name.startswith(".")
    ]


def zip_member_count(path: str | Path) -> int:
    """How many files a zip holds (not counting folders and the Mac's hidden files); 0 if not a zip."""
    path = Path(path)
    with open(path, "rb") as handle:
        if handle.read(4) != b"PK\x03\x04":
            return 0
    with _open_zip(path) as archive:
        names = archive.namelist()
        if "[Content_Types].xml" in names:
            return 0  # an Excel file
        return len(_zip_members(archive))


def open_zip_tables(
    path: str | Path, *, limits: Limits | None = None, encoding: str = "", max_tables: int = 8
) -> list[Table]:
    """Every CSV of a zip, each opened and checked as a table of its own (the related tables of one
    release: persons, races, actions, results). Each is held to the same limits as a single file."""
    path = Path(path)
    limits = limits or DEFAULT_LIMITS
    with _open_zip(path) as archive:
        members = _zip_members(archive)
    if len(members) > max_tables:
        raise FileProblem(
            f"The zip holds {len(members)} files; the related tables of one release are at most {max_tables}."
        )
    if sum(info.file_size for info in members) > limits.max_uncompressed:
        raise FileProblem(
            f"The tables of this release are larger than {_megabytes(limits.max_uncompressed)} once unpacked, "
            "together: they are joined in memory. Upload a shorter period (or a smaller area) at a time."
        )
    return [_open_zip_member(path, info, limits, encoding, True) for info in members]


def _open_zipped_csv(path: Path, limits: Limits, encoding: str, check_whole_file: bool) -> Table:
    with _open_zip(path) as archive:
        members = _zip_members(archive)
        if len(members) != 1:
            raise FileProblem(
                f"The zip holds {len(members)} files; it must hold exactly one CSV file, or the related "
                "tables of one release (several CSV files sharing a stop id column). "
                "Zip the one file you want to import, or upload the CSV itself."
            )
    return _open_zip_member(path, members[0], limits, encoding, check_whole_file)


def _open_zip_member(
    path: Path, info: zipfile.ZipInfo, limits: Limits, encoding: str, check_whole_file: bool
) -> Table:
    name = PurePosixPath(info.filename)
    if name.is_absolute() or ".." in name.parts or "\\" in info.filename:
        raise FileProblem(
            "The file inside the zip has a path that is not allowed. Zip the CSV file alone."
        )
    if name.suffix.lower() not in TEXT_SUFFIXES:
        raise FileProblem(
            f"The zip holds “{name.name}”, which is not a CSV file. Zip the CSV (or upload the Excel file itself)."
        )
    if info.flag_bits & 0x1:
        raise FileProblem("The file inside the zip is protected by a password. Zip it again without one.")
    if info.file_size > limits.max_uncompressed:
        raise _unpacked_too_large(limits.max_uncompressed)
    table = Table(
        path=path, format="zip", member=info.filename, total_bytes=info.file_size, limits=limits,
        packed_bytes=max(info.compress_size, 1),
    )  # fmt: skip
    raw, closer = table._open_binary()
    try:
        _sniff_text(table, raw, encoding, check_whole_file)
    finally:
        closer.close()  # type: ignore[attr-defined]
    return table


def _open_xlsx(path: Path, limits: Limits = DEFAULT_LIMITS) -> Table:
    workbook = _load_workbook(path)
    try:
        if not workbook.worksheets:
            raise FileProblem("This Excel file has no sheet.")
        sheet = workbook.worksheets[0]
        try:
            rows = sheet.max_row or 0  # as declared: only for the progress bar
            if hasattr(sheet, "reset_dimensions"):
                sheet.reset_dimensions()
            header_values = next(sheet.iter_rows(max_row=1, values_only=True), None)
        except Exception as error:  # openpyxl, its XML parser and zlib raise many kinds
            raise _damaged_xlsx(error) from error
    finally:
        workbook.close()
    if not header_values or all(v is None or str(v).strip() == "" for v in header_values):
        raise FileProblem(
            "The first sheet of this Excel file is empty, or its first row has no column names."
        )
    cells = [_cell_text(v) for v in header_values]
    while cells and cells[-1] == "":
        cells.pop()
    _check_width(len(cells), limits)
    table = Table(
        path=path, format="xlsx", encoding="", delimiter="", total_bytes=max(rows, 1), limits=limits
    )
    table.header = clean_header(cells)
    return table


def _check_width(columns: int, limits: Limits) -> None:
    if columns > limits.max_columns:
        raise FileProblem(
            f"The first line has {columns:,} columns; a police data file has at most {limits.max_columns:,}. "
            "Check that the first line holds the column names, or remove the columns you do not need."
        )


def detect_encoding(sample: bytes, stream=None) -> str:
    """UTF-8 (with or without BOM), UTF-16 (BOM or NUL pattern), else cp1252 / Latin-1.

    When `stream` is given (positioned after `sample`), the rest is read too: a file whose first
    256 KB are UTF-8 (plain ASCII included) but which is not UTF-8 further on is refused with the byte
    offset (`EncodingProblem`): it is damaged, or its later rows were saved in another encoding, and
    only the analyst can tell which (by choosing the encoding on the upload page).
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
    bad = _first_invalid_utf8(sample, stream)
    if bad is None:
        return "utf-8"
    offset, line = bad
    if offset >= len(sample):
        raise EncodingProblem(offset, line)
    cp1252 = not any(b in sample for b in _CP1252_UNDEFINED)
    if stream is not None:
        cp1252 = cp1252 and _drain(stream, lambda chunk: not any(b in chunk for b in _CP1252_UNDEFINED))
    return "cp1252" if cp1252 else "latin-1"


class EncodingProblem(FileProblem):
    def __init__(self, offset: int, line: int):
        self.offset = offset
        self.line = line
        super().__init__(
            f"The file is not valid UTF-8 text from byte {offset:,} on (line {line:,}), though it is UTF-8 "
            "before that: it is damaged, or part of it was saved in another encoding. Save it again as UTF-8 "
            "(in Excel: CSV UTF-8), or, if the whole file is in another encoding (Windows-1252 for most "
            "files saved by Excel on Windows), choose that encoding on the upload page."
        )


_CP1252_UNDEFINED = bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D])


def _first_invalid_utf8(sample: bytes, stream, codec: str = "utf-8") -> tuple[int, int] | None:
    """(byte offset, line) of the first byte that is not text in `codec` (UTF-8 unless said), in the
    sample and the rest of the stream; None when all of it is. Reads the stream to its end when it
    is all valid. (Lines are counted by newline bytes: for UTF-16 the line is approximate.)"""
    decoder = codecs.getincrementaldecoder(codec)()
    done = 0  # bytes passed to the decoder before this chunk
    lines = 1
    chunk = sample
    while chunk:
        pending = len(decoder.getstate()[0])
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError as error:
            start = max(error.start - pending, 0)
            return done + start, lines + chunk.count(b"\n", 0, start)
        done += len(chunk)
        lines += chunk.count(b"\n")
        chunk = stream.read(MB) if stream is not None else b""
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return max(done - len(decoder.getstate()[0]), 0), lines
    return None


def _drain(stream, check=None) -> bool:
    """Read a stream to its end (a zip's CRC is checked at its end); whether `check` held for every chunk."""
    ok = True
    while chunk := stream.read(MB):
        if check is not None and ok:
            ok = check(chunk)
    return ok


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
        name = (
            " ".join(str(name).replace("\ufeff", "").replace("\x00", "").split())[:300] or f"Column {index}"
        )
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        out.append(name)
    return out


def _sniff_text(table: Table, stream, encoding: str = "", check_whole_file: bool = True) -> None:
    try:
        sample = stream.read(SAMPLE_BYTES)
    except ARCHIVE_ERRORS as error:
        raise _damaged_zip(error) from error
    if not sample.strip(b"\x00\r\n\t \xef\xbb\xbf\xff\xfe"):
        raise FileProblem("The file is empty. Export the data again and upload the file with its rows.")
    scanned = False  # the whole stream was read, and is valid text in the encoding
    if encoding:
        table.encoding = encoding
    else:
        table.encoding = detect_encoding(sample, stream if check_whole_file else None)
        scanned = table.encoding in {"utf-8", "cp1252", "latin-1"}
    if check_whole_file and not scanned:
        if table.encoding == "latin-1":
            _drain(stream)  # every byte is Latin-1 text; a zip's CRC is checked at its end
        else:
            # (A BOM is valid UTF-8: offsets then count it, as they count every byte of the file.)
            codec = "utf-8" if table.encoding == "utf-8-sig" else table.encoding
            bad = _first_invalid_utf8(sample, stream, codec)
            if bad is not None:
                name = ENCODINGS.get(table.encoding.removesuffix("-sig"), table.encoding.upper())
                where = f"byte {bad[0]:,}" + (
                    "" if table.encoding.startswith("utf-16") else f" (line {bad[1]:,})"
                )
                raise FileProblem(
                    f"The file is not valid {name} text at {where}. Choose the file's encoding on the upload "
                    "page (Windows-1252 for most files saved by Excel on Windows), or save it again as UTF-8."
                )
    text = sample.decode(table.encoding, errors="ignore")
    lines = text.splitlines()
    if len(sample) == SAMPLE_BYTES:
        if len(lines) <= 1:
            delimiter = detect_delimiter(lines)
            columns = lines[0].count(delimiter) + 1 if lines else 0
            if columns > table.limits.max_columns:
                raise FileProblem(
                    f"The first line has more than {columns:,} columns; a police data file has at most "
                    f"{table.limits.max_columns:,}. Check that the first line holds the column names, or "
                    "remove the columns you do not need."
                )
            raise FileProblem(
                f"The first line of the file (the column names) is longer than {SAMPLE_BYTES // 1024} KB: "
                "it is not a table of records, or its line ends are damaged. Export the data again as CSV."
            )
        lines = lines[:-1]
    table.delimiter = detect_delimiter(lines)
    try:
        csv.field_size_limit(table.limits.max_cell_chars)
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
    _check_width(len(header), table.limits)
    table.header = clean_header(header)


@dataclass
class Preview:
    """The first rows of a file, as the mapping page proposes and shows them."""

    rows: list[list[str]]
    unreadable: int
    complete: bool  # the whole file was read (it has no more rows than these)


def read_preview(table: Table, *, limit: int = 2000, max_cells: int = 1_000_000) -> Preview:
    """The first `limit` readable rows, and no more than `max_cells` cells (a wide file gives fewer rows)."""
    rows: list[list[str]] = []
    problems = 0
    cells = 0
    width = max(len(table.header), 1)
    for item in table.rows():
        if isinstance(item, RowProblem):
            problems += 1
            continue
        rows.append(item[1])
        cells += width
        if len(rows) >= limit or cells >= max_cells:
            return Preview(rows, problems, complete=False)
    return Preview(rows, problems, complete=True)


def preview(table: Table, *, limit: int = 2000) -> tuple[list[list[str]], int]:
    """The first `limit` readable rows (for the mapping page) and how many rows were unreadable."""
    result = read_preview(table, limit=limit)
    return result.rows, result.unreadable
