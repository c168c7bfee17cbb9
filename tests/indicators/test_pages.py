"""The outcomes pages: figures by milestone with charts and their tables, each indicator, local
indicators typed in or from a CSV, the justice theme from the police figures lent through
cities.evidence, and the city home's panel."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cities import evidence
from indicators.models import IndicatorSettings, LocalFigure, LocalIndicator
from tests.indicators.routes import scene

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(city):
    return scene(city)


def test_outcomes_page_by_milestone_with_chart_and_table(client, city, loaded, member_of):
    client.force_login(member_of(city, "viewer"))
    response = client.get(reverse("indicators:index", args=[city.slug]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Economic security" in body and "Health" in body and "Safety and second chances" in body
    assert "<svg" in body and "<table" in body
    assert "Men and boys below the poverty level" in body and "Equality score" in body
    assert "Students suspended &lt;b&gt;at least once&lt;/b&gt;" in body
    assert "Upload a Census table" not in body  # a viewer does not upload


def test_indicator_page_and_geography_choice(client, city, loaded, member_of):
    client.force_login(member_of(city, "lead"))
    url = reverse("indicators:indicator", args=[city.slug, "poverty_male"])
    response = client.get(url + "?geo=0500000US01097")
    body = response.content.decode()
    assert response.status_code == 200 and "Mobile County, Alabama" in body
    assert "B17001x_003" in body  # the definition
    assert client.get(reverse("indicators:indicator", args=[city.slug, "nonsense"])).status_code == 404
    response = client.post(reverse("indicators:geography", args=[city.slug]), {"geo_id": "0500000US01101"})
    assert response.status_code == 302
    assert IndicatorSettings.objects.get(city=city).geo_name == "Montgomery County, Alabama"


def test_census_list_detail_and_delete(client, city, loaded, member_of):
    client.force_login(member_of(city, "staff"))
    assert b"B17001B" in client.get(reverse("indicators:census_list", args=[city.slug])).content
    detail = reverse("indicators:census_detail", args=[city.slug, loaded["file_id"]])
    assert client.get(detail).status_code == 200
    response = client.post(reverse("indicators:census_delete", args=[city.slug, loaded["file_id"]]))
    assert response.status_code == 302 and client.get(detail).status_code == 404


def test_local_indicator_typed_in_and_from_csv(client, city, member_of):
    client.force_login(member_of(city, "staff"))
    assert client.get(reverse("indicators:local_new", args=[city.slug])).status_code == 200
    response = client.post(
        reverse("indicators:local_new", args=[city.slug]),
        {
            "title": "Third graders reading at grade level",
            "milestone": "high_school",
            "numerator_label": "reading at grade level",
            "denominator_label": "tested",
            "period": "2025",
            "source": "School district",
        },
    )
    local = LocalIndicator.objects.get(city=city)
    figures_url = reverse("indicators:local_figures", args=[city.slug, local.pk])
    assert response["Location"] == figures_url
    assert client.get(figures_url).status_code == 200
    response = client.post(
        figures_url,
        {"black__male__k": "50", "black__male__n": "200", "white__male__k": "120", "white__male__n": "220"},
    )
    assert response.status_code == 302
    assert LocalFigure.objects.filter(indicator=local).count() == 2
    bad = client.post(figures_url, {"black__male__k": "250", "black__male__n": "200"})
    assert bad.status_code == 400 and LocalFigure.objects.filter(indicator=local).count() == 2
    csv_file = SimpleUploadedFile(
        "counts.csv", b"race,sex,numerator,denominator\nblack,all,90,400\nwhite,all,200,420\n"
    )
    assert client.post(figures_url, {"file": csv_file}).status_code == 302
    assert set(LocalFigure.objects.filter(indicator=local).values_list("sex", flat=True)) == {"all"}
    page = client.get(reverse("indicators:local_detail", args=[city.slug, local.pk]))
    assert b"Wilson" in page.content and b"Equality score" in page.content
    assert client.post(reverse("indicators:local_delete", args=[city.slug, local.pk])).status_code == 302
    assert not LocalIndicator.objects.filter(pk=local.pk).exists()


class _Police:
    def figure_choices(self, *, city, topic=""):
        return [
            evidence.Figure(
                key="test:1",
                label="Stops per 1,000 residents, Black",
                value=41.5,
                unit="stops per 1,000 residents",
                group="black",
                low=38.0,
                high=45.0,
                interval="95% exact Poisson",
                reliable=True,
                source="Test stops",
                extra={"title": "Stops per 1,000 residents", "group_label": "Black", "ratio": 2.4},
            )
        ]

    def figure(self, *, city, key):
        return None


def test_the_justice_theme_reads_the_lent_figures(client, city, member_of):
    evidence.register_figures("test", _Police())
    try:
        client.force_login(member_of(city, "viewer"))
        body = client.get(reverse("indicators:index", args=[city.slug])).content.decode()
    finally:
        evidence.unregister("test")
    assert "Stops per 1,000 residents" in body and "41.5" in body and "2.40" in body


def test_home_panel(client, city, loaded, member_of):
    client.force_login(member_of(city, "lead"))
    body = client.get(reverse("cities:home", args=[city.slug])).content.decode()
    assert "Community outcomes by race" in body and "equality score" in body


def test_the_lead_publishes_and_withdraws_the_public_page(client, city, loaded, member_of):
    public_url = reverse("indicators:public_outcomes", args=[city.slug])
    assert client.get(public_url).status_code == 404  # not published yet
    client.force_login(member_of(city, "staff"))
    assert (
        client.post(reverse("indicators:publish", args=[city.slug]), {"action": "publish"}).status_code == 404
    )
    client.force_login(loaded["lead"])
    assert (
        client.post(reverse("indicators:publish", args=[city.slug]), {"action": "publish"}).status_code == 302
    )
    client.logout()
    body = client.get(public_url).content.decode()
    assert "Men and boys below the poverty level" in body and "Equality score" in body
    assert "Counted / of" not in body and "Safety and second chances" not in body
    # Local counts of 1 to 10 people (Hispanic males: 5 of 30) are not shown to the public.
    assert "Fewer than 11 people" in body
    client.force_login(loaded["lead"])
    client.post(reverse("indicators:publish", args=[city.slug]), {"action": "withdraw"})
    client.logout()
    assert client.get(public_url).status_code == 404


def test_the_curator_sees_an_indicator_across_cities(client, city, other_city, loaded, django_user_model):
    scene(other_city)
    curator = django_user_model.objects.create_user(
        "curator-outcomes@example.org", "x-long-pass-1", is_curator=True
    )
    client.force_login(curator)
    body = client.get(reverse("indicators:network_indicator", args=["uninsured_all"])).content.decode()
    assert city.name in body and other_city.name in body and "Jefferson County, Alabama" in body
    assert client.get(reverse("indicators:network_indicator", args=["nonsense"])).status_code == 404


def test_change_since_a_baseline_vintage(city):
    from pathlib import Path

    from indicators import selectors, services
    from indicators.catalogue import BY_KEY

    samples = Path(__file__).resolve().parents[2] / "indicators" / "sample_data"
    for word in ("BLACK", "WHITE"):
        name = f"2024-POVERTY_BY_RACE_COUNTY_{word}.json"
        services.census_file_upload(city=city, raw=(samples / name).read_bytes(), filename=name)
        # The same rows given as an earlier vintage: the score is unchanged, and says so.
        services.census_file_upload(city=city, raw=(samples / name).read_bytes(), filename=name, vintage=2019)
    geo = selectors.chosen_geography(city=city)
    result = selectors.census_indicator(city=city, indicator=BY_KEY["poverty_male"], geo=geo)
    assert result.period == "ACS 5-year estimates 2020-2024"
    assert result.baseline == {"vintage": 2019, "score": result.score.score, "change": 0}


def test_the_outcomes_page_runs_a_bounded_number_of_queries(
    client, city, loaded, member_of, django_assert_max_num_queries
):
    from indicators import services

    client.force_login(member_of(city, "viewer"))
    url = reverse("indicators:index", args=[city.slug])
    client.get(url)
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    for n in range(15):
        local = services.local_indicator_create(
            city=city,
            title=f"Local {n}",
            milestone="local",
            numerator_label="a",
            denominator_label="b",
            period="2025",
            source="records",
        )
        services.local_figures_set(
            indicator=local, figures=[("black", "all", 20, 100), ("white", "all", 10, 100)]
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_commitments_linked_to_an_indicator(client, city, other_city, loaded, member_of):
    from indicators.models import IndicatorCommitment
    from relationships.models import Commitment

    theirs = Commitment.objects.create(city=other_city, what="Another city's promise")
    ours = Commitment.objects.create(city=city, what="Mentoring for boys of color")
    client.force_login(member_of(city, "staff"))
    url = reverse("indicators:indicator_commitments", args=[city.slug, "uninsured_all"])
    assert client.post(url, {"action": "link", "commitment": ours.pk}).status_code == 302
    client.post(url, {"action": "link", "commitment": theirs.pk})  # another city's: refused
    assert list(
        IndicatorCommitment.objects.filter(indicator_key="uninsured_all").values_list(
            "commitment_id", flat=True
        )
    ) == [ours.pk]
    body = client.get(reverse("indicators:indicator", args=[city.slug, "uninsured_all"])).content.decode()
    assert "Mentoring for boys of color" in body and "Another city" not in body
    local_key = f"local-{loaded['indicator_id']}"
    local_url = reverse("indicators:indicator_commitments", args=[city.slug, local_key])
    assert client.post(local_url, {"action": "link", "commitment": ours.pk}).status_code == 302
    page = client.get(
        reverse("indicators:local_detail", args=[city.slug, loaded["indicator_id"]])
    ).content.decode()
    assert "Mentoring for boys of color" in page
    client.post(url, {"action": "unlink", "commitment": ours.pk})
    assert not IndicatorCommitment.objects.filter(indicator_key="uninsured_all").exists()
    assert (
        client.post(reverse("indicators:indicator_commitments", args=[city.slug, "nonsense"])).status_code
        == 404
    )
