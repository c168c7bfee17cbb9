"""Every CSV export neutralises cells a spreadsheet would run, and leaves numbers alone."""

import csv
import io
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cities.csvsafe import SafeWriter, csv_response, is_number_text, iter_csv, safe_cell

TRIGGERS = "=+-@\t\r\x00"


@pytest.mark.parametrize(
    "text",
    [
        "=1+1",
        '=HYPERLINK("http://x.example","click")',
        "+1+2",
        "-1+2",
        "-A1",
        "@SUM(A1:A9)",
        "\t=1",
        "\r=1",
        "\x00=1",
        "\tplain",
        "  =1+1",
        "\n@SUM(A1)",
        "\u00a0=1",
        "\uff1d1+1",
        "+",
        "-",
        "--",
        " -12",
    ],
)
def test_formula_starts_are_neutralised(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize(
    "value",
    [
        0,
        -12,
        3.5,
        -0.25,
        Decimal("-12.50"),
        True,
        "-12.5",
        "+3",
        "-1e-5",
        "1E5",
        "-1,234.50",
        "-12%",
        ".5",
        "-.5",
    ],
)
def test_numbers_untouched(value):
    assert safe_cell(value) == value


@pytest.mark.parametrize(
    "text", ["", "Lansing", "Doña Ana", "black", "2017-04-01", "a=b", "x-1", "12:00", "   "]
)
def test_ordinary_text_untouched(text):
    assert safe_cell(text) == text


def test_none_and_other_objects():
    import datetime as dt

    assert safe_cell(None) == ""
    assert safe_cell(dt.date(2017, 4, 1)) == "2017-04-01"
    assert safe_cell(dt.timedelta(days=-1)) == "'-1 day, 0:00:00"


def read_back(rows):
    text = "".join(iter_csv(rows, bom=False))
    return list(csv.reader(io.StringIO(text, newline="")))


@given(st.text())
def test_any_text_is_safe_and_recoverable(text):
    cell = safe_cell(text)
    assert cell == text or cell == "'" + text
    if cell == text and text:
        stripped = text.lstrip()
        starts = text[0] in TRIGGERS or (stripped and stripped[0] in TRIGGERS)
        assert not starts or is_number_text(text)
    # and the cell survives a trip through the csv module
    assert read_back([[text]])[0] == [cell] if text else True


@given(
    st.lists(
        st.one_of(st.text(), st.integers(), st.floats(allow_nan=False), st.none()), min_size=1, max_size=6
    )
)
def test_written_rows_never_start_with_a_formula(row):
    (back,) = read_back([row])
    for original, cell in zip(row, back, strict=True):
        if isinstance(original, int | float):
            assert cell == str(original)  # numbers stay numbers
        elif cell and cell[0] in TRIGGERS:
            assert is_number_text(cell)


@given(st.from_regex(r"[+-]?\d{1,6}(\.\d{1,4})?", fullmatch=True))
def test_numeric_strings_untouched(text):
    assert safe_cell(text) == text


def test_safe_writer():
    buffer = io.StringIO()
    writer = SafeWriter(buffer)
    writer.writerows([["race", "stops"], ["=cmd|' /C calc'!A0", -3]])
    assert buffer.getvalue().splitlines()[1] == "'=cmd|' /C calc'!A0,-3"


def test_streaming_response():
    def rows():
        yield ["race", "stops", "note"]
        yield ["black", 120, "@evil"]
        yield ["Doña", Decimal("1.5"), None]

    response = csv_response(rows(), filename="Doña stops 2017.csv")
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''Do%C3%B1a%20stops%202017.csv"
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(body[1:], newline=""))) == [
        ["race", "stops", "note"],
        ["black", "120", "'@evil"],
        ["Doña", "1.5", ""],
    ]
