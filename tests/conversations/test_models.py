"""The conversation's rules: status moves, checklist from the template, sessions in their time zone."""

from datetime import date, time, timedelta

import pytest
from django.core.exceptions import ValidationError

from conversations import ical, planning, services
from conversations.models import ChecklistItem, ConversationStatus, Phase, Session
from tests.builders import make_conversation


def test_allowed_moves_follow_the_process():
    assert planning.can_move("draft", "scheduled")
    assert planning.can_move("scheduled", "held")
    assert planning.can_move("held", "reported")
    assert planning.can_move("reported", "followed_up")
    assert not planning.can_move("draft", "reported")
    assert not planning.can_move("followed_up", "draft")
    assert not planning.can_move("held", "cancelled")
    assert [s for s, _ in planning.allowed_moves("draft")] == ["scheduled", "cancelled"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "target"),
    [("draft", "held"), ("draft", "reported"), ("scheduled", "followed_up"), ("cancelled", "scheduled"), ("draft", "nonsense")],
)
def test_forbidden_status_moves_are_refused(city, start, target):
    conversation = make_conversation(city, status=ConversationStatus.DRAFT)
    if start != "draft":
        if start == "cancelled":
            services.conversation_set_status(conversation=conversation, status="cancelled", by=None)
        else:
            services.conversation_set_status(conversation=conversation, status=start, by=None)
    with pytest.raises(ValidationError, match="cannot become"):
        services.conversation_set_status(conversation=conversation, status=target, by=None)
    conversation.refresh_from_db()
    assert conversation.status == start


@pytest.mark.django_db
def test_scheduling_needs_a_session(city):
    conversation = services.conversation_create(city=city, created_by=None, title="T", purpose="P", capacity=5)
    with pytest.raises(ValidationError, match="at least one session"):
        services.conversation_set_status(conversation=conversation, status="scheduled", by=None)


@pytest.mark.django_db
def test_checklist_comes_from_the_template_and_is_dated_by_the_first_session(city):
    conversation = make_conversation(city, status=ConversationStatus.DRAFT, days_ahead=60)
    items = list(ChecklistItem.objects.for_city(city).filter(conversation=conversation))
    assert len(items) == len(planning.CHECKLIST_TEMPLATE)
    assert {i.phase for i in items} == set(Phase.values)
    first = Session.objects.get(conversation=conversation).date
    hold = next(i for i in items if i.title.startswith("Hold the dialogue"))
    assert hold.due_date == first
    # Editing an item by hand keeps its date when sessions move.
    item = items[0]
    services.checklist_item_save(conversation=conversation, item=item, phase=item.phase, title="Coalition", owner=None, due_date=date(2030, 1, 1))
    services.session_save(conversation=conversation, session=Session.objects.get(conversation=conversation),
                          date=first + timedelta(days=7), start_time=time(18), end_time=time(20), venue="Hall")
    item.refresh_from_db()
    hold.refresh_from_db()
    assert item.due_date == date(2030, 1, 1)
    assert hold.due_date == first + timedelta(days=7)


@pytest.mark.django_db
def test_session_times_are_in_its_own_time_zone_and_bad_ones_refused(city):
    conversation = make_conversation(city, status=ConversationStatus.DRAFT)
    session = services.session_save(conversation=conversation, date=date(2030, 7, 1), start_time=time(18), end_time=time(19),
                                    time_zone="America/Los_Angeles", online_url="https://meet.example.org/x")
    from datetime import UTC

    session.refresh_from_db()
    assert session.starts_at.astimezone(UTC).isoformat() == "2030-07-02T01:00:00+00:00"
    assert (session.starts_at.timestamp() - session.ends_at.timestamp()) == -3600
    with pytest.raises(ValidationError):
        services.session_save(conversation=conversation, date=date(2030, 7, 1), start_time=time(19), end_time=time(18), venue="x")
    with pytest.raises(ValidationError):
        services.session_save(conversation=conversation, date=date(2030, 7, 1), start_time=time(18), end_time=time(19))
    with pytest.raises(ValidationError):
        services.session_save(conversation=conversation, date=date(2030, 7, 1), start_time=time(18), end_time=time(19),
                              venue="x", time_zone="Mars/Olympus")


@pytest.mark.django_db
def test_facilitators_must_have_the_role_in_this_city(city, other_city, member_of):
    staff = member_of(city, "staff")
    foreign = member_of(other_city, "facilitator")
    for person in (staff, foreign):
        with pytest.raises(ValidationError, match="facilitator role"):
            services.conversation_create(city=city, created_by=None, title="T", purpose="P", capacity=5, facilitators=[person])


def test_ical_escapes_folds_and_uses_utc():
    from datetime import UTC, datetime

    start = datetime(2030, 5, 3, 22, 0, tzinfo=UTC)
    text = ical.calendar(
        [ical.Event(uid="s-1@x", start=start, end=start + timedelta(hours=2), summary="Race; justice, and policing",
                    description="Line one\nLine two " + "x" * 120, location="Hall, 1 Main St")],
        name="Test", now=start,
    )
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert "DTSTART:20300503T220000Z" in text
    assert "SUMMARY:Race\\; justice\\, and policing" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    assert "\r\n " in text  # folded
