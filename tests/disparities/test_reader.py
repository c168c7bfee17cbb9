"""Reading files as departments export them: encodings, delimiters, zips, Excel, broken rows.

The reader is a plain module: these tests need no database."""

import io
import zipfile

import openpyxl
import pytest

from disparities.files.reader import FileProblem, RowProblem, open_table

ROWS = "date,race,sex\n2017-04-01,W,M\n2017-04-02,B,F\n"


def _rows(table):
    return [item if isinstance(item, RowProblem) else (item[0], item[1]) for item in table.rows()]


def write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (ROWS.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + ROWS.encode("utf-8"), "utf-8-sig"),
        (ROWS.encode("utf-16"), "utf-16"),
        (ROWS.encode("utf-16-le"), "utf-16-le"),
        (ROWS.replace("W,M", "Hisp\u00e1nico,M").encode("cp1252"), "cp1252"),
    ],
)
def test_encodings_are_detected(tmp_path, data, encoding):
    table = open_table(write(tmp_path, "f.csv", data))
    assert table.encoding == encoding
    assert table.header == ["date", "race", "sex"]
    rows = _rows(table)
    assert [line for line, _ in rows] == [2, 3]
    assert rows[1][1] == ["2017-04-02", "B", "F"]


def test_latin1_after_a_long_utf8_start_is_refused_with_its_byte_offset(tmp_path):
    """Not silently read as Latin-1: the analyst says which encoding the file is in."""
    body = "date,race,sex\n" + "2017-04-01,W,M\n" * 40000 + "2017-04-02,Hisp\u00e1nico,F\n"
    path = write(tmp_path, "f.csv", body.encode("latin-1"))
    with pytest.raises(FileProblem, match=r"byte 600,029 on \(line 40,002\).*choose that encoding") as caught:
        open_table(path)
    assert caught.value.offset == 600_029
    table = open_table(path, encoding="cp1252")
    assert table.encoding == "cp1252"
    assert _rows(table)[-1][1][1] == "Hisp\u00e1nico"


def test_latin1_from_the_first_rows_is_still_detected(tmp_path):
    body = "date,race,sex\n2017-04-02,Hisp\u00e1nico,F\n" + "2017-04-01,W,M\n" * 40000
    assert open_table(write(tmp_path, "f.csv", body.encode("latin-1"))).encoding == "cp1252"


def test_utf8_chosen_for_a_file_that_is_not_says_where(tmp_path):
    body = "date,race,sex\n2017-04-02,Hisp\u00e1nico,F\n"
    with pytest.raises(FileProblem, match=r"not valid UTF-8 text at byte 29 \(line 2\)"):
        open_table(write(tmp_path, "f.csv", body.encode("latin-1")), encoding="utf-8")


@pytest.mark.parametrize("delimiter", [",", "\t", ";", "|"])
def test_delimiters_are_detected(tmp_path, delimiter):
    data = ROWS.replace(",", delimiter).replace("2017-04-01", '"2017-04-01"')
    table = open_table(write(tmp_path, "f.txt", data.encode()))
    assert table.delimiter == delimiter
    assert len(_rows(table)) == 2


def test_commas_inside_quotes_do_not_fool_the_tab_detection(tmp_path):
    data = 'a\tb\tc\n"x, y, z"\t1\t2\n"p, q"\t3\t4\n'
    assert open_table(write(tmp_path, "f.tsv", data.encode())).delimiter == "\t"


def test_ragged_rows_and_broken_quotes_are_rejected_with_their_line(tmp_path):
    data = 'date,race,sex\n2017-04-01,W,M\n2017-04-02,B\n2017-04-03,W,M,extra\n"2017-04-04,"W,M\n2017-04-05,W,F\n'
    table = open_table(write(tmp_path, "f.csv", data.encode()))
    items = _rows(table)
    problems = [i for i in items if isinstance(i, RowProblem)]
    good = [i for i in items if not isinstance(i, RowProblem)]
    assert [p.line for p in problems][:2] == [3, 4]
    assert "2 fields where the header has 3" in problems[0].reason
    assert good[0][0] == 2 and good[-1] == (6, ["2017-04-05", "W", "F"])


def test_quoted_newlines_keep_line_numbers_right(tmp_path):
    data = 'date,race,note\n2017-04-01,W,"two\nlines"\n2017-04-02,B,x\n'
    assert [line for line, _ in _rows(open_table(write(tmp_path, "f.csv", data.encode())))] == [2, 4]


def test_empty_file(tmp_path):
    with pytest.raises(FileProblem, match="empty"):
        open_table(write(tmp_path, "f.csv", b""))
    with pytest.raises(FileProblem, match="empty"):
        open_table(write(tmp_path, "f.csv", b"\r\n\r\n"))


def test_single_column_file_says_how_to_fix(tmp_path):
    with pytest.raises(FileProblem, match="Only one column"):
        open_table(write(tmp_path, "f.csv", b"date\n2017-01-01\n"))


def _zip(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


def test_zip_with_one_csv(tmp_path):
    table = open_table(write(tmp_path, "f.zip", _zip([("stops.csv", ROWS), ("__MACOSX/._stops.csv", "x")])))
    assert table.format == "zip" and table.member == "stops.csv"
    assert len(_rows(table)) == 2


def test_zip_with_two_files_is_refused(tmp_path):
    with pytest.raises(FileProblem, match="holds 2 files"):
        open_table(write(tmp_path, "f.zip", _zip([("a.csv", ROWS), ("b.csv", ROWS)])))


def test_zip_with_a_path_trick_is_refused(tmp_path):
    with pytest.raises(FileProblem, match="path"):
        open_table(write(tmp_path, "f.zip", _zip([("../../etc/stops.csv", ROWS)])))


def test_zip_bomb_stops_while_decompressing(tmp_path):
    big = "date,race,sex\n" + "2017-04-01,W,M\n" * 200_000
    path = write(tmp_path, "f.zip", _zip([("stops.csv", big)]))
    # The limit holds even if the zip's own header claims a small size.
    with pytest.raises(FileProblem, match="larger than"):
        table = open_table(path, max_uncompressed=1024 * 1024)
        list(table.rows())


def test_xlsx_is_read_with_typed_cells(tmp_path):
    import datetime as dt

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["DATE", "TIME", "RACE", "AGE"])
    sheet.append([dt.datetime(2017, 4, 1), dt.time(7, 0), "W", 34])
    sheet.append([dt.datetime(2017, 4, 2, 13, 5), None, "B", 19.0])
    path = tmp_path / "f.xlsx"
    workbook.save(path)
    table = open_table(path)
    assert table.format == "xlsx" and table.header == ["DATE", "TIME", "RACE", "AGE"]
    assert _rows(table) == [
        (2, ["2017-04-01", "07:00:00", "W", "34"]),
        (3, ["2017-04-02 13:05:00", "", "B", "19"]),
    ]


def test_old_excel_is_refused_with_advice(tmp_path):
    with pytest.raises(FileProblem, match=r"\.xls"):
        open_table(write(tmp_path, "f.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 100))


def test_duplicate_and_blank_column_names_are_made_unique(tmp_path):
    table = open_table(write(tmp_path, "f.csv", b"race, ,race\nW,1,2\n"))
    assert table.header == ["race", "Column 2", "race (2)"]


def test_latin1_bytes_that_cp1252_lacks_fall_back_to_latin1(tmp_path):
    body = "date,race,sex\n2017-04-01,\u00e9,M\n" + "2017-04-01,W,M\n" * 40000 + "2017-04-02,B\u0081x,F\n"
    table = open_table(write(tmp_path, "f.csv", body.encode("latin-1")))
    assert table.encoding == "latin-1"
    assert _rows(table)[-1][1][1] == "B\u0081x"


def test_an_excel_sheet_that_claims_16384_columns_is_read_as_it_is(tmp_path, monkeypatch):
    """A sheet's declared size (A1:XFD1048576) does not pad every row to 16,384 cells."""
    from disparities.files import reader

    cells_read = []
    cell_text = reader._cell_text
    monkeypatch.setattr(reader, "_cell_text", lambda value: cells_read.append(1) or cell_text(value))
    workbook = openpyxl.Workbook()
    for row in [["date", "race", "sex"], ["2017-04-01", "W", "M"]]:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    source = zipfile.ZipFile(buffer)
    path = tmp_path / "f.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b'<dimension ref="A1:C2" />', b'<dimension ref="A1:XFD1048576" />')
            archive.writestr(info.filename, content)
    table = open_table(path)
    assert table.header == ["date", "race", "sex"]
    assert _rows(table) == [(2, ["2017-04-01", "W", "M"])]
    assert len(cells_read) < 100  # not 2 x 16,384


@pytest.mark.parametrize(
    ("data", "encoding", "message"),
    [
        (
            b"\xef\xbb\xbfdate,race\n2017-04-01,W\n2017-04-02,\xe1\n",
            "",
            r"not valid UTF-8 text at byte 37 \(line 3\)",
        ),
        (
            "date,race\n2017-04-01,W\n".encode("utf-16") + b"\x00\xd8,\x00\n\x00",
            "",
            r"not valid UTF-16 .* at byte 48",
        ),
        (b"date,race\n2017-04-01,\x81\n", "cp1252", r"not valid Windows-1252 .* at byte 21 \(line 2\)"),
    ],
)
def test_text_that_is_not_in_its_encoding_is_refused_at_upload_with_its_offset(
    tmp_path, data, encoding, message
):
    """Whatever the encoding (found by its BOM, or chosen), the whole file is checked before the import."""
    with pytest.raises(FileProblem, match=message):
        open_table(write(tmp_path, "f.csv", data), encoding=encoding)
