"""Sessions end when they should, signed-in pages are never cached, the audit log cannot be
rewritten, a lead can require two-factor sign-in, and retention purges are logged."""

import time

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from cities import retention
from cities.audit import audit_record
from cities.middleware import LAST_SEEN, STARTED
from cities.models import AuditEvent, CitySettings


@pytest.mark.django_db
def test_signed_in_pages_are_not_stored(client_as, city):
    response = client_as(city, "viewer").get(reverse("cities:home", args=[city.slug]))
    assert "no-store" in response["Cache-Control"]


def _age_session(client, **fields):
    session = client.session
    for key, seconds_ago in fields.items():
        session[key] = int(time.time()) - seconds_ago
    session.save()


@pytest.mark.django_db
def test_idle_session_ends(client_as, city, settings):
    client = client_as(city, "staff")
    url = reverse("cities:home", args=[city.slug])
    assert client.get(url).status_code == 200
    _age_session(client, **{LAST_SEEN: settings.SESSION_IDLE_TIMEOUT + 5})
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert client.get(url).status_code == 302


@pytest.mark.django_db
def test_session_ends_at_the_absolute_limit_even_when_active(client_as, city, settings):
    client = client_as(city, "staff")
    url = reverse("cities:home", args=[city.slug])
    client.get(url)
    _age_session(client, **{STARTED: settings.SESSION_ABSOLUTE_TIMEOUT + 5, LAST_SEEN: 1})
    assert client.get(url).status_code == 302


@pytest.mark.django_db
def test_deactivating_a_person_ends_their_sessions(client_as, city):
    client = client_as(city, "lead")
    url = reverse("cities:home", args=[city.slug])
    assert client.get(url).status_code == 200
    client.user.is_active = False
    client.user.save()
    assert client.get(url).status_code == 302


@pytest.mark.django_db
def test_audit_log_is_append_only(city):
    event = audit_record(action="view", object_type="dataset", object_id=1, city=city)
    for statement in (
        "UPDATE cities_auditevent SET summary = 'rewritten' WHERE id = %s",
        "DELETE FROM cities_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [event.id])
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).summary == ""


@pytest.mark.django_db
def test_role_changes_are_audited_and_the_lead_reads_the_log(client_as, city, member_of):
    from cities.models import Membership

    lead_client = client_as(city, "lead")
    target = Membership.objects.get(user=member_of(city, "viewer"), city=city)
    lead_client.post(reverse("cities:member_role", args=[city.slug, target.id]), {"role": "staff"})
    page = lead_client.get(reverse("cities:audit", args=[city.slug])).content.decode()
    assert "role viewer -&gt; staff" in page


@pytest.mark.django_db
def test_audit_log_of_another_city_is_not_shown(client_as, city, other_city):
    audit_record(action="export", object_type="dataset", summary="secret export", city=other_city)
    page = client_as(city, "lead").get(reverse("cities:audit", args=[city.slug])).content.decode()
    assert "secret export" not in page


def _with_totp(user):
    from allauth.mfa.models import Authenticator

    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"})


@pytest.mark.django_db
def test_lead_requires_two_factor_only_after_setting_it_up(client_as, client, city, member_of):
    lead_client = client_as(city, "lead")
    url = reverse("cities:settings", args=[city.slug])
    response = lead_client.post(url, {"require_two_factor": "on"})
    assert response.status_code == 400
    assert "for your own account first" in response.content.decode()
    assert not CitySettings.objects.filter(city=city, require_two_factor=True).exists()

    _with_totp(lead_client.user)
    assert lead_client.post(url, {"require_two_factor": "on"}).status_code == 302
    assert CitySettings.objects.get(city=city).require_two_factor

    staff = member_of(city, "staff")
    client.force_login(staff)
    response = client.get(reverse("cities:home", args=[city.slug]))
    assert response.status_code == 403
    assert "Set up two-factor sign-in" in response.content.decode()
    _with_totp(staff)
    assert client.get(reverse("cities:home", args=[city.slug])).status_code == 200


@pytest.mark.django_db
def test_retention_settings_refuse_too_short_periods(client_as, city):
    client = client_as(city, "lead")
    response = client.post(reverse("cities:settings", args=[city.slug]), {"retain_contacts_days": "3"})
    assert response.status_code == 400
    assert not CitySettings.objects.filter(city=city, retain_contacts_days=3).exists()


@pytest.mark.django_db
def test_retention_purge_calls_purgers_and_logs_itself(city, other_city):
    calls = []

    def purge_contacts(*, city, before):
        calls.append((city.slug, before))
        return 4

    retention.register("contacts", purge_contacts, label="test contacts")
    try:
        CitySettings.objects.create(city=city, retain_contacts_days=90)
        CitySettings.objects.create(city=other_city)
        totals = retention.retention_purge()
    finally:
        retention._purgers["contacts"] = [e for e in retention._purgers["contacts"] if e[0] != "test contacts"]
    assert [c[0] for c in calls] == [city.slug]
    assert totals["test contacts"] == 4
    event = AuditEvent.objects.get(city_id=city.id, action="purge")
    assert "erased 4" in event.summary
