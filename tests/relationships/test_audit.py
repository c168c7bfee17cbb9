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
    return make_stakeholder(
        city,
        email="ada@example.org",
        phone="555-0100",
        consent_given_at=timezone.now(),
        consent_wording="Yes",
        **fields,
    )


@pytest.mark.django_db
def test_seeing_contact_details_is_logged_with_who_and_from_where(
    client_as, city, city_page, make_stakeholder
):
    s = _consented(make_stakeholder, city)
    client = client_as(city, "facilitator")
    assert client.get(city_page("stakeholder_detail", s.pk), REMOTE_ADDR="203.0.113.9").status_code == 200
    [event] = _events(city, action="view")
    assert (event.object_type, event.object_id, event.actor_id) == ("stakeholder", str(s.pk), client.user.pk)
    assert event.ip_address == "203.0.113.9" and "contact details shown" in event.summary
    assert "ada@example.org" not in event.summary


@pytest.mark.django_db
@pytest.mark.parametrize("case", ["viewer", "no consent", "withdrawn"])
def test_no_view_is_logged_when_no_contact_detail_is_shown(
    client_as, city, city_page, make_stakeholder, case
):
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
    response = client.post(
        city_page("stakeholder_new"),
        {
            "kind": "person",
            "name": "Ada",
            "group": "faith",
            "email": "ada@example.org",
            "preferred_language": "English",
        },
    )
    assert response.status_code == 302
    s = city.stakeholders.get(name="Ada")
    client.post(
        city_page("stakeholder_edit", s.pk),
        {
            "kind": "person",
            "name": "Ada",
            "group": "faith",
            "email": "ada@example.net",
            "phone": "555-0100",
            "preferred_language": "English",
        },
    )
    client.post(
        city_page("stakeholder_consent", s.pk),
        {"wording": "Yes", "how_to_withdraw": "Ask", "given_on": timezone.localdate().isoformat()},
    )
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
    assert {e.ip_address for e in events} == {"127.0.0.1"}  # the address the requests came from
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
    assert {e.ip_address for e in events} == {"127.0.0.1"}


@pytest.mark.django_db
def test_the_lead_reads_these_events_in_the_citys_audit_log(client_as, city, make_stakeholder, other_city):
    from django.urls import reverse

    make_stakeholder(city, name="Zora")
    make_stakeholder(other_city, name="Elsewhere")
    page = client_as(city, "lead").get(reverse("cities:audit", args=[city.slug])).content.decode()
    assert "Zora: added to the directory" in page and "Elsewhere" not in page


# --- Lists that show many people's contact details at once: one entry per look, not one per person --


def _directory_of(city, make_stakeholder, n_consented=3, n_hidden=2):
    for i in range(n_consented):
        _consented(make_stakeholder, city, name=f"Shown {i}", group="youth", district="North")
    for i in range(n_hidden):
        make_stakeholder(city, name=f"Hidden {i}", group="faith", email=f"h{i}@example.org")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["lead", "staff", "facilitator"])
def test_each_look_at_the_directory_is_one_entry_with_the_number_shown(
    client_as, city, city_page, make_stakeholder, role
):
    _directory_of(city, make_stakeholder)
    client = client_as(city, role)
    assert client.get(city_page("directory"), REMOTE_ADDR="203.0.113.9").status_code == 200
    [event] = _events(city, action="view")
    assert (event.object_type, event.object_id, event.actor_id) == (
        "stakeholder directory",
        "",
        client.user.pk,
    )
    assert event.city_id == city.pk and event.ip_address == "203.0.113.9"
    assert event.summary == (
        "Viewed the stakeholder directory: 5 stakeholders shown, 3 with contact details (page 1 of 1)"
    )


@pytest.mark.django_db
def test_the_directory_entry_says_which_filter_and_page_but_not_the_search_text(
    client_as, city, city_page, make_stakeholder, settings
):
    _directory_of(city, make_stakeholder, n_consented=30, n_hidden=0)
    client = client_as(city, "staff")
    client.get(
        city_page("directory"), {"group": "youth", "district": "North", "consent": "given", "page": "2"}
    )
    client.get(city_page("directory"), {"q": "Shown 1"}, headers={"HX-Request": "true"})  # htmx refresh
    first, second = _events(city, action="view")
    assert first.summary == (
        "Viewed the stakeholder directory: 5 stakeholders shown, 5 with contact details "
        "(page 2 of 2; group: Youth; district: North; consent: Consent stands)"
    )
    assert second.summary == (
        "Viewed the stakeholder directory: 11 stakeholders shown, 11 with contact details "
        "(page 1 of 1; a text search)"
    )
    assert "Shown 1" not in second.summary


@pytest.mark.django_db
def test_no_directory_entry_for_a_viewer_an_empty_list_or_another_city(
    client_as, city, other_city, city_page, make_stakeholder
):
    _directory_of(city, make_stakeholder)
    # A viewer is shown no contact details: the look is not logged (as for one stakeholder's page).
    assert client_as(city, "viewer").get(city_page("directory")).status_code == 200
    client = client_as(city, "staff")
    assert client.get(city_page("directory"), {"q": "nobody by that name"}).status_code == 200
    # A member of another city gets 404, and nothing is written anywhere.
    outsider = client_as(other_city, "lead")
    assert outsider.get(city_page("directory")).status_code == 404
    assert outsider.get(city_page("readiness")).status_code == 404
    assert AuditEvent.objects.filter(action="view").count() == 0


@pytest.mark.django_db
def test_each_look_at_the_readiness_roster_is_one_entry(client_as, city, city_page, make_relationship):
    for i in range(3):
        make_relationship(
            city,
            district="Eastside",
            group="youth",
            started_days_ago=10,
            met_days_ago=3,
            name=f"Caller {i}",
            email=f"c{i}@example.org",
            consent_given_at=timezone.now(),
            consent_wording="Yes",
        )
    make_relationship(
        city,
        district="Westside",
        group="faith",
        started_days_ago=10,
        met_days_ago=3,
        name="No consent",
        phone="555-0101",
    )
    client = client_as(city, "facilitator")
    assert client.get(city_page("readiness")).status_code == 200
    [event] = _events(city, action="view")
    assert (event.object_type, event.object_id, event.actor_id) == (
        "crisis readiness roster",
        "",
        client.user.pk,
    )
    # Each stakeholder counts once, though the roster lists them by district and again by group.
    assert event.summary == (
        "Viewed whom to call in a crisis (readiness): 4 stakeholders shown, "
        "3 with contact details (by district and by group)"
    )
    assert client_as(city, "viewer").get(city_page("readiness")).status_code == 200
    assert len(_events(city, action="view")) == 1


@pytest.mark.django_db
def test_looking_at_an_imported_files_lines_is_logged(client_as, city, city_page):
    client = client_as(city, "staff")
    upload = SimpleUploadedFile("people.csv", b"name,email\nAda,ada@example.org\nAda,ada@example.org\nBo,\n")
    client.post(city_page("stakeholder_import"), {"file": upload})
    batch = StakeholderImport.objects.get()
    assert client.get(city_page("import_preview", batch.pk)).status_code == 200
    [event] = _events(city, action="view")
    assert (event.object_type, event.object_id, event.actor_id) == (
        "contacts import",
        str(batch.pk),
        client.user.pk,
    )
    assert event.summary == (
        "Viewed the lines of people.csv: 3 lines shown, 1 with contact details "
        "(new: 2, possible duplicates: 1, cannot be imported: 0)"
    )
    assert "ada@example.org" not in event.summary and "Ada" not in event.summary


@pytest.mark.django_db
def test_a_list_entry_cannot_be_changed_or_removed(client_as, city, city_page, make_stakeholder):
    from django.db import DatabaseError, connection, transaction

    _directory_of(city, make_stakeholder)
    client_as(city, "lead").get(city_page("directory"))
    [event] = _events(city, action="view")
    for statement in (
        "UPDATE cities_auditevent SET summary = 'nothing to see' WHERE id = %s",
        "DELETE FROM cities_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [event.id])
    assert AuditEvent.objects.get(pk=event.pk).summary.startswith("Viewed the stakeholder directory")


@pytest.mark.django_db
def test_the_lead_reads_list_entries_in_the_audit_log(client_as, city, city_page, make_stakeholder):
    from django.urls import reverse

    _directory_of(city, make_stakeholder)
    staff = client_as(city, "staff")
    staff.get(city_page("directory"), {"group": "youth"})
    staff.force_login(client_as(city, "lead").user)
    page = staff.get(reverse("cities:audit", args=[city.slug]), {"action": "view"}).content.decode()
    assert "stakeholder directory" in page
    assert "Viewed the stakeholder directory: 3 stakeholders shown, 3 with contact details" in page
    assert "stakeholder directory #" not in page  # a list has no record number of its own
