"""Accessibility check run by every page test: axe-core in the real Chromium."""

from axe_playwright_python.sync_playwright import Axe

_axe = Axe()
BLOCKING = {"serious", "critical"}


def assert_accessible(page, *, context: str = "") -> None:
    """Fail on any serious or critical axe violation on the page as it is now."""
    results = _axe.run(page)
    violations = [v for v in results.response["violations"] if v.get("impact") in BLOCKING]
    if violations:
        lines = [f"Accessibility violations on {page.url} {context}".rstrip()]
        for v in violations:
            targets = ", ".join(str(n.get("target")) for n in v.get("nodes", [])[:5])
            lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} ({targets})")
        raise AssertionError("\n".join(lines))
