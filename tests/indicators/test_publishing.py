"""The lead publishes or withdraws each indicator on its own; the public page shows only those
published, and a withdrawn indicator leaves nothing there. Each indicator's page lists the equity
assessments that kept its figures as evidence (through `cities.evidence`), the public page only the
published ones."""

import json

import pandas as pd
import pytest
from django.urls import reverse

from cities.models import AuditEvent
from indicators.models import PublishedIndicator
from tests.builders import assessment_keeping, member
from tests.indicators.routes import SAMPLES, scene

pytestmark = pytest.mark.django_db

JEFFERSON = "0500000US01073"  # the scene's own geography: the first county of the files by name


@pytest.fixture
def loaded(city):
    return scene(city)


def _publish(client, city, key, action="publish"):
    return client.post(reverse("indicators:indicator_publish", args=[city.slug, key]), {"action": action})


def _black_male_poverty_share(geo_id: str) -> str:
    """B17001B: males below poverty (_003) over males below and at or above (_003 + _032), from the
    raw Census API JSON, as the page prints it."""
    rows = json.loads((SAMPLES / "2024-POVERTY_BY_RACE_COUNTY_BLACK.json").read_text())
    frame = pd.DataFrame(rows[1:], columns=rows[0]).set_index("GEO_ID")
    below = float(frame.loc[geo_id, "B17001B_003E"])
    above = float(frame.loc[geo_id, "B17001B_032E"])
    return f"{below / (below + above) * 100:.1f}%"


def test_only_the_lead_publishes_an_indicator(client, city, loaded, member_of):
    for role in ("staff", "viewer", "facilitator"):
        client.force_login(member_of(city, role))
        assert _publish(client, city, "poverty_male").status_code == 404
    client.logout()
    response = _publish(client, city, "poverty_male")
    assert response.status_code == 302 and "/accounts/" in response["Location"]  # sign in first
    assert not PublishedIndicator.objects.exists()
    assert client.get(reverse("indicators:public_outcomes", args=[city.slug])).status_code == 404


def test_another_citys_lead_and_ids_change_nothing(client, city, other_city, loaded):
    theirs = scene(other_city)
    client.force_login(theirs["lead"])
    assert _publish(client, city, "poverty_male").status_code == 404  # not their city
    client.force_login(loaded["lead"])
    # Their local indicator's id under this city's address: no such indicator here.
    assert _publish(client, city, f"local-{theirs['indicator_id']}").status_code == 404
    assert _publish(client, city, "no-such-indicator").status_code == 404
    assert not PublishedIndicator.objects.exists()


def test_the_public_page_before_and_after_one_indicator_is_published(client, city, loaded):
    public_url = reverse("indicators:public_outcomes", args=[city.slug])
    assert client.get(public_url).status_code == 404  # nothing published yet
    client.force_login(loaded["lead"])
    page = client.get(reverse("indicators:indicator", args=[city.slug, "poverty_male"])).content.decode()
    assert "Not published" in page and "Publish it on the public page" in page
    response = _publish(client, city, "poverty_male")
    assert response.status_code == 302
    assert response["Location"] == reverse("indicators:indicator", args=[city.slug, "poverty_male"])
    page = client.get(response["Location"]).content.decode()
    assert "Withdraw it from the public page" in page
    event = AuditEvent.objects.get(object_type="published_indicator")
    assert event.object_id == "poverty_male" and event.actor_id == loaded["lead"].pk and event.city_id == city.pk
    assert "Men and boys below the poverty level" in event.summary

    client.logout()
    body = client.get(public_url).content.decode()
    assert "Men and boys below the poverty level" in body
    assert _black_male_poverty_share(JEFFERSON) in body
    # The other indicators are not published: not on the page, nor their themes.
    assert "People below the poverty level" not in body
    assert "health insurance" not in body
    assert "Students suspended" not in body


def test_a_withdrawn_indicator_leaves_nothing(client, city, loaded):
    public_url = reverse("indicators:public_outcomes", args=[city.slug])
    client.force_login(loaded["lead"])
    local_key = f"local-{loaded['indicator_id']}"
    assert _publish(client, city, "poverty_male").status_code == 302
    response = _publish(client, city, local_key)
    assert response["Location"] == reverse("indicators:local_detail", args=[city.slug, loaded["indicator_id"]])
    client.logout()
    body = client.get(public_url).content.decode()
    assert "Students suspended &lt;b&gt;at least once&lt;/b&gt;" in body
    assert "Men and boys below the poverty level" in body

    client.force_login(loaded["lead"])
    _publish(client, city, "poverty_male", action="withdraw")
    client.logout()
    body = client.get(public_url).content.decode()
    assert "Men and boys below the poverty level" not in body
    assert "Economic security" not in body  # its theme held nothing else published
    assert _black_male_poverty_share(JEFFERSON) not in body
    assert "Students suspended" in body

    client.force_login(loaded["lead"])
    _publish(client, city, local_key, action="withdraw")
    client.logout()
    assert client.get(public_url).status_code == 404  # nothing left: no page at all
    assert not PublishedIndicator.objects.for_city(city).exists()
    summaries = list(
        AuditEvent.objects.filter(object_type="published_indicator").order_by("pk").values_list("summary", flat=True)
    )
    assert [s.split(" ", 1)[0] for s in summaries] == ["Published", "Published", "Withdrew", "Withdrew"]


def test_deleting_a_local_indicator_takes_it_off_the_public_page(client, city, loaded):
    from indicators import services

    services.indicator_publish(city=city, indicator_key=f"local-{loaded['indicator_id']}", publish=True)
    services.local_indicator_delete(city=city, indicator_id=loaded["indicator_id"])
    assert not PublishedIndicator.objects.for_city(city).exists()
    assert client.get(reverse("indicators:public_outcomes", args=[city.slug])).status_code == 404


def test_publish_every_indicator_at_once_then_withdraw_them(client, city, loaded):
    client.force_login(loaded["lead"])
    index = client.get(reverse("indicators:index", args=[city.slug])).content.decode()
    assert "Publish every indicator" in index  # the lead sees the control
    client.post(reverse("indicators:publish", args=[city.slug]), {"action": "publish"})
    index = client.get(reverse("indicators:index", args=[city.slug])).content.decode()
    assert "Withdraw every indicator" in index
    client.logout()
    body = client.get(reverse("indicators:public_outcomes", args=[city.slug])).content.decode()
    assert "Men and boys below the poverty level" in body and "People without health insurance" in body
    client.force_login(loaded["lead"])
    client.post(reverse("indicators:publish", args=[city.slug]), {"action": "withdraw"})
    assert not PublishedIndicator.objects.for_city(city).exists()


def _indicator_key(city, key="poverty_male", group="B"):
    from cities import evidence

    wanted = f"indicators:{key}:{JEFFERSON}:{group}"
    assert evidence.figure(city=city, key=wanted) is not None
    return wanted


def test_assessments_that_kept_the_indicators_figures(client, city, other_city, loaded, member_of):
    kept = assessment_keeping(city, figure_key=_indicator_key(city), title="Apprenticeships <i>pilot</i>")
    public = assessment_keeping(city, figure_key=_indicator_key(city, group="A"), title="Fair fines", published=True)
    assessment_keeping(city, figure_key=_indicator_key(city, key="uninsured_all"), title="Clinic hours")
    scene(other_city)
    assessment_keeping(other_city, figure_key=_indicator_key(other_city), title="Their own assessment")

    client.force_login(member_of(city, "viewer"))
    page = client.get(reverse("indicators:indicator", args=[city.slug, "poverty_male"])).content.decode()
    assert "Apprenticeships &lt;i&gt;pilot&lt;/i&gt;" in page and "Fair fines" in page
    assert reverse("equity:detail", args=[city.slug, kept.pk]) in page
    assert "In progress" in page
    assert "Clinic hours" not in page  # another indicator's evidence
    assert "Their own assessment" not in page  # another city's
    other = client.get(reverse("indicators:indicator", args=[city.slug, "uninsured_all"])).content.decode()
    assert "Clinic hours" in other and "Fair fines" not in other

    # The public page: only the published assessment, linked to its public page.
    client.force_login(loaded["lead"])
    _publish(client, city, "poverty_male")
    client.logout()
    body = client.get(reverse("indicators:public_outcomes", args=[city.slug])).content.decode()
    assert "Fair fines" in body and reverse("equity:public_detail", args=[city.slug, public.pk]) in body
    assert "Apprenticeships" not in body and reverse("equity:detail", args=[city.slug, kept.pk]) not in body


def test_no_assessment_yet_says_so(client, city, loaded):
    client.force_login(member(city, "staff"))
    page = client.get(reverse("indicators:indicator", args=[city.slug, "poverty_all"])).content.decode()
    assert "No equity assessment keeps a figure of this indicator as evidence yet." in page
