"""What conversations tell the league: a reported conversation as a city story (`cities.stories`),
and each city's conversations held toward the current campaign's pledge (`cities.network`).

A story says when, how many sessions, which services were offered, which stakeholder groups came
(never who), the themes the facilitators noted and how many commitments were made. Head counts
below 11 are shown as "fewer than 11", so nobody outside the city reads a small count.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse

from cities.models import City
from cities.network import Cell
from cities.stories import StoryFacts, StoryFigure
from relationships.models import StakeholderGroup

from .models import (
    Campaign,
    CityPledge,
    Conversation,
    ConversationStatus,
    FacilitatorReport,
    ReportCommitment,
    Session,
)

REPORTED = [ConversationStatus.REPORTED, ConversationStatus.FOLLOWED_UP]
HELD = [ConversationStatus.HELD, *REPORTED]
SMALL = 11


def protected_count(n: int) -> str:
    """A head count as anyone outside the city may read it."""
    return "fewer than 11" if 0 < n < SMALL else f"{n:,}"


def story(*, city: City, key: str) -> StoryFacts | None:
    if not key.isdigit():
        return None
    conversation = Conversation.objects.for_city(city).filter(pk=int(key), status__in=REPORTED).first()
    if conversation is None:
        return None
    sessions = list(Session.objects.for_city(city).filter(conversation=conversation).order_by("starts_at"))
    reports = list(
        FacilitatorReport.objects.for_city(city).filter(
            session__conversation=conversation, submitted_at__isnull=False
        )
    )
    groups: set[str] = set()
    themes: list[str] = []
    for report in reports:
        groups.update(g for g, n in (report.attendance or {}).items() if int(n or 0) > 0)
        themes.extend(t for t in report.themes if t not in themes)
    labels = dict(StakeholderGroup.choices)
    present = [str(labels[g]) for g in labels if g in groups]
    attendance = sum(r.total_attendance for r in reports)
    commitments = ReportCommitment.objects.for_city(city).filter(report__in=reports).count()
    first = sessions[0] if sessions else None
    when = f"{first.date:%d %B %Y}" if first else "a date not recorded"
    services = conversation.services_offered
    what = (
        f'On {when}, {city.name} held a community conversation, "{conversation.title}", '
        f"in {len(sessions)} session{'s' if len(sessions) != 1 else ''}"
        + (f" in {conversation.district}" if conversation.district else "")
        + ".\n\n"
        + f"Why: {conversation.purpose.strip()}"
        + (f"\n\nOffered: {', '.join(services)}." if services else "")
    )
    how = (
        (f"Themes the facilitators heard: {', '.join(themes)}.\n\n" if themes else "")
        + f"{commitments} commitment{'s were' if commitments != 1 else ' was'} made at the conversation"
        + " and followed in the city's commitment log."
    )
    source = f'{city.name}\'s facilitator reports on "{conversation.title}"'
    figures = (
        StoryFigure("People present (facilitators' head counts)", protected_count(attendance), source),
        StoryFigure("Sessions held", str(len(sessions)), f"{city.name}'s conversation schedule"),
        StoryFigure("Stakeholder groups present", str(len(present)), source),
        StoryFigure("Commitments made", str(commitments), f"{city.name}'s commitment log"),
    )
    return StoryFacts(
        key=f"conversations:{conversation.pk}",
        source_label="Reported conversation",
        title=f"{conversation.title}: a community conversation in {city.name}",
        summary=f"{city.name} brought residents and the people who serve them together to talk about "
        f"{conversation.title.lower()}, and reported what was heard.",
        what_we_did=what,
        partners=("Stakeholder groups present: " + ", ".join(present) + ".") if present else "",
        how_it_went=how,
        figures=figures,
        topics=("conversations", "trust"),
        kind="case_study",
        url=reverse("conversations:detail", args=[city.slug, conversation.pk]),
    )


def current_campaign() -> Campaign | None:
    return Campaign.objects.order_by("-starts_on", "-id").first()


def held_toward_pledge(*, cities: list[City]) -> dict[int, Cell]:
    """The current campaign's conversations held (held, reported or followed up) by each city, beside
    its pledge: a count, no content."""
    campaign = current_campaign()
    if campaign is None:
        return {}
    ids = [c.pk for c in cities]
    held = dict(
        Conversation.objects.filter(campaign=campaign, city_id__in=ids)
        .values("city_id")
        .annotate(n=Count("id", filter=Q(status__in=HELD)))
        .values_list("city_id", "n")
    )
    pledges = dict(
        CityPledge.objects.filter(campaign=campaign, city_id__in=ids).values_list("city_id", "count")
    )
    out = {}
    for city_id in set(held) | set(pledges):
        n = held.get(city_id, 0)
        pledge = pledges.get(city_id)
        note = f"of {pledge} pledged, {campaign.title}" if pledge else f"no pledge yet, {campaign.title}"
        out[city_id] = Cell(float(n), f"{n:,}", note=note)
    return out
