"""Everything that writes stakeholders and commitments. Conversations call these too."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cities.audit import audit_list_view, audit_record
from cities.models import AuditAction, City, Membership, User

from . import contacts_csv
from .models import (
    Commitment,
    CommitmentStatus,
    CommitmentUpdate,
    CrisisEvent,
    ImportStatus,
    Meeting,
    Relationship,
    Stakeholder,
    StakeholderGroup,
    StakeholderImport,
    StakeholderKind,
    TrustAssessment,
)

# Which status a commitment may move to from each status. Reopening is allowed, and logged.
COMMITMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    CommitmentStatus.OPEN: frozenset(
        {CommitmentStatus.IN_PROGRESS, CommitmentStatus.DONE, CommitmentStatus.DROPPED}
    ),
    CommitmentStatus.IN_PROGRESS: frozenset(
        {CommitmentStatus.OPEN, CommitmentStatus.DONE, CommitmentStatus.DROPPED}
    ),
    CommitmentStatus.DONE: frozenset({CommitmentStatus.IN_PROGRESS}),
    CommitmentStatus.DROPPED: frozenset({CommitmentStatus.OPEN}),
}


def stakeholder_create(
    *, city: City, created_by: User | None = None, ip_address: str | None = None, **fields
) -> Stakeholder:
    organisation = fields.get("organisation")
    if organisation is not None and organisation.city_id != city.id:
        raise ValidationError({"organisation": "Choose an organisation of this city."})
    stakeholder = Stakeholder(city=city, created_by=created_by, **fields)
    stakeholder.full_clean()
    with transaction.atomic():
        stakeholder.save()
        _audit_stakeholder(
            stakeholder,
            by=created_by,
            action=AuditAction.CREATE,
            summary="added to the directory",
            ip_address=ip_address,
        )
    return stakeholder


def _contact_shown(stakeholder: Stakeholder) -> bool:
    return stakeholder.contact_visible and bool(stakeholder.email or stakeholder.phone)


def directory_viewed(
    *, city: City, page, details: Iterable[str], by: User | None, ip_address: str | None = None
) -> None:
    """One entry for a look at the directory with contact details (a page or an htmx refresh)."""
    shown = list(page.object_list)  # the rows the template reads: no second query
    audit_list_view(
        object_type="stakeholder directory", what="Viewed the stakeholder directory", shown=len(shown),
        with_contact=sum(1 for s in shown if _contact_shown(s)),
        details=[f"page {page.number} of {page.paginator.num_pages}", *details],
        noun=("stakeholder", "stakeholders"), city=city, actor=by, ip_address=ip_address,
    )  # fmt: skip


def stakeholder_contact_viewed(
    *, stakeholder: Stakeholder, by: User | None, ip_address: str | None = None
) -> None:
    """A member opened a stakeholder whose contact details are shown: one entry (none if none shown)."""
    if _contact_shown(stakeholder):
        audit_record(
            action=AuditAction.VIEW, object_type="stakeholder", object_id=stakeholder.pk,
            summary=f"{stakeholder.name}: contact details shown", city=stakeholder.city, actor=by,
            ip_address=ip_address,
        )  # fmt: skip


def readiness_roster_viewed(
    *, city: City, ready: dict, by: User | None, ip_address: str | None = None
) -> None:
    """One entry for a look at whom to call in a crisis, by district and by group."""
    people = {
        r.stakeholder.pk: r.stakeholder for row in [*ready["districts"], *ready["groups"]] for r in row.roster
    }
    audit_list_view(
        object_type="crisis readiness roster", what="Viewed whom to call in a crisis (readiness)",
        shown=len(people), with_contact=sum(1 for s in people.values() if _contact_shown(s)),
        details=["by district and by group"], noun=("stakeholder", "stakeholders"),
        city=city, actor=by, ip_address=ip_address,
    )  # fmt: skip


def _audit_stakeholder(
    stakeholder: Stakeholder, *, by: User | None, action: str, summary: str, ip_address: str | None = None
) -> None:
    """Stakeholders are personal data: every change to one is in the city's audit log, with the
    address the request came from."""
    audit_record(
        action=action,
        object_type="stakeholder",
        object_id=stakeholder.pk,
        summary=f"{stakeholder.name}: {summary}",
        city=stakeholder.city,
        actor=by,
        ip_address=ip_address,
    )


def commitment_create(
    *,
    city: City,
    what: str,
    owed_by: str,
    created_by: User | None = None,
    owner: User | None = None,
    owed_to: str = "",
    owed_to_stakeholder: Stakeholder | None = None,
    due_date: date | None = None,
    details: str = "",
    source_label: str = "",
    source_url: str = "",
) -> Commitment:
    """Record a promise. Called from meetings here and from conversation reports."""
    if owed_to_stakeholder is not None and owed_to_stakeholder.city_id != city.id:
        raise ValidationError({"owed_to_stakeholder": "Choose a stakeholder of this city."})
    if owner is not None and not owner.memberships.filter(city=city).exists():
        raise ValidationError({"owner": "The owner must be a member of this city."})
    with transaction.atomic():
        commitment = Commitment(
            city=city,
            what=what.strip(),
            owed_by=owed_by.strip(),
            owner=owner,
            owed_to=owed_to.strip() or (owed_to_stakeholder.name if owed_to_stakeholder else ""),
            owed_to_stakeholder=owed_to_stakeholder,
            due_date=due_date,
            details=details,
            source_label=source_label,
            source_url=source_url,
            created_by=created_by,
        )
        commitment.full_clean()
        commitment.save()
        CommitmentUpdate.objects.create(
            commitment=commitment, by=created_by, status_to=CommitmentStatus.OPEN, note="Recorded."
        )
    return commitment


def commitment_set_status(
    *, commitment: Commitment, status: str, by: User | None, note: str = ""
) -> Commitment:
    """Move a commitment along; refuses moves that are not allowed, and logs the change."""
    with transaction.atomic():
        commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
        if status not in COMMITMENT_TRANSITIONS.get(commitment.status, frozenset()):
            raise ValidationError(
                f"A commitment that is {commitment.get_status_display().lower()} cannot become "
                f"{CommitmentStatus(status).label.lower() if status in CommitmentStatus.values else status}."
            )
        CommitmentUpdate.objects.create(
            commitment=commitment, by=by, status_from=commitment.status, status_to=status, note=note
        )
        commitment.status = status
        commitment.save(update_fields=["status"])
    return commitment


# --- The directory -------------------------------------------------------------------------------

STAKEHOLDER_EDITABLE = (
    "kind",
    "name",
    "organisation",
    "role_title",
    "group",
    "district",
    "email",
    "phone",
    "preferred_language",
    "notes",
)


def _check_member(*, city: City, user: User | None, field: str) -> None:
    if user is not None and not Membership.objects.for_city(city).filter(user=user).exists():
        raise ValidationError({field: "Choose a member of this city."})


def stakeholder_update(
    *, stakeholder: Stakeholder, by: User | None, ip_address: str | None = None, **fields
) -> Stakeholder:
    organisation = fields.get("organisation")
    if organisation is not None and (
        organisation.city_id != stakeholder.city_id or organisation.pk == stakeholder.pk
    ):
        raise ValidationError({"organisation": "Choose another organisation of this city."})
    # A bound ModelForm has already set the new values on the instance: compare with the stored row.
    stored = Stakeholder.objects.get(pk=stakeholder.pk)
    changed = []
    for name, value in fields.items():
        if name not in STAKEHOLDER_EDITABLE:
            raise ValueError(f"{name} cannot be edited here")
        if getattr(stored, name) != value:
            changed.append(name)
        setattr(stakeholder, name, value)
    stakeholder.full_clean()
    with transaction.atomic():
        stakeholder.save()
        if changed:
            # Names of the fields only: the log must not become a second copy of the contact details.
            _audit_stakeholder(
                stakeholder,
                by=by,
                action=AuditAction.CHANGE,
                summary="changed " + ", ".join(n.replace("_", " ") for n in changed),
                ip_address=ip_address,
            )
    return stakeholder


def stakeholder_consent_record(
    *,
    stakeholder: Stakeholder,
    wording: str,
    how_to_withdraw: str,
    given_at: datetime | None = None,
    by: User | None = None,
    ip_address: str | None = None,
) -> Stakeholder:
    """Record what the person agreed to and when; a new consent replaces a withdrawn one."""
    if not wording.strip():
        raise ValidationError({"wording": "Write what the person agreed to."})
    stakeholder.consent_wording = wording.strip()
    stakeholder.consent_how_to_withdraw = how_to_withdraw.strip()
    stakeholder.consent_given_at = given_at or timezone.now()
    stakeholder.consent_withdrawn_at = None
    with transaction.atomic():
        stakeholder.save(
            update_fields=[
                "consent_wording",
                "consent_how_to_withdraw",
                "consent_given_at",
                "consent_withdrawn_at",
            ]
        )
        _audit_stakeholder(
            stakeholder,
            by=by,
            action=AuditAction.CHANGE,
            summary=f"consent recorded (given {timezone.localtime(stakeholder.consent_given_at):%Y-%m-%d})",
            ip_address=ip_address,
        )
    return stakeholder


def stakeholder_consent_withdraw(
    *, stakeholder: Stakeholder, by: User | None = None, ip_address: str | None = None
) -> Stakeholder:
    """From this moment their contact details are hidden on every page and in every email."""
    with transaction.atomic():
        withdrawn = Stakeholder.objects.filter(pk=stakeholder.pk, consent_withdrawn_at__isnull=True).update(
            consent_withdrawn_at=timezone.now()
        )
        if withdrawn:
            _audit_stakeholder(
                stakeholder,
                by=by,
                action=AuditAction.CHANGE,
                summary="consent withdrawn",
                ip_address=ip_address,
            )
    stakeholder.refresh_from_db(fields=["consent_withdrawn_at"])
    return stakeholder


def _group_lookup() -> dict[str, str]:
    lookup = {}
    for value, label in StakeholderGroup.choices:
        lookup[value.lower()] = value
        lookup[value.replace("_", " ").lower()] = value
        lookup[str(label).lower()] = value
    extra = {
        "faith leaders": "faith",
        "clergy": "faith",
        "advocates": "advocacy",
        "protest": "advocacy",
        "youth": "youth",
        "education": "education",
        "schools": "education",
        "business": "business",
        "media": "media",
        "press": "media",
        "police": "police",
        "city": "city_government",
        "city government": "city_government",
        "neighbourhood association": "neighbourhood",
        "neighborhood association": "neighbourhood",
        "neighborhood associations": "neighbourhood",
        "neighborhood": "neighbourhood",
        "community": "community_leaders",
        "other": "other",
    }
    lookup.update(extra)
    return lookup


def stakeholder_import_preview(
    *, city: City, filename: str, raw: bytes, by: User | None, ip_address: str | None = None
) -> StakeholderImport:
    """Read and check a CSV of contacts; nothing enters the directory until it is confirmed."""
    try:
        header, rows = contacts_csv.read_contacts(raw)
    except contacts_csv.CsvProblem as problem:
        raise ValidationError({"file": str(problem)}) from problem
    existing = list(Stakeholder.objects.for_city(city).values_list("pk", "name", "email"))
    contacts_csv.classify(rows, existing=existing, groups=_group_lookup())
    with transaction.atomic():
        batch = StakeholderImport.objects.create(
            city=city, filename=filename[:255], header=header, rows=[r.as_json() for r in rows], created_by=by
        )
        audit_record(
            action=AuditAction.CREATE,
            object_type="contacts import",
            object_id=batch.pk,
            summary=f"uploaded {batch.filename} for checking: {len(rows)} line(s)",
            city=city,
            actor=by,
            ip_address=ip_address,
        )
    return batch


def stakeholder_import_confirm(
    *,
    batch: StakeholderImport,
    include_lines: set[int] | frozenset[int] = frozenset(),
    by: User | None,
    ip_address: str | None = None,
) -> StakeholderImport:
    """Create the new contacts, and the duplicates a person chose to add anyway. Bad lines never."""
    with transaction.atomic():
        batch = StakeholderImport.objects.select_for_update().get(pk=batch.pk)
        if batch.status != ImportStatus.PREVIEW:
            raise ValidationError("This file was already imported or cancelled.")
        city = batch.city
        organisations = {
            contacts_csv.normalise_name(name): pk
            for pk, name in Stakeholder.objects.for_city(city)
            .filter(kind=StakeholderKind.ORGANISATION)
            .values_list("pk", "name")
        }
        # The directory may have changed since the preview: check the new lines against it again.
        known_emails = {
            e.lower()
            for e in Stakeholder.objects.for_city(city).exclude(email="").values_list("email", flat=True)
        }
        known_names = {
            contacts_csv.normalise_name(n)
            for n in Stakeholder.objects.for_city(city).values_list("name", flat=True)
        }
        created = 0
        rows = batch.rows
        for row in rows:
            if row["verdict"] == "new" and (
                (row["fields"].get("email") and row["fields"]["email"] in known_emails)
                or contacts_csv.normalise_name(row["fields"]["name"]) in known_names
            ):
                row["verdict"] = "duplicate"
                row["reason"] = "Added to the directory by someone else since the file was checked."
                continue
            take = row["verdict"] == "new" or (row["verdict"] == "duplicate" and row["line"] in include_lines)
            if not take:
                continue
            f = row["fields"]
            notes = f.get("notes", "")
            org_name = f.get("organisation", "")
            org_id = organisations.get(contacts_csv.normalise_name(org_name)) if org_name else None
            if org_name and org_id is None:
                notes = (notes + "\n" if notes else "") + f"Organisation: {org_name}"
            consent_at = None
            if f.get("consent") == "yes":
                day = date.fromisoformat(f["consent_date"]) if f.get("consent_date") else timezone.localdate()
                consent_at = timezone.make_aware(datetime.combine(day, datetime.min.time()))
            stakeholder = Stakeholder(
                city=city,
                kind=f.get("kind") or StakeholderKind.PERSON,
                name=f["name"],
                organisation_id=org_id,
                role_title=f.get("role_title", ""),
                group=f.get("group") or StakeholderGroup.OTHER,
                district=f.get("district", ""),
                email=f.get("email", ""),
                phone=f.get("phone", ""),
                preferred_language=f.get("preferred_language") or "English",
                notes=notes,
                consent_given_at=consent_at,
                consent_wording=f"Agreed to be contacted (recorded in the imported file {batch.filename})."
                if consent_at
                else "",
                created_by=by,
            )
            stakeholder.save()
            if stakeholder.kind == StakeholderKind.ORGANISATION:
                organisations.setdefault(contacts_csv.normalise_name(stakeholder.name), stakeholder.pk)
            row["created_id"] = stakeholder.pk
            created += 1
        batch.rows = rows
        batch.created_count = created
        batch.status = ImportStatus.DONE
        batch.save(update_fields=["rows", "created_count", "status"])
        audit_record(
            action=AuditAction.CREATE,
            object_type="contacts import",
            object_id=batch.pk,
            summary=f"imported {created} contact(s) from {batch.filename}",
            city=city,
            actor=by,
            ip_address=ip_address,
        )
    return batch


def stakeholder_import_viewed(
    *, batch: StakeholderImport, summary: dict, by: User | None, ip_address: str | None = None
) -> None:
    """One entry for a look at the lines of an uploaded contacts file."""
    audit_list_view(
        object_type="contacts import", object_id=batch.pk, what=f"Viewed the lines of {batch.filename}",
        shown=summary["total"], with_contact=sum(1 for row in summary["new"] if row["fields"].get("email")),
        details=[
            f"new: {len(summary['new'])}, possible duplicates: {len(summary['duplicates'])}, "
            f"cannot be imported: {len(summary['bad'])}"
        ],
        noun=("line", "lines"), city=batch.city, actor=by, ip_address=ip_address,
    )  # fmt: skip


def stakeholder_import_exported(
    *, batch: StakeholderImport, by: User | None, ip_address: str | None = None
) -> None:
    """The lines not added were downloaded (with their original values)."""
    audit_record(
        action=AuditAction.EXPORT, object_type="contacts import", object_id=batch.pk,
        summary=f"downloaded the lines not added from {batch.filename}", city=batch.city, actor=by,
        ip_address=ip_address,
    )  # fmt: skip


def stakeholder_import_cancel(*, batch: StakeholderImport, by: User | None) -> StakeholderImport:
    StakeholderImport.objects.filter(pk=batch.pk, status=ImportStatus.PREVIEW).update(
        status=ImportStatus.CANCELLED
    )
    batch.refresh_from_db()
    return batch


# --- Relationships, meetings, trust ---------------------------------------------------------------


def relationship_create(
    *,
    city: City,
    owner: User,
    stakeholder: Stakeholder,
    started_on: date,
    cadence_days: int = 30,
    owner_office: str = "",
    purpose: str = "",
    created_by: User | None = None,
) -> Relationship:
    if stakeholder.city_id != city.id:
        raise ValidationError({"stakeholder": "Choose a stakeholder of this city."})
    if owner is None:
        raise ValidationError({"owner": "Choose the member who keeps this relationship."})
    _check_member(city=city, user=owner, field="owner")
    relationship = Relationship(
        city=city,
        owner=owner,
        stakeholder=stakeholder,
        started_on=started_on,
        cadence_days=cadence_days,
        owner_office=owner_office.strip(),
        purpose=purpose.strip(),
        created_by=created_by,
    )
    relationship.full_clean()
    relationship.save()
    return relationship


def relationship_update(*, relationship: Relationship, by: User | None, **fields) -> Relationship:
    allowed = {"owner", "owner_office", "stakeholder", "cadence_days", "started_on", "purpose", "ended_on"}
    city = relationship.city
    if "stakeholder" in fields and fields["stakeholder"].city_id != city.id:
        raise ValidationError({"stakeholder": "Choose a stakeholder of this city."})
    if "owner" in fields:
        _check_member(city=city, user=fields["owner"], field="owner")
    for name, value in fields.items():
        if name not in allowed:
            raise ValueError(f"{name} cannot be edited here")
        setattr(relationship, name, value)
    relationship.full_clean()
    relationship.save()
    return relationship


@dataclass
class CommitmentDraft:
    what: str
    owed_by: str
    owed_to_stakeholder: Stakeholder | None = None
    owner: User | None = None
    due_date: date | None = None


def meeting_log(
    *,
    city: City,
    date: date,
    kind: str,
    created_by: User | None,
    title: str = "",
    relationships: Iterable[Relationship] = (),
    attendee_members: Iterable[User] = (),
    attendee_stakeholders: Iterable[Stakeholder] = (),
    decisions: str = "",
    private_notes: str = "",
    crisis_event: CrisisEvent | None = None,
    commitments: Iterable[CommitmentDraft] = (),
) -> Meeting:
    """Record a meeting held, and the commitments made at it (each becomes a tracked commitment)."""
    relationships = list(relationships)
    attendee_members = list(attendee_members)
    attendee_stakeholders = list(attendee_stakeholders)
    if any(r.city_id != city.id for r in relationships):
        raise ValidationError({"relationships": "Choose relationships of this city."})
    if any(s.city_id != city.id for s in attendee_stakeholders):
        raise ValidationError({"attendee_stakeholders": "Choose stakeholders of this city."})
    if crisis_event is not None and crisis_event.city_id != city.id:
        raise ValidationError({"crisis_event": "Choose a crisis event of this city."})
    member_ids = set(Membership.objects.for_city(city).values_list("user_id", flat=True))
    if any(u.pk not in member_ids for u in attendee_members):
        raise ValidationError({"attendee_members": "Choose members of this city."})
    with transaction.atomic():
        meeting = Meeting(
            city=city,
            date=date,
            kind=kind,
            title=title.strip(),
            decisions=decisions.strip(),
            private_notes=private_notes.strip(),
            crisis_event=crisis_event,
            created_by=created_by,
        )
        meeting.full_clean()
        meeting.save()
        meeting.relationships.set(relationships)
        meeting.attendee_members.set(attendee_members)
        meeting.attendee_stakeholders.set(attendee_stakeholders)
        url = reverse("relationships:meeting_detail", args=[city.slug, meeting.pk])
        for draft in commitments:
            commitment = commitment_create(
                city=city,
                what=draft.what,
                owed_by=draft.owed_by,
                created_by=created_by,
                owner=draft.owner,
                owed_to_stakeholder=draft.owed_to_stakeholder,
                due_date=draft.due_date,
                source_label=f"Meeting: {meeting.label}",
                source_url=url,
            )
            Commitment.objects.filter(pk=commitment.pk).update(meeting=meeting)
    return meeting


def trust_assess(
    *,
    relationship: Relationship,
    score: int,
    by: User | None,
    note: str = "",
    assessed_on: date | None = None,
) -> TrustAssessment:
    """Add a reading of trust (1-5) to the relationship's history; earlier readings are kept."""
    if not 1 <= int(score) <= 5:
        raise ValidationError({"score": "Trust is scored from 1 (none) to 5 (strong)."})
    assessment = TrustAssessment(
        city_id=relationship.city_id,
        relationship=relationship,
        score=int(score),
        note=note.strip(),
        assessed_on=assessed_on or timezone.localdate(),
        assessed_by=by,
    )
    assessment.full_clean()
    assessment.save()
    return assessment


def crisis_event_create(
    *,
    city: City,
    title: str,
    occurred_on: date,
    created_by: User | None,
    district: str = "",
    description: str = "",
) -> CrisisEvent:
    event = CrisisEvent(
        city=city,
        title=title.strip(),
        occurred_on=occurred_on,
        district=district.strip(),
        description=description.strip(),
        created_by=created_by,
    )
    event.full_clean()
    event.save()
    return event


def commitment_publish(*, commitment: Commitment, public_summary: str, by: User | None) -> Commitment:
    """Show a commitment on the city's public 'what we said, what we did' page."""
    if not public_summary.strip():
        raise ValidationError({"public_summary": "Write what the public should read about this commitment."})
    commitment.public_summary = public_summary.strip()
    commitment.is_public = True
    commitment.published_at = commitment.published_at or timezone.now()
    commitment.save(update_fields=["public_summary", "is_public", "published_at"])
    return commitment


def commitment_unpublish(*, commitment: Commitment, by: User | None) -> Commitment:
    commitment.is_public = False
    commitment.save(update_fields=["is_public"])
    return commitment


# --- The weekly digest -------------------------------------------------------------------------------


def digest_send(*, city: City, user: User, today: date | None = None) -> bool:
    """Email one owner their due and overdue relationships and open commitments in one city.

    Sends nothing when there is nothing to say. Contact details are not included in the email.
    """
    from django.conf import settings
    from django.core.mail import send_mail
    from django.template.loader import render_to_string

    from . import selectors

    if not Membership.objects.for_city(city).filter(user=user).exists():
        return False
    with timezone.override(city.timezone):
        today = today or timezone.localdate()
        data = selectors.digest_for(city=city, user=user, today=today)
        if not data["relationships"] and not data["commitments"]:
            return False
        context = {"city": city, "user": user, "today": today, "site_url": settings.SITE_URL, **data}
        body = render_to_string("relationships/email/digest.txt", context)
    n_rel, n_com = len(data["relationships"]), len(data["commitments"])
    subject = (
        f"[REAL Cities] {city.name}: {n_rel} relationship{'s' if n_rel != 1 else ''} to meet, "
        f"{n_com} open commitment{'s' if n_com != 1 else ''}"
    )
    send_mail(subject, body, None, [user.email])
    return True


def digests_send_weekly(*, today: date | None = None) -> int:
    """Every owner, in every city where they own something, gets their digest. Returns emails sent."""
    from . import selectors

    sent = 0
    recipients = selectors.digest_recipients(today=today or timezone.localdate())
    cities = {c.pk: c for c in City.objects.filter(pk__in={c for c, _ in recipients})}
    users = {u.pk: u for u in User.objects.filter(pk__in={u for _, u in recipients}, is_active=True)}
    for city_id, user_id in recipients:
        if city_id in cities and user_id in users:
            sent += digest_send(city=cities[city_id], user=users[user_id], today=today)
    return sent


# --- Retention (registered with cities.retention in apps.py) -------------------------------------------


def stakeholder_contacts_purge(*, city: City, before: datetime) -> int:
    """Erase the email and phone of stakeholders the city keeps no reason to contact.

    A stakeholder's contact details go when their consent was withdrawn before `before`, or when
    nothing links the city to them since `before`: added earlier, no consent given since, no
    meeting held or attended since, and no relationship that is still kept or ended since. The rest
    of the record (name, group, consent history, meetings) stays. Returns how many were erased.
    """
    from zoneinfo import ZoneInfo

    from django.db.models import Exists, OuterRef, Q

    since = timezone.localtime(before, ZoneInfo(city.timezone)).date()
    active = Relationship.objects.filter(stakeholder=OuterRef("pk")).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=since)
    )
    met = Meeting.objects.filter(date__gte=since).filter(
        Q(attendee_stakeholders=OuterRef("pk")) | Q(relationships__stakeholder=OuterRef("pk"))
    )
    withdrawn = Q(consent_withdrawn_at__lt=before)
    untouched = (
        Q(created_at__lt=before)
        & (Q(consent_given_at__isnull=True) | Q(consent_given_at__lt=before))
        & ~Exists(active)
        & ~Exists(met)
    )
    ids = list(
        Stakeholder.objects.for_city(city)
        .exclude(email="", phone="")
        .filter(withdrawn | untouched)
        .values_list("pk", flat=True)
    )
    return Stakeholder.objects.for_city(city).filter(pk__in=ids).update(email="", phone="")


def contact_imports_purge(*, city: City, before: datetime) -> int:
    """Empty the lines kept from contact files uploaded before `before` (they hold the file's email
    addresses and phone numbers, including lines never added). The file name and counts stay; a
    file still waiting for confirmation is cancelled, since nothing is left to confirm."""
    from django.db.models import Case, Value, When

    return (
        StakeholderImport.objects.for_city(city)
        .filter(created_at__lt=before)
        .exclude(rows=[])
        .update(
            rows=[],
            header=[],
            status=Case(
                When(status=ImportStatus.PREVIEW, then=Value(ImportStatus.CANCELLED)), default="status"
            ),
        )
    )
