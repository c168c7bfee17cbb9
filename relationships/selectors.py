"""Reads for the relationships pages. Every query is scoped to one city and bounded in number."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    DateField,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, Greatest, Least, Lower, RowNumber
from django.urls import reverse
from django.utils import timezone

from cities.models import City, Membership, User, may

from . import hooks
from .health import HEALTHY, Health, health_of, readiness_share
from .models import (
    Commitment,
    CommitmentStatus,
    CrisisEvent,
    ImportStatus,
    Meeting,
    Relationship,
    Stakeholder,
    StakeholderGroup,
    StakeholderImport,
    TrustAssessment,
)

DIRECTORY_PAGE_SIZE = 25
MEETINGS_PAGE_SIZE = 20
RELATIONSHIPS_PAGE_SIZE = 25
COMMITMENTS_PAGE_SIZE = 25


def page_of(queryset, number, size: int) -> Page:
    return Paginator(queryset, size).get_page(number)


# --- Health (computed in Python from one narrow aggregate; see relationships/health.py) ----------


def last_met_by_relationship(*, city: City, today: date, relationship_ids=None) -> dict[int, date]:
    """The latest meeting held (on or before today) for each relationship: one GROUP BY query."""
    qs = Meeting.relationships.through.objects.filter(relationship__city=city, meeting__date__lte=today)
    if relationship_ids is not None:
        qs = qs.filter(relationship_id__in=list(relationship_ids))
    return dict(
        qs.order_by()
        .values("relationship_id")
        .annotate(last=Max("meeting__date"))
        .values_list("relationship_id", "last")
    )


def attach_readings(relationships, *, today: date, city: City | None = None):
    """Give each relationship `last_met` (if not set yet), `reading` (a HealthReading) and `health`."""
    relationships = list(relationships)
    missing = [r.pk for r in relationships if not hasattr(r, "last_met")]
    if missing:
        last = last_met_by_relationship(
            city=city or relationships[0].city, today=today, relationship_ids=missing
        )
        for r in relationships:
            if not hasattr(r, "last_met"):
                r.last_met = last.get(r.pk)
    for r in relationships:
        r.reading = health_of(
            cadence_days=r.cadence_days, started_on=r.started_on, last_met=r.last_met, today=today
        )
        r.health = r.reading.health.value
    return relationships


def active_queryset(*, city: City, today: date) -> QuerySet[Relationship]:
    return (
        Relationship.objects.for_city(city)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today))
        .select_related("stakeholder", "owner")
        .only(
            "id",
            "city_id",
            "owner_id",
            "stakeholder_id",
            "owner_office",
            "cadence_days",
            "started_on",
            "ended_on",
            "stakeholder__id",
            "stakeholder__city_id",
            "stakeholder__name",
            "stakeholder__kind",
            "stakeholder__group",
            "stakeholder__district",
            "stakeholder__email",
            "stakeholder__phone",
            "stakeholder__consent_given_at",
            "stakeholder__consent_withdrawn_at",
            "owner__id",
            "owner__full_name",
            "owner__email",
        )
    )


def active_relationships(*, city: City, today: date | None = None, **filters) -> list[Relationship]:
    """Every active relationship of the city with its health, most urgent first. Two queries."""
    today = today or timezone.localdate()
    rows = list(active_queryset(city=city, today=today).filter(**filters))
    last = last_met_by_relationship(city=city, today=today)
    for r in rows:
        r.last_met = last.get(r.pk)
    attach_readings(rows, today=today, city=city)
    rows.sort(key=lambda r: (r.reading.days_left, r.stakeholder.name.lower(), r.pk))
    return rows


# --- Directory -------------------------------------------------------------------------------------


def stakeholder_list(*, city: City, filters: dict) -> QuerySet[Stakeholder]:
    qs = Stakeholder.objects.for_city(city).select_related("organisation")
    q = (filters.get("q") or "").strip()
    if q:
        match = Q(name__icontains=q) | Q(organisation__name__icontains=q) | Q(role_title__icontains=q)
        if filters.get("search_contact"):
            # Only contact details that are shown can be searched: a withdrawn email stays hidden.
            match |= Q(email__icontains=q, consent_given_at__isnull=False, consent_withdrawn_at__isnull=True)
        qs = qs.filter(match)
    if filters.get("group"):
        qs = qs.filter(group=filters["group"])
    if filters.get("district"):
        qs = qs.filter(district__iexact=filters["district"])
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    consent = filters.get("consent")
    if consent == "given":
        qs = qs.filter(consent_given_at__isnull=False, consent_withdrawn_at__isnull=True)
    elif consent == "withdrawn":
        qs = qs.filter(consent_withdrawn_at__isnull=False)
    elif consent == "none":
        qs = qs.filter(consent_given_at__isnull=True)
    return qs.order_by("name", "id")


def city_districts(*, city: City) -> list[str]:
    return list(
        Stakeholder.objects.for_city(city)
        .exclude(district="")
        .order_by("district")
        .values_list("district", flat=True)
        .distinct()
    )


def stakeholder_in_city(*, city: City, stakeholder_id: int) -> Stakeholder:
    return Stakeholder.objects.for_city(city).select_related("organisation").get(pk=stakeholder_id)


def stakeholder_detail(*, city: City, stakeholder: Stakeholder, today: date | None = None) -> dict:
    today = today or timezone.localdate()
    relationships = active_relationships(city=city, today=today, stakeholder=stakeholder)
    return {
        "relationships": relationships,
        "people": list(
            Stakeholder.objects.for_city(city).filter(organisation=stakeholder).order_by("name")[:50]
        ),
        "meetings": list(
            Meeting.objects.for_city(city)
            .filter(Q(attendee_stakeholders=stakeholder) | Q(relationships__stakeholder=stakeholder))
            .distinct()
            .order_by("-date", "-id")[:10]
        ),
        "commitments": list(
            Commitment.objects.for_city(city)
            .filter(owed_to_stakeholder=stakeholder)
            .order_by("due_date")[:20]
        ),
    }


def import_in_city(*, city: City, import_id: int) -> StakeholderImport:
    return StakeholderImport.objects.for_city(city).get(pk=import_id)


def import_summary(batch: StakeholderImport) -> dict:
    rows = batch.rows
    return {
        "new": [r for r in rows if r["verdict"] == "new"],
        "duplicates": [r for r in rows if r["verdict"] == "duplicate"],
        "bad": [r for r in rows if r["verdict"] == "bad"],
        "total": len(rows),
    }


def import_skipped_rows(*, batch: StakeholderImport) -> Iterator[list]:
    """The CSV of every line not added (duplicates and bad lines, and new lines while the import is
    only previewed): a header, then the line number, verdict, reason and the original values."""
    yield ["line", "verdict", "reason", *batch.header]
    for row in batch.rows:
        if row.get("created_id"):
            continue
        if row["verdict"] == "new" and batch.status == ImportStatus.PREVIEW:
            continue
        yield [row["line"], row["verdict"], row["reason"], *row["original"]]


# --- Relationships and meetings ----------------------------------------------------------------------


def health_queryset(*, city: City, today: date) -> QuerySet[Relationship]:
    """Active relationships with `last_met`, `days_left` and `window` computed by the database, most
    urgent first: the rule of relationships/health.py in SQL, so a list page reads only its page.

    next_due = max(last meeting held, start) + cadence; days_left = next_due - today; due from
    `window` days before (health.due_window: a quarter of the cadence, between 1 and 7 days).
    """
    last = (
        Meeting.relationships.through.objects.filter(relationship_id=OuterRef("pk"), meeting__date__lte=today)
        .order_by()
        .values("relationship_id")
        .annotate(last=Max("meeting__date"))
        .values("last")
    )
    reference = Greatest(Coalesce(F("last_met"), F("started_on")), F("started_on"))
    next_due = Func(
        reference, F("cadence_days"), template="(%(expressions)s)", arg_joiner=" + ", output_field=DateField()
    )
    return (
        active_queryset(city=city, today=today)
        .annotate(last_met=Subquery(last, output_field=DateField()))
        .annotate(
            days_left=Func(next_due, Value(today), template="(%(expressions)s)", arg_joiner=" - ",
                           output_field=IntegerField()),
            window=Greatest(Value(1), Least(Value(7), F("cadence_days") / 4)),
        )
        .order_by("days_left", Lower("stakeholder__name"), "pk")
    )  # fmt: skip


HEALTH_FILTERS = {
    Health.OVERDUE: Q(days_left__lt=0),
    Health.DUE: Q(days_left__gte=0, days_left__lte=F("window")),
    Health.ON_TRACK: Q(days_left__gt=F("window")),
}


def _listed(*, city: City, filters: dict, today: date) -> QuerySet[Relationship]:
    qs = health_queryset(city=city, today=today)
    if filters.get("mine"):
        qs = qs.filter(owner_id=filters["mine"])
    if filters.get("health") in Health._value2member_map_:
        qs = qs.filter(HEALTH_FILTERS[Health(filters["health"])])
    return qs


def relationship_page(*, city: City, filters: dict, page=None, today: date | None = None) -> Page:
    """One page of the relationship list (health filter and ordering in SQL), readings attached."""
    today = today or timezone.localdate()
    result = page_of(_listed(city=city, filters=filters, today=today), page, RELATIONSHIPS_PAGE_SIZE)
    result.object_list = attach_readings(result.object_list, today=today, city=city)
    return result


def relationship_list(*, city: City, filters: dict, today: date | None = None) -> list[Relationship]:
    """Every relationship of the list (all pages), readings attached."""
    today = today or timezone.localdate()
    return attach_readings(_listed(city=city, filters=filters, today=today), today=today, city=city)


def relationship_in_city(*, city: City, relationship_id: int, today: date | None = None) -> Relationship:
    today = today or timezone.localdate()
    r = Relationship.objects.for_city(city).select_related("stakeholder", "owner").get(pk=relationship_id)
    attach_readings([r], today=today, city=city)
    return r


def relationship_history(*, relationship: Relationship) -> dict:
    return {
        "meetings": list(relationship.meetings.order_by("-date", "-id")[:20]),
        "assessments": list(
            TrustAssessment.objects.for_city(relationship.city)
            .filter(relationship=relationship)
            .select_related("assessed_by")
            .order_by("-assessed_on", "-id")[:50]
        ),
    }


def meeting_list(*, city: City, filters: dict) -> QuerySet[Meeting]:
    qs = (
        Meeting.objects.for_city(city)
        .select_related("crisis_event")
        .prefetch_related(
            Prefetch("relationships", queryset=Relationship.objects.select_related("stakeholder")),
            Prefetch("attendee_stakeholders", queryset=Stakeholder.objects.only("id", "name")),
        )
        .annotate(
            commitment_count=Coalesce(
                Subquery(
                    Commitment.objects.filter(meeting_id=OuterRef("pk"))
                    .order_by()
                    .values("meeting_id")
                    .annotate(n=Count("id"))
                    .values("n")[:1],
                    output_field=IntegerField(),
                ),
                0,
            )
        )
    )
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("crisis"):
        qs = qs.filter(crisis_event_id=filters["crisis"])
    return qs.order_by("-date", "-id")


def meeting_in_city(*, city: City, meeting_id: int) -> Meeting:
    return (
        Meeting.objects.for_city(city)
        .select_related("crisis_event", "created_by")
        .prefetch_related(
            "relationships__stakeholder", "attendee_stakeholders", "attendee_members", "commitments"
        )
        .get(pk=meeting_id)
    )


def city_members(*, city: City) -> QuerySet[User]:
    return User.objects.filter(memberships__city=city).order_by("full_name", "email")


# --- Commitments -----------------------------------------------------------------------------------


def commitment_list(*, city: City, filters: dict) -> QuerySet[Commitment]:
    qs = Commitment.objects.for_city(city).select_related("owner", "owed_to_stakeholder", "meeting")
    status = filters.get("status")
    if status == "active":
        qs = qs.filter(status__in=[CommitmentStatus.OPEN, CommitmentStatus.IN_PROGRESS])
    elif status in CommitmentStatus.values:
        qs = qs.filter(status=status)
    if filters.get("late"):
        qs = qs.filter(
            status__in=[CommitmentStatus.OPEN, CommitmentStatus.IN_PROGRESS],
            due_date__lt=timezone.localdate(),
        )
    if filters.get("owner"):
        qs = qs.filter(owner_id=filters["owner"])
    if filters.get("public"):
        qs = qs.filter(is_public=True)
    return qs.order_by(F("due_date").asc(nulls_last=True), "id")


def commitment_in_city(*, city: City, commitment_id: int) -> Commitment:
    return (
        Commitment.objects.for_city(city)
        .select_related("owner", "owed_to_stakeholder", "meeting")
        .prefetch_related("updates__by")
        .get(pk=commitment_id)
    )


def public_commitments(*, city: City) -> QuerySet[Commitment]:
    """Only what the lead published, and only fields without personal data."""
    return (
        Commitment.objects.for_city(city)
        .filter(is_public=True)
        .only("id", "what", "public_summary", "status", "due_date", "published_at", "city_id")
        .prefetch_related("updates")
        .order_by(F("due_date").asc(nulls_last=True), "id")
    )


# --- Trust gaps and crisis readiness -------------------------------------------------------------------


@dataclass
class GapRow:
    dimension: str  # "district" | "group"
    key: str
    label: str
    stakeholders: int = 0
    relationships: int = 0
    healthy: int = 0
    last_contact: date | None = None
    trust_scores: list[int] = field(default_factory=list)
    trust_changes: list[int] = field(default_factory=list)  # latest minus previous reading
    feedback: dict | None = None
    roster: list = field(default_factory=list)

    @property
    def days_since_contact(self) -> int | None:
        return None if self.last_contact is None else (timezone.localdate() - self.last_contact).days

    @property
    def trust_average(self) -> float | None:
        return round(sum(self.trust_scores) / len(self.trust_scores), 1) if self.trust_scores else None

    @property
    def trust_change(self) -> float | None:
        return round(sum(self.trust_changes) / len(self.trust_changes), 1) if self.trust_changes else None

    @property
    def is_covered(self) -> bool:
        return self.healthy > 0

    def sort_key(self):
        # Widest gap first: no healthy relationship, then lowest trust, then longest without contact.
        days = self.days_since_contact
        return (
            self.healthy,
            self.trust_average if self.trust_average is not None else 0,
            -(days if days is not None else 10**6),
            self.label.lower(),
        )


def _gap_rows(
    *, city: City, today: date, relationships: list[Relationship] | None = None
) -> tuple[list[GapRow], list[GapRow]]:
    """One pass over the city's stakeholders, relationships, meetings and latest trust readings.

    Five queries whatever the size of the directory (three when the page already holds the city's
    `active_relationships` and passes them in).
    """
    group_labels = dict(StakeholderGroup.choices)
    districts: dict[str, GapRow] = {}
    groups: dict[str, GapRow] = {
        value: GapRow("group", value, str(label))
        for value, label in StakeholderGroup.choices
        if value != StakeholderGroup.OTHER
    }

    def rows_for(district: str, group: str) -> list[GapRow]:
        found = []
        if district:
            key = district.strip()
            if key.lower() not in districts:
                districts[key.lower()] = GapRow("district", key, key)
            found.append(districts[key.lower()])
        if group:
            if group not in groups:
                groups[group] = GapRow("group", group, str(group_labels.get(group, group)))
            found.append(groups[group])
        return found

    # 1. Stakeholders per district and group.
    for district, group, n in (
        Stakeholder.objects.for_city(city).values_list("district", "group").annotate(n=Count("id")).order_by()
    ):
        for row in rows_for(district, group):
            row.stakeholders += n
    # 2. Relationships with their health.
    if relationships is None:
        relationships = active_relationships(city=city, today=today)
    by_relationship: dict[int, list[GapRow]] = {}
    for r in relationships:
        rows = rows_for(r.stakeholder.district, r.stakeholder.group)
        by_relationship[r.pk] = rows
        for row in rows:
            row.relationships += 1
            row.healthy += 1 if r.reading.health in HEALTHY else 0
            row.roster.append(r)
            if r.last_met and (row.last_contact is None or r.last_met > row.last_contact):
                row.last_contact = r.last_met
    # 3. Last contact also counts meetings a stakeholder attended without a standing relationship.
    for district, group, last in (
        Stakeholder.objects.for_city(city)
        .filter(meetings_attended__date__lte=today)
        .values_list("district", "group")
        .annotate(last=Max("meetings_attended__date"))
        .order_by()
    ):
        for row in rows_for(district, group):
            if row.last_contact is None or last > row.last_contact:
                row.last_contact = last
    # 4. The latest two trust readings of each relationship: the level, and its change.
    readings: dict[int, list[int]] = {}
    for relationship_id, score in (
        TrustAssessment.objects.for_city(city)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=F("relationship_id"),
                order_by=[F("assessed_on").desc(), F("id").desc()],
            )
        )
        .filter(rank__lte=2)
        .order_by("relationship_id", "rank")
        .values_list("relationship_id", "score")
    ):
        readings.setdefault(relationship_id, []).append(score)
    for relationship_id, scores in readings.items():
        for row in by_relationship.get(relationship_id, []):
            row.trust_scores.append(scores[0])
            if len(scores) == 2:
                row.trust_changes.append(scores[0] - scores[1])
    # 5. Feedback from other apps (conversations), when a provider is registered.
    feedback = hooks.trust_feedback(city)
    for row in [*districts.values(), *groups.values()]:
        row.feedback = feedback.get((row.dimension, row.key))
        if row.feedback is None and row.dimension == "district":
            row.feedback = next(
                (v for (d, k), v in feedback.items() if d == "district" and k.lower() == row.key.lower()),
                None,
            )
    return list(districts.values()), list(groups.values())


def trust_gaps(*, city: City, today: date | None = None) -> dict:
    today = today or timezone.localdate()
    districts, groups = _gap_rows(city=city, today=today)
    districts.sort(key=GapRow.sort_key)
    groups.sort(key=GapRow.sort_key)
    has_feedback = any(r.feedback for r in [*districts, *groups])
    return {"districts": districts, "groups": groups, "has_feedback": has_feedback}


def readiness(
    *, city: City, today: date | None = None, relationships: list[Relationship] | None = None
) -> dict:
    """Crisis readiness: the share of districts and groups with at least one healthy relationship.

    Districts are those named in the directory. Groups are the stakeholder groups the directory
    uses (those where the city lists at least one stakeholder), so a city is not marked down for
    a group that does not exist locally; groups with nobody listed are shown apart.
    """
    today = today or timezone.localdate()
    districts, groups = _gap_rows(city=city, today=today, relationships=relationships)
    groups_in_use = [g for g in groups if g.stakeholders > 0]
    considered = [*districts, *groups_in_use]
    covered = sum(1 for r in considered if r.is_covered)
    for row in considered:
        row.roster.sort(key=lambda r: (r.reading.health != Health.ON_TRACK, r.reading.days_left * -1))
    return {
        "share": readiness_share(covered, len(considered)),
        "covered": covered,
        "total": len(considered),
        "districts": sorted(districts, key=lambda r: r.label.lower()),
        "groups": sorted(groups_in_use, key=lambda r: r.label.lower()),
        "groups_nobody": [g for g in groups if g.stakeholders == 0],
    }


def crisis_events(*, city: City) -> QuerySet[CrisisEvent]:
    return (
        CrisisEvent.objects.for_city(city).annotate(meeting_count=Count("meetings")).order_by("-occurred_on")
    )


def crisis_event_in_city(*, city: City, event_id: int) -> CrisisEvent:
    return CrisisEvent.objects.for_city(city).get(pk=event_id)


# --- Landing, home panel and digest ----------------------------------------------------------------


def needing_attention(*, city: City, today: date | None = None, owner: User | None = None, limit: int = 10):
    today = today or timezone.localdate()
    extra = {"owner": owner} if owner is not None else {}
    rows = [r for r in active_relationships(city=city, today=today, **extra) if r.health != Health.ON_TRACK]
    return rows[:limit]


def landing(*, city: City, today: date | None = None) -> dict:
    today = today or timezone.localdate()
    rows = active_relationships(city=city, today=today)
    counts = {h.value: sum(1 for r in rows if r.health == h.value) for h in Health}
    return {
        "attention": [r for r in rows if r.health != Health.ON_TRACK][:15],
        "counts": counts,
        "stakeholder_count": Stakeholder.objects.for_city(city).count(),
        "open_commitments": Commitment.objects.for_city(city)
        .filter(status__in=[CommitmentStatus.OPEN, CommitmentStatus.IN_PROGRESS])
        .count(),
        "recent_meetings": list(Meeting.objects.for_city(city).order_by("-date", "-id")[:5]),
        "readiness": readiness(city=city, today=today, relationships=rows),
    }


def home_panel(*, city: City, membership: Membership | None) -> dict:
    """The city home's panel: relationships that are due or overdue for a meeting, and readiness."""
    today = timezone.localdate()
    # The city's active relationships, read once for both the list and readiness.
    rows = active_relationships(city=city, today=today)
    attention = [r for r in rows if r.health != Health.ON_TRACK][:5]
    ready = readiness(city=city, today=today, relationships=rows)
    items = []
    if ready["total"]:
        items.append(
            {
                "title": f"Crisis readiness: {ready['share']}%",
                "url": reverse("relationships:readiness", args=[city.slug]),
                "meta": f"({ready['covered']} of {ready['total']} districts and groups have a healthy relationship)",
            }
        )
    for r in attention:
        items.append(
            {
                "title": f"{r.stakeholder.name}: {r.reading.label.lower()}",
                "url": reverse("relationships:relationship_detail", args=[city.slug, r.pk]),
                "meta": f"({r.reading.explanation})",
            }
        )
    has_any = Relationship.objects.for_city(city).exists()
    return {
        "key": "relationships",
        "title": "Relationships due for a meeting",
        "url": reverse("relationships:index", args=[city.slug]),
        "items": items if (has_any or ready["total"]) else [],
        "empty": "No standing relationship is recorded yet. Start with the stakeholders you already "
        "know: faith leaders, advocates, youth groups, neighbourhood associations.",
        "action": {"label": "Log a meeting", "url": reverse("relationships:meeting_new", args=[city.slug])}
        if may(membership, "can_edit")
        else None,
    }


def week_figures(*, city: City, membership: Membership | None) -> list[dict]:
    """The city home's "this week" figures: relationships overdue, commitments due within 7 days."""
    if not may(membership, "can_edit"):
        return []
    today = timezone.localdate()
    overdue = sum(1 for r in active_relationships(city=city, today=today) if r.health == Health.OVERDUE)
    due = (
        Commitment.objects.for_city(city)
        .filter(
            status__in=[CommitmentStatus.OPEN, CommitmentStatus.IN_PROGRESS],
            due_date__isnull=False,
            due_date__lte=today + timedelta(days=7),
        )
        .count()
    )
    return [
        {
            "label": "Relationships overdue",
            "value": f"{overdue:,}",
            "detail": "standing relationships past their meeting window" if overdue else "none is past its window",
            "url": reverse("relationships:relationship_list", args=[city.slug]) + "?health=overdue",
        },
        {
            "label": "Commitments due",
            "value": f"{due:,}",
            "detail": "open commitments overdue or due in the next 7 days",
            "url": reverse("relationships:commitment_list", args=[city.slug]),
        },
    ]


def digest_for(*, city: City, user: User, today: date) -> dict:
    return {
        "relationships": needing_attention(city=city, today=today, owner=user, limit=100),
        "commitments": list(
            Commitment.objects.for_city(city)
            .filter(owner=user, status__in=[CommitmentStatus.OPEN, CommitmentStatus.IN_PROGRESS])
            .order_by(F("due_date").asc(nulls_last=True), "id")[:100]
        ),
    }


def digest_recipients(*, today: date) -> list[tuple[int, int]]:
    """(city id, user id) of every member who owns a relationship or an open commitment there."""
    members = set(Membership.objects.values_list("city_id", "user_id"))
    owners = set(
        Relationship.objects.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today))
        .values_list("city_id", "owner_id")
        .distinct()
    ) | set(
        Commitment.objects.filter(
            owner__isnull=False, status__in=[CommitmentStatus.OPEN, CommitmentStatus.IN_PROGRESS]
        )
        .values_list("city_id", "owner_id")
        .distinct()
    )
    return sorted(owners & members)
