"""The public forms (registration, cancel link, feedback) refuse a flood of POSTs, per client address
and per conversation or registration, counted in the real Redis cache: 429, the form again with what
was typed and when to try again, nothing saved. GETs and signed-in city pages are never limited."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from conversations import services
from conversations.models import Feedback, Registration, RegistrationStatus
from tests.builders import make_conversation

pytestmark = pytest.mark.django_db

HOME = "203.0.113.5"
ELSEWHERE = "198.51.100.7"


def _register_url(conversation):
    return reverse("conversations:public_register", args=[conversation.city.slug, conversation.public_id])


def _person(i, **extra):
    return {"name": f"Person {i}", "email": f"p{i}@example.org", **extra}


def _limit(settings, action, rates):
    settings.PUBLIC_RATE_LIMITS = {**settings.PUBLIC_RATE_LIMITS, action: rates}


ANSWERS = {
    "felt_heard": "4",
    "trust_police_before": "2",
    "trust_police_after": "3",
    "trust_city_before": "2",
    "trust_city_after": "5",
    "group": "youth",
}


def _end_windows(action):
    """What the end of the current window does: Redis drops its counters (they expire by themselves)."""
    client = cache._cache.get_client(write=True)
    # This process's own counters only: a parallel run's other processes count in the same Redis.
    keys = list(client.scan_iter(match=cache.make_key(f"rl:{action}:*")))
    assert keys, "the limit was counted in Redis"
    client.delete(*keys)


def test_the_post_over_the_limit_is_refused_with_what_was_typed(client, city, settings):
    assert settings.PUBLIC_RATE_LIMITS["conversations.register"].startswith("10/10m/ip")
    conversation = make_conversation(city, capacity=50)
    url = _register_url(conversation)
    for i in range(10):
        assert client.post(url, _person(i), REMOTE_ADDR=HOME).status_code == 200
    typed = _person(
        "late",
        name="Amaru Quispe-Late",
        phone="555-0199",
        language="Quechua",
        access_needs=["asl"],
        access_notes="Front row please",
    )
    response = client.post(url, typed, REMOTE_ADDR=HOME)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Please try again in" in page and "minutes" in page and "Nothing was saved" in page
    assert "What you typed is still in the form" in page
    for value in ("Amaru Quispe-Late", "plate@example.org", "555-0199", "Quechua", "Front row please"):
        assert f'value="{value}"' in page, value
    assert re.search(r'<input type="checkbox" name="access_needs" value="asl"[^>]*checked', page)
    assert 0 < int(response["Retry-After"]) <= 600
    assert "no-store" in response["Cache-Control"]
    assert Registration.objects.filter(conversation=conversation).count() == 10
    assert not Registration.objects.filter(name="Amaru Quispe-Late").exists()
    # Someone else, from another address, still registers.
    assert client.post(url, _person("other"), REMOTE_ADDR=ELSEWHERE).status_code == 200
    assert Registration.objects.filter(conversation=conversation).count() == 11
    # GETs are never limited: the page still opens from the refused address.
    assert client.get(url, REMOTE_ADDR=HOME).status_code == 200


def test_the_limit_lifts_when_its_window_ends(client, city):
    conversation = make_conversation(city, capacity=50)
    url = _register_url(conversation)
    for i in range(11):
        client.post(url, _person(i), REMOTE_ADDR=HOME)
    assert client.post(url, _person("x"), REMOTE_ADDR=HOME).status_code == 429
    _end_windows("conversations.register")
    assert client.post(url, _person("x"), REMOTE_ADDR=HOME).status_code == 200
    assert Registration.objects.filter(conversation=conversation, email="px@example.org").exists()


def test_a_conversation_has_its_own_cap_whatever_the_address(client, city, settings):
    _limit(settings, "conversations.register", "10/10m/ip,3/1h/key")
    conversation = make_conversation(city, capacity=50)
    other = make_conversation(city, title="Another one")
    url = _register_url(conversation)
    for i in range(3):
        assert client.post(url, _person(i), REMOTE_ADDR=f"203.0.113.{i + 10}").status_code == 200
    response = client.post(url, _person(9), REMOTE_ADDR=ELSEWHERE)
    assert response.status_code == 429
    assert "too many times in a short while" in response.content.decode()
    assert 'value="Person 9"' in response.content.decode()
    assert Registration.objects.filter(conversation=conversation).count() == 3
    # The same address may still register for another conversation.
    assert client.post(_register_url(other), _person(9), REMOTE_ADDR=ELSEWHERE).status_code == 200


def test_guessing_cancel_links_uses_up_the_address_allowance(client, city):
    conversation = make_conversation(city)
    person = services.registration_create(conversation=conversation, name="Ana", email="ana@example.org")
    for i in range(10):
        guess = reverse("conversations:public_cancel", args=[city.slug, f"guess-{i}"])
        assert client.post(guess, REMOTE_ADDR=HOME).status_code == 404
    url = reverse("conversations:public_cancel", args=[city.slug, person.cancel_token])
    response = client.post(url, REMOTE_ADDR=HOME)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Please try again in" in page and "Cancel my registration" in page
    person.refresh_from_db()
    assert person.status == RegistrationStatus.CONFIRMED
    # The registrant, from their own connection, cancels as usual.
    assert client.post(url, REMOTE_ADDR=ELSEWHERE).status_code == 200
    person.refresh_from_db()
    assert person.status == RegistrationStatus.CANCELLED


def test_one_cancel_link_has_its_own_cap(client, city, settings):
    _limit(settings, "conversations.cancel", "10/10m/ip,2/1h/key")
    conversation = make_conversation(city)
    person = services.registration_create(conversation=conversation, name="Ana", email="ana@example.org")
    url = reverse("conversations:public_cancel", args=[city.slug, person.cancel_token])
    assert client.get(url, REMOTE_ADDR=HOME).status_code == 200
    assert client.post(url, REMOTE_ADDR=HOME).status_code == 200
    assert client.post(url, REMOTE_ADDR=ELSEWHERE).status_code == 200  # already cancelled: nothing more
    assert client.post(url, REMOTE_ADDR="192.0.2.44").status_code == 429


def test_feedback_over_the_limit_keeps_the_answers_and_saves_nothing(client, city, settings):
    _limit(settings, "conversations.feedback", "2/10m/ip,300/1h/key")
    conversation = make_conversation(city, days_ahead=-1)
    services.conversation_set_status(conversation=conversation, status="held", by=None)
    url = reverse("conversations:public_feedback", args=[city.slug, conversation.feedback_token])
    for _ in range(2):
        assert client.post(url, ANSWERS, REMOTE_ADDR=HOME).status_code == 200
    response = client.post(url, ANSWERS, REMOTE_ADDR=HOME)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Please try again in" in page and "Your answers are still in the form" in page
    assert re.search(r'name="trust_city_after" value="5"[^>]*checked', page)
    assert re.search(r'<option value="youth" selected>', page)
    assert Feedback.objects.filter(conversation=conversation).count() == 2
    assert client.post(url, ANSWERS, REMOTE_ADDR=ELSEWHERE).status_code == 200


def test_the_default_feedback_limit_lets_a_room_on_one_wifi_answer(client, city):
    conversation = make_conversation(city, days_ahead=-1)
    services.conversation_set_status(conversation=conversation, status="held", by=None)
    url = reverse("conversations:public_feedback", args=[city.slug, conversation.feedback_token])
    assert all(client.post(url, ANSWERS, REMOTE_ADDR=HOME).status_code == 200 for _ in range(25))


def test_signed_in_city_pages_are_not_limited(client_as, city):
    conversation = make_conversation(city, capacity=50)
    url = _register_url(conversation)
    staff = client_as(city, "staff")
    # The public form refuses this address...
    for i in range(10):
        staff.post(url, _person(i), REMOTE_ADDR=HOME)
    assert staff.post(url, _person("x"), REMOTE_ADDR=HOME).status_code == 429
    # ...while the city's own pages, from the same address, take every POST.
    checklist = reverse("conversations:checklist", args=[city.slug, conversation.pk])
    for i in range(15):
        response = staff.post(checklist, {"title": f"Task {i}", "phase": "organise"}, REMOTE_ADDR=HOME)
        assert response.status_code == 302, response.content.decode()[:500]
    registrations = reverse("conversations:registrations", args=[city.slug, conversation.pk])
    person = Registration.objects.filter(conversation=conversation).first()
    cancel = reverse("conversations:registration_cancel", args=[city.slug, conversation.pk, person.pk])
    assert staff.post(cancel, REMOTE_ADDR=HOME).status_code == 302
    assert staff.get(registrations, REMOTE_ADDR=HOME).status_code == 200
