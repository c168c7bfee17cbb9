"""Conversations held, lent to the apps above this one (equity assessments) through
`cities.evidence`: when and what, and whose voices were there. "Present" counts the facilitators'
head counts by stakeholder group (confirmed registrations where no report was filed); a group the
planners hoped for and that did not come is "missing". No names leave this module.

Key: `conversations:<conversation id>`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.urls import reverse

from cities.evidence import Engagement
from cities.models import City
from relationships.models import StakeholderGroup

from .models import (
    Conversation,
    ConversationStatus,
    FacilitatorReport,
    Registration,
    RegistrationStatus,
    Session,
    VoiceTarget,
)

HELD = [ConversationStatus.HELD, ConversationStatus.REPORTED, ConversationStatus.FOLLOWED_UP]
LIMIT = 100


def _engagement(conversation: Conversation) -> Engagement:
    city = conversation.city
    targets = dict(
        VoiceTarget.objects.for_city(city).filter(conversation=conversation).values_list("group", "target")
    )
    reports = list(
        FacilitatorReport.objects.for_city(city).filter(
            session__conversation=conversation, submitted_at__isnull=False
        )
    )
    present: Counter[str] = Counter()
    attendance = None
    if reports:
        for report in reports:
            for group, n in (report.attendance or {}).items():
                present[group] += int(n or 0)
        attendance = sum(r.total_attendance for r in reports)
    else:
        present.update(
            Registration.objects.for_city(city)
            .filter(conversation=conversation, status=RegistrationStatus.CONFIRMED)
            .exclude(group="")
            .values_list("group", flat=True)
        )
    voices = tuple(
        {
            "group": group,
            "label": str(label),
            "target": targets.get(group, 0),
            "present": present.get(group, 0),
            "missing": max(targets.get(group, 0) - present.get(group, 0), 0),
        }  # fmt: skip
        for group, label in StakeholderGroup.choices
        if targets.get(group) or present.get(group)
    )
    first = Session.objects.for_city(city).filter(conversation=conversation).order_by("starts_at").first()
    heard = "\n\n".join(r.what_was_heard.strip() for r in reports if r.what_was_heard.strip())
    return Engagement(
        key=f"conversations:{conversation.pk}", title=conversation.title,
        date=first.date.isoformat() if first else "", kind="conversation",
        url=reverse("conversations:detail", args=[city.slug, conversation.pk]),
        voices=voices, summary=heard, attendance=attendance,
    )  # fmt: skip


class Conversations:
    def engagement_choices(self, *, city: City) -> Iterable[Engagement]:
        held = Conversation.objects.for_city(city).filter(status__in=HELD).select_related("city")[:LIMIT]
        return [
            Engagement(
                key=f"conversations:{c.pk}",
                title=c.title,
                date="",
                kind="conversation",
                url=reverse("conversations:detail", args=[city.slug, c.pk]),
            )  # fmt: skip
            for c in held
        ]

    def engagement(self, *, city: City, key: str) -> Engagement | None:
        _, _, rest = key.partition(":")
        if not rest.isdigit():
            return None
        conversation = Conversation.objects.for_city(city).filter(pk=int(rest)).select_related("city").first()
        return None if conversation is None else _engagement(conversation)
