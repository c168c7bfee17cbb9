"""Trainings for city members and curators: roles, another city's ids (404), empty forms, capacity
and the waitlist, check-in and completion, the certificate, who has taken what, and the survey's
aggregates, each figure counted again here from the rows the test made."""

import math
from datetime import timedelta

import pandas as pd
import pytest
from django.urls import reverse
from django.utils import timezone

from cities.models import AuditEvent, Membership
from tests import builders
from trainings import selectors, services, survey
from trainings.models import Completion, Registration, Session, SurveyResponse, Training

pytestmark = pytest.mark.django_db


def _membership(city, user):
    return Membership.objects.for_city(city).get(user=user)


def _session_url(city, session):
    return reverse("trainings:session", args=[city.slug, session.pk])


def test_staff_offer_a_training_and_schedule_a_session(client_as, city):
    client = client_as(city, "staff")
    resource = builders.practice(title="Racial equity toolkit")
    response = client.post(
        reverse("trainings:new", args=[city.slug]),
        {"title": "Equity in budgeting", "curriculum": [resource.pk], "audience_roles": ["staff", "lead"],
         "format": "workshop", "length_minutes": "120"},
    )  # fmt: skip
    training = Training.objects.get(title="Equity in budgeting")
    assert response.status_code == 302 and training.city == city
    assert list(training.curriculum.all()) == [resource] and training.audience_roles == ["lead", "staff"]
    starts = timezone.localtime() + timedelta(days=3)
    response = client.post(
        reverse("trainings:detail", args=[city.slug, training.pk]),
        {"starts_at": starts.strftime("%Y-%m-%dT%H:%M"), "ends_at": (starts + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
         "mode": "in_person", "location": "City Hall, room 2", "capacity": "12"},
    )  # fmt: skip
    session = Session.objects.get(training=training)
    assert response.status_code == 302 and (session.capacity, session.city) == (12, city)
    page = client.get(reverse("trainings:detail", args=[city.slug, training.pk])).text
    assert "Racial equity toolkit" in page and "0 of 12" in page
    assert AuditEvent.objects.filter(object_type="training", object_id=str(training.pk)).exists()


def test_empty_and_bad_forms_say_what_is_wrong_and_save_nothing(client_as, city):
    client = client_as(city, "lead")
    response = client.post(reverse("trainings:new", args=[city.slug]), {})
    assert response.status_code == 200 and response.text.count("This field is required") >= 3
    training = builders.city_training(city)
    url = reverse("trainings:detail", args=[city.slug, training.pk])
    assert client.post(url, {}).status_code == 400
    starts = timezone.localtime() + timedelta(days=1)
    bad = client.post(
        url,
        {"starts_at": starts.strftime("%Y-%m-%dT%H:%M"), "ends_at": (starts - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
         "mode": "online", "online_link": "", "capacity": "0"},
    )  # fmt: skip
    assert bad.status_code == 400
    assert "Ensure this value is greater than or equal to 1" in bad.text
    bad = client.post(
        url,
        {"starts_at": starts.strftime("%Y-%m-%dT%H:%M"), "ends_at": (starts - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
         "mode": "online", "online_link": "", "capacity": "5"},
    )  # fmt: skip
    assert "must end after it starts" in bad.text and "meeting link" in bad.text
    assert not Session.objects.exists()
    assert Training.objects.count() == 1


@pytest.mark.parametrize("role", ["facilitator", "viewer"])
def test_only_lead_and_staff_offer_trainings(client_as, city, role):
    client = client_as(city, role)
    assert client.get(reverse("trainings:new", args=[city.slug])).status_code == 404
    training = builders.city_training(city)
    response = client.post(reverse("trainings:detail", args=[city.slug, training.pk]), {"capacity": "3"})
    assert response.status_code == 404
    assert client.get(reverse("trainings:people", args=[city.slug])).status_code == 404
    assert not Session.objects.exists()


def test_capacity_waitlist_and_cancelling(client, city, member_of):
    training = builders.city_training(city, audience=())
    session = builders.training_session(training, capacity=2)
    people = [member_of(city, "facilitator") for _ in range(4)]
    for user in people:
        client.force_login(user)
        client.post(_session_url(city, session), {"action": "register"})
    statuses = list(
        Registration.objects.filter(session=session).order_by("id").values_list("status", flat=True)
    )
    assert statuses == ["registered", "registered", "waitlisted", "waitlisted"]
    # The same person again: refused with a message, no second row.
    response = client.post(_session_url(city, session), {"action": "register"}, follow=True)
    assert "already registered" in response.text
    assert Registration.objects.filter(session=session).count() == 4
    # The first cancels: the first on the waitlist takes the seat.
    client.force_login(people[0])
    client.post(_session_url(city, session), {"action": "cancel"})
    by_user = dict(Registration.objects.filter(session=session).values_list("user_id", "status"))
    assert [by_user[u.pk] for u in people] == ["cancelled", "registered", "registered", "waitlisted"]
    page = client.get(_session_url(city, session)).text
    assert "2 of 2 seats taken, 1 on the waitlist" in page


def test_a_training_for_some_roles_refuses_others(client_as, city):
    training = builders.city_training(city, audience=("facilitator",))
    session = builders.training_session(training)
    client = client_as(city, "viewer")
    response = client.post(_session_url(city, session), {"action": "register"}, follow=True)
    assert "This training is for facilitator" in response.text
    assert not Registration.objects.exists()


def test_a_started_session_is_closed_and_nothing_unknown_is_checked_in(client, city, member_of):
    training = builders.city_training(city, audience=())
    past = builders.training_session(training, hours_ahead=-1)
    client.force_login(member_of(city, "viewer"))
    response = client.post(_session_url(city, past), {"action": "register"}, follow=True)
    assert "registration is closed" in response.text
    staff = Membership.objects.for_city(city).filter(role="staff").first().user
    client.force_login(staff)
    for present in (["abc"], ["999999"]):
        response = client.post(
            _session_url(city, past), {"action": "checkin", "present": present}, follow=True
        )
        assert response.status_code == 200 and "reload the page" in response.text
    assert not Completion.objects.exists()


def test_check_in_completes_the_training_and_gives_a_certificate(client, city, member_of):
    training = builders.city_training(
        city, title="Facilitating Race Conversations", audience=("facilitator",)
    )
    session = builders.training_session(training)
    came, absent = member_of(city, "facilitator", full_name="Ada Lovelace"), member_of(city, "facilitator")
    regs = [
        services.registration_create(session=session, membership=_membership(city, u)) for u in (came, absent)
    ]
    staff = Membership.objects.for_city(city).filter(role="staff").first().user
    client.force_login(staff)
    page = client.get(_session_url(city, session)).text
    assert "Ada Lovelace" in page and "Save the check-in" in page
    client.post(_session_url(city, session), {"action": "checkin", "present": [regs[0].pk]})
    completion = Completion.objects.get()
    assert (completion.user, completion.role, completion.city) == (came, "facilitator", city)
    # Checking in again changes nothing.
    client.post(_session_url(city, session), {"action": "checkin", "present": [regs[0].pk]})
    assert Completion.objects.count() == 1
    url = reverse("trainings:certificate", args=[city.slug, completion.pk])
    client.force_login(came)
    page = client.get(url).text
    assert "Ada Lovelace" in page and "Facilitating Race Conversations" in page and city.name in page
    client.force_login(absent)
    assert client.get(url).status_code == 404
    client.force_login(member_of(city, "lead"))
    assert client.get(url).status_code == 200


def test_the_lead_sees_who_in_a_role_has_taken_a_training(client_as, city, other_city, member_of):
    training = builders.city_training(
        city, title="Facilitating Race Conversations", audience=("facilitator",)
    )
    session = builders.training_session(training)
    trained = [builders.trained(city, training, session=session)[0] for _ in range(3)]
    waiting = [member_of(city, "facilitator", full_name=f"Not Yet {i}") for i in range(2)]
    builders.trained(other_city, builders.city_training(other_city, audience=("facilitator",)))
    client = client_as(city, "lead")
    page = client.get(reverse("trainings:people", args=[city.slug])).text
    facilitators = (
        Membership.objects.for_city(city).filter(role="facilitator").values_list("user_id", flat=True)
    )
    done = Completion.objects.for_city(city).filter(training=training, user_id__in=facilitators).count()
    assert (done, len(facilitators)) == (3, 5)
    assert f"{done} of {len(facilitators)} facilitators have taken Facilitating Race Conversations" in page
    assert all(u.display_name in page for u in waiting)
    assert all(u.display_name in page for u in trained)
    assert other_city.name not in page
    assert AuditEvent.objects.filter(object_type="training people", city_id=city.pk).exists()


def test_another_citys_ids_are_not_found(client_as, city, other_city):
    theirs = builders.city_training(other_city, audience=())
    _, registration, completion = builders.trained(other_city, theirs)
    client = client_as(city, "lead")
    for url in [
        reverse("trainings:detail", args=[city.slug, theirs.pk]),
        reverse("trainings:session", args=[city.slug, registration.session_id]),
        reverse("trainings:survey", args=[city.slug, registration.session_id, "post"]),
        reverse("trainings:certificate", args=[city.slug, completion.pk]),
    ]:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"action": "register"}).status_code == 404, url
    assert Registration.objects.count() == 1


def test_city_staff_cannot_check_in_at_a_league_session(client, city, member_of):
    league = builders.league_training(audience=())
    session = builders.training_session(league)
    learner = member_of(city, "facilitator")
    registration = services.registration_create(session=session, membership=_membership(city, learner))
    client.force_login(member_of(city, "lead"))
    page = client.get(_session_url(city, session)).text
    assert learner.display_name in page and "the league checks them in" in page
    assert (
        client.post(
            _session_url(city, session), {"action": "checkin", "present": [registration.pk]}
        ).status_code
        == 404
    )
    assert not Completion.objects.exists()


def _answer(registration, kind, values):
    services.survey_answer(
        registration=registration, kind=kind, answers=dict(zip(survey.ITEM_KEYS, values, strict=True))
    )


def _half_up_mean(frame):
    """Means to one decimal, halves rounded up, from whole-number sums (exact at a half)."""
    return (frame.sum() * 10 / len(frame) + 0.5).apply(math.floor) / 10


def test_survey_results_only_from_five_answers(client, city, other_city, member_of):
    """7 answers after the training in one city, 4 in another: the first city's lead sees the means of
    the first 5, the second's sees nothing; the curator sees the network's first 10 of 11."""
    league = builders.league_training(title="Facilitating Race Conversations", audience=())
    session = builders.training_session(league, capacity=30)
    given = {city.pk: [], other_city.pk: []}
    for c, n in ((city, 7), (other_city, 4)):
        for i in range(n):
            _, registration, _ = builders.trained(c, league, session=session)
            values = [(i * 3 + k) % 5 + 1 for k in range(len(survey.ITEM_KEYS))]
            _answer(registration, "post", values)
            given[c.pk].append(values)
    # Nothing ties an answer to a person.
    assert {f.name for f in SurveyResponse._meta.get_fields()} == {
        "id",
        "city",
        "training",
        "kind",
        "answers",
    }
    frame = pd.DataFrame(
        [
            {"city": c, **dict(zip(survey.ITEM_KEYS, v, strict=True))}
            for c in (city.pk, other_city.pk)
            for v in given[c]
        ]
    )
    first_city = _half_up_mean(frame[frame.city == city.pk][list(survey.ITEM_KEYS)].iloc[:5])

    client.force_login(member_of(city, "lead"))
    page = client.get(reverse("trainings:detail", args=[city.slug, league.pk])).text
    assert "mean of 5 of 7 answers" in page
    for key, label in survey.ITEMS:
        row = page[page.index(label) :][:400]
        assert f"{first_city[key]:.1f}" in row, key

    client.force_login(member_of(other_city, "lead"))
    page = client.get(reverse("trainings:detail", args=[other_city.slug, league.pk])).text
    assert "Not shown: fewer than 5 answers" in page and "after: 4" in page
    assert "mean of" not in page

    # The network: answers in the order they came in (ids), the first 10 of 11.
    ordered = pd.DataFrame(
        list(SurveyResponse.objects.filter(kind="post").order_by("id").values_list("answers", flat=True))
    )
    network = _half_up_mean(ordered.iloc[:10])
    client.force_login(builders.shared_curator())
    page = client.get(reverse("trainings:network_training", args=[league.pk])).text
    assert "mean of 10 of 11 answers" in page
    for key, label in survey.ITEMS:
        assert f"{network[key]:.1f}" in page[page.index(label) :][:400], key
    rows = {(r["city_id"], r["training_id"]): r["completions"] for r in selectors.completions_by_city()}
    assert rows == {(city.pk, league.pk): 7, (other_city.pk, league.pk): 4}


def test_the_survey_is_answered_once_and_at_the_right_time(client, city, member_of):
    training = builders.city_training(city, audience=())
    session = builders.training_session(training)
    learner = member_of(city, "viewer")
    registration = services.registration_create(session=session, membership=_membership(city, learner))
    client.force_login(learner)
    post_url = reverse("trainings:survey", args=[city.slug, session.pk, "post"])
    pre_url = reverse("trainings:survey", args=[city.slug, session.pk, "pre"])
    assert client.post(pre_url, {}).status_code == 400  # empty form: every item asked again
    full = dict.fromkeys(survey.ITEM_KEYS, "4")
    response = client.post(post_url, full)
    assert response.status_code == 400 and "opens once you are checked in" in response.text
    assert client.post(pre_url, full).status_code == 302
    assert (
        "already answered" in client.post(pre_url, full).text
        or "You have answered" in client.get(pre_url).text
    )
    assert SurveyResponse.objects.count() == 1
    assert client.get(reverse("trainings:survey", args=[city.slug, session.pk, "during"])).status_code == 404
    registration.refresh_from_db()
    assert registration.pre_survey_done and not registration.post_survey_done


def test_curators_offer_league_trainings_and_run_their_sessions(client, city, member_of):
    curator = builders.shared_curator()
    client.force_login(curator)
    assert client.post(reverse("trainings:network"), {}).status_code == 400
    response = client.post(
        reverse("trainings:network"),
        {"title": "REAL foundations", "format": "webinar", "length_minutes": "90", "audience_roles": []},
    )
    training = Training.objects.get(title="REAL foundations")
    assert response.status_code == 302 and training.is_league
    starts = timezone.localtime() + timedelta(hours=1)
    client.post(
        reverse("trainings:network_training", args=[training.pk]),
        {"starts_at": starts.strftime("%Y-%m-%dT%H:%M"), "ends_at": (starts + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
         "mode": "online", "online_link": "https://meet.example.org/x", "capacity": "50"},
    )  # fmt: skip
    session = Session.objects.get(training=training)
    learner = member_of(city, "staff")
    registration = services.registration_create(session=session, membership=_membership(city, learner))
    page = client.get(reverse("trainings:network_session", args=[session.pk])).text
    assert learner.display_name in page and city.name in page
    client.post(reverse("trainings:network_session", args=[session.pk]), {"present": [registration.pk]})
    assert Completion.objects.get().user == learner
    # A city's lead sees it on the city home and in the header.
    client.force_login(member_of(city, "lead"))
    home = client.get(reverse("cities:home", args=[city.slug])).text
    assert "Trainings" in home and "1 training completion in" in home


def test_who_has_taken_what_pages_its_members(client_as, city, member_of):
    for i in range(27):
        member_of(city, "viewer", full_name=f"Member {i:02d}")
    client = client_as(city, "lead")
    total = Membership.objects.for_city(city).count()
    url = reverse("trainings:people", args=[city.slug])
    first, second = client.get(url).text, client.get(url + "?page=2").text
    assert f"Page 1 of 2 ({total} in all)" in first
    shown = [f"Member {i:02d}" for i in range(27)]
    assert sum(name in first for name in shown) + sum(name in second for name in shown) == 27
    assert client.get(url + "?page=abc").status_code == 200


def test_pages_run_a_bounded_number_of_queries(client, city, other_city, member_of):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    league = builders.league_training(audience=("facilitator",))
    session = builders.training_session(league, capacity=50)
    lead = member_of(city, "lead")
    curator = builders.shared_curator()
    pages = [
        (lead, reverse("trainings:people", args=[city.slug])),
        (lead, reverse("trainings:index", args=[city.slug])),
        (lead, reverse("trainings:session", args=[city.slug, session.pk])),
        (curator, reverse("trainings:network")),
        (curator, reverse("trainings:network_session", args=[session.pk])),
    ]

    def counts():
        found = []
        for user, url in pages:
            client.force_login(user)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            found.append(len(queries))
        return found

    builders.trained(city, league, session=session)
    before = counts()
    for c in (city, other_city, city, other_city, city):
        builders.trained(c, league, session=session)
    builders.trained(other_city, builders.city_training(other_city, audience=("facilitator",)))
    assert counts() == before


def test_the_league_view_counts_each_citys_completions(client, city, other_city, member_of):
    """The curators' view across cities shows each city's completions, counted again here from the
    rows the test made; a city with none shows nothing, and no name appears."""
    training = builders.league_training()
    other = builders.league_training("Budgeting with a racial equity lens", audience=("staff",))
    people = [builders.trained(city, training, role="facilitator") for _ in range(3)]
    builders.trained(city, other, role="staff")
    curator = builders.shared_curator()
    client.force_login(curator)
    response = client.get(reverse("library:network"))
    assert response.status_code == 200
    view = response.context["view"]
    rows = {r.city.pk: r for r in view.rows}
    frame = pd.DataFrame(list(Completion.objects.values("city_id", "user_id", "training_id")))
    mine = frame[frame.city_id == city.pk]
    cell = rows[city.pk].cell("trainings")
    assert cell.value == len(mine) == 4
    assert cell.note == f"by {mine.user_id.nunique()} people in {mine.training_id.nunique()} trainings"
    assert other_city.pk not in set(frame.city_id) and rows[other_city.pk].cell("trainings") is None
    html = response.content.decode()
    assert "Trainings completed" in html
    for user, _registration, _completion in people:
        assert user.email not in html
