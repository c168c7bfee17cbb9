"""Fails a full test run when a URL pattern of the app was never requested successfully.

Every request the suite makes (Django's test client and the live server of the browser tests, both
in this process) is recorded with the route it resolved to and its status. At the end of a run of
the whole suite, each URL pattern of the app's own namespaces must have answered at least once with
a status below 400. Runs of a subset (a file, -k, -m) are not judged.

Under pytest-xdist each worker process records what its own tests requested and hands its set to the
controller when it finishes (`config.workeroutput`, read in `pytest_testnodedown`); the controller
judges the union, so a URL counts as exercised whichever worker ran the test that requested it.
"""

from __future__ import annotations

import threading

import pytest

OWN_NAMESPACES = ("cities", "conversations", "relationships", "disparities", "library", "indicators", "equity", "trainings", "operations")
_seen: set[str] = set()
_lock = threading.Lock()


def all_app_routes() -> dict[str, str]:
    """{'namespace:name': route} for every URL pattern of the app's own namespaces, plus 'home'."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found: dict[str, str] = {}

    def walk(patterns, prefix: str, namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern) and p.name:
                full = f"{namespace}{p.name}"
                if full == "home" or full.split(":")[0] in OWN_NAMESPACES:
                    found[full] = prefix + str(p.pattern)

    walk(get_resolver().url_patterns, "", "")
    return found


def _install() -> None:
    from django.core.handlers.base import BaseHandler

    original = BaseHandler.get_response
    if getattr(original, "_url_coverage", False):
        return

    def get_response(self, request):
        response = original(self, request)
        match = getattr(request, "resolver_match", None)
        if match is not None and response.status_code < 400:
            with _lock:
                _seen.add(match.view_name)
        return response

    get_response._url_coverage = True  # type: ignore[attr-defined]
    BaseHandler.get_response = get_response  # type: ignore[method-assign]


def pytest_addoption(parser) -> None:
    parser.addoption("--no-url-coverage", action="store_true", help="Do not judge URL coverage.")


def _is_worker(config) -> bool:
    return hasattr(config, "workerinput")


def _whole_suite(config) -> bool:
    """True when the run is the whole suite: no file or folder named, no -k, -m or --lf."""
    selective = bool(config.option.keyword or config.option.markexpr or getattr(config.option, "lf", False))
    args = [a for a in config.args if a]
    testpaths = config.getini("testpaths")
    whole = (
        not args or sorted(a.rstrip("/") for a in args) == sorted(testpaths) or args == [str(config.rootpath)]
    )
    return whole and not selective


@pytest.hookimpl(trylast=True)
def pytest_configure(config) -> None:
    # Decided here, not at collection: under xdist the controller collects nothing.
    config._url_coverage_judged = (
        not config.getoption("--no-url-coverage") and not _is_worker(config) and _whole_suite(config)
    )


def pytest_collection_modifyitems(session, config, items) -> None:
    _install()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    """On the xdist controller: a worker finished; add what its tests requested."""
    seen = getattr(node, "workeroutput", {}).get("url_coverage_seen", [])
    with _lock:
        _seen.update(seen)


def pytest_sessionfinish(session, exitstatus) -> None:
    config = session.config
    if _is_worker(config):
        with _lock:
            config.workeroutput["url_coverage_seen"] = sorted(_seen)
        return
    if not getattr(config, "_url_coverage_judged", False) or exitstatus != 0:
        return
    routes = all_app_routes()
    missing = sorted(set(routes) - _seen)
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if not missing and reporter:
        reporter.write_line(
            f"URL coverage: all {len(routes)} URL patterns of the app were requested successfully."
        )
    if missing:
        lines = ["URL coverage: these URL patterns were never requested successfully by any test:"]
        lines += [f"  - {name}" for name in missing]
        if reporter:
            reporter.write_line("\n".join(lines), red=True)
        session.exitstatus = 1
