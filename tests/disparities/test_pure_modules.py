"""The pure rooms of disparities/ (files/: reading police files; figures/: the statistics) import no
Django, no database driver and nothing of the app outside themselves, so they run and are tested
without a database. Every import is read with `ast` (imports inside functions included); a fresh
interpreter then imports them all and must not have loaded Django."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PURE = ("disparities.files", "disparities.figures")
FORBIDDEN = {"django", "celery", "psycopg", "psycopg2", "redis", "realcities"}
PROJECT_APPS = {"cities", "conversations", "relationships", "disparities", "library", "equity", "indicators"}


def _pure_modules() -> list[Path]:
    return sorted(p for package in PURE for p in (ROOT / package.replace(".", "/")).rglob("*.py"))


def _module_name(path: Path, root: Path = ROOT) -> str:
    return ".".join(path.relative_to(root).with_suffix("").parts).removesuffix(".__init__")


def _imports(path: Path, root: Path = ROOT) -> list[tuple[str, int]]:
    """Every module `path` imports, as an absolute name (relative imports resolved)."""
    name = _module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.append((module, node.lineno))
    return found


def _wrong(path: Path, root: Path = ROOT) -> list[str]:
    wrong = []
    for module, line in _imports(path, root):
        top = module.split(".")[0]
        inside = any(module == p or module.startswith(p + ".") for p in PURE)
        if top in FORBIDDEN or (top in PROJECT_APPS and not inside):
            wrong.append(f"{path.relative_to(root)}:{line} imports {module}")
    return wrong


def test_the_pure_packages_hold_the_file_handling_and_the_figures():
    names = {_module_name(p) for p in _pure_modules()}
    for expected in ("files.reader", "files.mapping", "files.normalise", "files.generate", "figures.stats",
                     "figures.veil", "figures.suppression", "figures.census", "figures.methods", "figures.threshold"):  # fmt: skip
        assert f"disparities.{expected}" in names


@pytest.mark.parametrize("path", _pure_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_a_pure_module_imports_no_django_and_nothing_of_the_app_outside_the_pure_packages(path):
    assert _wrong(path) == []


def test_the_check_sees_relative_and_lazy_imports(tmp_path):
    module = tmp_path / "disparities" / "figures" / "probe.py"
    module.parent.mkdir(parents=True)
    module.write_text(
        "def f():\n    from ..models import Dataset\n    from django.db import models\n    from . import stats\n"
    )
    assert [w.split(" imports ")[1] for w in _wrong(module, tmp_path)] == ["disparities.models", "django.db"]


def test_the_pure_modules_load_without_django():
    modules = [_module_name(p) for p in _pure_modules()]
    code = f"import sys\nfor m in {modules!r}: __import__(m)\nprint(sorted(m for m in sys.modules if m.split('.')[0] in {sorted(FORBIDDEN)!r}))"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False, env={}
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]"
