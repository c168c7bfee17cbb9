"""Every CSV the app sends is written by cities/csvsafe.py, the one place that neutralises cells a
spreadsheet would run as formulas. This test reads the source (not the tests) and fails if a
response with a CSV content type is built anywhere else."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
THE_ONE_PLACE = Path("cities/csvsafe.py")
SKIPPED = {"tests", "node_modules", "static", "templates", "docs", "benchmarks", "scripts"}


def _source_files():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if relative.parts[0].startswith(".") or relative.parts[0] in SKIPPED:
            continue
        if relative == THE_ONE_PLACE:
            continue
        yield relative, path


def _csv_content_types(tree: ast.AST):
    """Line numbers of string constants that are a CSV content type ("text/csv; charset=...")."""
    for node in ast.walk(tree):
        is_text = isinstance(node, ast.Constant) and isinstance(node.value, str)
        if is_text and node.value.strip().lower().startswith(("text/csv", "application/csv")):
            yield node.lineno


def test_the_source_is_read():
    files = {relative for relative, _ in _source_files()}
    assert Path("relationships/views.py") in files and Path("disparities/views/dashboard.py") in files


def test_no_csv_response_is_built_outside_csvsafe():
    offenders = []
    for relative, path in _source_files():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(relative))
        offenders += [f"{relative}:{line}" for line in _csv_content_types(tree)]
    assert offenders == [], (
        "A CSV response is built outside cities/csvsafe.py; send it with cities.csvsafe.csv_response "
        f"so that every cell is neutralised: {offenders}"
    )
