"""The test kit: one module of builders for the records tests need, beside the URL map.

Builders go through the apps' own services (the same path a user's request takes), so a test never
writes a status or a derived field by hand. Each app has its section below.
"""

import functools
import itertools
import tempfile
from datetime import date, time, timedelta
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

# ----------------------------------------------------------------------------------------- cities


def member(city, role: str = "staff", **user_fields):
    """A new person with `role` in `city` (the `member_of` fixture)."""
    from tests.factories import MembershipFactory, UserFactory

    user = UserFactory(**user_fields)
    MembershipFactory(user=user, city=city, role=role)
    return user


def pending_invitation(city, *, email: str = "", token: str = "known-token", role: str = "staff", **fields):
    """An invitation whose secret link is `token`, pending for a week.

    Written directly: the invitation service draws a secret nobody can know and emails it, while a test
    of the link needs to hold it; only the link's hash is stored, as the service stores it."""
    from datetime import timedelta

    from django.utils import timezone

    from cities import services
    from cities.models import Invitation

    return Invitation.objects.create(
        city=city,
        email=email or f"invitee-{city.slug}@example.org",
        role=role,
        token_hash=services._hash_token(token),
        expires_at=timezone.now() + timedelta(days=7),
        **fields,
    )


# ---------------------------------------------------------------------------------- conversations


def make_conversation(city, *, by=None, capacity=10, status="scheduled", days_ahead=10, **fields):
    """A conversation with one evening session `days_ahead` days from today, scheduled (or a draft)."""
    from conversations import services
    from conversations.models import ConversationStatus

    conversation = services.conversation_create(
        city=city,
        created_by=by,
        title=fields.pop("title", "Youth and police"),
        purpose=fields.pop("purpose", "Listen to young people about stops in their neighbourhood."),
        capacity=capacity,
        **fields,
    )
    day = date.today() + timedelta(days=days_ahead)
    services.session_save(
        conversation=conversation,
        date=day,
        start_time=time(18, 0),
        end_time=time(20, 0),
        venue="Library hall",
    )
    if status != ConversationStatus.DRAFT:
        services.conversation_set_status(
            conversation=conversation, status=ConversationStatus.SCHEDULED, by=by
        )
    return conversation


def full_conversation(city) -> dict:
    """A scheduled conversation of `city` with one of everything its pages can show; returns the ids.

    A session, a checklist, a voice target and an invitation, a confirmed registration, one on the
    waitlist, a walk-in checked in, a report with a consented quote and a commitment, feedback, a
    campaign the city pledged to, and the city's calendar feed. Every facilitator of the city at build
    time is assigned."""
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

    facilitators = [
        m.user for m in Membership.objects.for_city(city).filter(role=Role.FACILITATOR).select_related("user")
    ]
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
    # Written directly (as the demo does) so that building queues no confirmation email: the page walks
    # run with a live worker, which would send it into a later test's outbox.
    common = {
        "city": city,
        "conversation": conversation,
        "language": "Spanish",
        "access_notes": "Ramp please",
    }
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
        name="Ben Okafor",
        email=f"ben-{city.slug}@example.org",
        status=RegistrationStatus.WAITLISTED,
        **common,
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
    quote = services.quote_add(
        report=report, text="They stop us twice a week.", speaker_group="youth", consent=True
    )
    services.report_commitment_add(
        report=report,
        by=None,
        what="Publish stop data monthly",
        owed_by="Police chief",
        due_date=today + timedelta(days=60),
    )
    for _ in range(5):  # enough answers for the averages to show
        services.feedback_create(
            conversation=conversation,
            felt_heard=4,
            trust_police_before=2,
            trust_police_after=3,
            trust_city_before=2,
            trust_city_after=3,
            group="youth",
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


# ---------------------------------------------------------------------------------- relationships

_stakeholder_serial = itertools.count(1)

CONTACTS_CSV = (
    "name,email,phone,group,district,consent\n"
    "New Person {n},new{n}@example.org,555-0100,faith,North,yes\n"
    "Person {n},person{n}-{slug}@example.org,555-0101,faith,North,no\n"
    "Bad line {n},not-an-email,,faith,North,yes,extra\n"
)


def stakeholder(city, **fields):
    """A stakeholder of `city` (a person in the faith group unless told), through the service."""
    from relationships import services

    fields.setdefault("name", f"Stakeholder {next(_stakeholder_serial)}")
    fields.setdefault("group", "faith")
    return services.stakeholder_create(city=city, **fields)


_new_stakeholder = stakeholder  # `relationship` takes a `stakeholder` argument of the same name


def relationship(
    city, *, owner, stakeholder=None, cadence=30, started_days_ago=0, met_days_ago=None, **sfields
):
    """A standing relationship owned by `owner`, with a meeting `met_days_ago` days ago if given."""
    from django.utils import timezone

    from relationships import services

    today = timezone.localdate()
    stakeholder = stakeholder or _new_stakeholder(city, **sfields)
    r = services.relationship_create(
        city=city, owner=owner, stakeholder=stakeholder, cadence_days=cadence,
        started_on=today - timedelta(days=started_days_ago),
    )  # fmt: skip
    if met_days_ago is not None:
        meeting_held(city, days_ago=met_days_ago, relationships=[r])
    return r


def meeting_held(city, *, days_ago: int, kind: str = "standing", **fields):
    """A meeting logged through the service, `days_ago` days ago."""
    from django.utils import timezone

    from relationships import services

    return services.meeting_log(
        city=city, date=timezone.localdate() - timedelta(days=days_ago), kind=kind, created_by=None, **fields
    )


def relationships_scene(city) -> dict:
    """One of every record of the relationships section in `city`; returns their ids and the lead.

    An organisation and a person in it (both with consent, contact details and notes), a standing
    relationship with a meeting held and a trust reading, a crisis event with a meeting in response,
    commitments (one published on the public page, with a status change), and a contacts CSV waiting
    for confirmation (a new line, a duplicate and a bad line)."""
    from django.utils import timezone

    from cities.models import Role
    from relationships import services

    n = next(_stakeholder_serial)
    today = timezone.localdate()
    lead = member(city, Role.LEAD)
    consent = {
        "consent_given_at": timezone.now(),
        "consent_wording": "May be contacted about meetings.",
        "consent_how_to_withdraw": "Tell any member.",
    }
    org = services.stakeholder_create(
        city=city,
        created_by=lead,
        kind="organisation",
        name=f"Organisation {n}",
        group="faith",
        district="North",
        email=f"org{n}-{city.slug}@example.org",
        phone="555-0199",
        notes="Meets on Tuesdays.",
        **consent,
    )
    person = services.stakeholder_create(
        city=city,
        created_by=lead,
        name=f"Person {n}",
        organisation=org,
        role_title="Pastor",
        group="faith",
        district="North",
        email=f"person{n}-{city.slug}@example.org",
        phone="555-0101",
        preferred_language="Spanish",
        notes="Prefers calls in the evening.",
        **consent,
    )
    standing = services.relationship_create(
        city=city,
        owner=lead,
        stakeholder=person,
        started_on=today - timedelta(days=60),
        cadence_days=30,
        owner_office="Police chief's office",
        purpose="Standing check-in",
        created_by=lead,
    )
    services.trust_assess(relationship=standing, score=3, by=lead, note="Warming up.")
    event = services.crisis_event_create(
        city=city,
        title=f"Crisis {n}",
        occurred_on=today - timedelta(days=5),
        district="North",
        description="A use of force downtown.",
        created_by=lead,
    )
    meeting = services.meeting_log(
        city=city,
        date=today - timedelta(days=10),
        kind="standing",
        title=f"Check-in {n}",
        created_by=lead,
        relationships=[standing],
        attendee_members=[lead],
        attendee_stakeholders=[org],
        decisions="Meet again next month.",
        private_notes="Asked about the budget.",
        crisis_event=event,
        commitments=[
            services.CommitmentDraft(
                what=f"Publish the report {n}",
                owed_by="Police chief's office",
                owner=lead,
                owed_to_stakeholder=person,
                due_date=today + timedelta(days=14),
            )
        ],
    )
    commitment = meeting.commitments.get()
    services.commitment_set_status(commitment=commitment, status="in_progress", by=lead, note="Drafting.")
    services.commitment_publish(
        commitment=commitment, public_summary="The report comes out in spring.", by=lead
    )
    batch = services.stakeholder_import_preview(
        city=city,
        filename=f"contacts-{n}.csv",
        by=lead,
        raw=CONTACTS_CSV.format(n=n, slug=city.slug).encode(),
    )
    return {
        "lead": lead, "organisation_id": org.pk, "stakeholder_id": person.pk, "relationship_id": standing.pk,
        "meeting_id": meeting.pk, "commitment_id": commitment.pk, "event_id": event.pk, "import_id": batch.pk,
    }  # fmt: skip


# ------------------------------------------------------------------------------------ disparities

POLICE_SAMPLES = Path(__file__).resolve().parents[1] / "disparities" / "sample_data"
OWENSBORO = "ky_owensboro_2020_04_01.csv"
LANSING = "Michigan_Lansing_COMPLAINTS.csv"
ST_LOUIS = "Missouri_St._Louis_County_USE_OF_FORCE_MULTIPLE.csv"
BREMERTON_ARRESTS = "Washington_Bremerton_ARRESTS_April_2017.csv"
BREMERTON_CITATIONS = "Washington_Bremerton_CITATIONS_April_2017.csv"
# The five real record-level files shipped with the app, and what one row of each is.
POLICE_FILES = {
    OWENSBORO: "stop",
    LANSING: "complaint",
    ST_LOUIS: "use_of_force",
    BREMERTON_ARRESTS: "arrest",
    BREMERTON_CITATIONS: "citation",
}


def police_file(name: str, data: bytes | None = None) -> SimpleUploadedFile:
    """A file as the upload form receives it: one of the real files by name, or `data` under that name."""
    if data is None:
        data = (POLICE_SAMPLES / name).read_bytes()
    return SimpleUploadedFile(name, data, content_type="text/csv")


@functools.cache
def generated_stops(rows: int, *, seed: int = 3, years: int = 3) -> bytes:
    """A generated stops file (disparities/files/generate.py), written once per test session."""
    from disparities.files.generate import write_stops

    with tempfile.TemporaryDirectory() as folder:
        return write_stops(Path(folder) / "stops.csv", rows, seed=seed, years=years).read_bytes()


def uploaded_dataset(
    city,
    *,
    file: str = OWENSBORO,
    data: bytes | None = None,
    kind: str | None = None,
    name: str = "",
    uploaded_by=None,
    replaces=None,
):
    """A police file uploaded through the upload service: status `mapping`, its mapping proposed."""
    from disparities.services import datasets

    return datasets.dataset_upload(
        city=city,
        kind=kind or POLICE_FILES[file],
        file=police_file(file, data),
        name=name or file,
        uploaded_by=uploaded_by,
        replaces=replaces,
        allow_duplicate=True,
    )


def queued_dataset(city, *, mapping: dict | None = None, **upload):
    """Uploaded and confirmed (`queued`), its import not started: `dataset_confirm(enqueue=False)`."""
    from disparities.services import datasets

    return datasets.dataset_confirm(dataset=uploaded_dataset(city, **upload), mapping=mapping, enqueue=False)


def imported_dataset(city, *, mapping: dict | None = None, **upload):
    """Uploaded, confirmed and imported by the import service, synchronously (the worker's path without
    the worker). A file that cannot be imported comes back `failed`, with the reason."""
    from disparities.services import imports

    dataset = queued_dataset(city, mapping=mapping, **upload)
    return imports.dataset_import(dataset_id=dataset.pk).dataset


def failed_dataset(city):
    """An import that failed: a file with its column names and no rows."""
    return imported_dataset(city, file="empty.csv", data=b"DATE,RACE\n", kind="stop")


def county_benchmark(city, *, fips: str = "26065"):
    """A population benchmark from the county table shipped with the app (the first is the default)."""
    from disparities.services import dashboards

    return dashboards.benchmark_create_from_county(city=city, fips=fips, created_by=None)


PLACE_TABLE_HEADER = "GEO_ID,NAME," + ",".join(f"B03002_{n:03d}E,B03002_{n:03d}M" for n in range(1, 22))
PLACE_TABLE_ROW = "1600000US2600001,Testville city," + ",".join(
    f"{v},{m}"
    for v, m in [(1000, 10), (900, 9), (500, 8), (200, 7), (20, 6), (50, 5), (5, 4), (10, 3), (15, 2)]
    + [(0, 1)] * 2
    + [(100, 11)]
    + [(0, 1)] * 9
)


def place_table() -> bytes:
    """A one-place Census B03002 table in data.census.gov's layout (Testville: 1,000 residents)."""
    return f"{PLACE_TABLE_HEADER}\n{PLACE_TABLE_ROW}\n".encode()


def uploaded_benchmark(city):
    """A population benchmark read from a Census table the city uploaded (the file is kept)."""
    from disparities.services import dashboards

    (created,) = dashboards.benchmark_create_from_upload(
        city=city, data=place_table(), filename="ACSDT5Y2019.B03002-Data.csv", created_by=None
    )
    return created


def veil_run(city, *, dataset=None):
    """A veil of darkness run started and run to its end by the services (no worker)."""
    from disparities.services import dashboards

    dataset = dataset or imported_dataset(city, file="stops.csv", data=generated_stops(300), kind="stop")
    run = dashboards.veil_run_start(dataset=dataset, started_by=None, enqueue=False)
    return dashboards.veil_run_execute(run_id=run.pk)


def threshold_run(city, *, dataset=None):
    """A threshold test started and run to its end by the services (no worker). On the default small
    generated file it ends at once as not eligible (too few searches of white drivers)."""
    from disparities.services import dashboards

    dataset = dataset or imported_dataset(city, file="stops.csv", data=generated_stops(300), kind="stop")
    run = dashboards.threshold_run_start(dataset=dataset, started_by=None, enqueue=False)
    return dashboards.threshold_run_execute(run_id=run.pk)


def analysis_run(city, *, dataset=None, method: str = "adjusted"):
    """An analysis (adjusted disparities of stops, the complaint funnel) started and run to its end by
    the services (no worker)."""
    from disparities.services import analyses

    if dataset is None:
        dataset = (
            imported_dataset(city, file=LANSING)
            if method == "complaint_funnel"
            else imported_dataset(city, file="stops.csv", data=generated_stops(300), kind="stop")
        )
    run = analyses.analysis_run_start(dataset=dataset, method=method, started_by=None, enqueue=False)
    return analyses.analysis_run_execute(run_id=run.pk)


def published_snapshot(city, *, dataset=None, benchmark=None, title: str = "", **spanish):
    """A dashboard published through the publishing service (small cells protected); `title_es=`,
    `introduction_es=` give it its Spanish words."""
    from disparities.selectors.filters import Filters
    from disparities.services import publishing

    dataset = dataset or imported_dataset(city, file="stops.csv", data=generated_stops(300), kind="stop")
    return publishing.snapshot_publish(
        dataset=dataset, filters=Filters(), benchmark=benchmark or county_benchmark(city),
        title=title or f"Stops by race in {city.name}", introduction="Why we publish.", published_by=None,
        **spanish,
    )  # fmt: skip


# ---------------------------------------------------------------------------------------- library

SHARED_FRAMEWORK_SLUG = "route-framework"
SHARED_CURATOR_EMAIL = "route-curator@example.org"


def curator(**fields):
    """A new national curator."""
    from tests.factories import UserFactory

    fields.setdefault("full_name", "Casey Curator")
    return UserFactory(is_curator=True, **fields)


def shared_curator():
    """The one curator the URL map's records name (found again on a second build)."""
    from cities.models import User

    return User.objects.filter(email=SHARED_CURATOR_EMAIL).first() or curator(
        email=SHARED_CURATOR_EMAIL, full_name="Robin Curator"
    )


def resource(title: str = "A practice", status: str = "draft", *, by=None, **fields):
    """A resource taken by the library's workflow from draft to `status` by a curator (`by`)."""
    from library import services
    from library.models import Kind, ResourceStatus

    by = by or shared_curator()
    fields.setdefault("kind", Kind.CASE_STUDY)
    fields.setdefault("summary", f"Summary of {title}.")
    made = services.resource_create(by=by, title=title, **fields)
    path = {
        ResourceStatus.DRAFT: [],
        ResourceStatus.IN_REVIEW: [ResourceStatus.IN_REVIEW],
        ResourceStatus.PUBLISHED: [ResourceStatus.IN_REVIEW, ResourceStatus.PUBLISHED],
        ResourceStatus.ARCHIVED: [ResourceStatus.ARCHIVED],
    }[status]
    for step in path:
        made = services.resource_transition(resource=made, to=step, by=by)
    return made


def shared_framework():
    """The URL map's framework with two items (found again on a second build): (framework, first item)."""
    from library import services
    from library.models import Framework

    framework = Framework.objects.filter(slug=SHARED_FRAMEWORK_SLUG).first()
    if framework is None:
        framework = services.framework_create(
            name="Policing framework",
            slug=SHARED_FRAMEWORK_SLUG,
            description="Pillars of reform.",
            expected_items=3,
        )
        services.framework_load_csv(
            framework=framework,
            data=b"pillar_number,pillar_name,item_type,number,text\n"
            b"1,Building trust,recommendation,1.1,Embrace a guardian mindset.\n"
            b"1,Building trust,action_item,1.1.1,Review policies with residents.\n",
        )
    return framework, framework.items.order_by("sort_key").first()


def framework_status(city):
    """The city's status on the shared framework's first item, with an evidence link."""
    from library import services
    from library.models import EvidenceLink

    framework, item = shared_framework()
    record = services.city_framework_status_set(
        city=city, item=item, status="in_progress", notes="Draft policy with the council.", by=None
    )
    if not EvidenceLink.objects.for_city(city).filter(status=record).exists():
        services.evidence_link_add(
            record=record, kind="document", label="Council minutes", url="https://example.org/minutes"
        )
    return framework, item


def practice(title: str = "Youth basketball nights", status: str = "published", **fields):
    """A practice written up as a city would read it (body, topic), taken to `status`."""
    fields.setdefault("summary", f"How a city ran {title.lower()}.")
    fields.setdefault("body", "## What happened\n\nOfficers and **teenagers** played every Friday.")
    fields.setdefault("topics", ["youth"])
    return resource(title, status, **fields)


def adoption(city):
    """A published practice the city adopted."""
    from library import services

    adopted = practice()
    services.adoption_set(
        city=city, resource=adopted, status="adopting", notes="Started in May.", outcome="Too early.", by=None
    )
    return adopted


def submission(city, *, answered: bool = True):
    """A case study the city submitted, answered by a curator (changes requested) unless told."""
    from cities.models import Membership
    from library import services

    staff = Membership.objects.for_city(city).filter(role="staff").select_related("user").first()
    made = services.submission_create(
        city=city,
        by=staff.user if staff else member(city, "staff"),
        kind="case_study",
        title="Neighbourhood walks",
        summary="Officers and residents walk together.",
        what_we_did="Twelve walks with the neighbourhood association.",
        partners="The neighbourhood association.",
        how_it_went="Forty residents came to each walk.",
        topics=["trust"],
    )
    if answered:
        made = services.submission_decide(
            submission=made, decision="changes_requested", reason="Add the dates.", by=shared_curator()
        )
    return made


# -------------------------------------------------------------------------------------- trainings


def league_training(title: str = "Facilitating Race Conversations", *, audience=("facilitator",), **fields):
    """A training the league offers to every city, written by the shared curator."""
    from trainings import services

    fields.setdefault("format", "workshop")
    fields.setdefault("length_minutes", 180)
    return services.training_create(
        city=None, by=shared_curator(), title=title, audience_roles=list(audience), **fields
    )


def city_training(city, title: str = "Equity tools for budget staff", *, audience=("staff",), **fields):
    """A city's own training, written by one of its staff."""
    from cities.models import Membership
    from trainings import services

    fields.setdefault("format", "workshop")
    fields.setdefault("length_minutes", 90)
    staff = Membership.objects.for_city(city).filter(role="staff").select_related("user").first()
    if staff is None:
        member(city, "staff")
        staff = Membership.objects.for_city(city).filter(role="staff").select_related("user").first()
    return services.training_create(
        city=city, by=staff.user, membership=staff, title=title, audience_roles=list(audience), **fields
    )


def training_session(training, *, hours_ahead: float = 2, capacity: int = 20, by=None):
    """A session of `training` starting in `hours_ahead` hours (negative: started already), online."""
    from django.utils import timezone

    from cities.models import Membership
    from trainings import services

    starts = timezone.now() + timedelta(hours=hours_ahead)
    if training.is_league:
        by, membership = by or shared_curator(), None
    else:
        membership = Membership.objects.for_city(training.city).filter(role__in=["lead", "staff"]).first()
        by = membership.user
    return services.session_create(
        training=training, by=by, membership=membership, starts_at=starts, ends_at=starts + timedelta(hours=2),
        mode="online", online_link="https://meet.example.org/real", capacity=capacity,
    )  # fmt: skip


def trained(city, training=None, *, role: str = "facilitator", session=None):
    """A member of `city` with `role`, registered for a session of `training` and checked in there:
    (user, registration, completion)."""
    from cities.models import Membership
    from trainings import services
    from trainings.models import Completion

    training = training or league_training()
    session = session or training_session(training)
    user = member(city, role)
    registration = services.registration_create(
        session=session, membership=Membership.objects.for_city(city).get(user=user)
    )
    if training.is_league:
        runner, runner_membership = shared_curator(), None
    else:
        runner_membership = Membership.objects.for_city(city).filter(role__in=["lead", "staff"]).first()
        runner = runner_membership.user
    services.attendance_record(session=session, present=[registration.pk], by=runner, membership=runner_membership)
    return user, registration, Completion.objects.get(training=training, user=user)


# ------------------------------------------------------------------------------------- indicators


def assessment_keeping(city, *, figure_key: str, title: str = "Summer jobs for young men", published=False):
    """An equity assessment that keeps one lent figure (an indicator's) as evidence, through equity's
    services; published on its public page when told."""
    from equity import services

    lead = member(city, "lead")
    made = services.assessment_start(
        city=city, by=lead, title=title, kind="program", figure_key=figure_key
    )
    if published:
        texts = {"public_assessed": "Jobs.", "public_heard": "Youth asked.", "public_changed": "Funded."}
        services.assessment_save_step(assessment=made, step=6, by=lead, fields=texts, answers=[])
        made = services.assessment_publish(assessment=made, by=lead)
    return made


# ---------------------------------------------------------------------- library: city stories
# One piece of city work each source app can tell the league about, made through the apps' services.


def kept_commitment(city, *, what: str = "Publish stop data monthly", due_in: int = 10, owed_to=None):
    """A commitment of `city` marked done today, due `due_in` days from today (negative: it was late)."""
    from django.utils import timezone

    from relationships import services

    made = services.commitment_create(
        city=city, what=what, owed_by="Police chief's office", owed_to_stakeholder=owed_to,
        due_date=timezone.localdate() + timedelta(days=due_in), details="Private working notes.",
    )  # fmt: skip
    return services.commitment_set_status(commitment=made, status="done", by=None)


def reported_conversation(city, *, title: str = "Youth and police", attendance: dict | None = None):
    """A conversation held three days ago whose only session's report was submitted (so: reported),
    with a commitment made at it."""
    from conversations import services

    conversation = make_conversation(city, days_ahead=-3, title=title)
    session = conversation.sessions.get()
    report = services.report_save(
        session=session, author=None, attendance=attendance or {"youth": 14, "police": 3},
        themes=["stops", "trust"], what_was_heard="Ana Diaz said stops feel random.", submit=True,
    )  # fmt: skip
    services.report_commitment_add(
        report=report, by=None, what="Meet again in spring", owed_by="Mayor's office",
        due_date=date.today() + timedelta(days=60),
    )  # fmt: skip
    conversation.refresh_from_db()
    return conversation


def moved_indicator(city) -> str:
    """Poverty among men and boys by race, loaded for 2024 and (with Black poverty a half higher) for
    2019, so its equality score moved; answers the indicator's key."""
    import json
    from pathlib import Path

    from indicators import services

    samples = Path(__file__).resolve().parents[1] / "indicators" / "sample_data"
    for word in ("BLACK", "WHITE"):
        name = f"2024-POVERTY_BY_RACE_COUNTY_{word}.json"
        raw = (samples / name).read_bytes()
        services.census_file_upload(city=city, raw=raw, filename=name)
        rows = json.loads(raw)
        if word == "BLACK":
            col = rows[0].index("B17001B_003E")
            for row in rows[1:]:
                if row[col] not in (None, "") and row[col].lstrip("-").isdigit() and int(row[col]) > 0:
                    row[col] = str(int(int(row[col]) * 1.5))
        services.census_file_upload(
            city=city, raw=json.dumps(rows).encode(), filename=f"2019-{name[5:]}", vintage=2019
        )
    return "poverty_male"


def story(city, *, key: str = "", by=None):
    """A story the city sent the league (from a kept commitment unless `key` says otherwise)."""
    from library import services

    key = key or f"relationships:{kept_commitment(city).pk}"
    facts = services.story_draft(city=city, key=key)
    return services.story_submit(
        city=city, by=by or member(city, "staff"), key=key, **services.story_initial(facts)
    )
