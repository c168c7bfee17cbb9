"""The complaint funnel: complaints -> allegations -> findings -> discipline, by the complainant's race
and by the officer's race (the way civilian oversight boards such as Pittsburgh's Citizen Police
Review Board report them).

Units: a complaint is one incident id (a row without one is a complaint of its own); an allegation is
one row of the file (in most files one allegation against one officer). A complaint with
complainants (or officers) of several races counts once under each, so the complaints by race add up
to more than the complaints in all.

Findings are the mapping's canonical dispositions. The share sustained is sustained allegations among
allegations with a finding (sustained, not sustained, exonerated, unfounded, informational only,
other), pending and unrecorded findings left out, with its 95 % Wilson interval; a complaint counts
as sustained when any of its allegations is.

Stages the file does not record are "not recorded", never 0: discipline (the canonical complaint
record has no discipline field) and the days from receipt to finding (it has one date, the
incident's, and no date of the finding). No database here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .stats import wilson_interval

FINDINGS: tuple[tuple[str, str], ...] = (
    ("sustained", "Sustained"),
    ("not_sustained", "Not sustained"),
    ("exonerated", "Exonerated"),
    ("unfounded", "Unfounded"),
    ("informational", "Informational only"),
    ("other", "Other finding"),
    ("pending", "Pending"),
)
DECIDED = {"sustained", "not_sustained", "exonerated", "unfounded", "informational", "other"}
RACES: tuple[tuple[str, str], ...] = (
    ("white", "White"), ("black", "Black"), ("hispanic", "Hispanic"),
    ("asian_pacific_islander", "Asian / Pacific Islander"), ("native_american", "Native American"),
    ("other", "Other"), ("unknown", "Unknown / not recorded"),
)  # fmt: skip
NOT_RECORDED = {
    "discipline": "not recorded: the complaints file and its mapping record no discipline imposed",
    "days_to_finding": "not recorded: the file gives one date (the incident's), no date received and no date "
    "of the finding, so the days from receipt to finding cannot be counted",
}


def _funnel(rows: list[tuple[str, str]]) -> dict[str, Any]:
    """rows: (complaint key, finding) of one group."""
    findings = {key: 0 for key, _label in FINDINGS}
    unrecorded = 0
    sustained_complaints: set[str] = set()
    decided_complaints: set[str] = set()
    for complaint, finding in rows:
        if finding in findings:
            findings[finding] += 1
        else:
            unrecorded += 1
        if finding in DECIDED:
            decided_complaints.add(complaint)
        if finding == "sustained":
            sustained_complaints.add(complaint)
    decided = sum(findings[k] for k in DECIDED)
    sustained = findings["sustained"]
    return {
        "complaints": len({c for c, _f in rows}),
        "allegations": len(rows),
        "findings": findings,
        "findings_rows": [{"key": k, "label": label, "count": findings[k]} for k, label in FINDINGS],
        "finding_not_recorded": unrecorded,
        "decided": decided,
        "sustained_share": sustained / decided if decided else None,
        "sustained_interval": list(wilson_interval(sustained, decided)) if decided else None,
        "complaints_decided": len(decided_complaints),
        "complaints_sustained": len(sustained_complaints),
        "complaints_sustained_share": len(sustained_complaints) / len(decided_complaints)
        if decided_complaints
        else None,
        "complaints_sustained_interval": list(wilson_interval(len(sustained_complaints), len(decided_complaints)))
        if decided_complaints
        else None,
    }


def complaint_funnel(
    records: Iterable[tuple[int, str, str, str, str]],
    *,
    finding_recorded: bool,
    officer_race_recorded: bool,
    complainant_race_recorded: bool,
) -> dict[str, Any]:
    """`records`: (line, incident id or "", complainant race, officer race or "", finding or "")."""
    rows = [(incident or f"line-{line}", race or "unknown", officer or "", finding or "")
            for line, incident, race, officer, finding in records]  # fmt: skip
    everyone = _funnel([(c, f) for c, _r, _o, f in rows])
    result: dict[str, Any] = {
        "units": {"complaints": "complaints (incident ids)", "allegations": "allegations (rows of the file)"},
        "findings_labels": dict(FINDINGS),
        "all": everyone,
        "finding_recorded": finding_recorded,
        "not_recorded": dict(NOT_RECORDED),
        "sustained_definition": "sustained allegations among allegations with a finding (pending and unrecorded "
        "findings left out); Wilson 95% interval",
    }
    if not finding_recorded:
        result["not_recorded"]["findings"] = "not recorded: the mapping gives no finding or disposition column"
    for key, recorded, index in (
        ("by_complainant_race", complainant_race_recorded, 1),
        ("by_officer_race", officer_race_recorded, 2),
    ):
        if not recorded:
            result[key] = None
            result["not_recorded"][key] = "not recorded: the mapping gives no column for this race"
            continue
        groups = []
        for race, label in RACES:
            picked = [(r[0], r[3]) for r in rows if (r[index] or "unknown") == race]
            if picked:
                groups.append({"race": race, "label": label, **_funnel(picked)})
        result[key] = groups
    return result
