"""Personal data of participants: who looked at it or changed it is in the audit log, and the
city's retention period erases contact details while the counts, attendance and reports stay."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cities import retention
from cities.models import AuditEvent, CitySettings
from conversations import selectors, services
from conversations.models import CheckIn, Registration, ReminderKind, ReminderSent
from tests.builders import make_conversation

pytestmark = pytest.mark.django_db


def _events(city, **filters):
    return list(AuditEvent.objects.filter(city_id=city.id, **filters).order_by("id"))


def test_viewing_participant_lists_is_audited(client_as, city, member_of):
    facilitator = member_of(city, "facilitator")
    conversation = make_conversation(city, facilitators=[facilitator])
    services.registration_create(conversation=conversation, name="Ana Diaz", email="ana@example.org")
    session = conversation.sessions.first()
    client = client_as(city, "staff")
    assert (
        client.get(reverse("conversations:registrations", args=[city.slug, conversation.pk])).status_code
        == 200
    )
    [event] = _events(city, action="view")
    assert event.actor_id == client.user.id and event.object_type == "conversation registrations"
    assert event.object_id == str(conversation.pk) and "Youth and police" in event.summary
    assert "Ana" not in event.summary  # the log names no participant: it cannot be purged
    client.force_login(facilitator)
    check_in = reverse("conversations:check_in", args=[city.slug, conversation.pk, session.pk])
    assert client.get(check_in).status_code == 200
    assert _events(city, action="view")[-1].object_type == "conversation check-in list"
    assert _events(city, action="view")[-1].actor_id == facilitator.id
    # The htmx search of the same list shows the same people: it is logged too (without the search text).
    client.get(check_in + "?q=an", HTTP_HX_REQUEST="true")
    assert len(_events(city, action="view")) == 3
    assert "a name search" in _events(city, action="view")[-1].summary
    assert "an" not in _events(city, action="view")[-1].summary.split()


def test_refused_requests_leave_no_audit_event(client_as, city, other_city):
    conversation = make_conversation(other_city)
    client = client_as(city, "lead")
    assert (
        client.get(
            reverse("conversations:registrations", args=[other_city.slug, conversation.pk])
        ).status_code
        == 404
    )
    assert not AuditEvent.objects.filter(object_type__startswith="conversation").exists()


def test_cancelling_a_registration_is_audited_by_staff_and_by_the_registrant(client_as, client, city):
    conversation = make_conversation(city, capacity=1)
    ana = services.registration_create(conversation=conversation, name="Ana", email="ana@example.org")
    ben = services.registration_create(conversation=conversation, name="Ben", email="ben@example.org")
    staff = client_as(city, "staff")
    url = reverse("conversations:registration_cancel", args=[city.slug, conversation.pk, ana.pk])
    assert staff.post(url).status_code == 302
    [event] = _events(city, action="change")
    assert event.object_id == str(ana.pk) and event.actor_id == staff.user.id
    assert "1 moved up from the waitlist" in event.summary
    staff.logout()
    ben.refresh_from_db()
    assert (
        client.post(reverse("conversations:public_cancel", args=[city.slug, ben.cancel_token])).status_code
        == 200
    )
    last = _events(city, action="change")[-1]
    assert last.object_id == str(ben.pk) and last.actor_id is None and "emailed link" in last.summary


def test_reviewing_and_removing_quotes_is_audited(client_as, city):
    conversation = make_conversation(city, days_ahead=-1)
    session = conversation.sessions.first()
    report = services.report_save(session=session, author=None, attendance={"youth": 3})
    kept = services.quote_add(report=report, text="We want to be heard.", consent=True)
    no_consent = services.quote_add(report=report, text="Off the record.", consent=False)
    client = client_as(city, "lead")

    def review(quote, **data):
        return client.post(
            reverse("conversations:quote_review", args=[city.slug, conversation.pk, quote.pk]), data
        )

    review(kept)
    review(no_consent)  # refused: nothing was reviewed, nothing logged
    review(no_consent, action="delete")
    events = _events(city, object_type="conversation quote")
    assert [(e.action, e.object_id) for e in events] == [
        ("change", str(kept.pk)),
        ("delete", str(no_consent.pk)),
    ]
    assert "We want" not in events[0].summary


def _ended(city, *, days_ago, title):
    conversation = make_conversation(city, days_ahead=-days_ago, title=title)
    session = conversation.sessions.first()
    registered = services.registration_create(
        conversation=conversation,
        name=f"{title} person",
        email=f"{days_ago}-{city.slug}@example.org",
        phone="555-0100",
        group="youth",
        access_needs=["asl"],
        access_notes="Needs a ramp",
        consent_to_contact=True,
    )
    assert registered.status == "confirmed"
    services.check_in(session=session, registration=registered, by=None)
    walk_in = services.walk_in_create(session=session, name=f"{title} walk-in", group="faith", by=None)
    ReminderSent.objects.create(
        city=city, kind=ReminderKind.DAY_BEFORE, session=session, recipient=registered.email
    )
    services.report_save(
        session=session, author=None, attendance={"youth": 5}, what_was_heard="Heard.", submit=True
    )
    return conversation, registered, walk_in


def test_retention_erases_contact_details_of_old_conversations_only(city, other_city):
    old, old_person, old_walk_in = _ended(city, days_ago=100, title="Old")
    recent, recent_person, _ = _ended(city, days_ago=10, title="Recent")
    elsewhere, elsewhere_person, _ = _ended(other_city, days_ago=100, title="Elsewhere")
    # A series whose last circle is recent is kept whole, even though its first one is old.
    series = make_conversation(city, days_ahead=-100, title="Series")
    services.session_save(
        conversation=series,
        date=timezone.localdate() - timedelta(days=5),
        start_time=old.sessions.first().start_time,
        end_time=old.sessions.first().end_time,
        venue="Hall",
    )
    series_person = services.registration_create(
        conversation=series, name="Series person", email="series@example.org"
    )
    rollup_before = selectors.registration_rollup(conversation=old)
    CitySettings.objects.create(city=city, retain_contacts_days=60)
    CitySettings.objects.create(city=other_city)  # keeps everything

    totals = retention.retention_purge()

    assert totals["conversations: participants' contact details"] == 2
    for person in (old_person, old_walk_in):
        person.refresh_from_db()
        assert person.name == services.ERASED_NAME and person.email == "" and person.phone == ""
        assert person.access_notes == ""
    # What counts is kept: status, group, access needs, attendance, the report.
    assert (
        old_person.status == "confirmed"
        and old_person.group == "youth"
        and old_person.access_needs == ["asl"]
    )
    assert old_person.consent_at is not None  # the record that consent was given stays
    assert CheckIn.objects.filter(session__conversation=old).count() == 2
    assert old.sessions.first().report.attendance == {"youth": 5}
    assert selectors.registration_rollup(conversation=old) == rollup_before
    assert not ReminderSent.objects.filter(session__conversation=old).exists()
    for person in (recent_person, elsewhere_person, series_person):
        person.refresh_from_db()
        assert person.email and person.name != services.ERASED_NAME
    assert ReminderSent.objects.filter(session__conversation__in=[recent, elsewhere]).count() == 2
    event = AuditEvent.objects.get(city_id=city.id, action="purge", summary__startswith="conversations:")
    assert "erased 2 record(s) older than 60 days" in event.summary
    # A second run erases nothing new.
    assert retention.retention_purge()["conversations: participants' contact details"] == 0


def test_public_pages_with_a_registrants_details_are_never_stored(client, city):
    conversation = make_conversation(city)
    url = reverse("conversations:public_register", args=[city.slug, conversation.public_id])
    response = client.post(url, {"name": "Ana Diaz", "email": "ana@example.org"})
    assert response.status_code == 200 and "Ana Diaz" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    token = Registration.objects.get(conversation=conversation).cancel_token
    response = client.get(reverse("conversations:public_cancel", args=[city.slug, token]))
    assert "Ana Diaz" in response.content.decode() and "no-store" in response["Cache-Control"]


def test_the_registrations_entry_counts_the_people_on_the_page(client_as, city):
    conversation = make_conversation(city, capacity=200)
    session = conversation.sessions.first()
    for i in range(55):
        services.registration_create(conversation=conversation, name=f"Person {i}", email=f"p{i}@example.org")
    services.walk_in_create(session=session, name="Door", by=None)  # no email
    client = client_as(city, "lead")
    url = reverse("conversations:registrations", args=[city.slug, conversation.pk])
    client.get(url)
    client.get(url, {"page": "2"})
    first, second = _events(city, action="view")
    assert (first.object_type, first.object_id, first.actor_id, first.city_id) == (
        "conversation registrations",
        str(conversation.pk),
        client.user.id,
        city.id,
    )
    assert first.summary == (
        "Viewed the registrations of 'Youth and police': 50 people shown, "
        "50 with contact details (page 1 of 2)"
    )
    assert second.summary == (
        "Viewed the registrations of 'Youth and police': 6 people shown, 5 with contact details (page 2 of 2)"
    )


def test_the_check_in_entry_counts_the_people_listed(client_as, city, member_of):
    facilitator = member_of(city, "facilitator")
    conversation = make_conversation(city, facilitators=[facilitator])
    session = conversation.sessions.first()
    for name in ("Ana Diaz", "Ben Okafor", "Anh Tran"):
        services.registration_create(conversation=conversation, name=name, email=f"{name[:3]}@example.org")
    client = client_as(city, "facilitator")
    client.force_login(facilitator)
    url = reverse("conversations:check_in", args=[city.slug, conversation.pk, session.pk])
    client.get(url)
    client.get(url, {"q": "An"}, headers={"HX-Request": "true"})
    # Checking someone in re-renders the list already seen: no new entry for that.
    ana = Registration.objects.get(name="Ana Diaz")
    toggle = reverse("conversations:check_in_toggle", args=[city.slug, conversation.pk, session.pk, ana.pk])
    client.post(toggle, {"present": "1"}, headers={"HX-Request": "true"})
    page, search = _events(city, action="view")
    assert (page.object_type, page.object_id, page.actor_id) == (
        "conversation check-in list",
        str(session.pk),
        facilitator.id,
    )
    assert (
        page.summary
        == f"Viewed the check-in list of 'Youth and police', {session.date:%Y-%m-%d}: 3 people shown"
    )
    assert search.summary.endswith(": 2 people shown (a name search)")


def test_the_invitations_entry_counts_invited_people_and_shown_contacts(client_as, city):
    from relationships import services as relationships_services

    conversation = make_conversation(city)
    consented = relationships_services.stakeholder_create(
        city=city,
        name="Rev. Ada",
        group="faith",
        email="ada@example.org",
        consent_given_at=timezone.now(),
        consent_wording="Yes",
    )
    hidden = relationships_services.stakeholder_create(city=city, name="Bo", group="youth", phone="555-0100")
    for stakeholder in (consented, hidden):
        services.invitation_create(conversation=conversation, stakeholder=stakeholder, by=None)
    client = client_as(city, "staff")
    url = reverse("conversations:voices", args=[city.slug, conversation.pk])
    assert client.get(url).status_code == 200
    [event] = _events(city, action="view")
    assert (event.object_type, event.object_id, event.actor_id) == (
        "conversation invitations",
        str(conversation.pk),
        client.user.id,
    )
    assert (
        event.summary
        == "Viewed the invitations of 'Youth and police': 2 people shown, 1 with contact details"
    )
    # A conversation nobody is invited to yet shows nobody: nothing to log.
    other = make_conversation(city, title="Quiet")
    client.get(reverse("conversations:voices", args=[city.slug, other.pk]))
    assert len(_events(city, action="view")) == 1


def test_no_list_entry_for_a_member_without_the_role_or_another_city(client_as, city, other_city):
    conversation = make_conversation(city)
    services.registration_create(conversation=conversation, name="Ana", email="ana@example.org")
    session = conversation.sessions.first()
    pages = [
        reverse("conversations:registrations", args=[city.slug, conversation.pk]),
        reverse("conversations:voices", args=[city.slug, conversation.pk]),
        reverse("conversations:check_in", args=[city.slug, conversation.pk, session.pk]),
    ]
    for who in (client_as(other_city, "lead"), client_as(city, "viewer"), client_as(city, "facilitator")):
        for url in pages:
            assert who.get(url).status_code == 404, url  # the facilitator is not assigned to it
            assert who.get(url, headers={"HX-Request": "true"}).status_code == 404, url
    assert not AuditEvent.objects.filter(action="view").exists()
