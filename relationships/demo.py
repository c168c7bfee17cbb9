"""Demo content for the relationships section, for both demo cities.

A directory of organisations and people across districts and groups, standing relationships in
every state of health, meetings with decisions and commitments (some published), trust
assessments with history, and a crisis event with the meetings held in response.
Idempotent: a city that already has the demo directory is left as it is.
"""

import re
from datetime import timedelta

from django.utils import timezone

from . import services
from .models import Meeting, Stakeholder

CONSENT = "I agree that the city may contact me about community meetings and the commitments made there."

DISTRICTS = {
    "riverton-mi": ["Northside", "Eastside", "Old Town", "Riverside", "Southgate"],
    "harbor-point-wa": ["Harborfront", "Hilltop", "Westbay", "Kitsap Heights"],
}

# (name, kind, group, district index or None, language, consent)
DIRECTORY = [
    ("Greater Hope Baptist Church", "organisation", "faith", 0, "English", True),
    ("Rev. Marcus Bell", "person", "faith", 0, "English", True),
    ("Masjid Al-Noor", "organisation", "faith", 1, "Arabic", True),
    ("Imam Yusuf Karim", "person", "faith", 1, "English", False),
    ("Justice Now Coalition", "organisation", "advocacy", 2, "English", True),
    ("Tanya Brooks", "person", "advocacy", 2, "English", True),
    ("Youth Voices United", "organisation", "youth", 3, "English", True),
    ("Diego Ramirez", "person", "youth", 3, "Spanish", True),
    ("Westside Neighbourhood Association", "organisation", "neighbourhood", None, "English", True),
    ("Ana Morales", "person", "latino_residents", 1, "Spanish", True),
    ("Lincoln High School", "organisation", "education", 4, "English", True),
    ("Coach Terrell Hayes", "person", "coaches", 4, "English", True),
    ("The Daily Ledger", "organisation", "media", None, "English", True),
    ("Small Business Alliance", "organisation", "business", 0, "English", False),
    ("Fraternal Order of Police Lodge 7", "organisation", "police", None, "English", True),
    ("Grace Lee", "person", "api_residents", 2, "Korean", True),
]

# (stakeholder name, owner role, office, cadence, started days ago, meetings held days ago)
RELATIONSHIPS = [
    ("Greater Hope Baptist Church", "lead", "Police chief's office", 30, 400, [5, 35, 66]),   # on track
    ("Masjid Al-Noor", "staff", "Mayor's office", 30, 300, [25, 58]),                       # due
    ("Justice Now Coalition", "lead", "Police chief's office", 30, 200, [52, 90]),           # overdue
    ("Youth Voices United", "staff", "Council member, Ward 3", 14, 120, [3, 17]),           # on track
    ("Lincoln High School", "staff", "School resource office", 60, 180, [20]),              # on track
    ("The Daily Ledger", "lead", "Communications office", 45, 300, [100]),                  # overdue
    ("Ana Morales", "staff", "Council member, Ward 1", 30, 27, []),                         # due, never met
]


def seed(ctx: dict) -> None:
    today = timezone.localdate()
    for slug, city in ctx["cities"].items():
        if Stakeholder.objects.for_city(city).filter(name=DIRECTORY[0][0]).exists():
            continue
        users = {role: ctx["users"][(slug, role)] for role in ("lead", "staff", "facilitator", "viewer")}
        lead, staff = users["lead"], users["staff"]
        districts = DISTRICTS.get(slug, ["Central"])
        people: dict[str, Stakeholder] = {}
        for i, (name, kind, group, d, language, consent) in enumerate(DIRECTORY):
            short = re.sub(r"[^a-z0-9]+", ".", name.lower()).strip(".")[:30].strip(".")
            s = services.stakeholder_create(
                city=city, created_by=lead, name=name, kind=kind, group=group,
                district=districts[d % len(districts)] if d is not None else "",
                email=f"{short}@example.org", phone=f"555-01{i:02}", preferred_language=language,
            )
            if consent:
                services.stakeholder_consent_record(stakeholder=s, wording=CONSENT,
                                                    how_to_withdraw="Tell any city staff member.")
            people[name] = s
        people["Rev. Marcus Bell"].organisation = people["Greater Hope Baptist Church"]
        people["Rev. Marcus Bell"].save(update_fields=["organisation"])
        # One person withdrew consent: their contact details are hidden everywhere.
        services.stakeholder_consent_withdraw(stakeholder=people["Tanya Brooks"], by=lead)

        relationships = {}
        for name, role, office, cadence, started, met in RELATIONSHIPS:
            r = services.relationship_create(
                city=city, owner=users[role], owner_office=office, stakeholder=people[name], cadence_days=cadence,
                started_on=today - timedelta(days=started), purpose="Standing meeting before any crisis.",
                created_by=lead,
            )
            relationships[name] = r
            for days in met:
                services.meeting_log(
                    city=city, date=today - timedelta(days=days), kind="standing", created_by=users[role],
                    title=f"Standing meeting with {name}", relationships=[r], attendee_members=[users[role]],
                    decisions="Keep meeting monthly; share the agenda a week ahead.",
                    private_notes="Frank conversation about recent stops in the district.",
                )
        for name, scores in (("Greater Hope Baptist Church", [3, 4]), ("Justice Now Coalition", [2, 1]),
                             ("Masjid Al-Noor", [3]), ("The Daily Ledger", [2]), ("Youth Voices United", [3, 4])):
            for back, score in zip((120, 10), scores, strict=False):
                services.trust_assess(relationship=relationships[name], score=score, by=lead,
                                      assessed_on=today - timedelta(days=back), note="After the last meeting.")

        listening = services.meeting_log(
            city=city, date=today - timedelta(days=12), kind="listening", created_by=lead,
            title="Listening session on traffic stops", attendee_members=[lead, staff],
            attendee_stakeholders=[people["Ana Morales"], people["Diego Ramirez"], people["Grace Lee"]],
            decisions="Publish stop data by district each month.",
            private_notes="Several residents described being stopped repeatedly.",
            commitments=[
                services.CommitmentDraft(what="Publish traffic stop data by district every month",
                                         owed_by="Police chief's office", owner=lead,
                                         due_date=today + timedelta(days=20)),
                services.CommitmentDraft(what="Offer Spanish interpretation at every listening session",
                                         owed_by="Mayor's office", owner=staff, due_date=today - timedelta(days=2)),
            ],
        )
        first, second = list(listening.commitments.order_by("id"))
        services.commitment_set_status(commitment=first, status="in_progress", by=lead,
                                       note="Data team has a first draft.")
        services.commitment_publish(commitment=first, by=lead, public_summary=(
            "The police department will publish traffic stop figures for each district every month."))
        done = services.commitment_create(
            city=city, what="Add lighting to the Riverside park path", owed_by="Public works", owner=staff,
            created_by=staff, owed_to_stakeholder=people["Youth Voices United"],
            due_date=today - timedelta(days=30), source_label="Meeting: youth walk-through",
        )
        services.commitment_set_status(commitment=done, status="done", by=staff, note="Lights installed.")
        services.commitment_publish(commitment=done, by=lead, public_summary=(
            "Young people asked for a lit path through the park; the city installed the lights."))
        dropped = services.commitment_create(city=city, what="Quarterly joint patrol walk", owed_by="Police",
                                             owner=lead, created_by=lead)
        services.commitment_set_status(commitment=dropped, status="dropped", by=lead,
                                       note="Replaced by monthly listening sessions.")

        event = services.crisis_event_create(
            city=city, title="Officer-involved shooting", occurred_on=today - timedelta(days=9),
            district=districts[2 % len(districts)], created_by=lead,
            description="A resident was injured during a stop; protests were called for the weekend.",
        )
        services.meeting_log(
            city=city, date=today - timedelta(days=8), kind="crisis", created_by=lead, crisis_event=event,
            title="Call with faith leaders and advocates", attendee_members=[lead],
            relationships=[relationships["Greater Hope Baptist Church"]],
            attendee_stakeholders=[people["Rev. Marcus Bell"], people["Imam Yusuf Karim"]],
            decisions="Hold a community meeting within 72 hours; release what can be released.",
            private_notes="Advocates not yet reached: the relationship is overdue.",
            commitments=[services.CommitmentDraft(what="Hold a community meeting within 72 hours",
                                                  owed_by="Mayor's office", owner=lead,
                                                  due_date=today - timedelta(days=5))],
        )
        assert Meeting.objects.for_city(city).exists()
    ctx.setdefault("logins", [])
