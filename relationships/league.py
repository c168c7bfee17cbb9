"""What relationships tell the league: a kept commitment as a city story (`cities.stories`), and
each city's commitments kept on time (`cities.network`).

A commitment is kept on time when it was marked done on or before its due date (the date of the
log entry that made it done, in the city's time zone). A story names whom the promise was owed to
only when that is an organisation of the stakeholder directory, otherwise its stakeholder group:
never a resident's name. Its details go in only as the city published them (the public summary).
"""

from __future__ import annotations

import zoneinfo
from datetime import date

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from cities.models import City
from cities.network import Cell
from cities.stories import StoryFacts, StoryFigure

from .models import Commitment, CommitmentStatus, CommitmentUpdate, StakeholderKind


def done_on(commitment: Commitment, city: City) -> date | None:
    """The day (in the city's time zone) the commitment was last marked done."""
    update = (
        CommitmentUpdate.objects.filter(commitment=commitment, status_to=CommitmentStatus.DONE)
        .order_by("-at", "-id")
        .first()
    )
    return None if update is None else update.at.astimezone(zoneinfo.ZoneInfo(city.timezone)).date()


def story(*, city: City, key: str) -> StoryFacts | None:
    if not key.isdigit():
        return None
    commitment = (
        Commitment.objects.for_city(city)
        .filter(pk=int(key), status=CommitmentStatus.DONE)
        .select_related("owed_to_stakeholder")
        .first()
    )
    if commitment is None:
        return None
    kept = done_on(commitment, city)
    to = commitment.owed_to_stakeholder
    if to is not None and to.kind == StakeholderKind.ORGANISATION:
        partners = f"Owed to {to.name}."
    elif to is not None:
        partners = f"Owed to {to.get_group_display().lower()} of the city."
    else:
        partners = ""
    log = f"{city.name}'s commitment log"
    figures = [
        StoryFigure("Due", f"{commitment.due_date:%d %B %Y}" if commitment.due_date else "not recorded", log),
        StoryFigure("Kept", f"{kept:%d %B %Y}" if kept else "not recorded", log),
    ]
    on_time = ""
    if kept and commitment.due_date:
        days = (commitment.due_date - kept).days
        on_time = "on time" if days >= 0 else "late"
        figures.append(
            StoryFigure(
                "Days before the due date" if days >= 0 else "Days after the due date", str(abs(days)), log
            )
        )
    what = f"{commitment.owed_by} promised: {commitment.what}."
    if commitment.source_label:
        what += f"\n\nWhere it came from: {commitment.source_label}."
    if commitment.is_public and commitment.public_summary.strip():
        what += f"\n\n{commitment.public_summary.strip()}"
    return StoryFacts(
        key=f"relationships:{commitment.pk}",
        source_label="Kept commitment",
        title=f"A promise kept in {city.name}: {commitment.what}"[:200],
        summary=f"{city.name} kept a commitment it made to its community"
        + (f", {on_time}" if on_time else "")
        + ".",
        what_we_did=what,
        partners=partners,
        how_it_went=f"Marked done{f' on {kept:%d %B %Y}' if kept else ''}"
        + (f", {on_time}" if on_time else "")
        + ".",
        figures=tuple(figures),
        topics=("trust", "community_policing"),
        kind="case_study",
        url=reverse("relationships:commitment_detail", args=[city.slug, commitment.pk]),
    )


def kept_on_time(*, cities: list[City]) -> dict[int, Cell]:
    """Per city: commitments kept on time (done on or before the due date), of those with a due date
    that are due by today or already done (dropped ones left out)."""
    today = timezone.localdate()
    by_city = {c.pk: c for c in cities}
    due: dict[int, int] = {}
    kept: dict[int, int] = {}
    rows = (
        Commitment.objects.filter(city_id__in=list(by_city), due_date__isnull=False)
        .filter(Q(due_date__lte=today) | Q(status=CommitmentStatus.DONE))
        .exclude(status=CommitmentStatus.DROPPED)
    )
    done_at: dict[int, object] = {}
    for update in CommitmentUpdate.objects.filter(
        commitment__in=rows, status_to=CommitmentStatus.DONE
    ).order_by("at", "id"):
        done_at[update.commitment_id] = update.at  # the last one wins
    for c in rows:
        due[c.city_id] = due.get(c.city_id, 0) + 1
        at = done_at.get(c.pk)
        if c.status == CommitmentStatus.DONE and at is not None:
            day = at.astimezone(zoneinfo.ZoneInfo(by_city[c.city_id].timezone)).date()
            if day <= c.due_date:
                kept[c.city_id] = kept.get(c.city_id, 0) + 1
    return {
        city_id: Cell(float(kept.get(city_id, 0)), f"{kept.get(city_id, 0):,}", note=f"of {n:,} due")
        for city_id, n in due.items()
    }
