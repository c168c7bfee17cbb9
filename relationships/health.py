"""The health of a standing relationship, from the meetings actually held. No database here.

A relationship agreed to meet every `cadence` days. Counting from the last meeting held (or, before
any meeting, from the day it started), the next meeting is owed on `next_due = last + cadence`.

- on track: more than `due_window` days before `next_due`;
- due: from `next_due - due_window` to `next_due`, both days included;
- overdue: from the day after `next_due`.

`due_window` is 7 days, shortened to a quarter of the cadence for short cadences (at least 1 day),
so that a weekly relationship is not "due" the day after its meeting.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class Health(StrEnum):
    ON_TRACK = "on_track"
    DUE = "due"
    OVERDUE = "overdue"

    @property
    def label(self) -> str:
        return {"on_track": "On track", "due": "Due", "overdue": "Overdue"}[self.value]


HEALTHY = frozenset({Health.ON_TRACK, Health.DUE})


def due_window(cadence_days: int) -> int:
    return max(1, min(7, cadence_days // 4))


@dataclass(frozen=True)
class HealthReading:
    health: Health
    next_due: date
    days_left: int  # negative when overdue

    @property
    def label(self) -> str:
        return self.health.label

    @property
    def explanation(self) -> str:
        if self.days_left < 0:
            n = -self.days_left
            return f"meeting {n} day{'s' if n != 1 else ''} late"
        if self.days_left == 0:
            return "meeting due today"
        return f"next meeting by {self.next_due:%-d %b %Y} ({self.days_left} day{'s' if self.days_left != 1 else ''})"


def health_of(*, cadence_days: int, started_on: date, last_met: date | None, today: date) -> HealthReading:
    reference = max(last_met, started_on) if last_met else started_on
    next_due = reference + timedelta(days=cadence_days)
    days_left = (next_due - today).days
    if days_left < 0:
        health = Health.OVERDUE
    elif days_left <= due_window(cadence_days):
        health = Health.DUE
    else:
        health = Health.ON_TRACK
    return HealthReading(health=health, next_due=next_due, days_left=days_left)


def readiness_share(covered: int, total: int) -> int | None:
    """Whole per cent of districts and groups covered; None when there is nothing to cover."""
    if total == 0:
        return None
    return round(100 * covered / total)
