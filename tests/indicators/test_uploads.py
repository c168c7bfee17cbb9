"""Uploads keep everything or nothing: the file, its vintage and geographies, every estimate and
margin, and a report; a foreign or damaged file is refused with its reason and nothing is kept."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators import selectors, services
from indicators.catalogue import BY_KEY
from indicators.models import CensusFile, CensusValue, IndicatorSettings

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
SAMPLES = HERE.parents[1] / "indicators" / "sample_data"

pytestmark = pytest.mark.django_db


def _upload(city, path: Path, **kw):
    return services.census_file_upload(city=city, raw=path.read_bytes(), filename=path.name, **kw)


def test_an_upload_keeps_the_file_values_and_report(city):
    done = _upload(city, DATA / "ACSDT5Y2024.C15002B-Data.csv")
    record = done.file
    assert (record.table, record.race, record.vintage, record.form) == ("C15002", "B", 2024, "census_csv")
    assert record.file.read() == (DATA / "ACSDT5Y2024.C15002B-Data.csv").read_bytes()
    assert CensusValue.objects.for_city(city).filter(file=record).count() == 3 * 11
    assert done.report["geographies"] == 3 and done.report["values"] == 33
    assert IndicatorSettings.objects.get(city=city).geo_id.startswith("0500000US")


@pytest.mark.parametrize("name", sorted(p.name for p in DATA.glob("*.csv")))
def test_every_csv_test_file_loads(city, name):
    assert _upload(city, DATA / name).report["geographies"] == 3


def test_all_starter_indicators_from_the_csv_files(city):
    for path in DATA.glob("*.csv"):
        _upload(city, path)
    geo = selectors.chosen_geography(city=city, geo_id="0500000US01101")
    milestones = selectors.outcomes(city=city, geo=geo)
    keys = {r.key for m in milestones for r in m.indicators}
    assert {
        "hs_male",
        "hs_all",
        "ba_male",
        "ba_all",
        "unemployment_male",
        "unemployment_all",
        "lfp_male",
        "lfp_all",
        "income_all",
        "poverty_male",
        "uninsured_all",
    } <= keys
    income = next(r for m in milestones for r in m.indicators if r.key == "income_all")
    aian = next(r for r in income.rows if r.group == "C")
    assert not aian.figure.shown  # "-": too few households sampled, not shown


def test_the_same_table_again_replaces_its_geographies(city):
    _upload(city, SAMPLES / "2024-POVERTY_BY_RACE_COUNTY_BLACK.json")
    again = _upload(city, DATA / "ACSDT5Y2024.B17001B-Data.csv")
    assert again.replaced
    assert CensusFile.objects.for_city(city).count() == 1
    assert CensusValue.objects.for_city(city).count() == 3 * 59  # each cell known once
    _upload(city, SAMPLES / "2024-POVERTY_BY_RACE_STATE_BLACK.json")  # another geography: kept beside it
    assert CensusFile.objects.for_city(city).count() == 2


DAMAGED = [
    ("cut.csv", (DATA / "ACSDT5Y2024.C23002A-Data.csv").read_bytes()[:-60], "damaged"),
    ("stops.csv", b"date,race,outcome\n2024-01-01,black,arrest\n", "no GEO_ID column"),
    (
        "B03002.json",
        b'[["B03002_001E","B03002_001M","GEO_ID"],["1","2","0500000US01001"]]',
        "not a table by race",
    ),
    ("export.zip", b"PK\x03\x04zip", "zip archive"),
    ("nodate.json", b'[["B17001B_001E","B17001B_001M","GEO_ID"],["1","2","0500000US01001"]]', "vintage"),
]


@pytest.mark.parametrize(("name", "raw", "says"), DAMAGED, ids=[d[0] for d in DAMAGED])
def test_a_refused_file_keeps_nothing(city, tmp_path, settings, name, raw, says):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(ValidationError) as refused:
        services.census_file_upload(city=city, raw=raw, filename=name)
    assert says.lower() in " ".join(refused.value.messages).lower()
    assert not CensusFile.objects.exists() and not CensusValue.objects.exists()
    assert not any(tmp_path.rglob("*.*"))


def test_a_failure_while_saving_keeps_nothing(city, tmp_path, settings, monkeypatch):
    settings.MEDIA_ROOT = tmp_path

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(CensusValue.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        _upload(city, DATA / "ACSDT5Y2024.C15002B-Data.csv")
    assert not CensusFile.objects.exists()
    assert not any(tmp_path.rglob("*.csv"))


def test_the_upload_page_says_why_and_keeps_nothing(client, city, member_of):
    client.force_login(member_of(city, "staff"))
    url = reverse("indicators:upload", args=[city.slug])
    response = client.post(url, {"file": SimpleUploadedFile("stops.csv", b"date,race\n2024-01-01,black\n")})
    assert response.status_code == 400
    assert b"no GEO_ID column" in response.content
    assert not CensusFile.objects.exists()
    good = SimpleUploadedFile(
        "ACSDT5Y2024.C27001A-Data.csv", (DATA / "ACSDT5Y2024.C27001A-Data.csv").read_bytes()
    )
    response = client.post(url, {"file": good})
    record = CensusFile.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/census/{record.pk}/")
    page = client.get(response["Location"])
    assert b"Values read" in page.content and b"Jefferson County" in page.content


def test_the_catalogue_says_why_there_is_no_male_uninsured_share():
    assert BY_KEY["uninsured_all"].sex == "all" and "not by sex" in BY_KEY["uninsured_all"].note
