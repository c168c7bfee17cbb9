"""Everything that reads an equity assessment for a page."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from cities import evidence
from cities.models import City, Membership, User, may
from library.models import Resource
from library.selectors import suggest_resources
from relationships.models import Commitment, CommitmentStatus

from . import guides
from . import rubric as rubrics
from .models import (
    Assessment,
    AssessmentStatus,
    BudgetCycle,
    BudgetRequest,
    EvidenceItem,
    Revision,
    Strategy,
    Template,
)

PAGE_SIZE = 25


def assessment_list(*, city: City, status: str = "", page: int | str = 1) -> Page:
    queryset = (
        Assessment.objects.for_city(city)
        .select_related("owner")
        .annotate(
            n_strategies=Count("strategies"),
            n_committed=Count("strategies", filter=Q(strategies__commitment__isnull=False)),
        )
    )
    if status in AssessmentStatus.values:
        queryset = queryset.filter(status=status)
    return Paginator(queryset.order_by("-updated_at", "-id"), PAGE_SIZE).get_page(page)


def assessment_get(*, city: City, assessment_id: int) -> Assessment:
    """One assessment of the city (raises DoesNotExist for another city's)."""
    return Assessment.objects.for_city(city).select_related("owner", "created_by").get(pk=assessment_id)


def public_assessment(*, city: City, assessment_id: int) -> Assessment | None:
    return Assessment.objects.for_city(city).filter(pk=assessment_id, published_at__isnull=False).first()


def public_list(*, city: City) -> QuerySet[Assessment]:
    return (
        Assessment.objects.for_city(city).filter(published_at__isnull=False).order_by("-published_at")[:100]
    )


@dataclass
class FigureBeside:
    """A frozen figure and, when its source still exists, the live one beside it."""

    item: EvidenceItem
    frozen: evidence.Figure | None
    live: evidence.Figure | None
    looked_up: bool

    @property
    def changed(self) -> bool:
        return bool(self.frozen and self.live and (self.frozen.value != self.live.value))

    @property
    def gone(self) -> bool:
        return self.looked_up and self.live is None


def evidence_beside_live(*, assessment: Assessment, live: bool = True) -> list[FigureBeside]:
    """Every piece of evidence; for a figure, its frozen copy and (if `live`) today's value."""
    rows = []
    for item in assessment.evidence.all():
        frozen = item.figure
        current = None
        if live and item.figure_key:
            current = evidence.figure(city=assessment.city, key=item.figure_key)
        rows.append(
            FigureBeside(item=item, frozen=frozen, live=current, looked_up=live and bool(item.figure_key))
        )
    return rows


def strategies(*, assessment: Assessment) -> list[Strategy]:
    return list(assessment.strategies.select_related("commitment", "commitment__owner"))


def practices(*, assessment: Assessment) -> dict[str, list[Resource]]:
    """The library's practices this assessment led to, and others suggested by its topics."""
    chosen = list(assessment.practices.all())
    suggested = suggest_resources(topics=assessment.topics, limit=6) if assessment.topics else []
    chosen_ids = {r.pk for r in chosen}
    return {"chosen": chosen, "suggested": [r for r in suggested if r.pk not in chosen_ids]}


def network_overview() -> list[dict[str, Any]]:
    """For curators, across cities: how many assessments each city has in progress, completed and
    published, and which library practices they led to. Counts and library titles only: nothing of
    a city's own text."""
    rows = (
        Assessment.objects.values("city_id", "city__name", "city__state", "city__slug")
        .annotate(
            in_progress=Count("id", filter=Q(status=AssessmentStatus.IN_PROGRESS)),
            completed=Count("id", filter=Q(status=AssessmentStatus.COMPLETED)),
            published=Count("id", filter=Q(published_at__isnull=False)),
        )
        .order_by("city__name")
    )
    led_to: dict[int, list[dict[str, Any]]] = defaultdict(list)
    links = (
        Assessment.practices.through.objects.values(
            "assessment__city_id", "resource__title", "resource__slug"
        )
        .annotate(n=Count("assessment_id"))
        .order_by("assessment__city_id", "-n", "resource__title")
    )
    for link in links:
        led_to[link["assessment__city_id"]].append(
            {"title": link["resource__title"], "slug": link["resource__slug"], "n": link["n"]}
        )
    return [{**row, "practices": led_to.get(row["city_id"], [])} for row in rows]


def revisions(*, assessment: Assessment, page: int | str = 1) -> Page:
    return Paginator(assessment.revisions.select_related("by").defer("state"), PAGE_SIZE).get_page(page)


def revision_get(*, assessment: Assessment, revision_id: int) -> Revision:
    return Revision.objects.for_city(assessment.city).get(assessment=assessment, pk=revision_id)


def members(*, city: City) -> list[User]:
    return [m.user for m in Membership.objects.for_city(city).select_related("user").order_by("user__email")]


def template_choices(*, city: City) -> list[tuple[str, str]]:
    built = [(key, t["name"]) for key, t in guides.BUILT_IN.items()]
    own = [(f"city:{t.pk}", f"{t.name} (this city's)") for t in Template.objects.for_city(city)]
    shared = [
        (f"network:{t.pk}", f"{t.name} (from the network)") for t in network_templates(published_only=True)
    ]
    return own + shared + built


def network_templates(*, published_only: bool) -> list[Template]:
    queryset = Template.objects.filter(city=None)
    return list(queryset.filter(published=True) if published_only else queryset)


def network_template_get(*, template_id: int) -> Template:
    return Template.objects.get(city=None, pk=template_id)


def templates(*, city: City) -> list[Template]:
    return list(Template.objects.for_city(city))


def step_progress(*, assessment: Assessment) -> list[dict[str, Any]]:
    """The six steps with whether each has something in it, for the step indicator."""
    filled = {
        1: bool(assessment.title),
        2: assessment.evidence.exists() or any(assessment.answers_for(2)),
        3: assessment.engagement.exists()
        or bool(assessment.engagement_plan)
        or any(assessment.answers_for(3)),
        4: assessment.impacts.exists() or assessment.strategies.exists(),
        5: assessment.strategies.filter(commitment__isnull=False).exists(),
        6: bool(assessment.measures or assessment.public_changed),
    }
    return [
        {
            "n": n,
            "title": step["title"],
            "filled": filled.get(n, False) or any(assessment.answers_for(n)),
            "qa": list(zip(step["questions"], assessment.answers_for(n), strict=True)),
        }
        for n, step in enumerate(assessment.guide, start=1)
    ]


def home_panel(*, city: City, membership: Membership | None) -> dict | None:
    """The city home's equity panel: assessments in progress, and commitments from them that are due."""
    if membership is None:
        return None
    in_progress = Assessment.objects.for_city(city).filter(status=AssessmentStatus.IN_PROGRESS)
    latest = list(in_progress.order_by("-updated_at", "-id")[:5])
    commitment_ids = Strategy.objects.for_city(city).filter(commitment__isnull=False).values("commitment_id")
    due = (
        Commitment.objects.for_city(city)
        .filter(pk__in=commitment_ids, due_date__lte=timezone.localdate() + timedelta(days=30))
        .exclude(status__in=[CommitmentStatus.DONE, CommitmentStatus.DROPPED])
        .count()
    )
    index = reverse("equity:index", args=[city.slug])
    return {
        "key": "equity",
        "title": "Equity assessments",
        "url": index,
        "items": [
            {
                "title": f"{in_progress.count()} in progress",
                "url": index,
                "meta": "assessments not yet complete",
            },
            {
                "title": f"{due} commitments from assessments due within 30 days",
                "url": reverse("relationships:commitment_list", args=[city.slug]),
                "meta": "open or in progress",
            },
        ]
        + [
            {
                "title": a.title,
                "url": reverse("equity:detail", args=[city.slug, a.pk]),
                "meta": a.get_kind_display(),
            }
            for a in latest
        ],  # fmt: skip
        "empty": "No assessment yet. Start one from a policy, a budget request or a dashboard figure.",
        "action": {"url": reverse("equity:new", args=[city.slug]), "label": "Start an equity assessment"}
        if may(membership, "can_edit")
        else None,
    }


# ---------------------------------------------------------------------------------- budget mode


@dataclass
class Band:
    key: str
    label: str
    amount: Decimal = Decimal(0)
    count: int = 0
    share: float = 0.0  # of all dollars requested, for the chart


@dataclass
class CycleSummary:
    cycle: BudgetCycle
    requests: list[BudgetRequest]
    maximum: int
    total: Decimal
    departments: list[dict[str, Any]]
    bands: list[Band] = field(default_factory=list)


def budget_cycles(*, city: City) -> list[BudgetCycle]:
    return list(BudgetCycle.objects.for_city(city))


def budget_cycle_get(*, city: City, cycle_id: int) -> BudgetCycle:
    return BudgetCycle.objects.for_city(city).get(pk=cycle_id)


def budget_request_get(*, cycle: BudgetCycle, request_id: int) -> BudgetRequest:
    return (
        BudgetRequest.objects.for_city(cycle.city)
        .select_related("cycle", "assessment")
        .get(cycle=cycle, pk=request_id)
    )


def budget_band_of(request: BudgetRequest) -> str:
    return rubrics.band(request.score, rubrics.maximum(request.cycle.rubric))


def budget_summary(*, cycle: BudgetCycle) -> CycleSummary:
    """Every request by department with amounts, scores and status; totals by department and by
    score band (one query, whatever the number of requests)."""
    requests = list(BudgetRequest.objects.for_city(cycle.city).filter(cycle=cycle).select_related("cycle"))
    most = rubrics.maximum(cycle.rubric)
    by_department: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"amount": Decimal(0), "count": 0, "requests": []}
    )
    bands = {
        key: Band(key, label)
        for key, label in [(k, lbl) for k, lbl, _ in rubrics.BANDS] + [rubrics.NOT_SCORED]
    }
    total = Decimal(0)
    for r in requests:
        r.band = rubrics.band(r.score, most)  # type: ignore[attr-defined]
        r.band_label = rubrics.BAND_LABELS[r.band]  # type: ignore[attr-defined]
        d = by_department[r.department]
        d["amount"] += r.amount
        d["count"] += 1
        d["requests"].append(r)
        bands[r.band].amount += r.amount  # type: ignore[attr-defined]
        bands[r.band].count += 1  # type: ignore[attr-defined]
        total += r.amount
    for b in bands.values():
        b.share = float(b.amount / total) if total else 0.0
    departments = [{"name": name, **data} for name, data in sorted(by_department.items())]
    return CycleSummary(cycle, requests, most, total, departments, list(bands.values()))


def budget_export_rows(*, summary: CycleSummary):
    """The CSV of the cycle: a header, every request, and the total that the page shows."""
    criteria = [c["label"] for c in summary.cycle.rubric]
    yield ["Department", "Request", "Amount (dollars)", "Status", "Score", "Most points", "Band", *criteria,
           "What the figures show", "Who was heard", "Who benefits", "Who is burdened", "How results will be measured"]  # fmt: skip
    for d in summary.departments:
        for r in d["requests"]:
            yield [
                r.department, r.title, f"{r.amount:.2f}", r.get_status_display(),
                "" if r.score is None else r.score, summary.maximum, r.band_label,
                *["" if s is None else s for s in (r.scores + [None] * len(criteria))[: len(criteria)]],
                r.evidence, r.engagement, r.benefits, r.burdens, r.measures,
            ]  # fmt: skip
    yield ["All departments", "Total", f"{summary.total:.2f}"]


class AssessmentKeepers:
    """The city's assessments that keep a lent figure as evidence (`cities.evidence.kept_by`): a
    member of the city sees every one (as on the assessments list), the public only the published
    ones, linked to their public page."""

    def kept_by(
        self, *, city: City, key_prefix: str, public: bool, membership: Membership | None
    ) -> list[evidence.Keeper]:
        if not key_prefix:
            return []
        queryset = Assessment.objects.for_city(city).filter(
            pk__in=EvidenceItem.objects.for_city(city)
            .filter(figure_key__startswith=key_prefix)
            .values("assessment_id")
        )
        members = not public and membership is not None and membership.city_id == city.pk
        if not members:
            queryset = queryset.filter(published_at__isnull=False)
        found = []
        for a in queryset.order_by("-updated_at", "-id")[:50]:
            url_name = "equity:detail" if members else "equity:public_detail"
            found.append(
                evidence.Keeper(
                    key=f"equity:{a.pk}",
                    title=a.title,
                    status=a.get_status_display(),
                    url=reverse(url_name, args=[city.slug, a.pk]),
                    published=a.is_public,
                )
            )
        return found
