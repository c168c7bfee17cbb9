"""Everything that writes an equity assessment. Each change records a revision (who, when, what,
and the whole assessment after it), so any revision can be restored."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from cities import evidence
from cities.models import City, Membership, User
from library.models import Resource
from relationships import services as relationship_services
from relationships.models import Commitment

from . import guides
from . import rubric as rubrics
from .models import (
    Assessment,
    BudgetCycle,
    BudgetRequest,
    BudgetRequestStatus,
    EngagementItem,
    EvidenceItem,
    Impact,
    Revision,
    Strategy,
    Template,
)

# Fields of the assessment itself that a step saves and a revision restores.
STEP_FIELDS: dict[int, tuple[str, ...]] = {
    1: ("title", "kind", "department", "owner_id", "topics"),
    2: (),
    3: ("engagement_plan",),
    4: ("unintended_consequences",),
    5: (),
    6: ("measures", "public_assessed", "public_heard", "public_changed", "status"),
}
ALL_FIELDS = tuple(f for fields in STEP_FIELDS.values() for f in fields) + ("answers",)


# ------------------------------------------------------------------------------------ templates


def template_guide(*, city: City, choice: str) -> tuple[str, list[dict[str, Any]]]:
    """The name and steps of a template choice: a built-in key ("gare") or "city:<id>"."""
    if choice.startswith("city:"):
        template = Template.objects.for_city(city).filter(pk=choice.removeprefix("city:") or 0).first()
        if template is None:
            raise ValidationError({"template": "Choose one of the city's templates."})
        return template.name, copy.deepcopy(template.steps)
    if choice.startswith("network:"):
        shared = Template.objects.filter(
            city=None, published=True, pk=choice.removeprefix("network:") or 0
        ).first()
        if shared is None:
            raise ValidationError({"template": "Choose one of the network's templates."})
        return shared.name, copy.deepcopy(shared.steps)
    built = guides.built_in(choice or guides.DEFAULT_KEY)
    if built is None:
        raise ValidationError({"template": "Choose one of the templates."})
    return built["name"], built["steps"]


def template_adapt(*, city: City, base: str, by: User | None) -> Template:
    """Start the city's own version of a built-in template (or a copy of one of its own)."""
    name, steps = template_guide(city=city, choice=base)
    return Template.objects.create(
        city=city, name=f"{name} ({city.name})", based_on=base if not base.startswith(("city:", "network:")) else "",
        description="", steps=steps, created_by=by,
    )  # fmt: skip


def network_template_create(*, base: str, by: User | None) -> Template:
    """A curator starts a network template from a built-in one; cities see it once published."""
    built = guides.built_in(base or guides.DEFAULT_KEY)
    if built is None:
        raise ValidationError("Choose one of the built-in templates.")
    return Template.objects.create(city=None, name=built["name"], description=built["description"],
                                   based_on=built["key"], steps=built["steps"], created_by=by)  # fmt: skip


def network_template_publish(*, template: Template, published: bool) -> Template:
    if template.city_id is not None:
        raise ValidationError("Only a network template is published to the network.")
    template.published = published
    template.save(update_fields=["published", "updated_at"])
    return template


def template_update(
    *, template: Template, name: str, description: str, steps: list[dict[str, Any]]
) -> Template:
    """Change a city's template. Assessments already started keep the steps they started with."""
    if not guides.valid_steps(steps):
        raise ValidationError("A template has six steps, each with a title and at least one question.")
    template.name = name.strip() or template.name
    template.description = description.strip()
    template.steps = steps
    template.save()
    return template


# ----------------------------------------------------------------------------------- revisions


def _state(assessment: Assessment) -> dict[str, Any]:
    """The whole assessment as plain data: what a revision keeps and a restore puts back."""
    return {
        "fields": {name: getattr(assessment, name) for name in ALL_FIELDS},
        "evidence": list(
            assessment.evidence.values("figure_key", "frozen", "frozen_at", "label", "text", "source", "link")
        ),
        "engagement": list(assessment.engagement.values("source_key", "frozen", "title", "note")),
        "impacts": list(assessment.impacts.values("group", "benefits", "burdens")),
        "strategies": list(assessment.strategies.values("text", "commitment_id")),
        "practices": sorted(assessment.practices.values_list("pk", flat=True)),
    }


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _record(*, assessment: Assessment, by: User | None, summary: str, step: int | None = None) -> Revision:
    last = assessment.revisions.aggregate(n=Max("number"))["n"] or 0
    return Revision.objects.create(
        city=assessment.city, assessment=assessment, number=last + 1, by=by, step=step,
        summary=summary[:300], state=_jsonable(_state(assessment)),
    )  # fmt: skip


def revision_restore(*, revision: Revision, by: User | None) -> Assessment:
    """Put the assessment back as it was after `revision`; the restore is itself a new revision.
    Commitments already made stay in the relationships app; a strategy keeps its link to one that
    still exists."""
    assessment = revision.assessment
    state = revision.state
    city = assessment.city
    with transaction.atomic():
        assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
        for name, value in state.get("fields", {}).items():
            if (
                name == "owner_id"
                and value
                and not Membership.objects.for_city(city).filter(user_id=value).exists()
            ):
                value = None
            setattr(assessment, name, value)
        assessment.save()
        assessment.evidence.all().delete()
        assessment.engagement.all().delete()
        assessment.impacts.all().delete()
        assessment.strategies.all().delete()
        EvidenceItem.objects.bulk_create(
            EvidenceItem(city=city, assessment=assessment, position=i, **row)
            for i, row in enumerate(state.get("evidence", []))
        )
        EngagementItem.objects.bulk_create(
            EngagementItem(city=city, assessment=assessment, position=i, **row)
            for i, row in enumerate(state.get("engagement", []))
        )
        Impact.objects.bulk_create(
            Impact(city=city, assessment=assessment, position=i, **row)
            for i, row in enumerate(state.get("impacts", []))
        )
        live = set(
            Commitment.objects.for_city(city)
            .filter(
                pk__in=[r["commitment_id"] for r in state.get("strategies", []) if r.get("commitment_id")]
            )
            .values_list("pk", flat=True)
        )
        Strategy.objects.bulk_create(
            Strategy(
                city=city,
                assessment=assessment,
                position=i,
                text=row["text"],
                commitment_id=row.get("commitment_id") if row.get("commitment_id") in live else None,
            )  # fmt: skip
            for i, row in enumerate(state.get("strategies", []))
        )
        if "practices" in state:
            assessment.practices.set(Resource.objects.published().filter(pk__in=state["practices"]))
        _record(assessment=assessment, by=by, summary=f"Restored revision {revision.number}")
    return assessment


# --------------------------------------------------------------------------------- assessments


def _check_owner(*, city: City, owner: User | None) -> None:
    if owner is not None and not Membership.objects.for_city(city).filter(user=owner).exists():
        raise ValidationError({"owner": "The owner must be a member of this city."})


def assessment_start(
    *,
    city: City,
    by: User | None,
    title: str,
    kind: str,
    department: str = "",
    owner: User | None = None,
    template: str = guides.DEFAULT_KEY,
    figure_key: str = "",
    engagement_key: str = "",
    commitment: Commitment | None = None,
) -> Assessment:
    """Start an assessment from a template, with a figure, a conversation or a commitment attached
    when it is started from one of them."""
    _check_owner(city=city, owner=owner)
    template_name, steps = template_guide(city=city, choice=template)
    with transaction.atomic():
        assessment = Assessment(
            city=city, title=title.strip(), kind=kind, department=department.strip(), owner=owner or by,
            template_name=template_name, guide=steps, answers={}, created_by=by,
        )  # fmt: skip
        if (
            assessment.owner is not None
            and not Membership.objects.for_city(city).filter(user=assessment.owner).exists()
        ):
            assessment.owner = None
        assessment.full_clean()
        assessment.save()
        if figure_key:
            _attach_figure(assessment=assessment, key=figure_key)
        if engagement_key:
            _attach_engagement(assessment=assessment, key=engagement_key, note="")
        if commitment is not None:
            if commitment.city_id != city.id:
                raise ValidationError("Choose a commitment of this city.")
            EvidenceItem.objects.create(
                city=city, assessment=assessment, label=f"Commitment: {commitment.what}",
                text=f"Owed by {commitment.owed_by}; status: {commitment.get_status_display().lower()}.",
                source="Relationships: commitments",
                link=reverse("relationships:commitment_detail", args=[city.slug, commitment.pk]),
            )  # fmt: skip
        _record(assessment=assessment, by=by, summary="Started", step=1)
    return assessment


def assessment_save_step(
    *, assessment: Assessment, step: int, by: User | None, fields: dict[str, Any], answers: list[str]
) -> bool:
    """Save one step's answers and fields; a revision is recorded only when something changed."""
    if step not in STEP_FIELDS:
        raise ValidationError("No such step.")
    allowed = STEP_FIELDS[step]
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationError(f"Step {step} does not hold {', '.join(sorted(unknown))}.")
    if "owner_id" in fields and fields["owner_id"]:
        _check_owner(city=assessment.city, owner=User.objects.filter(pk=fields["owner_id"]).first())
    questions = assessment.guide[step - 1]["questions"]
    cleaned = [str(a).strip() for a in answers][: len(questions)]
    cleaned += [""] * (len(questions) - len(cleaned))
    changed = [name for name, value in fields.items() if getattr(assessment, name) != value]
    if assessment.answers_for(step) != cleaned:
        changed.append("answers")
    if not changed:
        return False
    with transaction.atomic():
        for name, value in fields.items():
            setattr(assessment, name, value)
        assessment.answers = {**assessment.answers, str(step): cleaned}
        assessment.full_clean()
        assessment.save()
        words = [
            Assessment._meta.get_field(n.removesuffix("_id")).verbose_name for n in changed if n != "answers"
        ]
        if "answers" in changed:
            words.append("answers")
        _record(
            assessment=assessment,
            by=by,
            step=step,
            summary=f"Step {step}: changed {', '.join(map(str, words))}",
        )
    return True


def _next_position(items) -> int:
    return (items.aggregate(n=Max("position"))["n"] or 0) + 1


def _attach_figure(*, assessment: Assessment, key: str) -> EvidenceItem:
    figure = evidence.figure(city=assessment.city, key=key)
    if figure is None:
        raise ValidationError({"figure": "That figure is no longer available: choose another."})
    return EvidenceItem.objects.create(
        city=assessment.city, assessment=assessment, figure_key=figure.key, frozen=figure.as_dict(),
        frozen_at=timezone.now(), label=figure.label, source=figure.source, link=figure.url,
        position=_next_position(assessment.evidence),
    )  # fmt: skip


def evidence_attach_figure(*, assessment: Assessment, key: str, by: User | None) -> EvidenceItem:
    """Attach one of the city's figures as a frozen copy (value, source, period, interval)."""
    with transaction.atomic():
        item = _attach_figure(assessment=assessment, key=key)
        _record(assessment=assessment, by=by, step=2, summary=f"Step 2: attached the figure {item.label}")
    return item


def evidence_add(
    *, assessment: Assessment, by: User | None, label: str, text: str = "", source: str = "", link: str = ""
) -> EvidenceItem:
    """Evidence typed in: a study, a complaint log, what a department knows."""
    if not label.strip():
        raise ValidationError({"label": "Say what the evidence is."})
    if link and not (link.startswith(("https://", "http://", "/"))):
        raise ValidationError({"link": "A link is a web address (https://...) or a page of this site."})
    with transaction.atomic():
        item = EvidenceItem.objects.create(
            city=assessment.city, assessment=assessment, label=label.strip(), text=text.strip(),
            source=source.strip(), link=link.strip(), position=_next_position(assessment.evidence),
        )  # fmt: skip
        _record(assessment=assessment, by=by, step=2, summary=f"Step 2: added the evidence {item.label}")
    return item


def _attach_engagement(*, assessment: Assessment, key: str, note: str) -> EngagementItem:
    held = evidence.engagement(city=assessment.city, key=key)
    if held is None:
        raise ValidationError({"engagement": "That conversation is no longer available: choose another."})
    frozen = _jsonable(
        {
            "key": held.key, "title": held.title, "date": held.date, "url": held.url, "kind": held.kind,
            "voices": list(held.voices), "summary": held.summary, "attendance": held.attendance,
        }
    )  # fmt: skip
    return EngagementItem.objects.create(
        city=assessment.city, assessment=assessment, source_key=held.key, frozen=frozen, title=held.title,
        note=note.strip(), position=_next_position(assessment.engagement),
    )  # fmt: skip


def engagement_attach(*, assessment: Assessment, key: str, by: User | None, note: str = "") -> EngagementItem:
    """Link a conversation or meeting held; whose voices were there is kept as it was shown."""
    with transaction.atomic():
        item = _attach_engagement(assessment=assessment, key=key, note=note)
        _record(assessment=assessment, by=by, step=3, summary=f"Step 3: linked {item.title}")
    return item


def engagement_add(*, assessment: Assessment, by: User | None, title: str, note: str = "") -> EngagementItem:
    """Engagement the app does not hold (a department's listening session), typed in."""
    if not title.strip():
        raise ValidationError({"title": "Say what the engagement was."})
    with transaction.atomic():
        item = EngagementItem.objects.create(
            city=assessment.city, assessment=assessment, title=title.strip(), note=note.strip(),
            position=_next_position(assessment.engagement),
        )  # fmt: skip
        _record(assessment=assessment, by=by, step=3, summary=f"Step 3: added {item.title}")
    return item


def impact_add(
    *, assessment: Assessment, by: User | None, group: str, benefits: str = "", burdens: str = ""
) -> Impact:
    if not group.strip():
        raise ValidationError({"group": "Name the affected group."})
    with transaction.atomic():
        item = Impact.objects.create(
            city=assessment.city, assessment=assessment, group=group.strip(), benefits=benefits.strip(),
            burdens=burdens.strip(), position=_next_position(assessment.impacts),
        )  # fmt: skip
        _record(
            assessment=assessment, by=by, step=4, summary=f"Step 4: benefits and burdens for {item.group}"
        )
    return item


def strategy_add(*, assessment: Assessment, by: User | None, text: str) -> Strategy:
    if not text.strip():
        raise ValidationError({"text": "Say what the strategy is."})
    with transaction.atomic():
        item = Strategy.objects.create(
            city=assessment.city, assessment=assessment, text=text.strip()[:300],
            position=_next_position(assessment.strategies),
        )  # fmt: skip
        _record(assessment=assessment, by=by, step=4, summary=f"Step 4: added the strategy {item.text}")
    return item


ITEM_MODELS = {"evidence": (EvidenceItem, 2), "engagement": (EngagementItem, 3), "impact": (Impact, 4),
               "strategy": (Strategy, 4)}  # fmt: skip


def item_remove(*, assessment: Assessment, kind: str, item_id: int, by: User | None) -> None:
    """Remove one row of a step (a restore can bring it back). A commitment already made stays."""
    model, step = ITEM_MODELS[kind]
    item = model.objects.for_city(assessment.city).get(assessment=assessment, pk=item_id)
    with transaction.atomic():
        item.delete()
        _record(assessment=assessment, by=by, step=step, summary=f"Step {step}: removed {item}")


def strategy_commit(
    *, strategy: Strategy, by: User | None, owner: User | None, due_date: date | None, owed_by: str
) -> Commitment:
    """Make a strategy a tracked commitment in the relationships app, with its owner and due date."""
    if strategy.commitment_id is not None:
        raise ValidationError("This strategy is already a commitment.")
    if owner is None or due_date is None:
        raise ValidationError({"owner": "A commitment needs an owner and a due date."})
    assessment = strategy.assessment
    city = assessment.city
    with transaction.atomic():
        commitment = relationship_services.commitment_create(
            city=city, what=strategy.text, owed_by=owed_by or assessment.department or city.name,
            created_by=by, owner=owner, due_date=due_date,
            details=f"A strategy of the equity assessment “{assessment.title}”.",
            source_label=f"Equity assessment: {assessment.title}"[:300],
            source_url=reverse("equity:detail", args=[city.slug, assessment.pk]),
        )  # fmt: skip
        strategy.commitment = commitment
        strategy.save(update_fields=["commitment"])
        _record(
            assessment=assessment, by=by, step=5, summary=f"Step 5: “{strategy.text}” became a commitment"
        )
    return commitment


def practices_set(*, assessment: Assessment, resource_ids: list[int], by: User | None) -> None:
    """The library's practices this assessment led to (published resources only)."""
    chosen = list(Resource.objects.published().filter(pk__in=resource_ids))
    if sorted(r.pk for r in chosen) == sorted(assessment.practices.values_list("pk", flat=True)):
        return
    with transaction.atomic():
        assessment.practices.set(chosen)
        names = ", ".join(r.title for r in chosen) or "none"
        _record(assessment=assessment, by=by, step=5, summary=f"Step 5: practices it led to: {names}"[:300])


def assessment_publish(*, assessment: Assessment, by: User | None) -> Assessment:
    """Put the public page up: what we assessed, what we heard, what we changed."""
    missing = [
        str(Assessment._meta.get_field(name).verbose_name)
        for name in ("public_assessed", "public_heard", "public_changed")
        if not getattr(assessment, name).strip()
    ]
    if missing:
        raise ValidationError(f"Write {', '.join(missing)} in step 6 before publishing.")
    with transaction.atomic():
        assessment.published_at = timezone.now()
        assessment.save(update_fields=["published_at", "updated_at"])
        _record(assessment=assessment, by=by, step=6, summary="Published the public page")
    return assessment


def assessment_withdraw(*, assessment: Assessment, by: User | None) -> Assessment:
    with transaction.atomic():
        assessment.published_at = None
        assessment.save(update_fields=["published_at", "updated_at"])
        _record(assessment=assessment, by=by, step=6, summary="Withdrew the public page")
    return assessment


# ---------------------------------------------------------------------------------- budget mode

ANALYSIS_FIELDS = ("evidence", "engagement", "benefits", "burdens", "measures")


def budget_cycle_create(
    *, city: City, year: int, name: str, rubric_text: str, by: User | None
) -> BudgetCycle:
    try:
        criteria = rubrics.parse_rubric(rubric_text)
    except ValueError as bad:
        raise ValidationError({"rubric": str(bad)}) from bad
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": "A year from 2000 to 2100."})
    return BudgetCycle.objects.create(city=city, year=year, name=name.strip(), rubric=criteria, created_by=by)


def budget_request_create(
    *, cycle: BudgetCycle, department: str, title: str, amount: Decimal, by: User | None
) -> BudgetRequest:
    if amount < 0:
        raise ValidationError({"amount": "An amount of zero dollars or more."})
    return BudgetRequest.objects.create(
        city=cycle.city, cycle=cycle, department=department.strip(), title=title.strip(), amount=amount,
        scores=[None] * len(cycle.rubric), created_by=by,
    )  # fmt: skip


def budget_request_update(
    *,
    request: BudgetRequest,
    analysis: dict[str, str],
    scores: list[int | None],
    status: str,
    amount: Decimal,
    assessment: Assessment | None = None,
) -> BudgetRequest:
    """Save the short analysis and the scores; the total is kept only when every criterion is scored."""
    if status not in BudgetRequestStatus.values:
        raise ValidationError({"status": "Choose one of the statuses."})
    if assessment is not None and assessment.city_id != request.city_id:
        raise ValidationError({"assessment": "Choose an assessment of this city."})
    try:
        score = rubrics.total(scores, request.cycle.rubric)
    except ValueError as bad:
        raise ValidationError(str(bad)) from bad
    with transaction.atomic():
        for name in ANALYSIS_FIELDS:
            setattr(request, name, analysis.get(name, "").strip())
        request.scores, request.score, request.status, request.amount = scores, score, status, amount
        request.assessment = assessment
        request.full_clean()
        request.save()
    return request
