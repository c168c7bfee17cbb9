"""Property-based fuzz of the police data reader: whatever bytes an analyst uploads, the reader
either reads them or refuses them with its own `FileProblem`, never with an unhandled exception."""

import functools
import io
import zipfile

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from disparities.files.reader import FileProblem, RowProblem, open_table, preview

CELL = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
ROW = st.lists(CELL, min_size=0, max_size=6)
DELIMITERS = st.sampled_from([",", ";", "\t", "|", " "])
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252"])


@st.composite
def csv_like(draw) -> bytes:
    """Text that looks like a CSV (quotes, ragged rows, odd line ends), in some encoding."""
    delimiter = draw(DELIMITERS)
    end = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    rows = draw(st.lists(ROW, min_size=0, max_size=8))
    quote = draw(st.booleans())
    lines = []
    for row in rows:
        cells = [f'"{c}"' if quote else c for c in row]
        lines.append(delimiter.join(cells))
    text = end.join(lines) + draw(st.sampled_from(["", end, '"', "\x00"]))
    return text.encode(draw(ENCODINGS), errors="replace")


@st.composite
def zipped(draw) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for _ in range(draw(st.integers(min_value=0, max_value=2))):
            name = draw(st.sampled_from(["data.csv", "../evil.csv", "dir/x.csv", "notes.txt", "/abs.csv"]))
            archive.writestr(name, draw(csv_like()))
    data = buffer.getvalue()
    if draw(st.booleans()) and len(data) > 10:
        cut = draw(st.integers(min_value=4, max_value=len(data) - 1))
        data = data[:cut]  # a damaged archive
    return data


@functools.cache
def _workbook() -> bytes:
    workbook = openpyxl.Workbook()
    for row in [["date", "race", "sex"], ["2017-04-01", "W", "M"], ["2017-04-02", "B", "F"]]:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


XML_INSERTS = st.one_of(
    st.sampled_from([
        '<!DOCTYPE x [<!ENTITY a "aaaa">]>', "<!ENTITY b SYSTEM 'file:///etc/passwd'>", "&a;", "&#0;", "<<>>",
        "</sheetData>", "<row r='0'>", "_x0000_", "\ufeff", "<c t='s'><v>99</v></c>",
    ]),
    st.text(max_size=30),
)  # fmt: skip


@st.composite
def damaged_xlsx(draw) -> bytes:
    """A real workbook, damaged: bytes flipped, cut short, or its sheet's XML edited (a DTD, an entity,
    broken tags, a shared string that does not exist)."""
    data = bytearray(_workbook())
    how = draw(st.sampled_from(["flip", "cut", "sheet"]))
    if how == "flip":
        for _ in range(draw(st.integers(1, 4))):
            data[draw(st.integers(0, len(data) - 1))] ^= draw(st.integers(1, 255))
        return bytes(data)
    if how == "cut":
        return bytes(data[: draw(st.integers(4, len(data) - 1))])
    source = zipfile.ZipFile(io.BytesIO(bytes(data)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                at = draw(st.integers(0, len(content)))
                content = content[:at] + draw(XML_INSERTS).encode("utf-8", "surrogatepass") + content[at:]
            archive.writestr(info.filename, content)
    return buffer.getvalue()


PAYLOADS = st.one_of(
    damaged_xlsx(),
    st.binary(max_size=400),
    csv_like(),
    zipped(),
    st.builds(lambda b: b"PK\x03\x04" + b, st.binary(max_size=200)),
    st.builds(lambda b: b"\xd0\xcf\x11\xe0" + b, st.binary(max_size=50)),
    st.builds(lambda b: b"\xff\xfe" + b, st.binary(max_size=200)),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=PAYLOADS, suffix=st.sampled_from([".csv", ".tsv", ".txt", ".zip", ".xlsx"]))
def test_reader_reads_or_refuses_with_its_own_error(tmp_path, payload, suffix):
    path = tmp_path / f"upload{suffix}"
    path.write_bytes(payload)
    try:
        table = open_table(path, max_uncompressed=1_000_000)
        rows, _ = preview(table, limit=50)
        assert isinstance(rows, list)
        table = open_table(path, max_uncompressed=1_000_000)
        for item in table.rows():
            assert isinstance(item, RowProblem) or (isinstance(item, tuple) and isinstance(item[1], list))
    except FileProblem as problem:
        assert str(problem)  # a message for the person who uploaded the file
