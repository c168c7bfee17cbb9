import pytest
from django.core.management import call_command

from cities.models import City, Membership, User


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_prints_logins(capsys, settings):
    settings.DEBUG = True
    call_command("seed_demo", password="pw-for-demo")
    counts = (City.objects.count(), User.objects.count(), Membership.objects.count())
    call_command("seed_demo", password="pw-for-demo")
    assert (City.objects.count(), User.objects.count(), Membership.objects.count()) == counts
    assert counts[0] == 2
    out = capsys.readouterr().out
    assert "lead@riverton.example" in out and "pw-for-demo" in out
    for city in City.objects.all():
        roles = set(Membership.objects.for_city(city).values_list("role", flat=True))
        assert roles == {"lead", "staff", "facilitator", "viewer"}
    assert User.objects.get(email="lead@riverton.example").check_password("pw-for-demo")
    assert User.objects.filter(is_curator=True).exists()
