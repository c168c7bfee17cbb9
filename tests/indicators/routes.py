"""URL map entries for the outcomes pages (see tests/urlmap.py).

`scene(city)` loads, inside one city, real Census tables by race (poverty and health insurance for
Black and white residents of three Alabama counties, from indicators/sample_data/) and a local
indicator with figures, so that each page is walked, escaped and isolated with real content on it.
"""

from pathlib import Path

from tests.urlmap_types import Route

SAMPLES = Path(__file__).resolve().parents[2] / "indicators" / "sample_data"
SCENE_FILES = [
    "2024-POVERTY_BY_RACE_COUNTY_BLACK.json",
    "2024-POVERTY_BY_RACE_COUNTY_WHITE.json",
    "2024-HEALTH_INSURANCE_BY_RACE_COUNTY_BLACK.json",
    "2024-HEALTH_INSURANCE_BY_RACE_COUNTY_WHITE.json",
]


def scene(city) -> dict:
    from cities.models import Role
    from indicators import services
    from tests.factories import MembershipFactory, UserFactory

    lead = UserFactory()
    MembershipFactory(user=lead, city=city, role=Role.LEAD)
    from indicators.models import CensusFile

    # A later upload of the same table replaces the earlier one's values: the tables are loaded once
    # per city, so the ids handed to earlier routes stay valid.
    first = CensusFile.objects.for_city(city).filter(original_filename=SCENE_FILES[0]).first()
    if first is None:
        uploads = [
            services.census_file_upload(city=city, raw=(SAMPLES / name).read_bytes(), filename=name, by=lead)
            for name in SCENE_FILES
        ]
        first = uploads[0].file
    local = services.local_indicator_create(
        city=city,
        by=lead,
        title="Students suspended <b>at least once</b>",
        milestone="high_school",
        numerator_label="suspended",
        denominator_label="enrolled",
        lower_is_better=True,
        period="2024-25",
        source="School district records",
    )
    services.local_figures_set(
        indicator=local,
        by=lead,
        figures=[
            ("black", "male", 120, 900),
            ("white", "male", 40, 1000),
            ("hispanic", "male", 5, 30),
            ("black", "all", 180, 1800),
            ("white", "all", 60, 2000),
        ],
    )
    from indicators.models import IndicatorCommitment
    from relationships.models import Commitment

    commitment = Commitment.objects.create(
        city=city, what=f"Summer jobs for {local.pk} young men", owner=lead
    )
    IndicatorCommitment.objects.create(city=city, indicator_key="poverty_male", commitment=commitment)
    # An equity assessment that keeps one of the indicator's figures, published: the indicator's page
    # and the public page list it ("what we are doing about this").
    from cities import evidence
    from tests.builders import assessment_keeping

    kept = next(
        f.key for f in evidence.figure_choices(city=city) if f.key.startswith("indicators:poverty_male:")
    )
    assessment_keeping(city, figure_key=kept, title=f"Summer jobs <b>{local.pk}</b>", published=True)
    return {"lead": lead, "file_id": first.pk, "indicator_id": local.pk, "commitment_id": commitment.pk}


def _needs(*keys):
    def build(city):
        records = scene(city)
        return {k: records[k] for k in keys}

    return build


def _city_with_records(city):
    scene(city)
    return {}


def _indicator(city):
    scene(city)
    return {"key": "poverty_male"}


def _published(city):
    from indicators import services

    records = scene(city)
    services.indicator_publish(city=city, indicator_key="poverty_male", publish=True, by=records["lead"])
    services.indicator_publish(
        city=city, indicator_key=f"local-{records['indicator_id']}", publish=True, by=records["lead"]
    )
    return {}


def _network(city):
    scene(city)
    return {"key": "poverty_male"}


ROUTES = [
    Route("indicators:index", _city_with_records),
    Route("indicators:indicator", _indicator),
    Route("indicators:indicator_commitments", _indicator, walk=False),
    Route("indicators:indicator_publish", _indicator, walk=False),
    Route("indicators:census_list", _city_with_records),
    Route("indicators:upload"),
    Route("indicators:census_detail", _needs("file_id")),
    Route("indicators:census_delete", _needs("file_id"), walk=False),
    Route("indicators:geography", _city_with_records, walk=False),
    Route("indicators:local_new"),
    Route("indicators:local_detail", _needs("indicator_id")),
    Route("indicators:local_figures", _needs("indicator_id")),
    Route("indicators:local_delete", _needs("indicator_id"), walk=False),
    Route("indicators:publish", _city_with_records, walk=False),
    Route("indicators:public_outcomes", _published, kind="public"),
    Route("indicators:network_indicator", _network, kind="curator"),
]
