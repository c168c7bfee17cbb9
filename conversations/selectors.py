"""Reads for the conversations pages."""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from cities.models import City, Membership, Role, User, may
from relationships.models import StakeholderGroup

from .models import (
    AccessNeed,
    Campaign,
    CheckIn,
    CityPledge,
    Conversation,
    ConversationStatus,
    FacilitatorReport,
    Feedback,
    Invitation,
    Quote,
    Registration,
    RegistrationStatus,
    Session,
    VoiceTarget,
)

# Aggregated feedback is never shown on fewer responses than this.
FEEDBACK_MIN_RESPONSES = 5
PAGE_SIZE = 20

LIST_FILTERS = {
    "upcoming": "Upcoming",
    "past": "Past",
    "needs_report": "Needs a report",
}


def conversations_visible(*, city: City, membership: Membership | None) -> QuerySet[Conversation]:
    """Editors see every conversation of the city; facilitators only those assigned to them."""
    qs = Conversation.objects.for_city(city)
    if may(membership, "can_facilitate") and not may(membership, "can_edit"):
        qs = qs.filter(facilitators=membership.user_id)
    return qs


def conversation_get(*, city: City, membership: Membership | None, pk: int) -> Conversation:
    """One conversation of the city that this member may open; DoesNotExist otherwise."""
    if not may(membership, "can_facilitate"):
        raise Conversation.DoesNotExist
    return (
        conversations_visible(city=city, membership=membership)
        .select_related("city", "campaign", "guide")
        .get(pk=pk)
    )


def _needs_report_q(now) -> Q:
    unreported = Session.objects.filter(conversation=OuterRef("pk"), ends_at__lt=now).filter(
        Q(report__isnull=True) | Q(report__submitted_at__isnull=True)
    )
    return Q(Exists(unreported), status__in=[ConversationStatus.SCHEDULED, ConversationStatus.HELD])


def _count(qs: QuerySet) -> Coalesce:
    return Coalesce(Subquery(qs.values("conversation").annotate(n=Count("id")).values("n")[:1]), 0)


def conversation_list(
    *, city: City, membership: Membership | None, when: str = "", status: str = ""
) -> QuerySet:
    """The filtered list, annotated so that a page of it costs a fixed number of queries."""
    now = timezone.now()
    sessions = Session.objects.filter(conversation=OuterRef("pk"))
    registrations = Registration.objects.filter(conversation=OuterRef("pk"))
    qs = conversations_visible(city=city, membership=membership).annotate(
        # Subqueries rather than joins: the counts are computed for the rows of the page only,
        # and sessions and registrations never multiply each other.
        first_start=Subquery(sessions.order_by("starts_at").values("starts_at")[:1]),
        last_end=Subquery(sessions.order_by("-ends_at").values("ends_at")[:1]),
        session_count=_count(sessions),
        registered=_count(registrations.filter(status=RegistrationStatus.CONFIRMED, walk_in=False)),
        waitlisted=_count(registrations.filter(status=RegistrationStatus.WAITLISTED)),
    )
    if when == "upcoming":
        qs = qs.filter(last_end__gte=now).exclude(status=ConversationStatus.CANCELLED).order_by("first_start")
    elif when == "past":
        qs = qs.filter(last_end__lt=now).order_by("-last_end")
    elif when == "needs_report":
        qs = qs.filter(_needs_report_q(now)).order_by("last_end")
    else:
        qs = qs.order_by("-created_at", "-id")
    if status in ConversationStatus.values:
        qs = qs.filter(status=status)
    return qs


def home_panel(*, city: City, membership: Membership | None) -> dict:
    """The city home's panel: upcoming conversations (an empty state until there are any)."""
    items = []
    if may(membership, "can_facilitate"):
        upcoming = conversation_list(city=city, membership=membership, when="upcoming")[:5]
        for conversation in upcoming:
            start = timezone.localtime(conversation.first_start) if conversation.first_start else None
            items.append(
                {
                    "title": conversation.title,
                    "url": reverse("conversations:detail", args=[city.slug, conversation.pk]),
                    "meta": (f"{start:%a %-d %b, %-I:%M %p} · " if start else "")
                    + f"{conversation.registered} of {conversation.capacity} registered",
                }
            )
    can_plan = may(membership, "can_edit")
    if may(membership, "can_facilitate") and not can_plan:
        return _facilitator_panel(city=city, membership=membership, items=items)
    return {
        "key": "conversations",
        "title": "Upcoming conversations",
        "url": reverse("conversations:index", args=[city.slug]),
        "items": items,
        "empty": "No community conversation is planned yet. Start by planning one: pick a date, a "
        "venue and the voices you want in the room.",
        "action": {"url": reverse("conversations:create", args=[city.slug]), "label": "Plan a conversation"}
        if can_plan
        else None,
    }


def next_session_for(*, city: City, membership: Membership | None) -> Session | None:
    """The next session (not yet ended) of a conversation this member may open, soonest first."""
    if not may(membership, "can_facilitate"):
        return None
    return (
        Session.objects.for_city(city)
        .filter(
            conversation__in=conversations_visible(city=city, membership=membership).exclude(
                status=ConversationStatus.CANCELLED
            ),
            ends_at__gte=timezone.now(),
        )
        .select_related("conversation")
        .order_by("starts_at", "id")
        .first()
    )


def _facilitator_panel(*, city: City, membership: Membership, items: list[dict]) -> dict:
    """A facilitator's home: the conversations assigned to them, the next session's check-in and report."""
    top: list[dict] = []
    session = next_session_for(city=city, membership=membership)
    if session is not None:
        start = timezone.localtime(session.starts_at)
        args = [city.slug, session.conversation_id, session.pk]
        top.append(
            {
                "title": f"Check in people at {session.conversation.title}",
                "url": reverse("conversations:check_in", args=args),
                "meta": f"next session {start:%a %-d %b, %-I:%M %p}",
            }
        )
        top.append(
            {
                "title": f"File the report of {session.conversation.title}",
                "url": reverse("conversations:report", args=args),
                "meta": "after the session ends",
            }
        )
    waiting = conversation_list(city=city, membership=membership, when="needs_report")[:5]
    for conversation in waiting:
        top.append(
            {
                "title": f"{conversation.title}: report still to file",
                "url": reverse("conversations:detail", args=[city.slug, conversation.pk]),
                "meta": "",
            }
        )
    return {
        "key": "conversations",
        "title": "Your conversations",
        "url": reverse("conversations:index", args=[city.slug]),
        "items": top + items,
        "empty": "No conversation is assigned to you yet. When the program lead assigns you one, it "
        "appears here with its check-in list and its report.",
        "action": None,
    }


def week_figures(*, city: City, membership: Membership | None) -> list[dict]:
    """The city home's "this week" figure: the next conversation's registrations against its targets."""
    if not may(membership, "can_facilitate"):
        return []
    upcoming = list(conversation_list(city=city, membership=membership, when="upcoming")[:1])
    if not upcoming:
        return [
            {
                "label": "Next conversation",
                "value": "None planned",
                "detail": "no upcoming conversation" + (" assigned to you" if not may(membership, "can_edit") else ""),
                "url": reverse("conversations:index", args=[city.slug]),
            }
        ]
    conversation = upcoming[0]
    target = (
        VoiceTarget.objects.for_city(city)
        .filter(conversation=conversation)
        .aggregate(total=Coalesce(Sum("target"), 0))["total"]
    )
    start = timezone.localtime(conversation.first_start)
    against = f"of {target:,} targeted" if target else f"of {conversation.capacity:,} places (no voice targets set)"
    return [
        {
            "label": f"Registered for {conversation.title}",
            "value": f"{conversation.registered:,}",
            "detail": f"{against}; {start:%a %-d %b, %-I:%M %p}",
            "url": reverse("conversations:voices", args=[city.slug, conversation.pk])
            if may(membership, "can_edit")
            else reverse("conversations:detail", args=[city.slug, conversation.pk]),
        }
    ]


def national_panel(*, user: User) -> dict | None:
    """The curator's home: every current campaign's progress across the cities that pledged."""
    if not getattr(user, "is_curator", False):
        return None
    items = []
    for campaign in campaigns_current().order_by("-starts_on", "-id")[:5]:
        rows = campaign_progress(campaign=campaign)
        held = sum(r["held"] for r in rows)
        items.append(
            {
                "title": campaign.title,
                "url": reverse("conversations:network_campaign", args=[campaign.pk]),
                "meta": f"{held:,} of {campaign.goal:,} conversations held, in {len(rows):,} "
                + ("city" if len(rows) == 1 else "cities"),
            }
        )
    return {
        "title": "Campaign progress across cities",
        "url": reverse("conversations:network"),
        "items": items,
        "empty": "No national campaign is running.",
        "action": None,
    }


# ------------------------------------------------------------------------------------ whose voices


@dataclass
class VoiceRow:
    group: str
    label: str
    target: int
    invited: int
    registered: int

    @property
    def missing(self) -> int:
        return max(self.target - max(self.registered, 0), 0)

    @property
    def is_missing(self) -> bool:
        return self.target > 0 and self.registered < self.target


def voices(*, conversation: Conversation) -> list[VoiceRow]:
    """Targets per stakeholder group against invited and registered people (3 queries)."""
    city = conversation.city
    targets = dict(
        VoiceTarget.objects.for_city(city).filter(conversation=conversation).values_list("group", "target")
    )
    invited = Counter(
        Invitation.objects.for_city(city)
        .filter(conversation=conversation)
        .values_list("stakeholder__group", flat=True)
    )
    registered = Counter(
        Registration.objects.for_city(city)
        .filter(conversation=conversation, status=RegistrationStatus.CONFIRMED)
        .exclude(group="")
        .values_list("group", flat=True)
    )
    rows = []
    for group, label in StakeholderGroup.choices:
        if targets.get(group) or invited.get(group) or registered.get(group):
            rows.append(
                VoiceRow(group, label, targets.get(group, 0), invited.get(group, 0), registered.get(group, 0))
            )
    return rows


def registration_rollup(*, conversation: Conversation) -> dict:
    """Access needs and languages of those coming, for the planner (counts, no names)."""
    rows = list(
        Registration.objects.for_city(conversation.city)
        .filter(conversation=conversation, status=RegistrationStatus.CONFIRMED)
        .values_list("access_needs", "language")
    )
    needs = Counter(need for access, _ in rows for need in access)
    languages = Counter(lang.strip().title() for _, lang in rows if lang.strip())
    return {
        "needs": [(AccessNeed(n).label, c) for n, c in needs.most_common()],
        "languages": languages.most_common(),
    }


def registrations(*, conversation: Conversation) -> QuerySet[Registration]:
    return (
        Registration.objects.for_city(conversation.city)
        .filter(conversation=conversation)
        .order_by("status", "created_at", "id")
    )


# ------------------------------------------------------------------------------------------ the day


def check_in_list(*, session: Session, q: str = "") -> list[Registration]:
    """Everyone expected at a session (confirmed, walk-ins included), with their check-in state."""
    present = CheckIn.objects.filter(session=session, registration=OuterRef("pk"))
    qs = (
        Registration.objects.for_city(session.city)
        .filter(conversation_id=session.conversation_id, status=RegistrationStatus.CONFIRMED)
        .annotate(checked_in=Exists(present))
        .order_by("name", "id")
    )
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(email__icontains=q))
    return list(qs)


def session_get(*, conversation: Conversation, pk: int) -> Session:
    return (
        Session.objects.for_city(conversation.city)
        .select_related("conversation")
        .get(conversation=conversation, pk=pk)
    )


# -------------------------------------------------------------------------------------- reporting


def report_for(*, session: Session) -> FacilitatorReport | None:
    return FacilitatorReport.objects.for_city(session.city).filter(session=session).first()


def report_page(*, session: Session) -> dict:
    """The report of a session as its page shows it: the report, its quotes and its commitments."""
    report = report_for(session=session)
    if report is None:
        return {"report": None, "quotes": [], "commitments": []}
    return {
        "report": report,
        "quotes": list(report.quotes.all()),
        "commitments": [link.commitment for link in report.report_commitments.select_related("commitment")],
    }


def voices_page(*, conversation: Conversation, rows: list) -> dict:
    """The whose-voices page besides its forms: the invitations, the groups still missing, and
    whether a session is still to come (inviting makes sense)."""
    return {
        "invitations": list(
            Invitation.objects.for_city(conversation.city)
            .filter(conversation=conversation)
            .select_related("stakeholder")
        ),
        "upcoming": conversation.sessions.filter(starts_at__gt=timezone.now()).exists(),
        "missing": [r for r in rows if r.is_missing],
    }


def registration_closed(*, conversation: Conversation) -> str | None:
    """Why the public registration of a conversation is closed, or None while it is open."""
    if conversation.status == ConversationStatus.CANCELLED:
        return gettext("This conversation has been cancelled, so registration is closed.")
    if conversation.status != ConversationStatus.SCHEDULED:
        return gettext("This conversation has taken place; registration is closed.")
    return None


def shareable_quotes(*, conversation: Conversation) -> QuerySet[Quote]:
    """The only quotes anyone may see outside the report form: consented AND reviewed."""
    return Quote.objects.for_city(conversation.city).filter(
        report__session__conversation=conversation, consent=True, reviewed=True
    )


def feedback_summary(*, conversation: Conversation) -> dict:
    """Averages of the anonymous feedback; nothing at all below FEEDBACK_MIN_RESPONSES."""
    agg = (
        Feedback.objects.for_city(conversation.city)
        .filter(conversation=conversation)
        .aggregate(
            n=Count("id"),
            felt_heard=Avg("felt_heard"),
            trust_police_before=Avg("trust_police_before"),
            trust_police_after=Avg("trust_police_after"),
            trust_city_before=Avg("trust_city_before"),
            trust_city_after=Avg("trust_city_after"),
        )
    )
    n = agg.pop("n")
    if n < FEEDBACK_MIN_RESPONSES:
        return {"responses": n, "shown": False, "minimum": FEEDBACK_MIN_RESPONSES}
    return {"responses": n, "shown": True, **{k: round(v, 1) for k, v in agg.items()}}


def trust_feedback_by_dimension(city: City) -> dict[tuple[str, str], dict]:
    """Conversation feedback's trust scores for the relationships trust-gap view.

    Keys: ("district", name) from where the conversation took place, and ("group", key) from the
    group a participant chose. A cell with fewer than FEEDBACK_MIN_RESPONSES answers is left out.
    Scores are the "after" answers (trust at the end of the conversation).
    """
    # One query: sums and counts per (district, group) cell, combined per dimension here.
    cells = (
        Feedback.objects.for_city(city)
        .values("conversation__district", "group")
        .annotate(n=Count("id"), police=Sum("trust_police_after"), city_=Sum("trust_city_after"))
    )
    totals: dict[tuple[str, str], list[int]] = {}
    for cell in cells:
        for key in (("district", cell["conversation__district"]), ("group", cell["group"])):
            if key[1]:
                total = totals.setdefault(key, [0, 0, 0])
                total[0] += cell["n"]
                total[1] += cell["police"]
                total[2] += cell["city_"]
    return {
        key: {"trust_police": round(police / n, 2), "trust_city": round(city_sum / n, 2), "responses": n}
        for key, (n, police, city_sum) in totals.items()
        if n >= FEEDBACK_MIN_RESPONSES
    }


# ------------------------------------------------------------------------------------ facilitators


def city_facilitators(*, city: City) -> QuerySet[User]:
    return User.objects.filter(memberships__city=city, memberships__role=Role.FACILITATOR).order_by(
        "full_name", "email"
    )


def city_members(*, city: City) -> QuerySet[User]:
    return User.objects.filter(memberships__city=city).order_by("full_name", "email")


# ---------------------------------------------------------------------------------------- campaigns


def campaign_progress(*, campaign: Campaign, city: City | None = None) -> list[dict]:
    """Per city: pledge, planned, held and reported conversations of the campaign (2 queries)."""
    pledges = {p.city_id: p for p in CityPledge.objects.filter(campaign=campaign).select_related("city")}
    counts = (
        Conversation.objects.filter(campaign=campaign)
        .values("city_id", "city__name", "city__state", "city__slug")
        .annotate(
            planned=Count(
                "id", filter=Q(status__in=[ConversationStatus.DRAFT, ConversationStatus.SCHEDULED])
            ),
            held=Count(
                "id",
                filter=Q(
                    status__in=[
                        ConversationStatus.HELD,
                        ConversationStatus.REPORTED,
                        ConversationStatus.FOLLOWED_UP,
                    ]
                ),
            ),
            reported=Count(
                "id", filter=Q(status__in=[ConversationStatus.REPORTED, ConversationStatus.FOLLOWED_UP])
            ),
        )
    )
    rows: dict[int, dict] = {}
    for c in counts:
        rows[c["city_id"]] = {
            "city_id": c["city_id"],
            "name": f"{c['city__name']}, {c['city__state']}",
            "slug": c["city__slug"],
            "pledge": None,
            "planned": c["planned"],
            "held": c["held"],
            "reported": c["reported"],
        }
    for city_id, pledge in pledges.items():
        row = rows.setdefault(
            city_id,
            {
                "city_id": city_id,
                "name": str(pledge.city),
                "slug": pledge.city.slug,
                "planned": 0,
                "held": 0,
                "reported": 0,
            },
        )
        row["pledge"] = pledge.count
    for row in rows.values():
        row["share"] = round(100 * row["held"] / row["pledge"]) if row.get("pledge") else None
    return sorted(rows.values(), key=lambda r: r["name"])


def campaigns_current() -> QuerySet[Campaign]:
    return Campaign.objects.all()


# --------------------------------------------------------------------------------- library guides


def guide_choices() -> QuerySet:
    """Published library resources a conversation can follow: guides and toolkits."""
    from library.models import Kind, Resource

    return Resource.objects.published().filter(kind__in=[Kind.GUIDE, Kind.TOOLKIT]).order_by("title")


def suggested_guides(*, limit: int = 3) -> list:
    """Guides on community conversations, race and trust, suggested where a conversation is planned."""
    from library.models import Kind, Topic
    from library.selectors import suggest_resources

    return suggest_resources(
        topics=[Topic.CONVERSATIONS, Topic.TRUST, Topic.YOUTH], kinds=[Kind.GUIDE, Kind.TOOLKIT], limit=limit
    )
