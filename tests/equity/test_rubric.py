"""The budget rubric, without a database: parsing, totals and bands."""

import pytest

from equity import rubric


def test_parse_rubric_reads_one_criterion_a_line():
    assert rubric.parse_rubric("Reaches renters | 3\n\nMeasured by race|2\n") == [
        {"label": "Reaches renters", "max": 3},
        {"label": "Measured by race", "max": 2},
    ]
    assert rubric.parse_rubric(rubric.rubric_text(rubric.DEFAULT_RUBRIC)) == rubric.DEFAULT_RUBRIC


@pytest.mark.parametrize(
    "text, words",
    [("No bar at all", "Line 1"), ("A | three", "whole number"), ("A | 11", "1 to 10"), ("", "at least one")],
)
def test_parse_rubric_says_what_is_wrong(text, words):
    with pytest.raises(ValueError, match=words):
        rubric.parse_rubric(text)


def test_total_needs_every_criterion_scored_within_its_range():
    criteria = [{"label": "A", "max": 3}, {"label": "B", "max": 2}]
    assert rubric.total([3, 2], criteria) == 5
    assert rubric.total([3, None], criteria) is None
    with pytest.raises(ValueError, match="from 0 to 2"):
        rubric.total([3, 4], criteria)


@pytest.mark.parametrize(
    "score, band",
    [(12, "high"), (9, "high"), (8, "medium"), (5, "medium"), (4, "low"), (0, "low"), (None, "not_scored")],
)
def test_bands_by_share_of_the_maximum(score, band):
    assert rubric.band(score, 12) == band
