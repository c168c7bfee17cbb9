"""Stop purposes and search kinds, the way Open Data Policing NC shows them (Baumgartner, Epp and
Shoub, "Suspect Citizens", 2018): each agency's stop reasons grouped into safety, regulatory and
equipment, and investigatory stops; the likelihood of a search by purpose group and by the kind of
search (its legal basis); the hit rate by kind of contraband where the file records it.

The grouping of reasons is the city's to edit (it is saved with the dataset's mapping); `propose`
offers a first grouping from words in the reason, ODP NC's way:
- safety: speeding, stop light or sign, impaired driving, unsafe movement, reckless driving;
- regulatory and equipment: equipment, registration, licence, insurance, seat belt, window tint;
- investigatory: investigation, suspicious, warrant, checkpoint, "other motor vehicle violation".
A reason the words do not place stays "not grouped" until someone groups it.

Figures, from the stops of people whose race is known (a Celery job reads the records):
- per purpose group and race: stops, searches, search rate (searches / stops) with its Wilson interval;
- per search kind and race: searches of that kind / stops (the likelihood that a stop ends in such a
  search) with its Wilson interval, and the hit rate of those searches;
- hit rate by contraband kind: the canonical stop record has no contraband kind, so it is "not
  recorded" (a file that records it needs that field in the mapping first).
No database here.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

from .stats import wilson_interval

GROUPS: tuple[tuple[str, str], ...] = (
    ("safety", "Safety"),
    ("regulatory", "Regulatory and equipment"),
    ("investigatory", "Investigatory"),
    ("", "Not grouped"),
)
GROUP_KEYS = {key for key, _label in GROUPS}
BASIS_LABELS = {
    "consent": "Consent", "probable_cause": "Probable cause", "plain_view": "Plain view", "k9": "Drug dog",
    "inventory": "Inventory", "incident_to_arrest": "Incident to arrest", "warrant": "Warrant",
    "other": "Other", "unknown": "Basis not recorded", "": "Basis not recorded",
}  # fmt: skip
RACES = (("white", "White"), ("black", "Black"), ("hispanic", "Hispanic"),
         ("asian_pacific_islander", "Asian / Pacific Islander"), ("native_american", "Native American"),
         ("other", "Other"))  # fmt: skip
MAX_REASONS = 200  # reasons listed for grouping, most frequent first; the rest stay not grouped

_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("investigatory", ("investigat", "suspicious", "suspect", "warrant", "checkpoint", "other motor vehicle",
                       "call for service", "bolo", "drug")),
    ("regulatory", ("equipment", "registration", "regist", "license", "licence", "insurance", "seat belt",
                    "seatbelt", "tint", "tag", "plate", "light out", "headlight", "taillight", "expired",
                    "defective", "regulatory")),
    ("safety", ("speed", "stop light", "stop sign", "red light", "signal", "impaired", "dui", "dwi",
                "reckless", "careless", "unsafe", "safe movement", "lane", "following too close", "moving")),
)  # fmt: skip


def propose(reason: str) -> str:
    """A first group for a stop reason from its words ("" when the words do not place it)."""
    text = re.sub(r"\s+", " ", reason.lower())
    for group, words in _WORDS:
        if any(word in text for word in words):
            return group
    return ""


def _share(events: int, trials: int) -> dict[str, Any]:
    return {
        "events": events,
        "of": trials,
        "rate": events / trials if trials else None,
        "interval": list(wilson_interval(events, trials)) if trials else None,
    }


def purpose_figures(
    stops: Iterable[tuple[str, str, bool | None, str, bool | None]],
    *,
    groups: dict[str, str],
    search_recorded: bool,
    basis_recorded: bool,
    reason_recorded: bool,
) -> dict[str, Any]:
    """`stops`: (race, reason, searched, search basis, contraband found) of stops of people; `groups`:
    the city's reason -> group ("" or absent: not grouped)."""
    rows = [s for s in stops if s[0] and s[0] != "unknown"]
    reasons = Counter(reason for _race, reason, *_rest in rows if reason)
    races = [(key, label) for key, label in RACES if any(r[0] == key for r in rows)]
    not_recorded: dict[str, str] = {
        "contraband_kind": "not recorded: the stops mapping has no kind of contraband, so the hit rate by "
        "contraband kind cannot be given",
    }
    result: dict[str, Any] = {
        "stops": len(rows),
        "races": [{"race": k, "label": v} for k, v in races],
        "groups_labels": dict(GROUPS),
        "reasons": [
            {"reason": reason, "stops": n, "group": groups.get(reason, "")}
            for reason, n in reasons.most_common(MAX_REASONS)
        ],
        "reasons_total": len(reasons),
        "not_recorded": not_recorded,
    }
    if not reason_recorded:
        not_recorded["purpose"] = "not recorded: the mapping gives no stop reason or purpose column"
    if not search_recorded:
        not_recorded["search"] = "not recorded: the mapping gives no search column"
    if not basis_recorded:
        not_recorded["search_kind"] = "not recorded: the mapping gives no search basis (kind of search) column"
    by_purpose = []
    if reason_recorded and search_recorded:
        for key, label in GROUPS:
            cells = []
            for race, _race_label in races:
                picked = [r for r in rows if r[0] == race and groups.get(r[1], "") == key and r[2] is not None]
                cells.append({"race": race, **_share(sum(1 for r in picked if r[2]), len(picked))})
            if any(c["of"] for c in cells):
                by_purpose.append({"group": key, "label": label, "cells": cells})
    result["by_purpose"] = by_purpose
    by_kind = []
    if search_recorded and basis_recorded:
        stops_by_race = Counter(r[0] for r in rows if r[2] is not None)
        kinds = sorted({(r[3] or "") for r in rows if r[2]}, key=lambda k: (k in ("", "unknown"), k))
        for kind in kinds:
            cells = []
            for race, _race_label in races:
                searched = [r for r in rows if r[0] == race and r[2] and (r[3] or "") == kind]
                hit_known = [r for r in searched if r[4] is not None]
                cells.append({
                    "race": race, "likelihood": _share(len(searched), stops_by_race[race]),
                    "hit_rate": _share(sum(1 for r in hit_known if r[4]), len(hit_known)),
                })  # fmt: skip
            by_kind.append({"kind": kind or "unknown", "label": BASIS_LABELS.get(kind, kind), "cells": cells})
    result["by_search_kind"] = by_kind
    return result
