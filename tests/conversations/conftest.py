"""Fixtures for the conversations tests: a planned conversation with one session."""

from datetime import date, time, timedelta

import pytest

from conversations import services
from conversations.models import ConversationStatus


def make_conversation(city, *, by=None, capacity=10, status=ConversationStatus.SCHEDULED, days_ahead=10, **fields):
    conversation = services.conversation_create(
        city=city,
        created_by=by,
        title=fields.pop("title", "Youth and police"),
        purpose=fields.pop("purpose", "Listen to young people about stops in their neighbourhood."),
        capacity=capacity,
        **fields,
    )
    day = date.today() + timedelta(days=days_ahead)
    services.session_save(
        conversation=conversation, date=day, start_time=time(18, 0), end_time=time(20, 0), venue="Library hall"
    )
    if status != ConversationStatus.DRAFT:
        services.conversation_set_status(conversation=conversation, status=ConversationStatus.SCHEDULED, by=by)
    return conversation


@pytest.fixture
def conversation(city):
    return make_conversation(city)
