"""Demo content: a national campaign with pledges, and in each demo city conversations in every
status, with registrations (and a waitlist), check-ins, reports, quotes, commitments and feedback.

Idempotent: a conversation that already exists (same city and title) is left as it is.
Registrations are written directly (not through the public service) so that no email is queued.
"""

from datetime import date, time, timedelta

from django.utils import timezone

from relationships.models import Stakeholder, StakeholderGroup
from relationships.services import stakeholder_create

from . import selectors, services
from .models import Campaign, CheckIn, Conversation, Feedback, Registration, RegistrationStatus

CAMPAIGN_TITLE = "100 Conversations on Race, Justice, Policing and Equality"

DEMO_STAKEHOLDERS = [
    ("Greater Hope Baptist Church", "organisation", StakeholderGroup.FAITH),
    ("Youth Justice Coalition", "organisation", StakeholderGroup.ADVOCACY),
    ("Eastside Neighbourhood Association", "organisation", StakeholderGroup.NEIGHBOURHOOD),
    ("Lt. Maria Torres", "person", StakeholderGroup.POLICE),
    ("Coach Darnell Price", "person", StakeholderGroup.COACHES),
]

PEOPLE = [
    ("Aisha Johnson", StakeholderGroup.BLACK_RESIDENTS, "English", ["childcare"]),
    ("Luis Herrera", StakeholderGroup.LATINO_RESIDENTS, "Spanish", ["interpretation"]),
    ("Mai Nguyen", StakeholderGroup.API_RESIDENTS, "Vietnamese", ["interpretation"]),
    ("Tom Redcloud", StakeholderGroup.NATIVE_RESIDENTS, "English", []),
    ("Jordan Ellis", StakeholderGroup.YOUTH, "English", ["transit"]),
    ("Pastor Ruth Adams", StakeholderGroup.FAITH, "English", ["step_free"]),
    ("Officer Ken Brooks", StakeholderGroup.POLICE, "English", []),
    ("Grace Kim", StakeholderGroup.EDUCATION, "English", ["dietary"]),
    ("Sam Okafor", StakeholderGroup.BUSINESS, "English", []),
    ("Rosa Delgado", StakeholderGroup.LATINO_RESIDENTS, "Spanish", ["childcare", "interpretation"]),
]


def _stakeholders(city, by) -> list[Stakeholder]:
    existing = list(Stakeholder.objects.for_city(city)[:12])
    if existing:
        return existing
    now = timezone.now()
    return [
        stakeholder_create(
            city=city,
            created_by=by,
            name=name,
            kind=kind,
            group=group,
            email=f"contact{i}@{city.slug}.example",
            consent_given_at=now if i % 2 == 0 else None,
            consent_wording="Agreed to be contacted about community conversations." if i % 2 == 0 else "",
        )
        for i, (name, kind, group) in enumerate(DEMO_STAKEHOLDERS)
    ]


def _register(conversation, people, *, waitlist_from: int | None = None) -> list[Registration]:
    now = timezone.now()
    rows = []
    for i, (name, group, language, needs) in enumerate(people):
        waitlisted = waitlist_from is not None and i >= waitlist_from
        rows.append(
            Registration(
                city=conversation.city,
                conversation=conversation,
                name=name,
                email=f"{name.split()[-1].lower()}.{i}@residents.example",
                group=group,
                language=language,
                access_needs=needs,
                status=RegistrationStatus.WAITLISTED if waitlisted else RegistrationStatus.CONFIRMED,
                consent_to_contact=i % 3 != 0,
                consent_wording=services.CONSENT_WORDING if i % 3 != 0 else "",
                consent_at=now if i % 3 != 0 else None,
            )
        )
    return Registration.objects.bulk_create(rows)


def _conversation(city, title, *, by, facilitator, campaign, days, purpose, district="", capacity=40, **extra):
    conversation = services.conversation_create(
        city=city,
        created_by=by,
        facilitators=[facilitator] if facilitator else [],
        title=title,
        purpose=purpose,
        district=district,
        capacity=capacity,
        campaign=campaign,
        **extra,
    )
    services.session_save(
        conversation=conversation,
        date=date.today() + timedelta(days=days),
        start_time=time(18, 0),
        end_time=time(20, 0),
        venue="Central Library, Community Room",
        address="100 Main Street",
    )
    return conversation


def _report(conversation, *, author, lead, feedback: int):
    session = conversation.sessions.first()
    people = _register(conversation, PEOPLE[:8])
    CheckIn.objects.bulk_create(CheckIn(city=conversation.city, session=session, registration=r) for r in people[:7])
    services.walk_in_create(session=session, name="Walk-in neighbour", group=StakeholderGroup.COMMUNITY_LEADERS, by=author)
    report = services.report_save(
        session=session,
        author=author,
        attendance={"black_residents": 4, "latino_residents": 3, "youth": 5, "police": 2, "faith": 2},
        unnamed_attendance=3,
        themes=["traffic stops", "youth and police", "trust", "language access"],
        what_was_heard="Young people described being stopped repeatedly on the way to school. Officers "
        "spoke about staffing and said they rarely meet residents outside a call.",
        tensions="Some participants doubted that anything would change after earlier listening sessions.",
        next_steps="An action forum in three weeks to agree on two or three concrete steps.",
        submit=True,
    )
    quote = services.quote_add(
        report=report, text="I want an officer to know my name before anything goes wrong.", consent=True,
        speaker_group=StakeholderGroup.YOUTH,
    )
    services.quote_review(quote=quote, by=lead)
    services.quote_add(report=report, text="(Not for sharing: the speaker did not agree.)", consent=False)
    services.report_commitment_add(
        report=report, what="Publish traffic stop data by race every quarter", owed_by="Police chief's office",
        owed_to="Participants of the conversation", due_date=date.today() + timedelta(days=60), by=lead,
    )
    services.report_commitment_add(
        report=report, what="Hold a monthly open gym with officers and youth", owed_by="Parks and Recreation",
        due_date=date.today() + timedelta(days=30), by=lead,
    )
    scores = [(4, 2, 3, 2, 3), (5, 1, 3, 2, 4), (3, 3, 3, 3, 3), (4, 2, 4, 3, 4), (5, 2, 3, 2, 3), (4, 3, 4, 3, 4)]
    Feedback.objects.bulk_create(
        Feedback(
            city=conversation.city, conversation=conversation, group=[StakeholderGroup.YOUTH, StakeholderGroup.BLACK_RESIDENTS][i % 2],
            felt_heard=a, trust_police_before=b, trust_police_after=c, trust_city_before=d, trust_city_after=e,
        )
        for i, (a, b, c, d, e) in enumerate(scores[:feedback])
    )
    return report


def seed(ctx: dict) -> None:
    curator = ctx["curator"]
    today = date.today()
    campaign, _ = Campaign.objects.get_or_create(
        title=CAMPAIGN_TITLE,
        defaults={
            "description": "A national call on cities to convene community conversations on race, justice, "
            "policing and equality, and to report what they heard and what they will do.",
            "goal": 100,
            "starts_on": date(today.year, 1, 1),
            "ends_on": date(today.year, 12, 31),
            "created_by": curator,
        },
    )
    for slug, city in ctx["cities"].items():
        lead = ctx["users"][(slug, "lead")]
        facilitator = ctx["users"][(slug, "facilitator")]
        services.pledge_set(campaign=campaign, city=city, count=6 if slug.startswith("riverton") else 4, by=lead)
        stakeholders = _stakeholders(city, lead)
        if Conversation.objects.for_city(city).exists():
            continue
        guides = selectors.suggested_guides(limit=1)
        common = {"by": lead, "facilitator": facilitator, "campaign": campaign, "guide": guides[0] if guides else None}

        draft = _conversation(
            city, "Faith leaders and police: first circle", days=45, district="Northside",
            purpose="Bring faith leaders and officers together before any crisis.", **common,
        )
        services.voice_targets_set(conversation=draft, targets={"faith": 6, "police": 4})

        scheduled = _conversation(
            city, "Youth, school and the street", days=9, district="Eastside", capacity=8,
            purpose="Hear young people and school staff about stops near schools, and what would help.",
            title_es="Jóvenes, escuela y calle",
            purpose_es="Escuchar a jóvenes y al personal escolar sobre las paradas policiales cerca de las escuelas, y qué ayudaría.",
            interpretation=True, interpretation_languages="Spanish, Vietnamese", childcare=True, step_free=True,
            food=True, **common,
        )
        services.conversation_set_status(conversation=scheduled, status="scheduled", by=lead)
        services.voice_targets_set(
            conversation=scheduled,
            targets={"youth": 6, "education": 3, "police": 3, "latino_residents": 4, "native_residents": 2, "media": 1},
        )
        for stakeholder in stakeholders[:4]:
            services.invitation_create(conversation=scheduled, stakeholder=stakeholder, by=lead)
        _register(scheduled, PEOPLE, waitlist_from=8)

        held = _conversation(
            city, "Trust after the Elm Street incident", days=-5, district="Eastside",
            purpose="Listen to residents after a use-of-force incident.", **common,
        )
        services.conversation_set_status(conversation=held, status="scheduled", by=lead)
        _register(held, PEOPLE[:5])
        services.conversation_set_status(conversation=held, status="held", by=lead)

        reported = _conversation(
            city, "Race, justice and policing: a city-wide conversation", days=-20, district="Downtown",
            purpose="The first city-wide conversation of the campaign.", asl=True, transit=True, **common,
        )
        services.conversation_set_status(conversation=reported, status="scheduled", by=lead)
        _report(reported, author=facilitator, lead=lead, feedback=6)

        followed = _conversation(
            city, "Neighbourhood safety walk and talk", days=-60, district="Northside",
            purpose="Walk the neighbourhood with officers, then talk.", **common,
        )
        services.conversation_set_status(conversation=followed, status="scheduled", by=lead)
        _report(followed, author=facilitator, lead=lead, feedback=3)
        services.conversation_set_status(conversation=followed, status="followed_up", by=lead)

        cancelled = _conversation(
            city, "Business owners and policing (postponed)", days=14,
            purpose="Postponed until the venue is accessible.", **common,
        )
        services.conversation_set_status(conversation=cancelled, status="cancelled", by=lead)
        services.calendar_feed_get(city=city)
