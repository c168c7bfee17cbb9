"""The police data tables: deleting a dataset removes its records at the database level."""

import pytest
from django.db import connection

from disparities.models import Dataset, ImportProblem, Kind, Rollup, Stop


@pytest.mark.django_db
def test_deleting_a_dataset_cascades_in_the_database(city):
    dataset = Dataset.objects.create(city=city, kind=Kind.STOP, name="Stops", sha256="0" * 64, file="x.csv")
    Stop.objects.create(dataset=dataset, line=2, subject_race="black")
    Rollup.objects.create(dataset=dataset, race="black", sex="male", rows=1)
    ImportProblem.objects.create(dataset=dataset, kind="row", line=3, reason="Wrong number of fields")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM disparities_dataset WHERE id = %s", [dataset.id])
    assert not Stop.objects.filter(dataset_id=dataset.id).exists()
    assert not Rollup.objects.filter(dataset_id=dataset.id).exists()
    assert not ImportProblem.objects.filter(dataset_id=dataset.id).exists()


@pytest.mark.django_db
def test_records_are_reached_through_the_city(city, other_city):
    mine = Dataset.objects.create(city=city, kind=Kind.STOP, name="Mine", sha256="1" * 64, file="a.csv")
    theirs = Dataset.objects.create(city=other_city, kind=Kind.STOP, name="Theirs", sha256="2" * 64, file="b.csv")
    Stop.objects.create(dataset=mine, line=2)
    Stop.objects.create(dataset=theirs, line=2)
    assert list(Stop.objects.for_city(city).values_list("dataset_id", flat=True)) == [mine.id]
