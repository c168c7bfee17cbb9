"""Health of a standing relationship at its boundaries, in Python and in the database alike."""

from datetime import date, timedelta

import pytest

from relationships.health import Health, due_window, health_of, readiness_share
from relationships.selectors import active_relationships, relationship_in_city, relationship_list
from tests.builders import meeting_held

TODAY = date(2026, 3, 31)


def reading(cadence, *, last_met_days_ago=None, started_days_ago=400):
    last = TODAY - timedelta(days=last_met_days_ago) if last_met_days_ago is not None else None
    return health_of(cadence_days=cadence, started_on=TODAY - timedelta(days=started_days_ago), last_met=last,
                     today=TODAY)


@pytest.mark.parametrize(
    ("days_ago", "expected", "days_left"),
    [
        (0, Health.ON_TRACK, 30),
        (22, Health.ON_TRACK, 8),  # 8 days before the cadence ends: still on track
        (23, Health.DUE, 7),  # 7 days before: due (the window opens)
        (30, Health.DUE, 0),  # the last day of the cadence: due, not yet overdue
        (31, Health.OVERDUE, -1),  # the day after: overdue
        (90, Health.OVERDUE, -60),
    ],
)
def test_thirty_day_cadence_boundaries(days_ago, expected, days_left):
    r = reading(30, last_met_days_ago=days_ago)
    assert (r.health, r.days_left) == (expected, days_left)


def test_due_window_shrinks_for_short_cadences():
    assert [due_window(c) for c in (1, 4, 7, 14, 28, 30, 90)] == [1, 1, 1, 3, 7, 7, 7]
    assert reading(7, last_met_days_ago=5).health == Health.ON_TRACK
    assert reading(7, last_met_days_ago=6).health == Health.DUE
    assert reading(7, last_met_days_ago=8).health == Health.OVERDUE


def test_before_any_meeting_the_clock_starts_on_the_start_date():
    assert reading(30, started_days_ago=10).health == Health.ON_TRACK
    assert reading(30, started_days_ago=23).health == Health.DUE
    assert reading(30, started_days_ago=31).health == Health.OVERDUE
    # A meeting before the relationship started does not count for more than the start.
    assert reading(30, last_met_days_ago=100, started_days_ago=5).health == Health.ON_TRACK


def test_explanations_speak_plainly():
    assert reading(30, last_met_days_ago=31).explanation == "meeting 1 day late"
    assert reading(30, last_met_days_ago=30).explanation == "meeting due today"
    assert "(2 days)" in reading(30, last_met_days_ago=28).explanation


def test_readiness_share():
    assert readiness_share(0, 0) is None
    assert readiness_share(1, 3) == 33
    assert readiness_share(2, 3) == 67


@pytest.mark.django_db
def test_selectors_use_the_rule_with_meetings_actually_held(city, make_relationship, today):
    expected = {}
    for cadence in (7, 14, 30):
        for days_ago in range(0, cadence + 3):
            r = make_relationship(city, cadence=cadence, started_days_ago=500, met_days_ago=days_ago)
            # An older meeting of the same relationship does not change anything.
            meeting_held(city, days_ago=days_ago + 40, relationships=[r])
            expected[r.pk] = health_of(cadence_days=cadence, started_on=today - timedelta(days=500),
                                       last_met=today - timedelta(days=days_ago), today=today).health
    # A meeting logged for a future date is not a meeting held.
    future = make_relationship(city, cadence=30, started_days_ago=40, met_days_ago=-3)
    expected[future.pk] = Health.OVERDUE
    rows = active_relationships(city=city, today=today)
    assert {r.pk: r.reading.health for r in rows} == expected
    # Most urgent first.
    assert [r.reading.days_left for r in rows] == sorted(r.reading.days_left for r in rows)
    assert relationship_in_city(city=city, relationship_id=future.pk, today=today).reading.health == Health.OVERDUE
    overdue = relationship_list(city=city, filters={"health": "overdue"}, today=today)
    assert {r.pk for r in overdue} == {pk for pk, h in expected.items() if h == Health.OVERDUE}


@pytest.mark.django_db
def test_the_list_pages_health_in_sql_agrees_with_the_rule(city, other_city, make_relationship, today):
    """The relationship list filters, orders and pages in the database: the same health, days left and
    order as the rule in relationships/health.py, on random cadences, starts and meetings."""
    import random

    from relationships.selectors import relationship_page

    rng = random.Random(11)
    for _ in range(60):
        cadence = rng.choice([1, 3, 7, 10, 14, 28, 30, 45, 90, 365])
        make_relationship(
            city, cadence=cadence, started_days_ago=rng.randrange(-5, 400),
            met_days_ago=rng.choice([None, rng.randrange(-10, 400)]),
        )  # fmt: skip
    make_relationship(other_city, cadence=7, started_days_ago=100)  # another city's: never listed
    for day in (today, today + timedelta(days=9), today - timedelta(days=30)):
        expected = active_relationships(city=city, today=day)
        page = relationship_page(city=city, filters={}, page=1, today=day)
        assert page.paginator.count == len(expected) == 60
        rows = relationship_list(city=city, filters={}, today=day)
        assert {r.pk: r.reading for r in rows} == {r.pk: r.reading for r in expected}
        assert [r.reading.days_left for r in rows] == sorted(r.reading.days_left for r in expected)
        assert all(r.days_left == r.reading.days_left for r in rows)  # the database's own figure
        for health in Health:
            listed = relationship_list(city=city, filters={"health": health.value}, today=day)
            assert {r.pk for r in listed} == {r.pk for r in expected if r.reading.health == health}, (day, health)
        assert len(page.object_list) == 25 and all(hasattr(r, "reading") for r in page.object_list)
