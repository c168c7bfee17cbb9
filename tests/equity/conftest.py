"""Fixtures for the equity tests: a city with a dashboard figure to attach and a conversation held."""

from datetime import date, time, timedelta

import pytest

from cities import evidence


def with_police_figures(city):
    """An imported stops dataset and a population benchmark: the dashboard's figures, as lent."""
    from tests.builders import county_benchmark, generated_stops, imported_dataset

    county_benchmark(city)
    dataset = imported_dataset(city, file="stops.csv", data=generated_stops(300), kind="stop")
    figures = [
        f for f in evidence.figure_choices(city=city) if f.key.startswith(f"disparities:{dataset.pk}:")
    ]
    assert figures, "the dashboard lends no figure"
    return dataset, figures


def held_conversation(city, *, by=None, title="Youth and police on Main Street"):
    """A conversation held, its report filed: youth were hoped for and fewer came; no faith leaders."""
    from conversations import services

    conversation = services.conversation_create(
        city=city, created_by=by, title=title, purpose="Hear young people about traffic stops.", capacity=40
    )
    session = services.session_save(
        conversation=conversation, date=date.today() - timedelta(days=3), start_time=time(18, 0),
        end_time=time(20, 0), venue="Library hall",
    )  # fmt: skip
    services.conversation_set_status(conversation=conversation, status="scheduled", by=by)
    services.voice_targets_set(conversation=conversation, targets={"youth": 10, "faith": 3})
    services.report_save(
        session=session, author=by, attendance={"youth": 6, "business": 2}, what_was_heard="Stops feel random.",
        submit=True,
    )  # fmt: skip
    return conversation


@pytest.fixture
def lead(city, member_of):
    return member_of(city, "lead")


@pytest.fixture
def assessment(city, lead):
    from equity import services

    return services.assessment_start(city=city, by=lead, title="Traffic stop policy", kind="policy",
                                     department="Police department")  # fmt: skip
