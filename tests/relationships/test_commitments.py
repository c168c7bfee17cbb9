"""Commitments: status changes with a dated log, filters, and the public page."""

from datetime import timedelta

import pytest

from relationships import services
from relationships.models import Commitment, CommitmentStatus


@pytest.fixture
def commitment(city, member_of, make_stakeholder, today):
    lead = member_of(city, "lead")
    s = make_stakeholder(city, name="Maria Lopez", email="maria@example.org")
    return services.commitment_create(
        city=city, what="Publish stop data monthly", owed_by="Chief Ramirez", created_by=lead, owner=lead,
        owed_to_stakeholder=s, due_date=today + timedelta(days=10), source_label="Meeting: with Maria Lopez",
    )


@pytest.mark.django_db
def test_status_changes_through_the_page_are_logged_and_bad_moves_refused(client_as, city, city_page, commitment):
    client = client_as(city, "staff")
    url = city_page("commitment_status", commitment.pk)
    assert client.post(url, {"status": "in_progress", "note": "Drafting"}).status_code == 302
    assert client.post(url, {"status": "done"}).status_code == 302
    response = client.post(url, {"status": "dropped"}, follow=True)
    assert "cannot become dropped" in response.content.decode()
    response = client.post(url, {"status": "nonsense"}, follow=True)
    assert "Choose one of the statuses" in response.content.decode()
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.DONE
    page = client.get(city_page("commitment_detail", commitment.pk)).content.decode()
    assert "Drafting" in page and "In progress → Done" in page


@pytest.mark.django_db
def test_dropped_can_be_reopened_and_done_can_go_back_to_in_progress(commitment, member_of, city):
    lead = member_of(city, "lead")
    services.commitment_set_status(commitment=commitment, status="dropped", by=lead)
    services.commitment_set_status(commitment=commitment, status="open", by=lead, note="Council asked again")
    services.commitment_set_status(commitment=commitment, status="done", by=lead)
    services.commitment_set_status(commitment=commitment, status="in_progress", by=lead)
    assert [u.status_to for u in commitment.updates.all()] == ["open", "dropped", "open", "done", "in_progress"]


@pytest.mark.django_db
def test_commitment_list_filters_and_bounded_queries(client_as, city, city_page, member_of, today,
                                                     django_assert_max_num_queries):
    client = client_as(city, "lead")
    for i in range(40):
        services.commitment_create(city=city, what=f"Promise {i:02}", owed_by="Office", owner=client.user,
                                   due_date=today - timedelta(days=i - 20))
    c = Commitment.objects.get(what="Promise 00")
    services.commitment_set_status(commitment=c, status="done", by=client.user)
    for params in ({}, {"status": "all", "page": "2"}, {"late": "1"}, {"mine": "1"}):
        with django_assert_max_num_queries(10):
            assert client.get(city_page("commitment_list"), params).status_code == 200
    page = client.get(city_page("commitment_list"), {"status": "done"}).content.decode()
    assert "Promise 00" in page and "Promise 01" not in page
    late = client.get(city_page("commitment_list"), {"late": "1"}).content.decode()
    assert "Promise 39" in late and "Promise 05" not in late


@pytest.mark.django_db
def test_record_a_commitment_by_hand(client_as, city, other_city, city_page, make_stakeholder):
    client = client_as(city, "staff")
    response = client.post(city_page("commitment_new"), {"what": "Hold a listening session", "owed_by": "Mayor"})
    assert response.status_code == 302
    foreign = make_stakeholder(other_city)
    response = client.post(city_page("commitment_new"), {"what": "x", "owed_by": "y",
                                                         "owed_to_stakeholder": foreign.pk})
    assert response.status_code == 400
    assert client.post(city_page("commitment_new"), {}).status_code == 400
    assert Commitment.objects.count() == 1


@pytest.mark.django_db
def test_only_the_lead_publishes_and_the_public_page_shows_no_personal_data(
    client, client_as, city, other_city, city_page, commitment, member_of
):
    staff = client_as(city, "staff")
    assert staff.post(city_page("commitment_publish", commitment.pk), {"public_summary": "x"}).status_code == 404
    lead = member_of(city, "lead")
    client.force_login(lead)
    assert client.post(city_page("commitment_publish", commitment.pk), {"public_summary": ""}).status_code == 400
    response = client.post(city_page("commitment_publish", commitment.pk),
                           {"public_summary": "The police department will publish stop data every month."})
    assert response.status_code == 302
    hidden = services.commitment_create(city=city, what="Internal promise", owed_by="Staff")
    foreign = services.commitment_create(city=other_city, what="Other city promise", owed_by="x")
    services.commitment_publish(commitment=foreign, public_summary="Elsewhere", by=None)
    services.commitment_set_status(commitment=commitment, status="in_progress", by=lead, note="Chief said private thing")
    client.logout()
    page = client.get(f"/p/{city.slug}/commitments/").content.decode()
    assert "publish stop data every month" in page and "In progress" in page
    for private in ("Maria Lopez", "maria@example.org", "Chief Ramirez", "private thing", hidden.what,
                    "Other city promise", lead.email):
        assert private not in page, private
    assert client.get("/p/no-such-city/commitments/").status_code == 404
    # Unpublishing removes it at once.
    client.force_login(lead)
    client.post(city_page("commitment_publish", commitment.pk), {"unpublish": "1"})
    client.logout()
    assert "stop data" not in client.get(f"/p/{city.slug}/commitments/").content.decode()
