"""Public registration: capacity, waitlist and promotion, the race for the last seat, emails."""

import re
import threading

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from conversations import services
from conversations.models import ConversationStatus, Registration, RegistrationStatus
from tests.builders import make_conversation
from tests.conftest import wait_for


def _register_url(conversation):
    return reverse("conversations:public_register", args=[conversation.city.slug, conversation.public_id])


def _form(name, email, **extra):
    return {"name": name, "email": email, **extra}


@pytest.mark.django_db
def test_public_page_uses_the_public_id_and_hides_drafts(client, city):
    conversation = make_conversation(city, status=ConversationStatus.DRAFT)
    assert client.get(_register_url(conversation)).status_code == 404
    services.conversation_set_status(conversation=conversation, status="scheduled", by=None)
    response = client.get(_register_url(conversation))
    assert response.status_code == 200
    assert str(conversation.public_id) in _register_url(conversation)
    assert f"/{conversation.pk}/" not in _register_url(conversation)
    # Another city's slug with this id: nothing.
    assert client.get(f"/p/not-{city.slug}/conversations/{conversation.public_id}/register/").status_code == 404


@pytest.mark.django_db
def test_capacity_then_waitlist_then_promotion_on_cancel(client, city):
    conversation = make_conversation(city, capacity=2)
    url = _register_url(conversation)
    for i in range(4):
        response = client.post(url, _form(f"Person {i}", f"p{i}@example.org", consent_to_contact="on", language="Spanish", access_needs=["asl"]))
        assert response.status_code == 200
    statuses = list(Registration.objects.filter(conversation=conversation).order_by("id").values_list("status", flat=True))
    assert statuses == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert "on the waitlist" in response.content.decode()
    first = Registration.objects.filter(conversation=conversation).order_by("id").first()
    assert first.consent_wording == services.CONSENT_WORDING and first.consent_at is not None
    # Cancelling through the emailed link gives the seat to the first on the waitlist.
    cancel = reverse("conversations:public_cancel", args=[city.slug, first.cancel_token])
    assert "Cancel my registration" in client.get(cancel).content.decode()
    client.post(cancel)
    statuses = list(Registration.objects.filter(conversation=conversation).order_by("id").values_list("status", "promoted_at"))
    assert [s for s, _ in statuses] == ["cancelled", "confirmed", "confirmed", "waitlisted"]
    assert statuses[2][1] is not None
    # Cancelling twice changes nothing more.
    client.post(cancel)
    assert Registration.objects.filter(conversation=conversation, status="confirmed").count() == 2


@pytest.mark.django_db
def test_same_email_twice_and_bad_input(client, city):
    conversation = make_conversation(city)
    url = _register_url(conversation)
    client.post(url, _form("A", "a@example.org"))
    response = client.post(url, _form("A again", "A@Example.org"))
    assert response.status_code == 409 and "already registered" in response.content.decode()
    response = client.post(url, {"name": "", "email": "not-an-email", "language": "Somali"})
    assert response.status_code == 400 and "Somali" in response.content.decode()
    assert Registration.objects.filter(conversation=conversation).count() == 1


@pytest.mark.django_db
def test_registration_for_a_cancelled_conversation_is_refused_clearly(client, city):
    conversation = make_conversation(city)
    services.conversation_set_status(conversation=conversation, status="cancelled", by=None)
    response = client.get(_register_url(conversation))
    assert "has been cancelled" in response.content.decode()
    response = client.post(_register_url(conversation), _form("Late", "late@example.org"))
    assert response.status_code == 409 and "has been cancelled" in response.content.decode()
    assert not Registration.objects.exists()
    with pytest.raises(services.RegistrationRefused, match="cancelled"):
        services.registration_create(conversation=conversation, name="X", email="x@example.org")


@pytest.mark.django_db
def test_public_page_shows_no_participant_data(client, city):
    conversation = make_conversation(city)
    services.registration_create(conversation=conversation, name="Secret Person", email="secret@example.org", language="Hmong")
    body = client.get(_register_url(conversation)).content.decode()
    assert "Secret Person" not in body and "secret@example.org" not in body and "Hmong" not in body


@pytest.mark.django_db(transaction=True)
def test_two_people_taking_the_last_seat_at_once(city):
    conversation = make_conversation(city, capacity=1)
    barrier = threading.Barrier(4)
    results, errors = [], []

    def register(i):
        try:
            barrier.wait(timeout=10)
            results.append(services.registration_create(conversation=conversation, name=f"R{i}", email=f"r{i}@example.org").status)
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    assert sorted(results) == ["confirmed", "waitlisted", "waitlisted", "waitlisted"]
    assert Registration.objects.filter(conversation=conversation, status="confirmed").count() == 1


@pytest.mark.django_db(transaction=True)
def test_confirmation_has_a_calendar_and_a_cancel_link_and_promotion_is_emailed(celery_worker, client, city, settings):
    mail.outbox.clear()
    conversation = make_conversation(city, capacity=1, title="Trust and the badge")
    url = _register_url(conversation)
    client.post(url, _form("Ana", "ana@example.org"))
    client.post(url, _form("Ben", "ben@example.org"))
    ana = wait_for(lambda: next((m for m in mail.outbox if "ana@example.org" in m.to), None))
    ben = wait_for(lambda: next((m for m in mail.outbox if "ben@example.org" in m.to), None))
    assert ana.subject.startswith("You are registered") and "Trust and the badge" in ana.subject
    name, content, mimetype = ana.attachments[0]
    assert name.endswith(".ics") and mimetype == "text/calendar"
    assert "BEGIN:VEVENT" in content and "SUMMARY:Trust and the badge" in content
    assert ben.subject.startswith("On the waitlist") and not ben.attachments
    link = re.search(r"http://[^/\s]+(/p/\S+/cancel/\S+/)", ana.body).group(1)
    client.post(link)
    promoted = wait_for(lambda: next((m for m in mail.outbox if "ben@example.org" in m.to and m.subject.startswith("A seat")), None))
    assert promoted.attachments and "BEGIN:VCALENDAR" in promoted.attachments[0][1]
    assert Registration.objects.get(email="ben@example.org").status == RegistrationStatus.CONFIRMED


@pytest.mark.django_db
def test_cancelling_a_scheduled_conversation_tells_everyone_registered(city):
    mail.outbox.clear()
    conversation = make_conversation(city, capacity=1, title="Called off")
    services.registration_create(conversation=conversation, name="Ana", email="ana@example.org")
    services.registration_create(conversation=conversation, name="Ben", email="ben@example.org")
    gone = services.registration_create(conversation=conversation, name="Cy", email="cy@example.org")
    services.registration_cancel(registration=gone)
    services.conversation_set_status(conversation=conversation, status="cancelled", by=None)
    assert services.conversation_send_cancellation(conversation=conversation) == 2
    sent = sorted(m.to[0] for m in mail.outbox if m.subject == "Cancelled: Called off")
    assert sent == ["ana@example.org", "ben@example.org"]


@pytest.mark.django_db(transaction=True)
def test_public_page_and_emails_name_the_time_zone_in_words(celery_worker, client, city):
    from datetime import date, time

    from cities.words import time_zone_name

    conversation = make_conversation(city, capacity=5)
    session = conversation.sessions.get()
    services.session_save(
        conversation=conversation, session=session, date=session.date, start_time=time(18, 0),
        end_time=time(20, 0), time_zone="America/Detroit", venue="Library hall",
    )  # fmt: skip
    page = client.get(_register_url(conversation)).content.decode()
    assert "Eastern Time" in page and "America/Detroit" not in page
    mail.outbox.clear()
    client.post(_register_url(conversation), _form("Ana", "ana@example.org"))
    confirmation = wait_for(lambda: next((m for m in mail.outbox if "ana@example.org" in m.to), None))
    assert "Eastern Time" in confirmation.body and "America/Detroit" not in confirmation.body
    winter, summer = date(2031, 1, 15), date(2031, 7, 15)
    for zone, words in [("America/Detroit", "Eastern Time"), ("America/Chicago", "Central Time"),
                        ("America/Denver", "Mountain Time"), ("America/Phoenix", "Mountain Time"),
                        ("America/Los_Angeles", "Pacific Time"), ("America/Anchorage", "Alaska Time"),
                        ("Pacific/Honolulu", "Hawaii-Aleutian Time"), ("Europe/Paris", "Paris time")]:  # fmt: skip
        assert time_zone_name(zone, on=winter) == words and time_zone_name(zone, on=summer) == words
    assert time_zone_name("Mars/Olympus") == "Mars/Olympus"
