"""The framework CSV reader: pure, no database."""

from pathlib import Path

from library import framework_csv

HEADER = "pillar_number,pillar_name,item_type,number,text\n"
DATA = Path(__file__).resolve().parents[2] / "library" / "data" / "21cp_recommendations.csv"


def test_the_21cp_file_reads_cleanly():
    rows, errors = framework_csv.parse(DATA.read_bytes())
    assert errors == []
    assert len(rows) == 54
    assert sum(r.item_type == "recommendation" for r in rows) == 29
    assert sum(r.item_type == "action_item" for r in rows) == 25
    assert rows[0].number == "1.1" and rows[0].pillar_name == "Building Trust & Legitimacy"


def test_every_bad_row_is_reported_with_its_line():
    text = HEADER + (
        "1,Trust,recommendation,1.1,Good text\n"
        "x,Trust,recommendation,1.2,Bad pillar\n"
        "1,Trust,wish,1.3,Bad type\n"
        "1,Trust,recommendation,one,Bad number\n"
        "1,Trust,recommendation,1.1,Duplicate\n"
        "1,Trust,recommendation,1.5,\n"
        "1,Trust,recommendation\n"
        "\n"
        '1,Trust,action_item,1.5.1,"Quoted, with comma"\n'
    )
    rows, errors = framework_csv.parse(text.encode())
    assert [r.number for r in rows] == ["1.1", "1.5.1"]
    assert [(e.line, e.column) for e in errors] == [
        (3, "pillar_number"), (4, "item_type"), (5, "number"), (6, "number"), (7, "text"), (8, ""),
    ]  # fmt: skip
    assert "line 2" in errors[3].reason


def test_unreadable_files_say_why():
    assert "UTF-16" in framework_csv.parse("a,b".encode("utf-16"))[1][0].reason
    assert (
        "not UTF-8" in framework_csv.parse(HEADER.encode() + b"1,T,recommendation,1.1,caf\xe9\n")[1][0].reason
    )
    assert "empty" in framework_csv.parse(b"  \n")[1][0].reason
    assert "first line" in framework_csv.parse(b"number,text\n1.1,x\n")[1][0].reason
    assert "no items" in framework_csv.parse(HEADER.encode())[1][0].reason
    assert framework_csv.parse(HEADER.encode() + b'1,T,recommendation,1.1,"unterminated\n')[1]
    # A UTF-8 byte-order mark (Excel's "CSV UTF-8") is fine.
    rows, errors = framework_csv.parse(b"\xef\xbb\xbf" + HEADER.encode() + b"1,T,recommendation,1.1,x\n")
    assert errors == [] and rows[0].number == "1.1"


def test_sort_key_orders_numbers_naturally():
    numbers = ["1.10", "1.2", "1.2.1", "2.1", "1.9"]
    assert sorted(numbers, key=framework_csv.sort_key) == ["1.2", "1.2.1", "1.9", "1.10", "2.1"]
