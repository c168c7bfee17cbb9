"""URL map entries for the relationships pages (see tests/urlmap.py).

`scene(city)` builds, inside one city, one of everything the section's pages show: an organisation
and a person in it (both with consent, contact details and notes), a standing relationship with a
meeting held and a trust reading, a crisis event with a meeting in response, commitments (one
published on the public page, with a status change), and a contacts CSV waiting for confirmation
(a new line, a duplicate and a bad line). Every builder below starts from it, so each page is
walked, escaped and isolated with real content on it.
"""

import itertools
from datetime import timedelta

from tests.urlmap_types import Route

_serial = itertools.count(1)

IMPORT_CSV = (
    "name,email,phone,group,district,consent\n"
    "New Person {n},new{n}@example.org,555-0100,faith,North,yes\n"
    "Person {n},person{n}-{slug}@example.org,555-0101,faith,North,no\n"
    "Bad line {n},not-an-email,,faith,North,yes,extra\n"
)


def scene(city) -> dict:
    """Create one of every record of the section in `city`; returns their ids and the lead."""
    from django.utils import timezone

    from cities.models import Role
    from relationships import services
    from tests.factories import MembershipFactory, UserFactory

    n = next(_serial)
    today = timezone.localdate()
    lead = UserFactory()
    MembershipFactory(user=lead, city=city, role=Role.LEAD)
    consent = {"consent_given_at": timezone.now(), "consent_wording": "May be contacted about meetings.",
               "consent_how_to_withdraw": "Tell any member."}
    org = services.stakeholder_create(
        city=city, created_by=lead, kind="organisation", name=f"Organisation {n}", group="faith",
        district="North", email=f"org{n}-{city.slug}@example.org", phone="555-0199",
        notes="Meets on Tuesdays.", **consent,
    )
    person = services.stakeholder_create(
        city=city, created_by=lead, name=f"Person {n}", organisation=org, role_title="Pastor", group="faith",
        district="North", email=f"person{n}-{city.slug}@example.org", phone="555-0101",
        preferred_language="Spanish", notes="Prefers calls in the evening.", **consent,
    )
    relationship = services.relationship_create(
        city=city, owner=lead, stakeholder=person, started_on=today - timedelta(days=60), cadence_days=30,
        owner_office="Police chief's office", purpose="Standing check-in", created_by=lead,
    )
    services.trust_assess(relationship=relationship, score=3, by=lead, note="Warming up.")
    event = services.crisis_event_create(
        city=city, title=f"Crisis {n}", occurred_on=today - timedelta(days=5), district="North",
        description="A use of force downtown.", created_by=lead,
    )
    meeting = services.meeting_log(
        city=city, date=today - timedelta(days=10), kind="standing", title=f"Check-in {n}", created_by=lead,
        relationships=[relationship], attendee_members=[lead], attendee_stakeholders=[org],
        decisions="Meet again next month.", private_notes="Asked about the budget.", crisis_event=event,
        commitments=[services.CommitmentDraft(what=f"Publish the report {n}", owed_by="Police chief's office",
                                              owner=lead, owed_to_stakeholder=person,
                                              due_date=today + timedelta(days=14))],
    )
    commitment = meeting.commitments.get()
    services.commitment_set_status(commitment=commitment, status="in_progress", by=lead, note="Drafting.")
    services.commitment_publish(commitment=commitment, public_summary="The report comes out in spring.", by=lead)
    batch = services.stakeholder_import_preview(
        city=city, filename=f"contacts-{n}.csv", by=lead,
        raw=IMPORT_CSV.format(n=n, slug=city.slug).encode(),
    )
    return {
        "lead": lead, "organisation_id": org.pk, "stakeholder_id": person.pk, "relationship_id": relationship.pk,
        "meeting_id": meeting.pk, "commitment_id": commitment.pk, "event_id": event.pk, "import_id": batch.pk,
    }


def _needs(*keys):
    def build(city):
        records = scene(city)
        return {k: records[k] for k in keys}

    return build


def _city_with_records(city):
    scene(city)
    return {}


ROUTES = [
    Route("relationships:index", _city_with_records),
    Route("relationships:directory", _city_with_records),
    Route("relationships:stakeholder_new"),
    Route("relationships:stakeholder_import"),
    Route("relationships:import_preview", _needs("import_id")),
    Route("relationships:import_report", _needs("import_id"), walk=False),
    Route("relationships:stakeholder_detail", _needs("stakeholder_id")),
    Route("relationships:stakeholder_edit", _needs("stakeholder_id")),
    Route("relationships:stakeholder_consent", _needs("stakeholder_id"), walk=False),
    Route("relationships:stakeholder_withdraw", _needs("stakeholder_id"), walk=False),
    Route("relationships:relationship_list", _city_with_records),
    Route("relationships:relationship_new", _city_with_records),
    Route("relationships:relationship_detail", _needs("relationship_id")),
    Route("relationships:relationship_edit", _needs("relationship_id")),
    Route("relationships:relationship_assess", _needs("relationship_id"), walk=False),
    Route("relationships:meeting_list", _city_with_records),
    Route("relationships:meeting_new", _city_with_records),
    Route("relationships:meeting_detail", _needs("meeting_id")),
    Route("relationships:commitment_list", _city_with_records),
    Route("relationships:commitment_new", _city_with_records),
    Route("relationships:commitment_detail", _needs("commitment_id")),
    Route("relationships:commitment_status", _needs("commitment_id"), walk=False),
    Route("relationships:commitment_publish", _needs("commitment_id"), walk=False),
    Route("relationships:trust_gaps", _city_with_records),
    Route("relationships:readiness", _city_with_records),
    Route("relationships:crisis_new"),
    Route("relationships:crisis_detail", _needs("event_id")),
    Route("relationships:public_commitments", _city_with_records, kind="public"),
]
