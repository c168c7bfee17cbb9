"""Planning pages: create, sessions, status moves, checklist, whose voices; and who may see them."""

import pytest
from django.urls import reverse

from conversations import services
from conversations.models import ChecklistItem, Conversation, ConversationStatus, Invitation, Registration
from relationships.services import stakeholder_create
from tests.builders import make_conversation

pytestmark = pytest.mark.django_db


def _pages(conversation):
    slug, pk = conversation.city.slug, conversation.pk
    session = conversation.sessions.first()
    return [
        reverse("conversations:detail", args=[slug, pk]),
        reverse("conversations:edit", args=[slug, pk]),
        reverse("conversations:checklist", args=[slug, pk]),
        reverse("conversations:voices", args=[slug, pk]),
        reverse("conversations:registrations", args=[slug, pk]),
        reverse("conversations:session_create", args=[slug, pk]),
        reverse("conversations:session_edit", args=[slug, pk, session.pk]),
        reverse("conversations:check_in", args=[slug, pk, session.pk]),
        reverse("conversations:report", args=[slug, pk, session.pk]),
    ]


def test_lead_plans_a_conversation_to_scheduled(client_as, city, member_of):
    client = client_as(city, "lead")
    facilitator = member_of(city, "facilitator")
    response = client.post(
        reverse("conversations:create", args=[city.slug]),
        {"title": "Faith and policing", "purpose": "Listen.", "capacity": "30", "facilitators": [facilitator.pk],
         "interpretation": "on", "interpretation_languages": "Spanish", "food": "on"},
    )
    assert response.status_code == 302
    conversation = Conversation.objects.get(city=city)
    assert list(conversation.facilitators.all()) == [facilitator]
    assert ChecklistItem.objects.filter(conversation=conversation).count() > 5
    # Scheduling without a session is refused with a clear message.
    status_url = reverse("conversations:set_status", args=[city.slug, conversation.pk])
    response = client.post(status_url, {"status": "scheduled"}, follow=True)
    assert "at least one session" in response.content.decode()
    response = client.post(
        reverse("conversations:session_create", args=[city.slug, conversation.pk]),
        {"date": "2031-03-04", "start_time": "18:00", "end_time": "20:00", "time_zone": "America/Detroit", "venue": "Hall"},
    )
    assert response.status_code == 302
    client.post(status_url, {"status": "scheduled"})
    conversation.refresh_from_db()
    assert conversation.status == "scheduled"
    page = client.get(reverse("conversations:detail", args=[city.slug, conversation.pk])).content.decode()
    assert conversation.public_id in page and "Interpretation (Spanish)" in page


def test_forbidden_move_through_the_page_changes_nothing(client_as, city):
    client = client_as(city, "staff")
    conversation = make_conversation(city, status=ConversationStatus.DRAFT)
    response = client.post(reverse("conversations:set_status", args=[city.slug, conversation.pk]), {"status": "reported"}, follow=True)
    assert "cannot become reported" in response.content.decode()
    conversation.refresh_from_db()
    assert conversation.status == "draft"


def test_bad_inputs_keep_what_was_typed(client_as, city, other_city, member_of):
    client = client_as(city, "lead")
    response = client.post(reverse("conversations:create", args=[city.slug]), {"title": "Kept title"})
    assert response.status_code == 400
    assert "Kept title" in response.content.decode()
    # Another city's facilitator cannot be chosen.
    foreign = member_of(other_city, "facilitator")
    response = client.post(
        reverse("conversations:create", args=[city.slug]),
        {"title": "T", "purpose": "P", "capacity": "5", "facilitators": [foreign.pk]},
    )
    assert response.status_code == 400 and not Conversation.objects.exists()
    conversation = make_conversation(city)
    response = client.post(
        reverse("conversations:session_create", args=[city.slug, conversation.pk]),
        {"date": "2031-03-04", "start_time": "20:00", "end_time": "18:00", "time_zone": "America/Detroit"},
    )
    assert response.status_code == 400
    assert "end after it starts" in response.content.decode()


def test_checklist_toggle_with_and_without_htmx(client_as, city):
    client = client_as(city, "staff")
    conversation = make_conversation(city)
    item = ChecklistItem.objects.filter(conversation=conversation).first()
    url = reverse("conversations:checklist_toggle", args=[city.slug, conversation.pk, item.pk])
    assert client.post(url).status_code == 302
    item.refresh_from_db()
    assert item.done_at is not None
    response = client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and f'id="item-{item.pk}"' in response.content.decode()
    assert "<html" not in response.content.decode()
    item.refresh_from_db()
    assert item.done_at is None
    assert client.get(reverse("conversations:checklist", args=[city.slug, conversation.pk])).status_code == 200


def test_whose_voices_shows_missing_groups_before_the_day(client_as, city, other_city):
    client = client_as(city, "lead")
    conversation = make_conversation(city, capacity=50)
    url = reverse("conversations:voices", args=[city.slug, conversation.pk])
    client.post(url, {"action": "targets", "youth": "3", "police": "2", "faith": "1"})
    pastor = stakeholder_create(city=city, name="Rev. Grace", group="faith")
    officer = stakeholder_create(city=city, name="Sgt. Cole", group="police")
    foreign = stakeholder_create(city=other_city, name="Elsewhere", group="youth")
    for s in (pastor, officer):
        client.post(url, {"action": "invite", "stakeholder": s.pk})
    response = client.post(url, {"action": "invite", "stakeholder": foreign.pk})
    assert response.status_code == 400
    assert Invitation.objects.filter(conversation=conversation).count() == 2
    services.registration_create(conversation=conversation, name="A", email="a@example.org", group="faith")
    services.registration_create(conversation=conversation, name="B", email="b@example.org", group="youth")
    page = client.get(url).content.decode()
    assert "Still missing before the day" in page
    assert "Youth (2 more)" in page and "Police officers (2 more)" in page
    assert "Faith leaders (" not in page.split("Still missing")[1].split("</div>")[0]


def test_viewer_and_other_city_get_404_on_every_page(client, city, other_city, member_of):
    conversation = make_conversation(city)
    pages = _pages(conversation)
    for who in (member_of(city, "viewer"), member_of(other_city, "lead"), member_of(city, "facilitator")):
        client.force_login(who)
        for url in pages:
            assert client.get(url).status_code == 404, (who, url)
    # Staff sees them all.
    client.force_login(member_of(city, "staff"))
    for url in pages:
        assert client.get(url).status_code == 200, url


def test_assigned_facilitator_reaches_check_in_and_report_but_not_planning(client, city, member_of):
    facilitator = member_of(city, "facilitator")
    conversation = make_conversation(city, facilitators=[facilitator])
    client.force_login(facilitator)
    slug, pk, sid = city.slug, conversation.pk, conversation.sessions.first().pk
    assert client.get(reverse("conversations:detail", args=[slug, pk])).status_code == 200
    assert client.get(reverse("conversations:check_in", args=[slug, pk, sid])).status_code == 200
    assert client.get(reverse("conversations:report", args=[slug, pk, sid])).status_code == 200
    for name in ("edit", "checklist", "voices", "registrations"):
        assert client.get(reverse(f"conversations:{name}", args=[slug, pk])).status_code == 404
    assert client.post(reverse("conversations:set_status", args=[slug, pk]), {"status": "held"}).status_code == 404


def test_list_filters_and_paginates_in_bounded_queries(client_as, city, django_assert_max_num_queries):
    client = client_as(city, "lead")
    for i in range(25):
        make_conversation(city, title=f"Conversation {i}", days_ahead=5 + i)
    past = make_conversation(city, title="Last month", days_ahead=-30)
    url = reverse("conversations:index", args=[city.slug])
    with django_assert_max_num_queries(12):
        response = client.get(url + "?when=upcoming")
    body = response.content.decode()
    assert "Conversation 0" in body and "Last month" not in body and "page 1 of 2" in body
    assert "Last month" in client.get(url + "?when=needs_report").content.decode()
    assert "Last month" in client.get(url + "?when=past").content.decode()
    assert "No conversation matches" in client.get(url + "?status=followed_up").content.decode()
    fragment = client.get(url + "?when=past", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and past.title in fragment
    with django_assert_max_num_queries(12):
        client.get(url + "?page=2")


def test_home_panel_lists_upcoming_conversations(client_as, city):
    client = client_as(city, "lead")
    make_conversation(city, title="Soon")
    body = client.get(reverse("cities:home", args=[city.slug])).content.decode()
    assert "Soon" in body and "Plan a conversation" in body


def test_writes_from_another_city_or_without_the_role_change_nothing(client, city, other_city, member_of):
    conversation = make_conversation(city)
    session = conversation.sessions.get()
    person = services.registration_create(conversation=conversation, name="Private Person", email="pp@example.org")
    report = services.report_save(session=session, author=None, attendance={})
    quote = services.quote_add(report=report, text="q", consent=True)
    item = ChecklistItem.objects.filter(conversation=conversation).first()
    slug, pk = city.slug, conversation.pk
    posts = [
        (reverse("conversations:set_status", args=[slug, pk]), {"status": "cancelled"}),
        (reverse("conversations:registration_cancel", args=[slug, pk, person.pk]), {}),
        (reverse("conversations:check_in_toggle", args=[slug, pk, session.pk, person.pk]), {"present": "1"}),
        (reverse("conversations:check_in", args=[slug, pk, session.pk]), {"name": "Intruder"}),
        (reverse("conversations:quote_review", args=[slug, pk, quote.pk]), {"action": "review"}),
        (reverse("conversations:checklist_toggle", args=[slug, pk, item.pk]), {}),
        (reverse("conversations:session_delete", args=[slug, pk, session.pk]), {}),
        (reverse("conversations:report", args=[slug, pk, session.pk]), {"action": "submit"}),
    ]
    for who in (member_of(other_city, "lead"), member_of(city, "viewer"), member_of(city, "facilitator")):
        client.force_login(who)
        for url, data in posts:
            assert client.post(url, data).status_code == 404, (who, url)
        # The same ids under the other city's slug: 404 too.
        assert client.get(reverse("conversations:registrations", args=[other_city.slug, pk])).status_code == 404
    conversation.refresh_from_db()
    person.refresh_from_db()
    quote.refresh_from_db()
    item.refresh_from_db()
    assert conversation.status == "scheduled" and person.status == "confirmed" and not quote.reviewed
    assert item.done_at is None and not session.check_ins.exists()
    assert not Registration.objects.filter(name="Intruder").exists()


def test_participants_are_invisible_to_the_public_and_other_cities(client, city, other_city, member_of):
    conversation = make_conversation(city)
    services.registration_create(conversation=conversation, name="Hidden Name", email="hidden@example.org")
    feed = services.calendar_feed_get(city=city)
    public = [
        reverse("conversations:public_register", args=[city.slug, conversation.public_id]),
        reverse("conversations:calendar_feed", args=[city.slug, feed.token]),
    ]
    for url in public:
        body = client.get(url).content.decode()
        assert "Hidden Name" not in body and "hidden@example.org" not in body
    client.force_login(member_of(other_city, "lead"))
    body = client.get(reverse("conversations:index", args=[other_city.slug])).content.decode()
    assert conversation.title not in body


def test_a_conversation_follows_a_published_library_guide_and_guides_are_suggested(client_as, city):
    from library.models import Kind, ResourceStatus, Topic
    from tests.builders import resource as library_resource

    def resource(title, status, kind=Kind.GUIDE):
        return library_resource(title, status, kind=kind, summary="s", topics=[Topic.CONVERSATIONS])

    published = resource("Guide to conversations on race", ResourceStatus.PUBLISHED)
    draft = resource("Unpublished guide", ResourceStatus.DRAFT)
    client = client_as(city, "lead")
    page = client.get(reverse("conversations:create", args=[city.slug])).content.decode()
    assert "Suggested guides" in page and published.title in page and draft.title not in page
    data = {"title": "T", "purpose": "P", "capacity": "10"}
    assert client.post(reverse("conversations:create", args=[city.slug]), {**data, "guide": draft.pk}).status_code == 400
    assert client.post(reverse("conversations:create", args=[city.slug]), {**data, "guide": published.pk}).status_code == 302
    conversation = Conversation.objects.get(city=city)
    assert conversation.guide == published
    assert published.title in client.get(reverse("conversations:detail", args=[city.slug, conversation.pk])).content.decode()


def test_invited_stakeholders_contact_details_only_with_consent(client_as, city):
    from django.utils import timezone

    client = client_as(city, "lead")
    conversation = make_conversation(city)
    agreed = stakeholder_create(city=city, name="Agreed", group="faith", email="agreed@example.org", consent_given_at=timezone.now())
    withdrawn = stakeholder_create(city=city, name="Withdrawn", group="youth", email="withdrawn@example.org",
                                   consent_given_at=timezone.now(), consent_withdrawn_at=timezone.now())
    for s in (agreed, withdrawn):
        services.invitation_create(conversation=conversation, stakeholder=s, by=None)
    page = client.get(reverse("conversations:voices", args=[city.slug, conversation.pk])).content.decode()
    assert "agreed@example.org" in page and "withdrawn@example.org" not in page
    assert "Contact details hidden" in page
