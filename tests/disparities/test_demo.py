"""The demo seed imports the generated stops and the real files, once."""

import pytest
from django.core.management import call_command

from disparities.models import Dataset, Rollup

pytestmark = pytest.mark.django_db


def test_seed_demo_imports_police_data_once(settings, tmp_path, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setattr("disparities.demo.DEMO_STOPS", 3000)
    call_command("seed_demo", password="pw")
    datasets = Dataset.objects.filter(city__slug__in=["riverton-mi", "harbor-point-wa"])
    assert datasets.count() == 6 and set(datasets.values_list("status", flat=True)) == {"imported"}
    riverton = Dataset.objects.get(city__slug="riverton-mi", kind="stop")
    assert riverton.rows_imported == 3000 and riverton.has_time
    assert Rollup.objects.filter(dataset=riverton, searches__gt=0).exists()
    call_command("seed_demo", password="pw")
    assert datasets.count() == 6
