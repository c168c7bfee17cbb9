"""The league's view across cities (issue #18, item 3): curators only; every figure equals a count
made here from the database (pandas); nothing a city has not published appears in the page, its CSV
export or its Atom feed; filters by state and size; the weekly digest goes through the real worker."""

import csv
import io
import zoneinfo
from datetime import date, timedelta
from pathlib import Path
from xml.etree import ElementTree

import pandas as pd
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cities import network
from library import services as library_services
from tests import builders
from tests.conftest import wait_for
from tests.factories import CityFactory

COUNTY_FILE = (
    Path(__file__).resolve().parents[2]
    / "disparities"
    / "data"
    / "census"
    / ("ACS_17_5YR_B03002_counties_with_ann.csv")
)
ATOM = "{http://www.w3.org/2005/Atom}"


def _publish_story(city, *, title, publish=True, curator):
    submission = builders.story(city)
    submission.title = title
    submission.save(update_fields=["title"])
    submission = library_services.submission_decide(
        submission=submission, decision="accepted", reason="", by=curator
    )
    if publish:
        for to in ("in_review", "published"):
            library_services.resource_transition(resource=submission.resource, to=to, by=curator)
    return submission


@pytest.fixture
def league(db):
    """Three cities: Lansing-like (Ingham County, MI), Detroit-like (Wayne County, MI) and one in
    Washington; each with published and unpublished work."""
    from conversations import services as conversations
    from conversations.models import Campaign, CityPledge
    from disparities.services import publishing
    from equity import services as equity
    from relationships import services as relationships
    from tests.equity.routes import scene

    curator = builders.curator()
    a = CityFactory(name="Alderton", state="MI", county_fips="26065")
    b = CityFactory(name="Brookfield", state="MI", county_fips="26163")
    c = CityFactory(name="Cedar Bay", state="WA", county_fips="53035")
    today = date.today()
    old = Campaign.objects.create(title="Last year's campaign", starts_on=today - timedelta(days=400),
                                  ends_on=today - timedelta(days=300))  # fmt: skip
    campaign = Campaign.objects.create(title="100 conversations", starts_on=today - timedelta(days=30),
                                       ends_on=today + timedelta(days=300))  # fmt: skip
    CityPledge.objects.create(campaign=campaign, city=a, count=5)
    for city, held, planned in ((a, 2, 1), (b, 1, 0)):
        for _ in range(held):
            conversation = builders.make_conversation(city, campaign=campaign)
            conversations.conversation_set_status(conversation=conversation, status="held", by=None)
        for _ in range(planned):
            builders.make_conversation(city, campaign=campaign)
    held_old = builders.make_conversation(c, campaign=old)  # an earlier campaign does not count
    conversations.conversation_set_status(conversation=held_old, status="held", by=None)

    builders.kept_commitment(a, due_in=5)
    builders.kept_commitment(a, due_in=-4)  # kept late
    builders.kept_commitment(b, due_in=0)
    relationships.commitment_create(
        city=a, what="Overdue", owed_by="Clerk", due_date=today - timedelta(days=1)
    )
    dropped = relationships.commitment_create(
        city=a, what="Dropped", owed_by="Clerk", due_date=today - timedelta(days=9)
    )
    relationships.commitment_set_status(commitment=dropped, status="dropped", by=None)
    relationships.commitment_create(
        city=c, what="Not yet due", owed_by="Clerk", due_date=today + timedelta(days=9)
    )

    live = builders.published_snapshot(a, title="Alderton stops, published")
    withdrawn = builders.published_snapshot(b, title="Brookfield withdrawn dashboard")
    publishing.snapshot_withdraw(snapshot=withdrawn, withdrawn_by=None)
    builders.imported_dataset(c, file="stops.csv", data=builders.generated_stops(300), kind="stop",
                              name="Cedar Bay unpublished stops")  # fmt: skip

    scene(a)  # completed and published
    secret = scene(c)  # completed, then its public page withdrawn
    from equity.models import Assessment

    hidden = Assessment.objects.get(pk=secret["assessment_id"])
    equity.assessment_withdraw(assessment=hidden, by=None)

    builders.moved_indicator(a)

    _publish_story(a, title="Alderton kept its word", curator=curator)
    waiting = builders.story(b)
    waiting.title = "Brookfield story waiting"
    waiting.save(update_fields=["title"])
    _publish_story(c, title="Cedar Bay draft story", publish=False, curator=curator)
    return {"curator": curator, "a": a, "b": b, "c": c, "campaign": campaign, "live": live,
            "secrets": ["Brookfield withdrawn dashboard", "Cedar Bay unpublished stops", hidden.title,
                        "Brookfield story waiting", "Cedar Bay draft story"]}  # fmt: skip


def _expected(cities, campaign):
    """Every column counted here from the database, without the app's selectors."""
    from conversations.models import CityPledge, Conversation
    from disparities.models import PublishedSnapshot
    from equity.models import Assessment
    from indicators.catalogue import CATALOGUE
    from indicators.models import CensusFile, LocalIndicator
    from relationships.models import Commitment, CommitmentUpdate

    ids = [c.pk for c in cities]
    convs = pd.DataFrame(
        list(Conversation.objects.filter(city_id__in=ids).values("city_id", "campaign_id", "status"))
    )
    held = convs[(convs.campaign_id == campaign.pk) & convs.status.isin(["held", "reported", "followed_up"])]
    held = held.groupby("city_id").size()
    pledged = set(CityPledge.objects.filter(campaign=campaign).values_list("city_id", flat=True))

    today = timezone.localdate()
    commitments = pd.DataFrame(
        list(Commitment.objects.filter(city_id__in=ids).values("id", "city_id", "status", "due_date"))
    )
    updates = pd.DataFrame(
        list(CommitmentUpdate.objects.filter(status_to="done").values("commitment_id", "at"))
    )
    last_done = updates.sort_values("at").groupby("commitment_id")["at"].last()
    zones = {c.pk: zoneinfo.ZoneInfo(c.timezone) for c in cities}
    commitments["done_day"] = [
        last_done[i].astimezone(zones[city]).date() if i in last_done.index else None
        for i, city in zip(commitments.id, commitments.city_id, strict=True)
    ]
    counted = commitments[
        commitments.due_date.notna()
        & (commitments.status != "dropped")
        & ((commitments.due_date <= today) | (commitments.status == "done"))
    ]
    kept = counted[(counted.status == "done") & counted.done_day.notna()]
    kept = kept[[d <= due for d, due in zip(kept.done_day, kept.due_date, strict=True)]]

    snaps = pd.DataFrame(
        list(PublishedSnapshot.objects.filter(city_id__in=ids).values("city_id", "withdrawn_at"))
    )
    live = snaps[snaps.withdrawn_at.isna()].groupby("city_id").size()
    assessments = pd.DataFrame(list(Assessment.objects.filter(city_id__in=ids).values("city_id", "status")))
    completed = assessments[assessments.status == "completed"].groupby("city_id").size()
    files = pd.DataFrame(list(CensusFile.objects.filter(city_id__in=ids).values("city_id", "table")))
    local = LocalIndicator.objects.filter(city_id__in=ids)
    county = pd.read_csv(COUNTY_FILE, encoding="latin-1", skiprows=[1], dtype={"GEO.id2": str})
    population = dict(zip(county["GEO.id2"], county["HD01_VD01"].astype(int), strict=True))
    out = {}
    for c in cities:
        tables = set(files[files.city_id == c.pk].table) if len(files) else set()
        n_indicators = sum(1 for i in CATALOGUE if i.table in tables) + local.filter(city_id=c.pk).count()
        out[c.pk] = {
            "population": population.get(c.county_fips),
            "conversations": int(held.get(c.pk, 0)) if c.pk in held.index or c.pk in pledged else None,
            "commitments": (int((kept.city_id == c.pk).sum()), int((counted.city_id == c.pk).sum())),
            "dashboards": int(live.get(c.pk, 0)) or None,
            "equity": int(completed.get(c.pk, 0)) or None,
            "indicators": n_indicators or None,
        }
    return out


@pytest.mark.django_db
def test_the_network_figures_equal_counts_from_the_database(client, league):
    a, b, c = league["a"], league["b"], league["c"]
    client.force_login(league["curator"])
    response = client.get(reverse("library:network"))
    assert response.status_code == 200
    view = response.context["view"]
    rows = {r.city.pk: r for r in view.rows}
    expected = _expected([a, b, c], league["campaign"])
    for city in (a, b, c):
        row, want = rows[city.pk], expected[city.pk]
        value = lambda key: None if row.cell(key) is None else row.cell(key).value  # noqa: E731
        assert value("population") == want["population"], city.name
        assert value("conversations") == want["conversations"], city.name
        kept, due = want["commitments"]
        if due:
            assert value("commitments") == kept and row.cell("commitments").note == f"of {due:,} due", (
                city.name
            )
        else:
            assert row.cell("commitments") is None
        assert value("dashboards") == want["dashboards"], city.name
        assert value("equity") == want["equity"], city.name
        assert value("indicators") == want["indicators"], city.name
    # The fixture's own numbers, so the independent count is itself checked.
    # Alderton: kept on time 5 days early and for its story, kept late, overdue; the dropped one left out.
    assert expected[a.pk]["conversations"] == 2 and expected[a.pk]["commitments"] == (2, 4)
    assert rows[a.pk].cell("conversations").note.startswith("of 5 pledged")
    assert rows[c.pk].cell("conversations") is None  # held in an earlier campaign only
    assert expected[b.pk]["dashboards"] is None and rows[b.pk].cell("headline") is None  # withdrawn
    assert rows[c.pk].cell("headline") is None  # imported, never published
    # The headline is the published (protected) figure of the live dashboard, as stored.
    league["live"].refresh_from_db()
    population = next(t for t in league["live"].content["tables"] if t["key"] == "population")
    ratio = next(r for r in population["rows"] if r["key"] == "black")["cells"]["ratio"]
    headline = rows[a.pk].cell("headline")
    if ratio["suppressed"]:
        assert headline.value is None and headline.text.startswith("suppressed")
    else:
        assert headline.value == pytest.approx(ratio["value"])
    body = response.content.decode()
    for secret in league["secrets"]:
        assert secret not in body, secret
    assert "Alderton kept its word" in body  # a published story, in the news


@pytest.mark.django_db
def test_filters_by_state_and_size(client, league):
    client.force_login(league["curator"])
    names = lambda **q: [r.city.name for r in client.get(reverse("library:network"), q).context["view"].rows]  # noqa: E731
    assert names(state="WA") == ["Cedar Bay"]
    assert names(state="MI") == ["Alderton", "Brookfield"]
    assert names(size="largest") == ["Brookfield"]  # Wayne County: 1,763,822 residents
    assert names(size="medium", state="MI") == ["Alderton"]  # Ingham County: 286,185
    assert names(size="nonsense") == ["Alderton", "Brookfield", "Cedar Bay"]
    assert names(state="ZZ") == []
    # The chart draws the column chosen, with its table beside it.
    response = client.get(reverse("library:network"), {"chart": "commitments"})
    view = response.context["view"]
    assert view.chart_column.key == "commitments"
    assert [(b["city"].name, b["value"]) for b in view.chart][0] == ("Alderton", 2.0)
    assert "The same numbers are in the table beside it" in response.content.decode()


@pytest.mark.django_db
def test_the_csv_export_has_the_same_figures_and_nothing_unpublished(client, league):
    client.force_login(league["curator"])
    response = client.get(reverse("library:network_csv"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), strict=True))
    header, data = rows[0], {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert header[:2] == ["City", "State"] and "Commitments kept on time" in header
    expected = _expected([league["a"], league["b"], league["c"]], league["campaign"])
    assert data["Alderton"]["Commitments kept on time"] == str(expected[league["a"].pk]["commitments"][0])
    assert (
        data["Alderton"]["Published dashboards"] == "1" and data["Brookfield"]["Published dashboards"] == ""
    )
    assert data["Cedar Bay"]["Equity assessments completed"] == "1"  # a count: completed, unpublished
    assert data["Brookfield"]["County population (ACS 2013-2017)"] == "1763822"
    for secret in league["secrets"]:
        assert secret not in text
    filtered = client.get(reverse("library:network_csv"), {"state": "WA"})
    assert [r[0] for r in csv.reader(io.StringIO(b"".join(filtered.streaming_content).decode("utf-8-sig")))][
        1:
    ] == ["Cedar Bay"]


@pytest.mark.django_db
def test_the_feed_lists_published_stories_and_milestones_only(client, league):
    client.force_login(league["curator"])
    response = client.get(reverse("library:network_feed"))
    assert response.status_code == 200 and "atom" in response["Content-Type"]
    feed = ElementTree.fromstring(response.content)
    titles = [e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")]
    assert "Alderton told the league: Alderton kept its word" in titles
    assert "Alderton published a police data dashboard: Alderton stops, published" in titles
    assert any(t.startswith("Alderton published an equity assessment") for t in titles)
    text = response.content.decode()
    for secret in league["secrets"]:
        assert secret not in text, secret


@pytest.mark.django_db
def test_non_curators_get_404(client, league, member_of):
    urls = [reverse("library:network"), reverse("library:network_csv"), reverse("library:network_feed")]
    client.force_login(member_of(league["a"], "lead"))
    for url in urls:
        assert client.get(url).status_code == 404
    client.logout()
    for url in urls:
        assert client.get(url).status_code == 302


@pytest.mark.django_db
def test_a_column_registered_later_appears_and_a_failing_one_shows_nothing(client, league):
    """A column registered by another app after the others (as trainings registers its completions)."""

    def later(*, cities):
        return {c.pk: network.Cell(3.0, "3") for c in cities if c.state == "WA"}

    def broken(*, cities):
        raise RuntimeError("down")

    network.register_column("later", label="A later column", provider=later, order=15)
    network.register_column("broken", label="Broken column", provider=broken, order=99)
    try:
        client.force_login(league["curator"])
        view = client.get(reverse("library:network")).context["view"]
        rows = {r.city.name: r for r in view.rows}
        assert [c.key for c in view.columns][:3] == ["population", "conversations", "later"]
        assert rows["Cedar Bay"].cell("later").value == 3.0 and rows["Alderton"].cell("later") is None
        assert all(r.cell("broken") is None for r in view.rows)
    finally:
        network.unregister_column("later")
        network.unregister_column("broken")


@pytest.mark.django_db(transaction=True)
def test_the_weekly_digest_goes_to_curators_through_the_worker(celery_worker, mailoutbox, city):
    from library.tasks import network_digest_send

    curator = builders.curator()
    other = builders.curator()
    builders.member(city, "lead")
    _publish_story(city, title="A story worth telling", curator=curator)
    waiting = builders.story(city)
    network_digest_send.delay()
    wait_for(lambda: len(mail.outbox) == 1)
    message = mail.outbox[0]
    assert set(message.to) == {curator.email, other.email}
    assert f"{city.name} told the league: A story worth telling" in message.body
    assert "1 story is waiting for a curator" in message.body
    assert waiting.title not in message.body  # a story not yet accepted is counted, never told


@pytest.mark.django_db
def test_the_digest_says_nothing_when_nothing_happened(mailoutbox):
    builders.curator()
    assert library_services.network_digest_send() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_table_pages_and_the_export_has_every_city(client, monkeypatch):
    from library import selectors

    monkeypatch.setattr(selectors, "NETWORK_PAGE", 2)
    for name in ("Ash", "Birch", "Cedar"):
        CityFactory(name=name, county_fips="")
    client.force_login(builders.curator())
    first = client.get(reverse("library:network"))
    assert [r.city.name for r in first.context["view"].page.object_list] == ["Ash", "Birch"]
    assert [b["city"].name for b in first.context["view"].chart] == ["Ash", "Birch"]
    second = client.get(reverse("library:network"), {"page": 2})
    assert [r.city.name for r in second.context["view"].page.object_list] == ["Cedar"]
    assert "Ash" not in second.content.decode().split("<h2", 2)[1].split("</table>")[0]
    body = b"".join(client.get(reverse("library:network_csv")).streaming_content).decode("utf-8-sig")
    assert [r[0] for r in csv.reader(io.StringIO(body))][1:] == ["Ash", "Birch", "Cedar"]
    # A city without a county code is in no size band, and says "—" for its population.
    assert client.get(reverse("library:network"), {"size": "small"}).context["view"].rows == []
