"""Everything that writes stakeholders and commitments. Conversations call these too."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from cities.models import City, User

from .models import Commitment, CommitmentStatus, CommitmentUpdate, Stakeholder

# Which status a commitment may move to from each status. Reopening is allowed, and logged.
COMMITMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    CommitmentStatus.OPEN: frozenset({CommitmentStatus.IN_PROGRESS, CommitmentStatus.DONE, CommitmentStatus.DROPPED}),
    CommitmentStatus.IN_PROGRESS: frozenset({CommitmentStatus.OPEN, CommitmentStatus.DONE, CommitmentStatus.DROPPED}),
    CommitmentStatus.DONE: frozenset({CommitmentStatus.IN_PROGRESS}),
    CommitmentStatus.DROPPED: frozenset({CommitmentStatus.OPEN}),
}


def stakeholder_create(*, city: City, created_by: User | None = None, **fields) -> Stakeholder:
    organisation = fields.get("organisation")
    if organisation is not None and organisation.city_id != city.id:
        raise ValidationError({"organisation": "Choose an organisation of this city."})
    stakeholder = Stakeholder(city=city, created_by=created_by, **fields)
    stakeholder.full_clean()
    stakeholder.save()
    return stakeholder


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


def commitment_set_status(*, commitment: Commitment, status: str, by: User | None, note: str = "") -> Commitment:
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
