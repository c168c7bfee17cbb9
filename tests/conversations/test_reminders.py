"""Reminders through the real Celery task: registrants the day before, facilitators 3 and 7 days
after a session without a report; never the same reminder twice."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from conversations import services, tasks
from conversations.models import Registration, ReminderSent, Session
from tests.builders import make_conversation

pytestmark = pytest.mark.django_db(transaction=True)


def _run(task):
    return task.delay().get(timeout=30)


def test_registrants_are_reminded_the_day_before_once(celery_worker, city, settings):
    assert "conversations-remind-day-before" in settings.CELERY_BEAT_SCHEDULE
    mail.outbox.clear()
    conversation = make_conversation(city, capacity=2, days_ahead=30, title="Tomorrow's circle")
    session = conversation.sessions.get()
    tomorrow = datetime.now(ZoneInfo(session.time_zone)).date() + timedelta(days=1)
    services.session_save(conversation=conversation, session=session, date=tomorrow, start_time=time(23, 0),
                          end_time=time(23, 59), venue="Hall")
    for name in ("ana", "ben", "cy"):
        services.registration_create(conversation=conversation, name=name, email=f"{name}@example.org")
    services.registration_create(conversation=conversation, name="dee", email="dee@example.org")
    services.registration_cancel(registration=Registration.objects.get(conversation=conversation, name="ana"))
    mail.outbox.clear()
    # A session next week gets nothing yet.
    later = make_conversation(city, days_ahead=7, title="Next week")
    services.registration_create(conversation=later, name="eve", email="eve@example.org")
    mail.outbox.clear()

    assert _run(tasks.reminders_day_before) == 2  # ben and cy (promoted); not ana (cancelled), dee waits
    reminders = [m for m in mail.outbox if m.subject.startswith("Tomorrow")]
    assert sorted(m.to[0] for m in reminders) == ["ben@example.org", "cy@example.org"]
    assert "/cancel/" in reminders[0].body
    assert _run(tasks.reminders_day_before) == 0
    assert len([m for m in mail.outbox if m.subject.startswith("Tomorrow")]) == 2


def test_facilitators_are_reminded_3_and_7_days_after_without_a_report(celery_worker, city, member_of, settings):
    assert "conversations-remind-report-overdue" in settings.CELERY_BEAT_SCHEDULE
    mail.outbox.clear()
    facilitator = member_of(city, "facilitator")
    conversation = make_conversation(city, facilitators=[facilitator], title="Unreported circle")
    reported = make_conversation(city, facilitators=[facilitator], title="Reported circle")
    now = timezone.now()
    for c in (conversation, reported):
        Session.objects.filter(conversation=c).update(starts_at=now - timedelta(days=4, hours=2), ends_at=now - timedelta(days=4))
    services.report_save(session=reported.sessions.get(), author=facilitator, attendance={"youth": 3}, submit=True)

    assert _run(tasks.reminders_report_overdue) == 1
    message = next(m for m in mail.outbox if m.subject.startswith("Report needed"))
    assert message.to == [facilitator.email] and "Unreported circle" in message.subject and "/report/" in message.body
    assert _run(tasks.reminders_report_overdue) == 0  # not twice
    Session.objects.filter(conversation=conversation).update(starts_at=now - timedelta(days=8, hours=2), ends_at=now - timedelta(days=8))
    assert _run(tasks.reminders_report_overdue) == 1
    assert _run(tasks.reminders_report_overdue) == 0
    kinds = sorted(ReminderSent.objects.values_list("kind", flat=True))
    assert kinds == ["report_3", "report_7"]
    assert len([m for m in mail.outbox if m.subject.startswith("Report needed")]) == 2
