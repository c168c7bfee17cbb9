"""Budget requests' rubric: pure computation, no Django.

A rubric is a list of criteria, each `{"label": str, "max": int}`; a request's scores are one whole
number per criterion (or None while not scored). Its total falls in a band by its share of the
rubric's maximum, so cycles with different rubrics can be read side by side.
"""

from __future__ import annotations

from typing import Any

DEFAULT_RUBRIC: list[dict[str, Any]] = [
    {"label": "Addresses a gap by race that the city's figures show", "max": 3},
    {"label": "Shaped by the communities most affected", "max": 3},
    {"label": "Its benefits reach those most burdened today", "max": 3},
    {"label": "Its results will be measured by race", "max": 3},
]

# (key, label, lowest share of the maximum); checked in this order.
BANDS: list[tuple[str, str, float]] = [
    ("high", "High (75% of the points or more)", 0.75),
    ("medium", "Medium (40% to 74%)", 0.40),
    ("low", "Low (under 40%)", 0.0),
]
NOT_SCORED = ("not_scored", "Not scored yet")
BAND_LABELS = dict([(k, label) for k, label, _ in BANDS] + [NOT_SCORED])


def rubric_text(rubric: list[dict[str, Any]]) -> str:
    return "\n".join(f"{c['label']} | {c['max']}" for c in rubric)


def parse_rubric(text: str) -> list[dict[str, Any]]:
    """One criterion a line, `label | most points` (1 to 10). Raises ValueError with the line at fault."""
    criteria = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        label, sep, points = line.rpartition("|")
        if not sep or not label.strip():
            raise ValueError(
                f"Line {n}: write the criterion, a bar and its most points, e.g. 'Reaches renters | 3'."
            )
        try:
            most = int(points.strip())
        except ValueError:
            raise ValueError(f"Line {n}: the most points must be a whole number.") from None
        if not 1 <= most <= 10:
            raise ValueError(f"Line {n}: the most points must be from 1 to 10.")
        criteria.append({"label": label.strip()[:200], "max": most})
    if not criteria:
        raise ValueError("A rubric needs at least one criterion.")
    if len(criteria) > 12:
        raise ValueError("A rubric has at most 12 criteria.")
    return criteria


def maximum(rubric: list[dict[str, Any]]) -> int:
    return sum(int(c["max"]) for c in rubric)


def total(scores: list[int | None], rubric: list[dict[str, Any]]) -> int | None:
    """The sum of the scores, or None unless every criterion is scored within its range."""
    if len(scores) != len(rubric) or any(s is None for s in scores):
        return None
    for score, criterion in zip(scores, rubric, strict=True):
        if not 0 <= int(score) <= int(criterion["max"]):  # type: ignore[arg-type]
            raise ValueError(f"{criterion['label']}: from 0 to {criterion['max']} points.")
    return sum(int(s) for s in scores)  # type: ignore[arg-type]


def band(score: int | None, most: int) -> str:
    if score is None or most <= 0:
        return NOT_SCORED[0]
    share = score / most
    return next(key for key, _, low in BANDS if share >= low)
