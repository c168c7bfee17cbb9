"""Changing a training or a session after it was offered: editing and withdrawing a training, moving
and cancelling a session, and the emails the Celery worker sends registrants (moved, cancelled,
moved up from the waitlist). Roles, another city's ids and empty forms as everywhere."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cities.models import AuditEvent, Membership
from tests import builders
from tests.conftest import wait_for
from trainings import services
from trainings.models import Completion, Registration, Session, Training

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")


def _membership(city, user):
    return Membership.objects.for_city(city).get(user=user)


def _edit_url(city, training):
    return reverse("trainings:edit", args=[city.slug, training.pk])


def _change_url(city, session):
    return reverse("trainings:session_change", args=[city.slug, session.pk])


def _session_url(city, session):
    return reverse("trainings:session", args=[city.slug, session.pk])


def _form_time(moment):
    return moment.astimezone(NEW_YORK).strftime("%Y-%m-%dT%H:%M")


def _said_in_email(moment) -> tuple[str, str]:
    """The date and the start time as a registrant reads them, written here with strftime."""
    local = moment.astimezone(NEW_YORK)
    return local.strftime("%A %-d %B %Y"), local.strftime("%-I:%M %p")


def test_staff_change_a_training_and_the_change_is_audited(client_as, city):
    training = builders.city_training(city, audience=("staff",))
    resource = builders.practice(title="Budget equity worksheet")
    client = client_as(city, "staff")
    form = client.get(_edit_url(city, training))
    assert form.status_code == 200 and 'value="Equity tools for budget staff"' in form.text
    response = client.post(
        _edit_url(city, training),
        {"title": "Equity tools for budget and finance staff", "curriculum": [resource.pk],
         "audience_roles": ["staff", "lead"], "format": "course", "length_minutes": "240"},
    )  # fmt: skip
    assert response.status_code == 302
    training.refresh_from_db()
    assert (training.title, training.format, training.length_minutes) == (
        "Equity tools for budget and finance staff", "course", 240,
    )  # fmt: skip
    assert training.audience_roles == ["lead", "staff"] and list(training.curriculum.all()) == [resource]
    assert AuditEvent.objects.filter(
        object_type="training", object_id=str(training.pk), summary__startswith="Changed"
    ).exists()


def test_an_empty_or_bad_change_says_what_is_wrong_and_changes_nothing(client_as, city):
    training = builders.city_training(city)
    client = client_as(city, "lead")
    response = client.post(_edit_url(city, training), {})
    assert response.status_code == 400 and response.text.count("This field is required") >= 3
    response = client.post(
        _edit_url(city, training), {"title": "   ", "format": "workshop", "length_minutes": "5"}
    )
    assert response.status_code == 400 and "greater than or equal to 15" in response.text
    session = builders.training_session(training, hours_ahead=48)
    before = (session.starts_at, session.ends_at, session.online_link)
    response = client.post(_change_url(city, session), {"action": "move"})
    assert response.status_code == 400 and "This field is required" in response.text
    starts = timezone.now() + timedelta(days=2)
    response = client.post(
        _change_url(city, session),
        {"action": "move", "starts_at": _form_time(starts), "ends_at": _form_time(starts - timedelta(hours=1)),
         "mode": "in_person", "location": ""},
    )  # fmt: skip
    assert response.status_code == 400
    assert "must end after it starts" in response.text and "Say where" in response.text
    past = timezone.now() - timedelta(days=2)
    response = client.post(
        _change_url(city, session),
        {"action": "move", "starts_at": _form_time(past), "ends_at": _form_time(past + timedelta(hours=1)),
         "mode": "online", "online_link": "https://meet.example.org/x"},
    )  # fmt: skip
    assert response.status_code == 400 and "has not passed" in response.text
    session.refresh_from_db()
    training.refresh_from_db()
    assert (session.starts_at, session.ends_at, session.online_link) == before
    assert training.title == "Equity tools for budget staff" and session.cancelled_at is None


@pytest.mark.parametrize("role", ["facilitator", "viewer"])
def test_only_lead_and_staff_change_or_cancel(client_as, city, role):
    training = builders.city_training(city, audience=())
    session = builders.training_session(training, hours_ahead=48)
    client = client_as(city, role)
    for url in (_edit_url(city, training), _change_url(city, session)):
        assert client.get(url).status_code == 404
    assert client.post(_edit_url(city, training), {"action": "withdraw"}).status_code == 404
    assert client.post(_change_url(city, session), {"action": "cancel"}).status_code == 404
    assert Training.objects.get().withdrawn_at is None and Session.objects.get().cancelled_at is None


def test_another_citys_and_the_leagues_ids_are_not_found(client_as, city, other_city):
    theirs = builders.city_training(other_city, audience=())
    their_session = builders.training_session(theirs, hours_ahead=48)
    league = builders.league_training(audience=())
    league_session = builders.training_session(league, hours_ahead=48)
    client = client_as(city, "lead")
    for url in (
        _edit_url(city, theirs), _change_url(city, their_session),
        _edit_url(city, league), _change_url(city, league_session),
        reverse("trainings:network_edit", args=[league.pk]),
        reverse("trainings:network_session_change", args=[league_session.pk]),
    ):  # fmt: skip
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"action": "withdraw"}).status_code == 404, url
        assert client.post(url, {"action": "cancel"}).status_code == 404, url
    assert not Training.objects.exclude(withdrawn_at=None).exists()
    assert not Session.objects.exclude(cancelled_at=None).exists()


def test_a_withdrawn_training_refuses_registration_and_sessions_and_keeps_completions(
    client, city, member_of
):
    training = builders.city_training(city, audience=())
    holder, _, completion = builders.trained(city, training)
    ahead = builders.training_session(training, hours_ahead=72)
    lead = member_of(city, "lead")
    client.force_login(lead)
    response = client.post(_edit_url(city, training), {"action": "withdraw"}, follow=True)
    assert response.status_code == 200 and "Withdrawn" in response.text
    assert "Schedule the session" not in response.text
    training.refresh_from_db()
    assert training.withdrawn_at is not None
    assert AuditEvent.objects.filter(object_id=str(training.pk), summary__startswith="Withdrew").exists()
    # No new registration: a clear message, nothing written.
    learner = member_of(city, "viewer")
    client.force_login(learner)
    assert "Registration is closed" in client.get(_session_url(city, ahead)).text
    response = client.post(_session_url(city, ahead), {"action": "register"}, follow=True)
    assert "withdrawn" in response.text and not Registration.objects.filter(user=learner).exists()
    # No new session, even through the service.
    with pytest.raises(ValidationError, match="withdrawn"):
        builders.training_session(training, hours_ahead=96)
    # The completion and its certificate stay.
    client.force_login(holder)
    assert Completion.objects.filter(pk=completion.pk).exists()
    assert client.get(reverse("trainings:certificate", args=[city.slug, completion.pk])).status_code == 200
    # Listed as withdrawn; the session already scheduled stays for those registered.
    page = client.get(reverse("trainings:index", args=[city.slug])).text
    scheduled = Session.objects.filter(
        training=training, starts_at__gte=timezone.now(), cancelled_at=None
    ).count()
    assert '<span class="usa-tag">Withdrawn</span>' in page and f"{scheduled} upcoming sessions<" in page
    assert scheduled == 2


def test_a_cancelled_session_refuses_registration_and_check_in_and_is_not_upcoming(client, city, member_of):
    training = builders.city_training(city, audience=())
    soon = builders.training_session(training, hours_ahead=2)
    builders.training_session(training, hours_ahead=48)
    learner = member_of(city, "facilitator")
    registration = services.registration_create(session=soon, membership=_membership(city, learner))
    staff = Membership.objects.for_city(city).filter(role="staff").first().user
    client.force_login(staff)
    response = client.post(_change_url(city, soon), {"action": "cancel"}, follow=True)
    assert response.status_code == 200 and "cancelled" in response.text
    response = client.post(
        _session_url(city, soon), {"action": "checkin", "present": [registration.pk]}, follow=True
    )
    assert "cancelled; nobody is checked in" in response.text
    registration.refresh_from_db()
    assert registration.checked_in_at is None and not Completion.objects.exists()
    # Cancelling twice or moving a cancelled session: refused with a message.
    response = client.post(_change_url(city, soon), {"action": "cancel"}, follow=True)
    assert "already cancelled" in response.text
    client.force_login(member_of(city, "viewer"))
    response = client.post(_session_url(city, soon), {"action": "register"}, follow=True)
    assert "cancelled; registration is closed" in response.text
    assert Registration.objects.filter(session=soon).count() == 1
    upcoming = Session.objects.filter(training=training, starts_at__gte=timezone.now(), cancelled_at=None)
    page = client.get(reverse("trainings:index", args=[city.slug])).text
    assert upcoming.count() == 1 and "1 upcoming session<" in page


def test_curators_change_withdraw_move_and_cancel_league_trainings(client, city, member_of):
    league = builders.league_training(audience=())
    session = builders.training_session(league, hours_ahead=48)
    client.force_login(builders.shared_curator())
    response = client.post(
        reverse("trainings:network_edit", args=[league.pk]),
        {"title": "Facilitating Race Conversations II", "format": "webinar", "length_minutes": "60"},
    )
    assert response.status_code == 302
    starts = (timezone.now() + timedelta(days=10)).replace(second=0, microsecond=0)
    response = client.post(
        reverse("trainings:network_session_change", args=[session.pk]),
        {"action": "move", "starts_at": _form_time(starts), "ends_at": _form_time(starts + timedelta(hours=3)),
         "mode": "in_person", "location": "League office, 2nd floor"},
    )  # fmt: skip
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.starts_at, session.ends_at, session.location, session.capacity) == (
        starts, starts + timedelta(hours=3), "League office, 2nd floor", 20,
    )  # fmt: skip
    client.post(reverse("trainings:network_session_change", args=[session.pk]), {"action": "cancel"})
    client.post(reverse("trainings:network_edit", args=[league.pk]), {"action": "withdraw"})
    league.refresh_from_db()
    session.refresh_from_db()
    assert league.title == "Facilitating Race Conversations II" and league.format == "webinar"
    assert league.withdrawn_at is not None and session.cancelled_at is not None
    client.force_login(member_of(city, "facilitator"))
    response = client.post(_session_url(city, session), {"action": "register"}, follow=True)
    assert response.status_code == 200 and not Registration.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_registrants_are_emailed_when_a_session_moves_or_is_cancelled(celery_worker, client, city, member_of):
    mail.outbox.clear()
    training = builders.city_training(city, title="Equity in procurement", audience=())
    session = builders.training_session(training, hours_ahead=48, capacity=1)
    seated, waiting, gone = (member_of(city, "facilitator") for _ in range(3))
    for user in (seated, waiting, gone):
        services.registration_create(session=session, membership=_membership(city, user))
    gone_registration = Registration.objects.get(user=gone)
    gone_registration.status = "cancelled"
    gone_registration.save(update_fields=["status"])
    staff = Membership.objects.for_city(city).filter(role="staff").first().user
    client.force_login(staff)
    starts = (timezone.now() + timedelta(days=9)).replace(second=0, microsecond=0)
    response = client.post(
        _change_url(city, session),
        {"action": "move", "starts_at": _form_time(starts), "ends_at": _form_time(starts + timedelta(hours=2)),
         "mode": "in_person", "location": "Riverside Library, room B"},
    )  # fmt: skip
    assert response.status_code == 302
    link = "/c/" + city.slug + "/trainings/" + str(training.pk) + "/"
    day, at = _said_in_email(starts)
    ends_at = _said_in_email(starts + timedelta(hours=2))[1]
    moved = wait_for(lambda: len([m for m in mail.outbox if m.subject.startswith("Session moved")]) == 2 and
                     [m for m in mail.outbox if m.subject.startswith("Session moved")])  # fmt: skip
    assert sorted(m.to[0] for m in moved) == sorted([seated.email, waiting.email])
    for message in moved:
        assert message.subject == "Session moved: Equity in procurement"
        assert day in message.body and f"{at}-{ends_at}" in message.body
        assert "Riverside Library, room B" in message.body and link in message.body
    client.post(_change_url(city, session), {"action": "cancel"})
    cancelled = wait_for(lambda: len([m for m in mail.outbox if m.subject.startswith("Session cancelled")]) == 2
                         and [m for m in mail.outbox if m.subject.startswith("Session cancelled")])  # fmt: skip
    assert sorted(m.to[0] for m in cancelled) == sorted([seated.email, waiting.email])
    for message in cancelled:
        assert day in message.body and at in message.body and "Riverside Library, room B" in message.body
        assert link in message.body
    assert not [m for m in mail.outbox if gone.email in m.to]


@pytest.mark.django_db(transaction=True)
def test_a_person_moved_up_from_the_waitlist_is_emailed(celery_worker, client, city, member_of):
    mail.outbox.clear()
    league = builders.league_training(title="Racial equity tools", audience=())
    session = builders.training_session(league, hours_ahead=30, capacity=1)
    first, second = member_of(city, "facilitator"), member_of(city, "staff")
    for user in (first, second):
        client.force_login(user)
        client.post(_session_url(city, session), {"action": "register"})
    client.force_login(first)
    client.post(_session_url(city, session), {"action": "cancel"})
    promoted = wait_for(
        lambda: next((m for m in mail.outbox if m.subject.startswith("A seat is yours")), None)
    )
    assert promoted.to == [second.email] and promoted.subject == "A seat is yours: Racial equity tools"
    day, at = _said_in_email(session.starts_at)
    assert day in promoted.body and at in promoted.body
    assert "https://meet.example.org/real" in promoted.body
    assert f"/c/{city.slug}/trainings/{league.pk}/" in promoted.body
    assert Registration.objects.get(user=second).status == "registered"
    assert len([m for m in mail.outbox if m.subject.startswith("A seat is yours")]) == 1
