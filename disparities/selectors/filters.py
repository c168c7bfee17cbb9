"""What a dashboard is narrowed to: the filters kept in its URL, and the values each can take."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.cache import cache
from django.db.models import Q

from ..measures import MEASURES, ROLLUP_MEASURES
from ..models import (
    Dataset,
    Rollup,
    Sex,
)
from .trends import TRENDS

DEFAULT_FINE_THRESHOLD = Decimal("100")
OPTIONS_LIMIT = 300

MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(value: str | None) -> dt.date | None:
    match = MONTH_RE.match((value or "").strip())
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (1 <= month <= 12 and 1900 <= year <= 2200):
        return None
    return dt.date(year, month, 1)


@dataclass(frozen=True)
class Filters:
    """What the dashboard is narrowed to. Kept in the URL: `?start=2016-01&end=2016-12&district=2`."""

    start: dt.date | None = None  # first month included
    end: dt.date | None = None  # last month included
    district: str = ""
    type: str = ""
    sex: str = ""
    age_group: str = ""
    fine_threshold: Decimal = DEFAULT_FINE_THRESHOLD
    trend: str = ""  # which figure the trend tables follow over time ("" = counts); see TRENDS

    FIELDS = ("start", "end", "district", "type", "sex", "age_group")

    @classmethod
    def from_query(cls, query: Any) -> Filters:
        def text(name: str) -> str:
            return (query.get(name) or "").strip()[:300]

        sex = text("sex")
        try:
            threshold = Decimal(text("fine_threshold") or DEFAULT_FINE_THRESHOLD)
            if not threshold.is_finite() or threshold < 0:
                threshold = DEFAULT_FINE_THRESHOLD
        except InvalidOperation:
            threshold = DEFAULT_FINE_THRESHOLD
        return cls(
            start=parse_month(text("start")),
            end=parse_month(text("end")),
            district=text("district"),
            type=text("type"),
            sex=sex if sex in Sex.values else "",
            age_group=text("age_group"),
            fine_threshold=threshold,
            trend=text("trend") if text("trend") in TRENDS and text("trend") != "count" else "",
        )

    def as_query(self) -> dict[str, str]:
        """The filters as URL parameters (only those set)."""
        out = {}
        if self.start:
            out["start"] = self.start.strftime("%Y-%m")
        if self.end:
            out["end"] = self.end.strftime("%Y-%m")
        for name in ("district", "type", "sex", "age_group"):
            if getattr(self, name):
                out[name] = getattr(self, name)
        if self.fine_threshold != DEFAULT_FINE_THRESHOLD:
            out["fine_threshold"] = str(self.fine_threshold)
        if self.trend:
            out["trend"] = self.trend
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.strftime("%Y-%m") if self.start else None,
            "end": self.end.strftime("%Y-%m") if self.end else None,
            "district": self.district or None,
            "type": self.type or None,
            "sex": self.sex or None,
            "age_group": self.age_group or None,
            "fine_threshold": float(self.fine_threshold),
            "trend": self.trend or "count",
        }

    @property
    def active(self) -> bool:
        return bool(self.start or self.end or self.district or self.type or self.sex or self.age_group)

    def q(self, *, with_type: bool = True) -> Q:
        """The rollup rows (or fine rollup rows) these filters select."""
        q = Q()
        if self.start:
            q &= Q(month__gte=self.start)
        if self.end:
            q &= Q(month__lte=self.end)
        if self.district:
            q &= Q(district=self.district)
        if self.type and with_type:
            q &= Q(type=self.type)
        if self.sex:
            q &= Q(sex=self.sex)
        if self.age_group:
            q &= Q(age_group=self.age_group)
        return q

    def record_q(self) -> Q:
        """The same filters on the typed records (drill-down)."""
        q = Q()
        if self.start:
            q &= Q(date__gte=self.start)
        if self.end:
            q &= Q(date__lt=next_month(self.end))
        if self.district:
            q &= Q(district=self.district)
        if self.sex:
            q &= Q(subject_sex=self.sex)
        if self.age_group:
            q &= Q(subject_age_group=self.age_group)
        return q

    def describe(self) -> str:
        parts = []
        if self.start or self.end:
            parts.append(
                f"{self.start.strftime('%B %Y') if self.start else 'the first month'} to "
                f"{self.end.strftime('%B %Y') if self.end else 'the last month'}"
            )
        for name, label in (
            ("district", "district"),
            ("type", "type"),
            ("sex", "sex"),
            ("age_group", "age group"),
        ):
            if getattr(self, name):
                value = getattr(self, name)
                parts.append(f"{label} {age_group_label(value) if name == 'age_group' else value}")
        return ", ".join(parts) if parts else "all records"


def age_group_label(value: str) -> str:
    """An age group as words: "18_24" -> "18–24", "under_18" -> "Under 18", "65_plus" -> "65 and over"."""
    if value.startswith("under_"):
        return f"Under {value.removeprefix('under_')}"
    if value.endswith("_plus"):
        return f"{value.removesuffix('_plus')} and over"
    low, sep, high = value.partition("_")
    if sep and low.isdigit() and high.isdigit():
        return f"{low}–{high}"
    return value.replace("_", " ")


def month_label(value: str) -> str:
    """A month of the filters ("2017-04") as words ("April 2017")."""
    try:
        return dt.date.fromisoformat(f"{value}-01").strftime("%B %Y")
    except ValueError:
        return value


def next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + (day.month // 12), day.month % 12 + 1, 1)


def filter_options(*, dataset: Dataset) -> dict[str, Any]:
    """Values each filter can take in this dataset (read from the rollups, cached per import)."""
    key = f"disparities:options:{dataset.pk}:{dataset.imported_at.timestamp() if dataset.imported_at else 0}"
    options = cache.get(key)
    if options is not None:
        return options
    rollups = Rollup.objects.filter(dataset=dataset)

    def distinct(name: str) -> list[str]:
        values = rollups.exclude(**{name: ""}).order_by(name).values_list(name, flat=True).distinct()
        return list(values[:OPTIONS_LIMIT])

    months = rollups.exclude(month=None).order_by("month").values_list("month", flat=True).distinct()
    month_list = [m.strftime("%Y-%m") for m in months]
    sums = rollups.aggregate(**{m: MEASURES[m].total() for m in ROLLUP_MEASURES})
    options = {
        "measures": sorted(m for m, v in sums.items() if v),
        "districts": distinct("district"),
        "types": distinct("type"),
        "age_groups": distinct("age_group"),
        "sexes": list(Sex.choices),
        "months": month_list,
    }
    cache.set(key, options, 3600)
    return options
