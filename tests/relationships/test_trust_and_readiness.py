"""Trust gaps (widest first, bounded queries, feedback beside them) and the crisis readiness figure."""

from datetime import timedelta

import pytest

from relationships import hooks, services
from relationships.selectors import home_panel, readiness, trust_gaps


@pytest.fixture
def mapped_city(city, make_relationship, make_stakeholder, member_of, today):
    """North: healthy, trust 4. South: overdue, trust 2 then 1. East: listed, nobody met. Youth group: nobody."""
    owner = member_of(city, "staff")
    north = make_relationship(city, owner=owner, name="North Church", district="North", group="faith",
                              started_days_ago=100, met_days_ago=5)
    south = make_relationship(city, owner=owner, name="South Advocates", district="South", group="advocacy",
                              started_days_ago=100, met_days_ago=60)
    make_stakeholder(city, name="East Business Assoc", district="East", group="business")
    services.trust_assess(relationship=north, score=4, by=owner, assessed_on=today - timedelta(days=3))
    services.trust_assess(relationship=south, score=2, by=owner, assessed_on=today - timedelta(days=50))
    services.trust_assess(relationship=south, score=1, by=owner, assessed_on=today - timedelta(days=2))
    return {"north": north, "south": south, "owner": owner}


@pytest.mark.django_db
def test_trust_gaps_widest_first(city, mapped_city, today):
    gaps = trust_gaps(city=city, today=today)
    districts = [(r.key, r.healthy, r.trust_average, r.days_since_contact) for r in gaps["districts"]]
    assert districts == [("East", 0, None, None), ("South", 0, 1.0, 60), ("North", 1, 4.0, 5)]
    assert [r.trust_change for r in gaps["districts"]] == [None, -1.0, None]
    groups = {r.key: r for r in gaps["groups"]}
    assert groups["youth"].stakeholders == 0 and groups["faith"].healthy == 1
    assert gaps["groups"][-1].key == "faith"  # the only covered group comes last
    assert not gaps["has_feedback"]


@pytest.mark.django_db
def test_trust_history_is_kept_and_scores_checked(client_as, city, city_page, mapped_city):
    client = client_as(city, "staff")
    south = mapped_city["south"]
    assert client.post(city_page("relationship_assess", south.pk), {"score": "6"}).status_code == 400
    assert client.post(city_page("relationship_assess", south.pk), {"score": "", "assessed_on": ""}).status_code == 400
    assert client.post(city_page("relationship_assess", south.pk),
                       {"score": "3", "note": "Better after the forum", "assessed_on": "2026-01-02"}).status_code == 302
    page = client.get(city_page("relationship_detail", south.pk)).content.decode()
    assert "Better after the forum" in page and page.count(" of 5</td>") == 3
    # Dated 2 January: older than the others, so the latest reading is still 1, down 1 from 2.
    gaps = client.get(city_page("trust_gaps")).content.decode()
    assert "down 1.0" in gaps


@pytest.mark.django_db
def test_trust_gap_page_stays_within_a_fixed_number_of_queries(
    client_as, city, city_page, make_relationship, member_of, today, django_assert_max_num_queries
):
    client = client_as(city, "lead")
    owner = member_of(city, "staff")

    def grow(n):
        for i in range(n):
            r = make_relationship(city, owner=owner, district=f"D{i % 7}", group=["faith", "youth", "media"][i % 3],
                                  started_days_ago=90, met_days_ago=i * 3)
            services.trust_assess(relationship=r, score=(i % 5) + 1, by=owner)

    grow(5)
    # 13 for the page itself, plus one for the conversations' trust feedback provider.
    with django_assert_max_num_queries(14) as small:
        assert client.get(city_page("trust_gaps")).status_code == 200
    grow(40)
    with django_assert_max_num_queries(len(small)):
        assert client.get(city_page("trust_gaps")).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(city_page("readiness")).status_code == 200


@pytest.mark.django_db
def test_feedback_from_a_registered_provider_is_shown_beside_the_gaps(client_as, city, city_page, mapped_city):
    def provider(c):
        if c.pk != city.pk:
            return {}
        return {("district", "south"): {"trust_police": 1.8, "trust_city": 2.4, "responses": 23},
                ("group", "advocacy"): {"trust_police": 1.5, "trust_city": 2.0, "responses": 11}}

    def broken(c):
        raise RuntimeError("boom")

    client = client_as(city, "viewer")
    assert "Feedback: trust in police" not in client.get(city_page("trust_gaps")).content.decode()
    hooks.register_trust_feedback_provider(provider)
    hooks.register_trust_feedback_provider(broken)
    hooks.register_trust_feedback_provider(provider)  # once only
    try:
        page = client.get(city_page("trust_gaps")).content.decode()
        assert "Feedback: trust in police" in page
        assert "1.8" in page and "2.4" in page and "23" in page and "1.5" in page
        assert hooks._providers.count(provider) == 1
    finally:
        hooks.unregister_trust_feedback_provider(provider)
        hooks.unregister_trust_feedback_provider(broken)


@pytest.mark.django_db
def test_readiness_figure_and_home_panel(client_as, city, city_page, mapped_city, today):
    ready = readiness(city=city, today=today)
    # Districts North, South, East and groups faith, advocacy, business: only North and faith are covered.
    assert (ready["covered"], ready["total"], ready["share"]) == (2, 6, 33)
    assert "youth" in [g.key for g in ready["groups_nobody"]]
    client = client_as(city, "viewer")
    panel = home_panel(city=city, membership=client.user.memberships.get())
    assert panel["items"][0]["title"] == "Crisis readiness: 33%"
    assert any(item["title"] == "South Advocates: overdue" for item in panel["items"])
    assert panel["action"] is None  # viewers do not log meetings
    home = client.get(f"/c/{city.slug}/").content.decode()
    assert "Crisis readiness: 33%" in home and "South Advocates" in home
    roster = client.get(city_page("readiness")).content.decode()
    assert "Nobody to call" in roster and "North Church" in roster


@pytest.mark.django_db
def test_empty_city_has_no_readiness_and_a_helpful_panel(client_as, city):
    client = client_as(city, "lead")
    assert readiness(city=city)["share"] is None
    assert "No standing relationship is recorded yet" in client.get(f"/c/{city.slug}/").content.decode()
