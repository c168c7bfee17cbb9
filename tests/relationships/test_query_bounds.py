"""The commitment list, the readiness page and the relationship list run the same number of queries
for a handful of records and for many, with every related record filled in (owners, stakeholders,
meetings, status changes, crisis events, contact details)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from relationships import services
from tests.builders import relationships_scene as scene


def _grow(city, n, *, make_relationship, member_of, today):
    for i in range(n):
        owner = member_of(city, "staff")  # a different owner each time: no query per owner
        r = make_relationship(city, owner=owner, district=f"D{i % 9}", group=["faith", "youth", "media"][i % 3],
                              started_days_ago=90, met_days_ago=i * 4, email=f"p{i}@example.org",
                              consent_given_at=timezone.now(), consent_wording="Yes")
        services.trust_assess(relationship=r, score=(i % 5) + 1, by=owner)
        c = services.commitment_create(city=city, what=f"Promise {i}", owed_by="Office", owner=owner,
                                       owed_to_stakeholder=r.stakeholder, due_date=today + timedelta(days=i - 5))
        services.commitment_set_status(commitment=c, status="in_progress", by=owner, note="Started.")
        if i % 2:
            services.commitment_publish(commitment=c, public_summary="Public text.", by=owner)
        services.crisis_event_create(city=city, title=f"Event {i}", occurred_on=today - timedelta(days=i),
                                     created_by=owner, district=f"D{i % 9}")


PAGES = [
    ("commitment_list", {}), ("commitment_list", {"status": "all", "page": "2"}), ("commitment_list", {"mine": "1"}),
    ("commitment_list", {"late": "1", "public": "1"}), ("readiness", {}), ("relationship_list", {}),
    ("relationship_list", {"health": "overdue"}), ("index", {}),
]


@pytest.mark.django_db
def test_page_queries_do_not_grow_with_the_data(client_as, city, city_page, make_relationship, member_of, today,
                                                django_assert_max_num_queries):
    client = client_as(city, "lead")
    scene(city)
    _grow(city, 3, make_relationship=make_relationship, member_of=member_of, today=today)
    # One overdue relationship, so that every filtered list has a page of rows to read already.
    make_relationship(city, cadence=7, started_days_ago=60)
    counts = {}
    for page, params in PAGES:
        client.get(city_page(page), params)  # the session is written on the first visit only
        with django_assert_max_num_queries(30) as small:
            assert client.get(city_page(page), params).status_code == 200
        counts[page, str(params)] = len(small)
    _grow(city, 30, make_relationship=make_relationship, member_of=member_of, today=today)
    for page, params in PAGES:
        with django_assert_max_num_queries(counts[page, str(params)]):
            response = client.get(city_page(page), params)
        assert response.status_code == 200, (page, params)
