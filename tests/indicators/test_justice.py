"""The justice theme: rates per 1,000 residents by race from the city's own police data, lent by
disparities through cities.evidence, equal to the figures of the dataset's dashboard report."""

import pytest
from django.urls import reverse

from cities import evidence
from tests.builders import county_benchmark, imported_dataset

pytestmark = pytest.mark.django_db


def test_justice_figures_equal_the_dashboards(client, city, member_of):
    dataset = imported_dataset(city)  # Owensboro, Kentucky: real stops
    county_benchmark(city, fips="21059")  # Daviess County, Kentucky
    figures = evidence.figure_choices(city=city, topic="justice")
    assert figures, "no justice figure lent"
    client.force_login(member_of(city, "viewer"))
    report = client.get(reverse("disparities:report_json", args=[city.slug, dataset.pk])).json()
    table = next(t for t in report["tables"] if t["key"] == "population")
    dashboard_rates = {
        row["key"]: row["cells"]["rate"]["value"] for row in table["rows"] if row["cells"]["rate"]
    }
    lent = {f.group: f.value for f in figures}
    assert set(lent) <= set(dashboard_rates)
    for race, value in lent.items():
        assert value == pytest.approx(dashboard_rates[race]), race
    assert all(f.unit.endswith("per 1,000 residents") and f.counts for f in figures)
    page = client.get(reverse("indicators:index", args=[city.slug])).content.decode()
    black = next(f for f in figures if f.group == "black")
    assert f"{black.value:.1f}" in page
    assert evidence.figure(city=city, key=black.key) == black


def test_no_benchmark_no_justice_figures(city):
    imported_dataset(city)
    assert evidence.figure_choices(city=city, topic="justice") == []
    assert evidence.figure_choices(city=city, topic="somethingelse") == []
