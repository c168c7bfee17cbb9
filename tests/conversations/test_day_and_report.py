"""The day (check-in, walk-ins) and the facilitator's report, quotes, commitments and feedback."""

import pytest
from django.urls import reverse

from conversations import selectors, services
from conversations.models import CheckIn, FacilitatorReport, Feedback, Quote, Registration, ReportCommitment
from relationships.models import Commitment
from tests.builders import make_conversation

pytestmark = pytest.mark.django_db


def _urls(conversation):
    session = conversation.sessions.first()
    slug, pk = conversation.city.slug, conversation.pk
    return session, reverse("conversations:check_in", args=[slug, pk, session.pk]), reverse(
        "conversations:report", args=[slug, pk, session.pk]
    )


def test_check_in_and_walk_ins_with_and_without_htmx(client, city, member_of):
    facilitator = member_of(city, "facilitator")
    conversation = make_conversation(city, facilitators=[facilitator])
    ana = services.registration_create(conversation=conversation, name="Ana Diaz", email="ana@example.org")
    session, url, _ = _urls(conversation)
    client.force_login(facilitator)
    body = client.get(url).content.decode()
    assert "Ana Diaz" in body and "Present: 0" in body
    toggle = reverse("conversations:check_in_toggle", args=[city.slug, conversation.pk, session.pk, ana.pk])
    assert client.post(toggle, {"present": "1"}).status_code == 302
    assert CheckIn.objects.filter(session=session, registration=ana).exists()
    # Twice is still once.
    fragment = client.post(toggle, {"present": "1"}, HTTP_HX_REQUEST="true").content.decode()
    assert CheckIn.objects.filter(session=session).count() == 1
    assert "<html" not in fragment and "Present: 1" in fragment
    client.post(toggle, {"present": "0"})
    assert not CheckIn.objects.filter(session=session).exists()
    # Walk-ins: without JS (redirect) and with htmx (the roster comes back).
    assert client.post(url, {"name": "Walk In One", "group": "youth"}).status_code == 302
    fragment = client.post(url, {"name": "", "group": ""}, HTTP_HX_REQUEST="true").content.decode()
    assert "Walk In One" in fragment and "Walk-in" in fragment and "Present: 2" in fragment
    assert Registration.objects.filter(conversation=conversation, walk_in=True).count() == 2
    # Search narrows the list.
    assert "Ana Diaz" not in client.get(url + "?q=walk").content.decode()


def test_walk_ins_do_not_take_registered_seats(city):
    conversation = make_conversation(city, capacity=1)
    session = conversation.sessions.first()
    services.walk_in_create(session=session, name="Door", by=None)
    assert services.registration_create(conversation=conversation, name="R", email="r@example.org").status == "confirmed"


def test_report_by_assigned_facilitator_makes_tracked_commitments(client, city, member_of):
    facilitator = member_of(city, "facilitator")
    conversation = make_conversation(city, facilitators=[facilitator], days_ahead=-2, title="Youth voices")
    session, _, url = _urls(conversation)
    client.force_login(facilitator)
    response = client.post(url, {"action": "save", "count_youth": "12", "count_police": "3", "unnamed_attendance": "2",
                                 "themes": "Traffic stops, trust , traffic stops", "what_was_heard": "Stops feel random."})
    assert response.status_code == 302
    report = FacilitatorReport.objects.get(session=session)
    assert report.attendance == {"youth": 12, "police": 3} and report.total_attendance == 17
    assert report.themes == ["traffic stops", "trust"] and report.submitted_at is None
    client.post(url, {"action": "commitment", "what": "Publish stop data monthly", "owed_by": "Police chief", "due_date": "2031-01-31"})
    link = ReportCommitment.objects.get(report=report)
    commitment = Commitment.objects.get(pk=link.commitment_id)
    assert commitment.city == city
    assert commitment.source_label == f"Conversation: Youth voices, {session.date:%-d %B %Y}"
    assert commitment.source_url == reverse("conversations:detail", args=[city.slug, conversation.pk])
    client.post(url, {"action": "submit", "count_youth": "12", "count_police": "3", "what_was_heard": "Stops feel random."})
    report.refresh_from_db()
    conversation.refresh_from_db()
    assert report.submitted_at is not None and conversation.status == "reported"
    # A bad count is refused and what was typed is kept.
    response = client.post(url, {"action": "save", "count_youth": "-4", "what_was_heard": "Kept words"})
    assert response.status_code == 400 and "Kept words" in response.content.decode()


def test_unassigned_facilitator_gets_404_on_the_report(client, city, member_of):
    assigned, other = member_of(city, "facilitator"), member_of(city, "facilitator")
    conversation = make_conversation(city, facilitators=[assigned])
    _, check_in, url = _urls(conversation)
    client.force_login(other)
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "submit"}).status_code == 404
    assert client.get(check_in).status_code == 404
    assert not FacilitatorReport.objects.exists()
    client.force_login(member_of(city, "lead"))
    assert client.get(url).status_code == 200


def test_quotes_without_consent_are_never_shown(client, city, member_of):
    lead = member_of(city, "lead")
    conversation = make_conversation(city, days_ahead=-1)
    session = conversation.sessions.first()
    report = services.report_save(session=session, author=lead, attendance={"youth": 5}, submit=True)
    secret = services.quote_add(report=report, text="Never share this sentence", consent=False)
    pending = services.quote_add(report=report, text="Waiting for review words", consent=True)
    shared = services.quote_add(report=report, text="We want to be heard", consent=True, speaker_group="youth")
    services.quote_review(quote=shared, by=lead)
    with pytest.raises(Exception, match="never be shared"):
        services.quote_review(quote=secret, by=lead)
    assert list(selectors.shareable_quotes(conversation=conversation)) == [shared]
    client.force_login(lead)
    detail = client.get(reverse("conversations:detail", args=[city.slug, conversation.pk])).content.decode()
    assert "We want to be heard" in detail
    assert "Never share this sentence" not in detail and "Waiting for review words" not in detail
    # Reviewing a quote without consent through the page is refused.
    response = client.post(reverse("conversations:quote_review", args=[city.slug, conversation.pk, secret.pk]), follow=True)
    assert "never be shared" in response.content.decode()
    assert not Quote.objects.get(pk=secret.pk).reviewed
    assert pending.pk


def test_feedback_is_anonymous_and_shown_only_from_five_responses(client, city, member_of):
    conversation = make_conversation(city, days_ahead=-1)
    services.conversation_set_status(conversation=conversation, status="held", by=None)
    url = reverse("conversations:public_feedback", args=[city.slug, conversation.feedback_token])
    answers = {"felt_heard": "4", "trust_police_before": "2", "trust_police_after": "3", "trust_city_before": "2",
               "trust_city_after": "4", "group": "youth"}
    lead = member_of(city, "lead")
    detail = reverse("conversations:detail", args=[city.slug, conversation.pk])
    for i in range(4):
        assert client.post(url, answers).status_code == 200
    assert selectors.feedback_summary(conversation=conversation) == {"responses": 4, "shown": False, "minimum": 5}
    client.force_login(lead)
    assert "Results appear once at least 5" in client.get(detail).content.decode()
    client.logout()
    client.post(url, {**answers, "felt_heard": "5"})
    summary = selectors.feedback_summary(conversation=conversation)
    assert summary["shown"] and summary["responses"] == 5 and summary["felt_heard"] == 4.2
    client.force_login(lead)
    assert "5 anonymous responses" in client.get(detail).content.decode()
    assert client.post(url, {"felt_heard": "9"}).status_code == 400
    assert Feedback.objects.count() == 5
    assert selectors.trust_feedback_by_dimension(city)[("group", "youth")] == {"trust_police": 3.0, "trust_city": 4.0, "responses": 5}


def test_feedback_closed_before_the_conversation_and_unknown_token_404(client, city):
    conversation = make_conversation(city, status="draft")
    url = reverse("conversations:public_feedback", args=[city.slug, conversation.feedback_token])
    assert "opens once" in client.get(url).content.decode()
    assert client.get(reverse("conversations:public_feedback", args=[city.slug, "nope"])).status_code == 404


def test_trust_feedback_reaches_the_relationships_hook(city):
    from relationships.hooks import trust_feedback

    conversation = make_conversation(city, days_ahead=-1, district="Eastside")
    services.conversation_set_status(conversation=conversation, status="held", by=None)
    for _ in range(4):
        services.feedback_create(conversation=conversation, felt_heard=4, trust_police_before=2, trust_police_after=3,
                                 trust_city_before=2, trust_city_after=4, group="youth")
    assert ("district", "Eastside") not in trust_feedback(city)  # fewer than five: nothing
    services.feedback_create(conversation=conversation, felt_heard=4, trust_police_before=2, trust_police_after=4,
                             trust_city_before=2, trust_city_after=4, group="faith")
    data = trust_feedback(city)
    assert data[("district", "Eastside")] == {"trust_police": 3.2, "trust_city": 4.0, "responses": 5}
    assert ("group", "faith") not in data
