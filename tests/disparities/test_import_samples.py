"""The real files import with the figures their README gives (through the import service)."""

from decimal import Decimal

import pytest
from django.db.models import Sum

from disparities.models import Arrest, Complaint, Rollup, Stop, UseOfForce
from tests.builders import (
    BREMERTON_ARRESTS,
    BREMERTON_CITATIONS,
    LANSING,
    OWENSBORO,
    ST_LOUIS,
    imported_dataset,
)

pytestmark = pytest.mark.django_db


def by_race(dataset, measure="rows", **filters):
    rows = Rollup.objects.filter(dataset=dataset, **filters).values("race").annotate(n=Sum(measure))
    return {r["race"]: r["n"] for r in rows if r["n"]}


def test_owensboro_stops(city):
    dataset = imported_dataset(city, file=OWENSBORO)
    assert dataset.status == "imported", dataset.status_message
    assert (dataset.rows_read, dataset.rows_imported, dataset.rows_rejected) == (6921, 6921, 0)
    assert by_race(dataset) == {
        "white": 6017,
        "black": 830,
        "asian_pacific_islander": 53,
        "other": 3,
        "unknown": 18,
    }
    assert by_race(dataset, "arrests") == {
        "white": 689,
        "black": 112,
        "asian_pacific_islander": 8,
        "unknown": 5,
    }
    assert Stop.objects.filter(dataset=dataset, type="").count() == 42
    assert Rollup.objects.filter(dataset=dataset, type="").aggregate(n=Sum("rows"))["n"] == 42
    assert Stop.objects.filter(dataset=dataset, violations=[]).count() == 6
    assert Rollup.objects.filter(dataset=dataset).aggregate(n=Sum("violations"))["n"] == 13549
    assert dataset.has_time and not dataset.has_incident_id
    assert str(dataset.period_start) == "2015-09-01" or dataset.period_start.year == 2015
    # Officer ids are a keyed pseudonym, never the value given.
    stop = Stop.objects.filter(dataset=dataset).order_by("line").first()
    assert stop.officer_id_hash and stop.officer_id_hash != "0b087b613e"


def test_lansing_complaints_rows_and_complaints(city):
    dataset = imported_dataset(city, file=LANSING)
    assert dataset.status == "imported", dataset.status_message
    assert dataset.rows_imported == 205 and dataset.has_incident_id and not dataset.has_time
    expected_rows = {"black": 76, "white": 81, "hispanic": 23, "unknown": 19, "other": 6}
    expected_complaints = {"black": 45, "white": 52, "hispanic": 11, "unknown": 14, "other": 2}
    assert by_race(dataset) == expected_rows
    assert by_race(dataset, "incidents") == expected_complaints
    assert Rollup.objects.filter(dataset=dataset).aggregate(n=Sum("incidents_all"))["n"] == 122
    assert not Complaint.objects.filter(dataset=dataset, time__isnull=False).exists()


def test_st_louis_use_of_force_rows_incidents_and_the_dog(city):
    dataset = imported_dataset(city, file=ST_LOUIS)
    assert dataset.status == "imported", dataset.status_message
    assert dataset.rows_imported == 2102
    rows = by_race(dataset, "persons")
    incidents = by_race(dataset, "incidents")
    assert (rows["black"], incidents["black"]) == (1344, 550)
    assert (rows["white"], incidents["white"]) == (672, 274)
    assert UseOfForce.objects.filter(dataset=dataset, is_person=False).count() == 7
    assert Rollup.objects.filter(dataset=dataset, is_person=False).aggregate(
        n=Sum("rows"), p=Sum("persons")
    ) == {
        "n": 7,
        "p": 0,
    }
    assert Rollup.objects.filter(dataset=dataset).aggregate(n=Sum("incidents_all"))["n"] == 859
    assert Rollup.objects.filter(dataset=dataset, age_group="11-19").exists()


def test_bremerton_arrests_and_citations(city):
    arrests = imported_dataset(city, file=BREMERTON_ARRESTS)
    citations = imported_dataset(city, file=BREMERTON_CITATIONS)
    assert by_race(arrests) == {
        "white": 131,
        "black": 19,
        "asian_pacific_islander": 7,
        "unknown": 1,
        "native_american": 1,
    }
    assert by_race(citations) == {"white": 163, "black": 30, "unknown": 27, "asian_pacific_islander": 7}
    first = Arrest.objects.filter(dataset=arrests).order_by("line").first()
    assert str(first.date) == "2017-04-01" and str(first.time) == "07:00:00"
    assert arrests.has_time and not citations.has_time
    assert by_race(arrests, "arrests")["white"] == 131
    assert Rollup.objects.filter(dataset=citations).aggregate(t=Sum("fines_total"))["t"] == Decimal("0")
