"""What equity assessments tell the league: a published assessment as a city story
(`cities.stories`), each city's assessments completed (`cities.network`), and "a city published an
equity assessment" as a milestone.

A story holds only what the city published on the assessment's public page (what we assessed, what
we heard, what we changed, its strategies) and the evidence figures that came from a published
source (`Figure.published`); members-only figures stay out.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse

from cities.evidence import Figure
from cities.models import City
from cities.network import Cell, Milestone
from cities.stories import StoryFacts, StoryFigure

from .models import Assessment, AssessmentStatus, EvidenceItem, Strategy


def _published_figures(assessment: Assessment) -> list[StoryFigure]:
    out = []
    for item in EvidenceItem.objects.filter(assessment=assessment).order_by("position", "id"):
        if not item.frozen:
            continue
        fig = Figure.from_dict(item.frozen)
        if not fig.published:
            continue
        value = "not recorded" if fig.value is None else f"{fig.value:,.2f} {fig.unit}".strip()
        out.append(StoryFigure(fig.label, value, fig.source or "published figure"))
    return out


def story(*, city: City, key: str) -> StoryFacts | None:
    if not key.isdigit():
        return None
    assessment = Assessment.objects.for_city(city).filter(pk=int(key), published_at__isnull=False).first()
    if assessment is None:
        return None
    strategies = list(Strategy.objects.filter(assessment=assessment).order_by("position", "id"))
    committed = sum(1 for s in strategies if s.commitment_id)
    what = f"{city.name} assessed {assessment.title}"
    what += f" ({assessment.get_kind_display().lower()}" + (
        f", {assessment.department})" if assessment.department else ")"
    )
    what += f" for its effect on racial equity.\n\nWhat we assessed: {assessment.public_assessed.strip()}"
    if strategies:
        what += "\n\nStrategies:\n" + "\n".join(f"- {s.text}" for s in strategies)
    public_page = f"{city.name}'s public page for the assessment, {assessment.published_at:%d %B %Y}"
    figures = [
        StoryFigure("Strategies adopted", str(len(strategies)), public_page),
        StoryFigure(
            "Strategies made into tracked commitments", str(committed), f"{city.name}'s commitment log"
        ),
        *_published_figures(assessment),
    ]
    return StoryFacts(
        key=f"equity:{assessment.pk}",
        source_label="Published equity assessment",
        title=f"Racial equity assessment in {city.name}: {assessment.title}"[:200],
        summary=f"{city.name} assessed {assessment.title.lower()} for its effect on racial equity, heard from "
        "the people it touches, and changed it.",
        what_we_did=what,
        partners=f"What we heard: {assessment.public_heard.strip()}",
        how_it_went=f"What we changed: {assessment.public_changed.strip()}",
        figures=tuple(figures),
        topics=tuple(assessment.topics) or ("policy",),
        kind="case_study",
        url=reverse("equity:public_detail", args=[city.slug, assessment.pk]),
    )


def assessments_completed(*, cities: list[City]) -> dict[int, Cell]:
    rows = (
        Assessment.objects.filter(city_id__in=[c.pk for c in cities])
        .values("city_id")
        .annotate(done=Count("id", filter=Q(status=AssessmentStatus.COMPLETED)))
        .values_list("city_id", "done")
    )
    return {city_id: Cell(float(n), f"{n:,}") for city_id, n in rows if n}


def milestones(*, since) -> list[Milestone]:
    return [
        Milestone(
            city_id=a.city_id,
            at=a.published_at,
            title=f"{a.city.name} published an equity assessment: {a.title}",
            url=reverse("equity:public_detail", args=[a.city.slug, a.pk]),
            kind="equity",
        )
        for a in Assessment.objects.filter(published_at__gte=since)
        .select_related("city")
        .order_by("-published_at")[:100]
    ]
