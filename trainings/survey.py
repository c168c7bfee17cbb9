"""The confidence survey and the rule for showing its results. Pure: no Django, no database.

Results are shown only as aggregates of at least `MIN_ANSWERS` answers, and they are released in
whole groups of `MIN_ANSWERS` answers, in the order the answers came in: with 7 answers the page
shows the mean of the first 5, with 10 the mean of all 10. So any two aggregates a viewer can see
differ by at least 5 answers: subtracting one from the other (7 answers shown as 6 then 7, say) can
never give away one person's answer. Only the mean is shown (no distribution), and only for a
training in one city or a training across the network, never for a single session.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

MIN_ANSWERS = 5
SCALE = (1, 2, 3, 4, 5)
SCALE_LABELS = {1: "Not at all confident", 2: "Slightly", 3: "Somewhat", 4: "Quite", 5: "Very confident"}

ITEMS: tuple[tuple[str, str], ...] = (
    ("explain", "Explaining individual, institutional and structural racism to a colleague"),
    ("data", "Using data disaggregated by race to describe a problem in my work"),
    ("conversation", "Leading or taking part in a conversation about race at work"),
    ("tools", "Using a racial equity tool on a policy, program or budget decision"),
)
ITEM_KEYS = tuple(key for key, _ in ITEMS)


def clean_answers(raw: dict[str, object]) -> dict[str, int]:
    """Every item answered with a whole number from 1 to 5, else ValueError naming what is wrong."""
    answers: dict[str, int] = {}
    missing = []
    for key, label in ITEMS:
        value = raw.get(key)
        if isinstance(value, str) and value.strip().isdigit() and value.strip().isascii():
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int) or value not in SCALE:
            missing.append(label)
            continue
        answers[key] = value
    if missing:
        raise ValueError("Choose a number from 1 to 5 for: " + "; ".join(missing) + ".")
    return answers


@dataclass(frozen=True)
class Aggregate:
    answers: int  # how many answers there are in all
    shown: int  # how many of them the means are made of (0: not shown)
    means: dict[str, float]  # item key -> mean over the first `shown` answers, rounded half up to 0.1

    @property
    def is_shown(self) -> bool:
        return self.shown > 0


def released(answers_in_order: Sequence[dict[str, int]]) -> Aggregate:
    """The means that may be shown for these answers (in the order they came in)."""
    total = len(answers_in_order)
    shown = (total // MIN_ANSWERS) * MIN_ANSWERS
    if shown == 0:
        return Aggregate(answers=total, shown=0, means={})
    block = answers_in_order[:shown]
    # Rounded half up on the exact quotient (3.85 shows as 3.9), not on a binary float.
    means = {
        key: float((Decimal(sum(a[key] for a in block)) / Decimal(shown)).quantize(Decimal("0.1"), ROUND_HALF_UP))
        for key in ITEM_KEYS
    }
    return Aggregate(answers=total, shown=shown, means=means)
