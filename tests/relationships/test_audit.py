"""The audit log records who saw, exported, changed or imported stakeholders' personal data."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cities.models import AuditEvent
from relationships import services
from relationships.models import StakeholderImport


def _events(city, **filters):
    return list(AuditEvent.objects.filter(city_id=city.pk, **filters).order_by("id"))


def _consented(make_stakeholder, city, **fields):
    return make_stakeholder(city, email="ada@example.org", phone="555-0100", consent_given_at=timezone.now(),
                            consent_wording="Yes", **fields)


@pytest.mark.django_db
def test_seeing_contact_details_is_logged_with_who_and_from_where(client_as, city, city_page, make_stakeholder):
    s = _consented(make_stakeholder, city)
    client = client_as(city, "facilitator")
    assert client.get(city_page("stakeholder_detail", s.pk), REMOTE_ADDR="203.0.113.9").status_code == 200
    [event] = _events(city, action="view")
    assert (event.object_type, event.object_id, event.actor_id) == ("stakeholder", str(s.pk), client.user.pk)
    assert event.ip_address == "203.0.113.9" and "contact details shown" in event.summary
    assert "ada@example.org" not in event.summary


@pytest.mark.django_db
@pytest.mark.parametrize("case", ["viewer", "no consent", "withdrawn"])
def test_no_view_is_logged_when_no_contact_detail_is_shown(client_as, city, city_page, make_stakeholder, case):
    s = _consented(make_stakeholder, city)
    if case == "no consent":
        s = make_stakeholder(city, email="bo@example.org")
    if case == "withdrawn":
        services.stakeholder_consent_withdraw(stakeholder=s, by=None)
    client = client_as(city, "viewer" if case == "viewer" else "staff")
    assert client.get(city_page("stakeholder_detail", s.pk)).status_code == 200
    assert _events(city, action="view") == []


@pytest.mark.django_db
def test_changes_to_a_stakeholder_and_their_consent_are_logged(client_as, city, city_page, make_stakeholder):
    client = client_as(city, "staff")
    response = client.post(city_page("stakeholder_new"), {"kind": "person", "name": "Ada", "group": "faith",
                                                          "email": "ada@example.org", "preferred_language": "English"})
    assert response.status_code == 302
    s = city.stakeholders.get(name="Ada")
    client.post(city_page("stakeholder_edit", s.pk), {"kind": "person", "name": "Ada", "group": "faith",
                                                      "email": "ada@example.net", "phone": "555-0100",
                                                      "preferred_language": "English"})
    client.post(city_page("stakeholder_consent", s.pk), {"wording": "Yes", "how_to_withdraw": "Ask",
                                                         "given_on": timezone.localdate().isoformat()})
    client.post(city_page("stakeholder_withdraw", s.pk))
    client.post(city_page("stakeholder_withdraw", s.pk))  # already withdrawn: nothing new happens
    events = [e for e in _events(city, object_type="stakeholder") if e.action != "view"]
    assert [(e.action, e.summary) for e in events] == [
        ("create", "Ada: added to the directory"),
        ("change", "Ada: changed email, phone"),
        ("change", f"Ada: consent recorded (given {timezone.localdate():%Y-%m-%d})"),
        ("change", "Ada: consent withdrawn"),
    ]
    assert {e.actor_id for e in events} == {client.user.pk}
    assert not any("ada@example" in e.summary for e in events)


@pytest.mark.django_db
def test_an_unchanged_save_logs_nothing(city, make_stakeholder):
    s = make_stakeholder(city, name="Ada")
    before = len(_events(city))
    services.stakeholder_update(stakeholder=s, by=None, name="Ada")
    assert len(_events(city)) == before


@pytest.mark.django_db
def test_import_and_the_download_of_skipped_lines_are_logged(client_as, city, city_page):
    client = client_as(city, "lead")
    upload = SimpleUploadedFile("people.csv", b"name,email\nAda,ada@example.org\nAda,ada@example.org\n")
    client.post(city_page("stakeholder_import"), {"file": upload})
    batch = StakeholderImport.objects.get()
    client.post(city_page("import_preview", batch.pk), {"confirm": "1"})
    assert client.get(city_page("import_report", batch.pk)).status_code == 200
    events = _events(city, object_type="contacts import")
    assert [(e.action, e.summary) for e in events] == [
        ("create", "uploaded people.csv for checking: 2 line(s)"),
        ("create", "imported 1 contact(s) from people.csv"),
        ("export", "downloaded the lines not added from people.csv"),
    ]
    assert all(e.object_id == str(batch.pk) and e.actor_id == client.user.pk for e in events)


@pytest.mark.django_db
def test_the_lead_reads_these_events_in_the_citys_audit_log(client_as, city, make_stakeholder, other_city):
    from django.urls import reverse

    make_stakeholder(city, name="Zora")
    make_stakeholder(other_city, name="Elsewhere")
    page = client_as(city, "lead").get(reverse("cities:audit", args=[city.slug])).content.decode()
    assert "Zora: added to the directory" in page and "Elsewhere" not in page
