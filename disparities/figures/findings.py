"""The headline findings of a disparity report, in plain words, read from the report's own figures.

Pure: no database, no Django. `findings(doc)` reads the document `disparities.selectors.report`
builds (the same one the tables, the CSV and the JSON show) and never computes a figure itself:
each sentence quotes a ratio and its 95% interval exactly as the table formats them.

What the sentences respect:
- a figure the file does not record is never a number: the sentence says it is not recorded;
- a figure hidden by small-cell protection (the public page) is left out, and the sentence says so;
- a group with no resident count in the benchmark has no per-resident ratio: no sentence for it;
- an unreliable ratio (too few events) carries its "unreliable, n = ..." note.
"""

from __future__ import annotations

from typing import Any

# What happened to people, by the kind of file: "Black residents were {stopped} at ..."
VERBS = {
    "stop": "stopped",
    "arrest": "arrested",
    "citation": "cited",
    "use_of_force": "subjected to force",
    "complaint": "named as complainants",
}
# The groups the findings speak of first, then any other group with a ratio.
FIRST = ("black", "hispanic")


def verb(doc: dict[str, Any]) -> str:
    """What happened to people in this kind of file ("stopped", "arrested", ...)."""
    return VERBS.get(doc.get("dataset", {}).get("kind", ""), "recorded")


def ratio_text(value: float) -> str:
    """A ratio as the tables show it (two decimals)."""
    return f"{value:.2f}"


def _interval(fig: dict) -> str:
    interval = fig.get("interval")
    if not interval:
        return ""
    return f" (95% interval {ratio_text(interval[0])} to {ratio_text(interval[1])})"


def _caveat(fig: dict) -> str:
    if fig.get("reliable", True) is False and fig.get("note"):
        return f"; {fig['note']}"
    return ""


def _rows(doc: dict, key: str) -> list[dict]:
    table = next((t for t in doc.get("tables", []) if t.get("key") == key), None)
    if table is None:
        return []
    rows = [r for r in table["rows"] if not r.get("total") and r["key"] != "white"]
    order = {k: i for i, k in enumerate(FIRST)}
    return sorted(rows, key=lambda r: order.get(r["key"], len(order)))


def _finding(text: str, *, kind: str, table: str, race: str) -> dict[str, str]:
    return {"text": text, "kind": kind, "table": table, "race": race}


def findings(doc: dict[str, Any], *, limit: int = 5) -> list[dict[str, str]]:
    """The report's headline findings: `{"text", "kind" ("finding", "absent", "hidden"), "table", "race"}`."""
    out: list[dict[str, str]] = []
    happened = verb(doc)
    for row in _rows(doc, "population"):
        fig = (row.get("cells") or {}).get("ratio")
        who = f"{row['label']} residents"
        if fig is None:
            continue  # the benchmark has no residents for this group: no per-resident comparison
        if fig.get("not_recorded"):
            if row["key"] in FIRST:
                out.append(
                    _finding(
                        f"{who}: not recorded. {fig['not_recorded']}",
                        kind="absent", table="population", race=row["key"],
                    )  # fmt: skip
                )
            continue
        if fig.get("suppressed"):
            if row["key"] in FIRST:
                out.append(
                    _finding(
                        f"{who}: hidden to protect people in small counts.",
                        kind="hidden", table="population", race=row["key"],
                    )  # fmt: skip
                )
            continue
        if fig.get("value") is None:
            continue
        out.append(
            _finding(
                f"{who} were {happened} at {ratio_text(fig['value'])} times the rate of white residents"
                f"{_interval(fig)}{_caveat(fig)}.",
                kind="finding", table="population", race=row["key"],
            )  # fmt: skip
        )
    for row in _rows(doc, "searches"):
        if row["key"] != "black":
            continue
        fig = (row.get("cells") or {}).get("search_rate_ratio")
        if fig is None:
            continue
        if fig.get("not_recorded"):
            out.append(
                _finding(
                    f"Searches: not recorded. {fig['not_recorded']}", kind="absent", table="searches", race="black"
                )
            )
        elif fig.get("suppressed"):
            out.append(
                _finding(
                    "Searches of Black people: hidden to protect people in small counts.",
                    kind="hidden", table="searches", race="black",
                )  # fmt: skip
            )
        elif fig.get("value") is not None:
            out.append(
                _finding(
                    f"Black people {happened} were searched at {ratio_text(fig['value'])} times the rate of white "
                    f"people {happened}{_interval(fig)}{_caveat(fig)}.",
                    kind="finding", table="searches", race="black",
                )  # fmt: skip
            )
    # The groups named first, then searches, then any other group with a ratio.
    out.sort(key=lambda f: (f["race"] not in FIRST and f["table"] == "population", f["table"] != "population"))
    return out[:limit]
