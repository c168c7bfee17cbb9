"""The directions of DESIGN.md's layering, enforced: which app may import which.

`cities` is the ground floor and imports no feature app; feature apps reach the apps above them
only through the registries that the lower app owns (cities.panels, cities.retention,
relationships.hooks, ...). Every `import` and `from ... import` in an app's modules is read with
the `ast` module (imports inside functions included), so a lazy import cannot slip past.
A change to these directions is a change to docs/DESIGN.md first.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# app -> the project's apps it may import (besides itself). An app not yet in the tree is skipped.
ALLOWED: dict[str, set[str]] = {
    "cities": set(),
    "relationships": {"cities"},
    "library": {"cities"},
    "conversations": {"cities", "relationships", "library"},
    "disparities": {"cities", "library"},
    "equity": {"cities", "relationships", "library"},
    "indicators": {"cities", "relationships", "library"},
    "trainings": {"cities", "relationships", "library"},
    "operations": {"cities", "disparities"},
}
PROJECT_APPS = set(ALLOWED)


def _imported_apps(path: Path) -> set[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[tuple[str, int]] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top in PROJECT_APPS:
                found.add((top, node.lineno))
    return found


def _modules(app: str) -> list[Path]:
    return sorted((ROOT / app).rglob("*.py"))


@pytest.mark.parametrize("app", sorted(ALLOWED))
def test_app_imports_only_what_the_design_allows(app):
    if not (ROOT / app).is_dir():
        pytest.skip(f"{app}/ is not in the tree yet")
    allowed = ALLOWED[app] | {app}
    wrong = [
        f"{path.relative_to(ROOT)}:{line} imports {imported}"
        for path in _modules(app)
        for imported, line in sorted(_imported_apps(path))
        if imported not in allowed
    ]
    assert not wrong, "Imports against the layering of docs/DESIGN.md:\n" + "\n".join(wrong)


def test_the_check_sees_lazy_imports(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from disparities.selectors import home_panel\n    import conversations.models\n")
    assert {name for name, _ in _imported_apps(module)} == {"disparities", "conversations"}


def test_every_app_of_the_project_is_in_the_map():
    """A new app must get its place in the layering (and in docs/DESIGN.md) before it lands."""
    from django.conf import settings

    local = {
        app.split(".")[0]
        for app in settings.INSTALLED_APPS
        if (ROOT / app.split(".")[0]).is_dir() and app.split(".")[0] != "realcities"
    }
    assert local <= PROJECT_APPS, f"Apps missing from the layering map: {sorted(local - PROJECT_APPS)}"
