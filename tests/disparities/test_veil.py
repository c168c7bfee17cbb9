"""Veil of darkness on generated stops: a planted daylight effect, no effect, and ineligible data."""

import datetime as dt
import functools
import math
from pathlib import Path

import numpy as np
import pytest
from astral import Observer
from astral.sun import sun

from disparities.figures import veil

# Lansing, Michigan
PLACE = {"latitude": 42.7325, "longitude": -84.5555, "timezone": "America/Detroit"}


@functools.cache
def sunset_dusk(day):
    """Reference sun times straight from astral, in local minutes after midnight."""
    from zoneinfo import ZoneInfo

    s = sun(Observer(PLACE["latitude"], PLACE["longitude"]), date=day, tzinfo=ZoneInfo(PLACE["timezone"]))
    return (s["sunset"].hour * 60 + s["sunset"].minute, s["dusk"].hour * 60 + s["dusk"].minute)


def generate(n, *, effect, seed, year=2017, other_share=0.05, start=16 * 60, end=23 * 60):
    """Stops through `year` at uniform clock times; the log-odds of a Black driver rise slowly with
    the clock time and change by `effect` after dusk (negative: fewer Black drivers stopped in the dark)."""
    rng = np.random.default_rng(seed)
    first = dt.date(year, 1, 1)
    days = rng.integers(0, 365, n)
    minutes = rng.integers(start, end, n)
    seconds = rng.integers(0, 60, n)
    u = rng.random(n)
    v = rng.random(n)
    stops = []
    for d, m, s, a, b in zip(days, minutes, seconds, u, v, strict=True):
        day = first + dt.timedelta(days=int(d))
        _sunset, dusk = sunset_dusk(day)
        is_dark = m + s / 60 > dusk + 1
        log_odds = -0.9 + 0.002 * (m - 1140) + (effect if is_dark else 0.0)
        p = 1 / (1 + math.exp(-log_odds))
        if b < other_share:
            race = "hispanic" if b < other_share / 2 else "unknown"
        else:
            race = "black" if a < p else "white"
        stops.append((day, dt.time(int(m) // 60, int(m) % 60, int(s)), race))
    return stops


def test_sun_times_match_astral_and_handle_no_dusk():
    day = dt.date(2017, 6, 21)
    sunset, dusk = veil.sun_times(day, **PLACE)
    assert (sunset.hour, sunset.minute) == (21, 19)  # 9:19 pm EDT on the longest day in Lansing
    assert (dusk.hour, dusk.minute) == (21, 55)
    assert sunset_dusk(day) == (21 * 60 + 19, 21 * 60 + 55)
    winter = veil.sun_times(dt.date(2017, 12, 21), **PLACE)
    assert (17, 30) <= (winter[1].hour, winter[1].minute) <= (17, 45)  # early winter dusk, EST
    # Tromsø in June: the sun never sets
    assert (
        veil.sun_times(dt.date(2017, 6, 21), latitude=69.65, longitude=18.96, timezone="Europe/Oslo") is None
    )


def test_planted_daylight_effect_is_recovered():
    planted = -0.4
    result = veil.veil_of_darkness(generate(20_000, effect=planted, seed=7), **PLACE)
    assert result.eligible, result.reason
    assert result.coefficient < 0 and result.significant
    low, high = result.interval
    assert low <= planted <= high
    assert result.std_error == pytest.approx((high - low) / (2 * 1.959964), rel=1e-5)
    assert result.odds_ratio == pytest.approx(math.exp(result.coefficient))
    assert result.n == result.counts["analysed"] > 5000
    assert result.counts["twilight_dropped"] > 0 and result.counts["outside_window"] > 0
    assert result.window[0] < "17:45" and result.window[1] > "21:45"
    assert "lower share of Black drivers" in result.reading
    assert "not proof" in result.reading
    data = result.as_dict()
    assert data["interval"] == [low, high] and data["eligible"] is True


def test_effect_the_other_way_is_read_honestly():
    result = veil.veil_of_darkness(generate(20_000, effect=0.4, seed=8), **PLACE)
    assert result.coefficient > 0 and result.significant
    assert "finds no sign" in result.reading


def test_no_effect_gives_no_false_finding_beyond_the_expected_rate():
    significant = 0
    for seed in range(40):
        result = veil.veil_of_darkness(generate(2_500, effect=0.0, seed=1000 + seed), **PLACE)
        assert result.eligible, result.reason
        significant += result.significant
        if not result.significant:
            assert "not clearly different" in result.reading
    # 5% expected; allow up to 10% (4 of 40)
    assert significant <= 4


def test_district_fixed_effects():
    stops = [(*s, "North" if i % 2 else "South") for i, s in enumerate(generate(6_000, effect=-0.5, seed=3))]
    result = veil.veil_of_darkness(stops, **PLACE)
    assert result.eligible and result.coefficient < 0


def test_too_few_stops():
    result = veil.veil_of_darkness(generate(300, effect=0.0, seed=1), **PLACE)
    assert not result.eligible and result.coefficient is None
    assert "needs at least 1,000" in result.reason
    assert not veil.veil_of_darkness([], **PLACE).eligible


def test_no_times():
    stops = [(d, None, r) for d, _t, r in generate(3_000, effect=0.0, seed=2)]
    result = veil.veil_of_darkness(stops, **PLACE)
    assert not result.eligible and "no time of day" in result.reason
    half = [(d, t if i % 2 else None, r) for i, (d, t, r) in enumerate(generate(3_000, effect=0.0, seed=2))]
    result = veil.veil_of_darkness(half, **PLACE)
    assert not result.eligible and "50% of stops have a time" in result.reason


def test_placeholder_times():
    stops = [(d, dt.time(12, 0), r) for d, _t, r in generate(3_000, effect=0.0, seed=4)]
    result = veil.veil_of_darkness(stops, **PLACE)
    assert not result.eligible and "12:00" in result.reason and "placeholder" in result.reason


def test_race_missing():
    stops = [
        (d, t, "unknown" if i % 3 else r) for i, (d, t, r) in enumerate(generate(3_000, effect=0.0, seed=5))
    ]
    result = veil.veil_of_darkness(stops, **PLACE)
    assert not result.eligible and "race is recorded for only" in result.reason


def test_one_month_is_not_enough():
    stops = [
        (d.replace(month=4, day=min(d.day, 30)), t, r) for d, t, r in generate(3_000, effect=0.0, seed=6)
    ]
    result = veil.veil_of_darkness(stops, **PLACE)
    assert not result.eligible and "1 month(s)" in result.reason


def test_stops_only_in_daylight():
    stops = generate(3_000, effect=0.0, seed=9, start=9 * 60, end=15 * 60)
    result = veil.veil_of_darkness(stops, **PLACE)
    assert not result.eligible and "evening hours" in result.reason


# The project ships a copy of the real file (the same bytes as shared/data/police/).
OWENSBORO = (
    Path(__file__).resolve().parents[2] / "disparities" / "sample_data" / "ky_owensboro_2020_04_01.csv"
)


def test_real_owensboro_vehicle_stops():
    """The OPP release for Owensboro, KY (stops that ended in a citation), vehicle stops only."""
    import csv

    races = {"asian/pacific islander": "asian_pacific_islander", "NA": "unknown"}
    stops = []
    with OWENSBORO.open(newline="") as f:
        for row in csv.DictReader(f):
            if row["type"] == "vehicular":
                time = None if row["time"] == "NA" else dt.time.fromisoformat(row["time"])
                stops.append(
                    (
                        dt.date.fromisoformat(row["date"]),
                        time,
                        races.get(row["subject_race"], row["subject_race"]),
                    )
                )
    result = veil.veil_of_darkness(stops, latitude=37.7719, longitude=-87.1112, timezone="America/Chicago")
    assert result.eligible
    assert result.counts["stops"] == 6606 and result.n == 1120
    assert result.window == ("16:59", "20:46")
    assert result.coefficient == pytest.approx(0.662, abs=0.001)
    assert result.std_error == pytest.approx(0.236, abs=0.001)
    assert "finds no sign" in result.reading and "times as high" in result.reading


@pytest.mark.parametrize(
    "place, words",
    [
        ({"latitude": None, "longitude": -84.5, "timezone": "America/Detroit"}, "location"),
        ({"latitude": 142.7, "longitude": -84.5, "timezone": "America/Detroit"}, "location"),
        ({"latitude": 42.7, "longitude": -84.5, "timezone": "Mars/Olympus"}, "time zone (Mars/Olympus)"),
        ({"latitude": 42.7, "longitude": -84.5, "timezone": ""}, "time zone (none)"),
    ],
)
def test_city_place_not_set(place, words):
    result = veil.veil_of_darkness(generate(50, effect=0.0, seed=1), **place)
    assert not result.eligible and words in result.reason
