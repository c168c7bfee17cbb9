"""Retention: the city's "keep contact details for N days" erases the email and phone of people the
city has no reason left to contact, and the lines kept from old contact files; the purge is logged."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cities import retention
from cities.models import AuditEvent, CitySettings
from relationships import services
from relationships.models import ImportStatus, Stakeholder, StakeholderImport
from tests.builders import meeting_held

DAYS = 90
LABEL = "relationships: stakeholders' email and phone"


def _old(stakeholder, days):
    Stakeholder.objects.filter(pk=stakeholder.pk).update(created_at=timezone.now() - timedelta(days=days))


@pytest.fixture
def contact(make_stakeholder, city):
    def make(name, *, age=DAYS + 10, **fields):
        s = make_stakeholder(city, name=name, email=f"{name.lower()}@example.org", phone="555-0100", **fields)
        _old(s, age)
        return s

    return make


def _contacts(s):
    s.refresh_from_db()
    return (s.email, s.phone)


@pytest.mark.django_db
def test_registered_for_contacts():
    assert LABEL in retention.registered()["contacts"]


@pytest.mark.django_db
def test_purge_erases_only_contacts_the_city_has_no_reason_to_keep(
    city, other_city, contact, make_stakeholder, member_of, today
):
    CitySettings.objects.create(city=city, retain_contacts_days=DAYS)
    owner = member_of(city, "staff")
    now = timezone.now()
    forgotten = contact("Forgotten")
    withdrawn_long_ago = contact("Withdrawn", age=5, consent_withdrawn_at=now - timedelta(days=DAYS + 1))
    withdrawn_lately = contact("Lately", age=10, consent_withdrawn_at=now - timedelta(days=3))
    recent = contact("Recent", age=10)
    kept = contact("Kept")
    services.relationship_create(city=city, owner=owner, stakeholder=kept, started_on=today - timedelta(days=400))
    ended = contact("Ended")
    r = services.relationship_create(city=city, owner=owner, stakeholder=ended, started_on=today - timedelta(days=400))
    services.relationship_update(relationship=r, by=None, ended_on=today - timedelta(days=DAYS + 5))
    met = contact("Met")
    meeting_held(city, days_ago=20, kind="one_off", attendee_stakeholders=[met])
    met_long_ago = contact("Metlongago")
    meeting_held(city, days_ago=200, kind="one_off", attendee_stakeholders=[met_long_ago])
    consented_lately = contact("Consented", consent_given_at=now - timedelta(days=2), consent_wording="Yes")
    elsewhere = make_stakeholder(other_city, name="Elsewhere", email="elsewhere@example.org")
    _old(elsewhere, 1000)

    totals = retention.retention_purge()

    assert totals[LABEL] == 4
    for s in (forgotten, withdrawn_long_ago, ended, met_long_ago):
        assert _contacts(s) == ("", ""), s.name
        s.refresh_from_db()
        assert s.name  # the record itself stays
    for s in (withdrawn_lately, recent, kept, met, consented_lately):
        assert _contacts(s) != ("", ""), s.name
    assert _contacts(elsewhere) == ("elsewhere@example.org", "")  # no limit set for that city
    event = AuditEvent.objects.get(city_id=city.pk, action="purge", summary__startswith=LABEL)
    assert "erased 4 record(s) older than 90 days" in event.summary
    assert retention.retention_purge()[LABEL] == 0  # nothing left to erase


@pytest.mark.django_db
def test_old_contact_files_lose_their_lines_and_a_pending_one_is_cancelled(city, member_of):
    lead = member_of(city, "lead")
    CitySettings.objects.create(city=city, retain_contacts_days=DAYS)
    raw = b"name,email\nAda,ada@example.org\n"
    old_done = services.stakeholder_import_preview(city=city, filename="old.csv", raw=raw, by=lead)
    services.stakeholder_import_confirm(batch=old_done, by=lead)
    old_pending = services.stakeholder_import_preview(city=city, filename="pending.csv", raw=raw, by=lead)
    fresh = services.stakeholder_import_preview(city=city, filename="new.csv", raw=raw, by=lead)
    StakeholderImport.objects.filter(pk__in=[old_done.pk, old_pending.pk]).update(
        created_at=timezone.now() - timedelta(days=DAYS + 1))

    assert retention.retention_purge()["relationships: uploaded contact files"] == 2

    for batch, status in ((old_done, ImportStatus.DONE), (old_pending, ImportStatus.CANCELLED)):
        batch.refresh_from_db()
        assert (batch.rows, batch.header, batch.status) == ([], [], status)
        assert batch.filename
    fresh.refresh_from_db()
    assert fresh.rows and fresh.status == ImportStatus.PREVIEW
    old_done.refresh_from_db()
    assert old_done.created_count == 1


@pytest.mark.django_db
def test_no_limit_erases_nothing(city, contact):
    CitySettings.objects.create(city=city, retain_contacts_days=None)
    s = contact("Forever", age=5000)
    retention.retention_purge()
    assert _contacts(s) == ("forever@example.org", "555-0100")


@pytest.mark.django_db
def test_an_erased_contact_page_still_works(client_as, city, city_page, contact):
    CitySettings.objects.create(city=city, retain_contacts_days=DAYS)
    s = contact("Gone", consent_given_at=timezone.now() - timedelta(days=400), consent_wording="Yes")
    retention.retention_purge()
    page = client_as(city, "staff").get(city_page("stakeholder_detail", s.pk)).content.decode()
    assert "Gone" in page and "gone@example.org" not in page and "None recorded" in page
