"""Evidence kept as it was: a figure attached keeps its value, interval, period and source when the
dataset behind it is replaced or deleted; whose voices were there is kept as it was shown."""

import pytest

from cities import evidence
from equity import selectors, services
from tests.builders import generated_stops, police_file
from tests.equity.conftest import held_conversation, with_police_figures

pytestmark = pytest.mark.django_db


def _with_interval(figures):
    return next(f for f in figures if f.low is not None and f.high is not None)


def test_a_figure_is_kept_whole_when_its_dataset_is_deleted(city, lead, assessment):
    from disparities.services import datasets

    dataset, figures = with_police_figures(city)
    figure = _with_interval(figures)
    item = services.evidence_attach_figure(assessment=assessment, key=figure.key, by=lead)
    datasets.dataset_delete(dataset=dataset, by=lead)

    item.refresh_from_db()
    assert item.figure == figure  # value, interval, source, period: all of it
    (row,) = selectors.evidence_beside_live(assessment=assessment)
    assert row.frozen.value == figure.value and row.live is None and row.gone


def test_a_figure_is_kept_when_its_dataset_is_replaced(
    city, lead, assessment, django_capture_on_commit_callbacks
):
    from disparities.services import datasets, imports

    dataset, figures = with_police_figures(city)
    figure = _with_interval(figures)
    services.evidence_attach_figure(assessment=assessment, key=figure.key, by=lead)
    new = datasets.dataset_upload(city=city, kind="stop", file=police_file("v2.csv", generated_stops(400, seed=9)),
                                  name="v2", replaces=dataset, allow_duplicate=True)  # fmt: skip
    datasets.dataset_confirm(dataset=new, enqueue=False)
    with django_capture_on_commit_callbacks(execute=True):
        imports.dataset_import(dataset_id=new.pk)

    (row,) = selectors.evidence_beside_live(assessment=assessment)
    assert row.frozen == figure and row.frozen.low == figure.low and row.frozen.period == figure.period
    assert evidence.figure(city=city, key=figure.key) is None and row.gone


def test_live_figure_beside_the_kept_one(city, lead, assessment):
    _, figures = with_police_figures(city)
    services.evidence_attach_figure(assessment=assessment, key=figures[0].key, by=lead)
    (row,) = selectors.evidence_beside_live(assessment=assessment)
    assert row.live == row.frozen and not row.changed


def test_a_figure_of_another_city_cannot_be_attached(city, other_city, lead, assessment):
    _, figures = with_police_figures(other_city)
    with pytest.raises(Exception, match="no longer available"):
        services.evidence_attach_figure(assessment=assessment, key=figures[0].key, by=lead)
    assert not assessment.evidence.exists()


def test_whose_voices_are_kept_as_shown(city, lead, assessment):
    conversation = held_conversation(city, by=lead)
    item = services.engagement_attach(assessment=assessment, key=f"conversations:{conversation.pk}", by=lead)
    voices = {v["group"]: v for v in item.held.voices}
    assert voices["youth"]["present"] == 6 and voices["youth"]["missing"] == 4
    assert voices["faith"]["present"] == 0 and voices["faith"]["missing"] == 3
    assert voices["business"]["present"] == 2
    assert item.held.summary == "Stops feel random."
    conversation.delete()
    item.refresh_from_db()
    assert item.held.title == "Youth and police on Main Street"
