"""Logging meetings: commitments made become tracked, relationships go back on track, notes stay private."""

from datetime import timedelta

import pytest

from relationships import services
from relationships.health import Health
from relationships.models import Commitment, Meeting
from relationships.selectors import relationship_in_city
from tests.builders import meeting_held


def _post_meeting(client, city_page, **fields):
    data = {
        "date": fields.pop("date"), "kind": "standing", "title": "", "decisions": "", "private_notes": "",
        "c-TOTAL_FORMS": "1", "c-INITIAL_FORMS": "0", "c-MIN_NUM_FORMS": "0", "c-MAX_NUM_FORMS": "10",
        "c-0-what": "", "c-0-owed_by": "", "c-0-due_date": "",
    }
    data.update(fields)
    return client.post(city_page("meeting_new"), data)


@pytest.mark.django_db
def test_logging_a_meeting_puts_an_overdue_relationship_on_track_and_records_commitments(
    client_as, city, city_page, make_relationship, today
):
    client = client_as(city, "staff")
    r = make_relationship(city, owner=client.user, started_days_ago=90, met_days_ago=45, name="Eastside Pastors")
    assert relationship_in_city(city=city, relationship_id=r.pk).reading.health == Health.OVERDUE
    response = _post_meeting(
        client, city_page, date=today.isoformat(), title="Monthly with pastors", relationships=[r.pk],
        attendee_members=[client.user.pk], decisions="Meet at the church next time", private_notes="Tense start",
        **{"c-0-what": "Share the stop data by district", "c-0-owed_by": "Police chief's office",
           "c-0-due_date": (today + timedelta(days=30)).isoformat()},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    meeting = Meeting.objects.get(title="Monthly with pastors")
    assert list(meeting.attendee_stakeholders.all()) == [r.stakeholder]  # counted as present
    assert relationship_in_city(city=city, relationship_id=r.pk).reading.health == Health.ON_TRACK
    commitment = Commitment.objects.get()
    assert commitment.meeting == meeting and commitment.owner == client.user
    assert commitment.source_label == f"Meeting: Monthly with pastors, {today:%-d %b %Y}"
    assert commitment.source_url == city_page("meeting_detail", meeting.pk)
    assert commitment.updates.count() == 1


@pytest.mark.django_db
def test_add_another_commitment_keeps_what_was_typed(client_as, city, city_page, today):
    client = client_as(city, "lead")
    response = _post_meeting(client, city_page, date=today.isoformat(), title="Kept title", more="1",
                             **{"c-0-what": "First promise"})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="Kept title"' in page and "First promise" in page and 'name="c-1-what"' in page
    assert "This field is required" not in page
    assert not Meeting.objects.exists()


@pytest.mark.django_db
def test_bad_meeting_input_is_refused_with_messages(client_as, city, other_city, city_page, make_relationship,
                                                    member_of, today):
    client = client_as(city, "staff")
    foreign_rel = make_relationship(other_city)
    outsider = member_of(other_city, "staff")
    cases = [
        {"date": ""},
        {"date": today.isoformat(), "relationships": [foreign_rel.pk]},
        {"date": today.isoformat(), "attendee_stakeholders": [foreign_rel.stakeholder.pk]},
        {"date": today.isoformat(), "attendee_members": [outsider.pk]},
        {"date": today.isoformat(), "c-0-what": "A promise with nobody owing it"},
    ]
    for fields in cases:
        response = _post_meeting(client, city_page, **fields)
        assert response.status_code == 400, fields
    assert not Meeting.objects.exists() and not Commitment.objects.exists()
    page = _post_meeting(client, city_page, date=today.isoformat(), **{"c-0-what": "x"}).content.decode()
    assert "Say who owes this commitment" in page


@pytest.mark.django_db
def test_private_notes_are_for_the_lead_and_staff_only(client, city, city_page, member_of, today):
    lead = member_of(city, "lead")
    meeting = services.meeting_log(city=city, date=today, kind="one_off", created_by=lead,
                                   decisions="Public decision", private_notes="Secret worry about the chief")
    for role, sees in (("lead", True), ("staff", True), ("facilitator", False), ("viewer", False)):
        client.force_login(member_of(city, role))
        page = client.get(city_page("meeting_detail", meeting.pk)).content.decode()
        assert "Public decision" in page
        assert ("Secret worry" in page) is sees, role


@pytest.mark.django_db
def test_meeting_list_paginates_in_a_fixed_number_of_queries(
    client_as, city, city_page, make_relationship, today, django_assert_max_num_queries
):
    client = client_as(city, "lead")
    rels = [make_relationship(city, name=f"Org {i}") for i in range(5)]
    for i in range(60):
        meeting_held(
            city, days_ago=i, title=f"Meeting {i}", relationships=rels[: (i % 5) + 1],
            attendee_stakeholders=[r.stakeholder for r in rels[: (i % 5) + 1]],
        )  # fmt: skip
    for params in ({}, {"page": "2"}, {"kind": "standing", "page": "3"}):
        with django_assert_max_num_queries(12):
            response = client.get(city_page("meeting_list"), params)
        assert response.status_code == 200
    assert "Page 1 of 3" in client.get(city_page("meeting_list")).content.decode()


@pytest.mark.django_db
def test_crisis_event_and_meetings_held_in_response(client_as, city, city_page, make_relationship, today):
    client = client_as(city, "lead")
    response = client.post(city_page("crisis_new"), {"title": "Police shooting on 5th St",
                                                     "occurred_on": today.isoformat(), "district": "North"})
    assert response.status_code == 302
    event = city.crisis_events.get()
    r = make_relationship(city, district="North")
    page = client.get(city_page("meeting_new") + f"?crisis={event.pk}").content.decode()
    assert f'<option value="{event.pk}" selected>' in page
    _post_meeting(client, city_page, date=today.isoformat(), kind="crisis", crisis_event=event.pk,
                  relationships=[r.pk])
    page = client.get(city_page("crisis_detail", event.pk)).content.decode()
    assert r.stakeholder.name in page
    assert client.post(city_page("crisis_new"), {}).status_code == 400


@pytest.mark.django_db
def test_the_logged_message_agrees_with_what_was_logged(client_as, city, city_page, make_relationship, today):
    client = client_as(city, "staff")
    r = make_relationship(city, owner=client.user, started_days_ago=90, met_days_ago=45, name="Pastors")
    response = _post_meeting(
        client, city_page, date=today.isoformat(), title="With one promise", relationships=[r.pk],
        **{"c-0-what": "Share the data", "c-0-owed_by": "The chief", "c-0-due_date": ""},
    )
    assert response.status_code == 302
    shown = [str(m) for m in client.get(response["Location"]).context["messages"]]
    assert shown == ["The meeting and 1 commitment are logged."]
    response = _post_meeting(client, city_page, date=today.isoformat(), title="No promise", relationships=[r.pk])
    assert [str(m) for m in client.get(response["Location"]).context["messages"]] == ["The meeting is logged."]
