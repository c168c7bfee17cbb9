"""Outcome indicators (the indicators app) reach an assessment's step 2 through `cities.evidence`,
beside the dashboard's figures, and are kept whole when the Census table behind them is deleted."""

import pytest

from cities import evidence
from equity import selectors, services
from tests.indicators.routes import scene

pytestmark = pytest.mark.django_db


def _outcome_figures(city):
    return [f for f in evidence.figure_choices(city=city) if f.key.startswith("indicators:")]


def test_outcome_indicators_are_offered_as_the_indicator_page_shows_them(city):
    from indicators.catalogue import CATALOGUE
    from indicators.selectors import census_indicator, chosen_geography

    scene(city)
    figures = _outcome_figures(city)
    assert figures, "the Census tables loaded give figures to attach"
    geo = chosen_geography(city=city)
    shown = {}
    for indicator in CATALOGUE:
        result = census_indicator(city=city, indicator=indicator, geo=geo)
        for row in result.shown_rows if result else []:
            shown[f"indicators:{indicator.key}:{geo.geo_id}:{row.group}"] = (result, row)
    assert {f.key for f in figures} == set(shown)
    for figure in figures:
        result, row = shown[figure.key]
        scale = 100 if result.unit == "percent" else 1
        assert figure.value == pytest.approx(row.figure.value * scale)
        assert (figure.low, figure.high) == (
            pytest.approx(row.figure.low * scale),
            pytest.approx(row.figure.high * scale),
        )
        assert figure.reliable == row.figure.reliable and figure.interval.startswith("90%")
        assert figure.source == result.source and figure.period == result.period
        assert evidence.figure(city=city, key=figure.key) == figure
    # A topic asked by the outcomes pages (the justice theme) never lists the outcomes themselves.
    assert not [
        f for f in evidence.figure_choices(city=city, topic="justice") if f.key.startswith("indicators:")
    ]


def test_an_outcome_figure_is_kept_whole_when_its_census_table_is_deleted(city, lead, assessment):
    from indicators import services as indicator_services
    from indicators.models import CensusFile

    scene(city)
    figure = next(f for f in _outcome_figures(city) if f.low is not None)
    item = services.evidence_attach_figure(assessment=assessment, key=figure.key, by=lead)
    assert item.figure == figure
    for census_file in CensusFile.objects.for_city(city):
        indicator_services.census_file_delete(city=city, file_id=census_file.pk, by=lead)
    (row,) = selectors.evidence_beside_live(assessment=assessment)
    assert row.frozen == figure and row.live is None and row.gone


def test_another_citys_outcome_figure_cannot_be_attached(city, other_city, lead, assessment):
    scene(other_city)
    theirs = _outcome_figures(other_city)[0]
    assert evidence.figure(city=city, key=theirs.key) is None
    with pytest.raises(Exception, match="no longer available"):
        services.evidence_attach_figure(assessment=assessment, key=theirs.key, by=lead)
