"""Veil of darkness for vehicle stops, the way the Stanford Open Policing Project runs it.

Grogger and Ridgeway (2006); Pierson et al. (2020), "A large-scale analysis of racial disparities in
police stops across the United States", Nature Human Behaviour 4, 736-745.

The idea: after dark it is harder for an officer to see a driver's race before deciding to stop
them. If Black drivers make up a smaller share of the drivers stopped after dark than of those
stopped in daylight *at the same clock time*, that is consistent with race influencing daylight
stops. Comparing the same clock time across the year (it is light at 7 pm in June and dark in
December) holds the mix of drivers on the road roughly constant.

The steps, as OPP does them:
1. sunset and dusk (end of civil twilight) for each date at the city's point, in its time zone;
2. keep stops whose clock time lies between the year's earliest and latest dusk (the only times
   of day that are light on some dates and dark on others);
3. drop stops between sunset and dusk (neither light nor dark);
4. is_dark = the stop happened after dusk;
5. logistic regression among Black and white drivers only:
   is_black ~ is_dark + natural cubic spline of minute of the day (6 degrees of freedom),
   plus district fixed effects where districts are given.
A negative coefficient on is_dark means a lower share of Black drivers among stops after dark.

Input: an iterable of (local date, local time or None, canonical race) or
(local date, local time or None, canonical race, district or None), so this module does not
depend on how stops are stored. No database here.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import patsy
import statsmodels.api as sm
from astral import Observer
from astral.sun import sun
from scipy.stats import norm

# Eligibility (checked before any model is fitted). The defaults follow the spirit of OPP's
# screening: enough Black and white stops, race recorded for most stops, real clock times, and
# dates spread over enough of the year for darkness to vary at a given clock time.
MIN_STOPS = 1000  # Black and white stops with a usable time, before the window is applied
MIN_WINDOW_STOPS = 300  # of those, stops left in the window after the twilight drop
MIN_RACE_RECORDED = 0.9  # share of all stops with a recorded race
MIN_TIME_RECORDED = 0.9  # share of all stops with a clock time
MAX_SAME_TIME = 0.5  # a single clock time holding more than this share of stops is a placeholder
MIN_STOPS_PER_MONTH = 30  # a calendar month counts when it has at least this many stops
MIN_MONTHS = 6  # distinct calendar months (January ... December) that count
SPLINE_DF = 6
LEVEL = 0.95


@dataclass(frozen=True)
class VeilResult:
    eligible: bool
    reason: str = ""  # why the test cannot be run, in plain words, when not eligible
    coefficient: float | None = None  # log-odds of a stopped driver being Black, dark vs light
    std_error: float | None = None
    interval: tuple[float, float] | None = None
    p_value: float | None = None
    odds_ratio: float | None = None
    n: int = 0  # stops in the regression
    n_dark: int = 0
    n_black: int = 0
    significant: bool = False
    reading: str = ""
    caveats: tuple[str, ...] = ()
    counts: dict[str, int] = field(default_factory=dict)  # what was kept and dropped, and why
    window: tuple[str, str] | None = None  # earliest and latest dusk, "HH:MM"

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["interval"] = list(self.interval) if self.interval else None
        data["window"] = list(self.window) if self.window else None
        data["caveats"] = list(self.caveats)
        return data


CAVEATS = (
    "The test compares stops at the same clock time on dates when it was light and dates when it was "
    "dark. It assumes that who is driving at that time, and how, does not change with darkness itself; "
    "seasonal changes in travel can break that assumption.",
    "Street lighting lets officers see drivers after dark too, which weakens the test: it tends to "
    "understate a real difference rather than invent one.",
    "It looks only at the decision to stop, only at Black and white drivers, and only at the evening "
    "hours when darkness varies across the year. It says nothing about what happens after the stop "
    "(searches, arrests, force).",
    "A result consistent with discrimination is evidence, not proof; a result showing no difference "
    "does not prove that there is none.",
)


def _minute(t: dt.time) -> int:
    return t.hour * 60 + t.minute


def _hhmm(minute: float) -> str:
    m = int(round(minute))
    return f"{m // 60:02d}:{m % 60:02d}"


def sun_times(
    day: dt.date, *, latitude: float, longitude: float, timezone: str
) -> tuple[dt.datetime, dt.datetime] | None:
    """Local sunset and dusk (end of civil twilight) on `day`; None where the sun does not set
    or twilight does not end (far north in summer)."""
    try:
        times = sun(Observer(latitude=latitude, longitude=longitude), date=day, tzinfo=ZoneInfo(timezone))
    except ValueError:
        return None
    return times["sunset"], times["dusk"]


def _local_minutes(day: dt.date, moment: dt.datetime) -> float:
    """Minutes after local midnight of `day` (can exceed 1440 if dusk falls after midnight)."""
    delta = moment.date() - day
    return delta.days * 1440 + moment.hour * 60 + moment.minute + moment.second / 60


def _ineligible(reason: str, counts: dict[str, int]) -> VeilResult:
    return VeilResult(eligible=False, reason=reason, counts=counts, caveats=CAVEATS)


def veil_of_darkness(
    stops: Iterable[Sequence[Any]],
    *,
    latitude: float,
    longitude: float,
    timezone: str,
    min_stops: int = MIN_STOPS,
    min_window_stops: int = MIN_WINDOW_STOPS,
    min_months: int = MIN_MONTHS,
    min_stops_per_month: int = MIN_STOPS_PER_MONTH,
    level: float = LEVEL,
) -> VeilResult:
    """Run the veil of darkness test on vehicle stops at one place; see the module docstring."""
    rows = [tuple(s) for s in stops]
    total = len(rows)
    counts: dict[str, int] = {"stops": total}
    if latitude is None or longitude is None or not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return _ineligible(
            "The city's location (latitude and longitude of its centre) is not set, and the test needs "
            "it to know when the sun sets. Set it in the city's settings.",
            counts,
        )
    try:
        ZoneInfo(timezone)
    except (ValueError, TypeError, ZoneInfoNotFoundError):
        return _ineligible(
            f"The city's time zone ({timezone or 'none'}) is not a known time zone such as "
            "America/Detroit; the test needs it to know when the sun sets. Set it in the city's settings.",
            counts,
        )
    if total == 0:
        return _ineligible("There are no stops in this dataset.", counts)

    race_known = sum(1 for r in rows if r[2] not in (None, "", "unknown"))
    with_time = [r for r in rows if r[1] is not None and r[0] is not None]
    counts.update(race_recorded=race_known, time_recorded=len(with_time))

    if len(with_time) / total < MIN_TIME_RECORDED:
        if not with_time:
            return _ineligible(
                "The stops have no time of day, and the test needs the time of each stop to tell "
                "daylight from darkness.",
                counts,
            )
        return _ineligible(
            f"Only {len(with_time) / total:.0%} of stops have a time of day; the test needs a time "
            f"for at least {MIN_TIME_RECORDED:.0%} of them.",
            counts,
        )
    same_time, same_count = Counter(_minute(r[1]) for r in with_time).most_common(1)[0]
    if same_count / len(with_time) > MAX_SAME_TIME:
        return _ineligible(
            f"{same_count / len(with_time):.0%} of stops are recorded at exactly {_hhmm(same_time)}, which "
            "looks like a placeholder rather than the real time of the stop, so daylight and darkness "
            "cannot be told apart.",
            counts,
        )
    if race_known / total < MIN_RACE_RECORDED:
        return _ineligible(
            f"The driver's race is recorded for only {race_known / total:.0%} of stops; the test needs "
            f"it for at least {MIN_RACE_RECORDED:.0%}.",
            counts,
        )

    black_white = [r for r in with_time if r[2] in ("black", "white")]
    counts["black_or_white_with_time"] = len(black_white)
    if len(black_white) < min_stops:
        return _ineligible(
            f"There are {len(black_white):,} stops of Black or white drivers with a time of day; the test "
            f"needs at least {min_stops:,} to say anything reliable.",
            counts,
        )
    per_month = Counter((r[0].year, r[0].month) for r in with_time)
    months = {month for (_year, month), n in per_month.items() if n >= min_stops_per_month}
    counts["months_with_enough_stops"] = len(months)
    if len(months) < min_months:
        return _ineligible(
            f"The stops cover {len(months)} month(s) of the year with at least {min_stops_per_month} stops "
            f"each; the test needs at least {min_months}, because it compares the same clock time in "
            "seasons when it is light and when it is dark.",
            counts,
        )

    # Sun times, one date at a time.
    dates = sorted({r[0] for r in black_white})
    sun_by_date: dict[dt.date, tuple[float, float]] = {}
    for day in dates:
        times = sun_times(day, latitude=latitude, longitude=longitude, timezone=timezone)
        if times is not None:
            sun_by_date[day] = (_local_minutes(day, times[0]), _local_minutes(day, times[1]))
    if not sun_by_date:
        return _ineligible("The sun does not set at this place on the dates of these stops.", counts)
    dusks = [d for _s, d in sun_by_date.values()]
    earliest, latest = min(dusks), max(dusks)

    minute, dark, black, district = [], [], [], []
    dropped_twilight = outside_window = no_sun = 0
    for r in black_white:
        times = sun_by_date.get(r[0])
        if times is None:
            no_sun += 1
            continue
        m = _minute(r[1]) + r[1].second / 60
        if m < earliest or m > latest:
            outside_window += 1
            continue
        sunset, dusk = times
        if sunset <= m <= dusk:
            dropped_twilight += 1
            continue
        minute.append(m)
        dark.append(m > dusk)
        black.append(r[2] == "black")
        district.append(r[3] if len(r) > 3 else None)
    counts.update(outside_window=outside_window, twilight_dropped=dropped_twilight, no_sunset=no_sun)
    n = len(minute)
    counts["analysed"] = n
    window = (_hhmm(earliest), _hhmm(latest))
    n_dark = int(sum(dark))
    if n < min_window_stops or n_dark == 0 or n_dark == n or sum(black) in (0, n):
        return VeilResult(
            eligible=False,
            reason=(
                f"Only {n:,} stops of Black or white drivers fall in the evening hours when darkness "
                f"varies across the year ({window[0]} to {window[1]}), of which {n_dark:,} after dark; "
                f"the test needs at least {min_window_stops:,}, some in daylight and some after dark, "
                "with drivers of both groups."
            ),
            counts=counts,
            window=window,
            caveats=CAVEATS,
        )

    data = {
        "is_black": np.array(black, dtype=float),
        "is_dark": np.array(dark, dtype=float),
        "minute": np.array(minute),
    }
    formula = f'is_black ~ is_dark + cr(minute, df={SPLINE_DF}, constraints="center")'
    districts = {d for d in district if d not in (None, "")}
    if len(districts) > 1:
        data["district"] = np.array([d if d not in (None, "") else "(none)" for d in district], dtype=object)
        formula += " + C(district)"
    try:
        y, x = patsy.dmatrices(formula, data, return_type="dataframe")
        fit = sm.GLM(y, x, family=sm.families.Binomial()).fit()
        coef = float(fit.params["is_dark"])
        se = float(fit.bse["is_dark"])
    except (ValueError, np.linalg.LinAlgError, patsy.PatsyError) as exc:
        return _ineligible(f"The model could not be fitted to these stops ({exc}).", counts)
    if not (math.isfinite(coef) and math.isfinite(se)):
        return _ineligible(
            "The model could not be fitted to these stops: its estimate is not finite.", counts
        )
    z = float(norm.ppf(1 - (1 - level) / 2))
    low, high = coef - z * se, coef + z * se
    p_value = float(fit.pvalues["is_dark"])
    significant = not (low <= 0 <= high)
    return VeilResult(
        eligible=True,
        coefficient=coef,
        std_error=se,
        interval=(low, high),
        p_value=p_value,
        odds_ratio=math.exp(coef),
        n=n,
        n_dark=n_dark,
        n_black=int(sum(black)),
        significant=significant,
        reading=reading(coef, low, high, n=n, window=window, level=level),
        caveats=CAVEATS,
        counts=counts,
        window=window,
    )


def _higher(odds_ratio: float) -> str:
    """1.26 -> '26% higher'; 2.01 -> '2.0 times as high'."""
    if odds_ratio >= 2:
        return f"{odds_ratio:.1f} times as high"
    return f"{odds_ratio - 1:.0%} higher"


def reading(
    coef: float, low: float, high: float, *, n: int, window: tuple[str, str], level: float = LEVEL
) -> str:
    """The result in plain words for a city employee."""
    base = f"Among {n:,} stops of Black and white drivers made between {window[0]} and {window[1]}, "
    odds = math.exp(coef)
    pct = f"{level:.0%}"
    if high < 0:
        return base + (
            f"the odds that a stopped driver was Black were {1 - odds:.0%} lower after dark than in "
            f"daylight at the same clock time ({pct} interval {1 - math.exp(high):.0%} to "
            f"{1 - math.exp(low):.0%} lower). Darkness is associated with a lower share of Black "
            "drivers among stops, which is consistent with racial profiling in daylight: when officers "
            "can see a driver's race, a larger share of the drivers they stop are Black than at the same "
            "clock time after dark, when they cannot. This is evidence of racial profiling in stop "
            "decisions, not proof of it (see the caveats)."
        )
    if low > 0:
        return base + (
            f"the odds that a stopped driver was Black were {_higher(odds)} after dark than in "
            f"daylight at the same clock time ({pct} interval {_higher(math.exp(low))} to "
            f"{_higher(math.exp(high))}). This test finds no sign that Black drivers are stopped "
            "more often when officers can see their race; the difference runs the other way, and its "
            "cause is not something this test can tell."
        )
    return base + (
        "the share of Black drivers among stops was not clearly different after dark than in daylight "
        f"at the same clock time (odds ratio {odds:.2f}, {pct} interval {math.exp(low):.2f} to "
        f"{math.exp(high):.2f}). The test does not detect racial profiling in stop decisions; that "
        "does not show there is none."
    )
