"""URL map entries for the conversations pages (see tests/urlmap.py).

Every builder makes, inside the given city, a scheduled conversation with everything its pages can
show: a session, a checklist, a voice target and an invitation, a confirmed registration, one on
the waitlist, a walk-in checked in, a report with a consented quote and a commitment, feedback, a
campaign the city pledged to, and the city's calendar feed. Every facilitator of the city at build
time is assigned, so that the walk (which creates its member before building) can open the pages.
"""

from datetime import date, time, timedelta

from tests.urlmap_types import Route


def full_conversation(city) -> dict:
    """A scheduled conversation of `city` with one of everything; returns the ids pages need."""
    from cities.models import Membership, Role
    from conversations import services
    from conversations.models import (
        Campaign,
        CheckIn,
        CityPledge,
        ConversationStatus,
        Registration,
        RegistrationStatus,
    )
    from relationships.services import stakeholder_create

    facilitators = [m.user for m in Membership.objects.for_city(city).filter(role=Role.FACILITATOR).select_related("user")]
    today = date.today()
    campaign = Campaign.objects.create(
        title=f"Conversations campaign {city.slug}",
        description="One hundred conversations on race, justice and policing.",
        goal=100,
        starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=300),
    )
    CityPledge.objects.create(campaign=campaign, city=city, count=5)
    conversation = services.conversation_create(
        city=city,
        created_by=None,
        title="Youth and police",
        purpose="Listen to young people about stops in their neighbourhood.",
        capacity=1,
        campaign=campaign,
        facilitators=facilitators,
    )
    session = services.session_save(
        conversation=conversation,
        date=today + timedelta(days=10),
        start_time=time(18, 0),
        end_time=time(20, 0),
        venue="Library hall",
    )
    services.conversation_set_status(conversation=conversation, status=ConversationStatus.SCHEDULED, by=None)
    item = conversation.checklist.order_by("position").first()
    services.voice_targets_set(conversation=conversation, targets={"youth": 3, "police": 2})
    stakeholder = stakeholder_create(city=city, name="Rev. Grace", group="faith")
    invitation = services.invitation_create(conversation=conversation, stakeholder=stakeholder, by=None)
    # Written directly (as the demo does) so that building queues no confirmation email.
    common = {"city": city, "conversation": conversation, "language": "Spanish", "access_notes": "Ramp please"}
    confirmed = Registration.objects.create(
        name="Ana Diaz",
        email=f"ana-{city.slug}@example.org",
        phone="555-0100",
        group="youth",
        status=RegistrationStatus.CONFIRMED,
        access_needs=["asl"],
        consent_to_contact=True,
        consent_wording=services.CONSENT_WORDING,
        **common,
    )
    waitlisted = Registration.objects.create(
        name="Ben Okafor", email=f"ben-{city.slug}@example.org", status=RegistrationStatus.WAITLISTED, **common
    )
    CheckIn.objects.create(city=city, session=session, registration=confirmed, by=None)
    services.walk_in_create(session=session, name="Door Person", group="faith", by=None)
    report = services.report_save(
        session=session,
        author=None,
        attendance={"youth": 4},
        themes=["stops", "trust"],
        what_was_heard="Young people feel watched.",
        tensions="Who calls the police.",
        next_steps="Meet again in spring.",
    )
    quote = services.quote_add(report=report, text="They stop us twice a week.", speaker_group="youth", consent=True)
    services.report_commitment_add(
        report=report, by=None, what="Publish stop data monthly", owed_by="Police chief", due_date=today + timedelta(days=60)
    )
    for _ in range(5):  # enough answers for the averages to show
        services.feedback_create(
            conversation=conversation, felt_heard=4, trust_police_before=2, trust_police_after=3,
            trust_city_before=2, trust_city_after=3, group="youth",
        )
    feed = services.calendar_feed_get(city=city)
    return {
        "pk": conversation.pk,
        "session_id": session.pk,
        "item_id": item.pk,
        "invitation_id": invitation.pk,
        "registration_id": confirmed.pk,
        "waitlisted_id": waitlisted.pk,
        "quote_id": quote.pk,
        "campaign_id": campaign.pk,
        "public_id": conversation.public_id,
        "cancel_token": confirmed.cancel_token,
        "feedback_token": conversation.feedback_token,
        "feed_token": feed.token,
    }


def _pick(*names):
    def build(city):
        ids = full_conversation(city)
        return {name: ids[name] for name in names}

    return build


def _token(id_name):
    def build(city):
        return {"token": full_conversation(city)[id_name]}

    return build


def _campaign(city) -> dict:
    return {"campaign_id": full_conversation(city)["campaign_id"]}


ROUTES = [
    Route("conversations:index", _pick()),
    Route("conversations:create"),
    Route("conversations:calendar", _pick()),
    Route("conversations:campaign", _campaign),
    Route("conversations:detail", _pick("pk")),
    Route("conversations:edit", _pick("pk")),
    Route("conversations:set_status", _pick("pk"), walk=False),
    Route("conversations:session_create", _pick("pk")),
    Route("conversations:session_edit", _pick("pk", "session_id")),
    Route("conversations:session_delete", _pick("pk", "session_id"), walk=False),
    Route("conversations:checklist", _pick("pk")),
    Route("conversations:checklist_item", _pick("pk", "item_id")),
    Route("conversations:checklist_toggle", _pick("pk", "item_id"), walk=False),
    Route("conversations:voices", _pick("pk")),
    Route("conversations:invitation_response", _pick("pk", "invitation_id"), walk=False),
    Route("conversations:registrations", _pick("pk")),
    Route("conversations:registration_cancel", _pick("pk", "registration_id"), walk=False),
    Route("conversations:check_in", _pick("pk", "session_id")),
    Route("conversations:check_in_toggle", _pick("pk", "session_id", "registration_id"), walk=False),
    Route("conversations:report", _pick("pk", "session_id")),
    Route("conversations:quote_review", _pick("pk", "quote_id"), walk=False),
    # Public pages: the builder's secret ids answer under their own city's slug only.
    Route("conversations:public_register", _pick("public_id"), kind="public"),
    Route("conversations:public_cancel", _token("cancel_token"), kind="public"),
    Route("conversations:public_feedback", _token("feedback_token"), kind="public"),
    Route("conversations:calendar_feed", _token("feed_token"), kind="public", walk=False),
    # The curators' network view. Not walked by the shared walk (it visits pages as city members,
    # to whom these answer 404); tests/browser/test_conversations.py walks them as a curator.
    Route("conversations:network", _pick(), kind="curator", walk=False),
    Route("conversations:network_campaign", _campaign, kind="curator", walk=False),
]
