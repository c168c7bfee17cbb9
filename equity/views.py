"""Pages of the equity section: thin views that parse, call a service or selector, render.

Roles: every member of the city reads; the lead and staff edit (`membership.can_edit`); only the lead
publishes or withdraws the public page. Another city's member gets 404, as everywhere.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from cities import evidence
from cities.csvsafe import csv_response
from cities.decorators import city_view, curator_required
from cities.forms import add_service_errors
from cities.http import CityRequest
from cities.models import EDITOR_ROLES, City, Role, may
from relationships.models import Commitment

from . import guides, selectors, services
from . import rubric as rubrics
from .forms import (
    CommitForm,
    CycleForm,
    EngagementForm,
    FigureForm,
    ImpactForm,
    RequestAnalysisForm,
    RequestForm,
    StartForm,
    StepForm,
    StrategyForm,
    TemplateForm,
    TypedEngagementForm,
    TypedEvidenceForm,
)
from .models import Assessment, AssessmentStatus, BudgetRequestStatus, Template

EDITORS = EDITOR_ROLES
LEAD = [Role.LEAD]


def _ctx(request: CityRequest, **extra) -> dict:
    return {
        "city": request.city,
        "section": "equity",
        "can_edit": may(request.membership, "can_edit"),
        "is_lead": may(request.membership, "is_lead"),
        **extra,
    }


def _assessment(request: CityRequest, assessment_id: int) -> Assessment:
    try:
        return selectors.assessment_get(city=request.city, assessment_id=assessment_id)
    except ObjectDoesNotExist as missing:
        raise Http404("No such assessment.") from missing


def _step_url(assessment: Assessment, step: int, anchor: str = "") -> str:
    url = reverse("equity:step", args=[assessment.city.slug, assessment.pk, step])
    return f"{url}#{anchor}" if anchor else url


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# ------------------------------------------------------------------------------------- the list


@city_view()
def index(request: CityRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    page = selectors.assessment_list(city=request.city, status=status, page=request.GET.get("page", 1))
    return render(
        request,
        "equity/index.html",
        _ctx(request, page=page, status=status, statuses=AssessmentStatus.choices),
    )


@city_view(roles=EDITORS)
def new(request: CityRequest) -> HttpResponse:
    """Start an assessment; `?figure=`, `?engagement=` or `?commitment=` start it from that evidence."""
    city = request.city
    choices = selectors.template_choices(city=city)
    source = request.POST if request.method == "POST" else request.GET
    starting = {
        "figure": evidence.figure(city=city, key=source.get("figure", "")) if source.get("figure") else None,
        "engagement": evidence.engagement(city=city, key=source.get("engagement", ""))
        if source.get("engagement")
        else None,
        "commitment": Commitment.objects.for_city(city).filter(pk=source.get("commitment") or 0).first()
        if str(source.get("commitment", "")).isdigit()
        else None,
    }
    if request.method == "POST":
        form = StartForm(request.POST, template_choices=choices)
        if form.is_valid():
            data = form.cleaned_data
            try:
                assessment = services.assessment_start(
                    city=city, by=request.user, title=data["title"], kind=data["kind"],
                    department=data["department"], template=data["template"],
                    figure_key=data["figure"] if starting["figure"] else "",
                    engagement_key=data["engagement"] if starting["engagement"] else "",
                    commitment=starting["commitment"],
                )  # fmt: skip
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "The assessment is started. Each step saves as you go.")
                return redirect(_step_url(assessment, 1))
    else:
        initial = {
            "figure": starting["figure"].key if starting["figure"] else "",
            "engagement": starting["engagement"].key if starting["engagement"] else "",
            "commitment": starting["commitment"].pk if starting["commitment"] else None,
        }
        if starting["commitment"] is not None:
            initial["title"] = starting["commitment"].what
        form = StartForm(initial=initial, template_choices=choices)
    return render(request, "equity/new.html", _ctx(request, form=form, starting=starting))


# ---------------------------------------------------------------------------------- assessment


@city_view()
def detail(request: CityRequest, assessment_id: int) -> HttpResponse:
    """The whole assessment on one page; a reopened assessment shows live figures beside frozen ones."""
    assessment = _assessment(request, assessment_id)
    return render(
        request,
        "equity/detail.html",
        _ctx(
            request,
            a=assessment,
            steps=selectors.step_progress(assessment=assessment),
            evidence_rows=selectors.evidence_beside_live(assessment=assessment),
            strategies=selectors.strategies(assessment=assessment),
            practices=selectors.practices(assessment=assessment),
        ),
    )


def _step_forms(request: CityRequest, assessment: Assessment, step: int) -> dict:
    """The forms that add rows to a step (only for those who may edit)."""
    if not may(request.membership, "can_edit"):
        return {}
    city = request.city
    if step == 2:
        return {
            "figure_form": FigureForm(figures=evidence.figure_choices(city=city)),
            "typed_form": TypedEvidenceForm(),
        }
    if step == 3:
        return {
            "engagement_form": EngagementForm(choices=evidence.engagement_choices(city=city)),
            "typed_engagement_form": TypedEngagementForm(),
        }
    if step == 4:
        return {"impact_form": ImpactForm(), "strategy_form": StrategyForm()}
    if step == 5:
        return {"commit_form": CommitForm(members=selectors.members(city=city), auto_id="id_%s_{}")}
    return {}


@city_view()
def step(request: CityRequest, assessment_id: int, step: int) -> HttpResponse:
    """One of the six steps. Saving keeps you on the step ("Save") or moves on ("Save and continue");
    with htmx the form saves as you go and only the status line comes back."""
    assessment = _assessment(request, assessment_id)
    if not 1 <= step <= len(assessment.guide):
        raise Http404("No such step.")
    members = selectors.members(city=request.city)
    if request.method == "POST":
        if not may(request.membership, "can_edit"):
            raise Http404("No such page.")
        form = StepForm(request.POST, assessment=assessment, step=step, members=members)
        saved = False
        if form.is_valid():
            try:
                saved = services.assessment_save_step(
                    assessment=assessment, step=step, by=request.user,
                    fields=form.step_fields(), answers=form.answers(),
                )  # fmt: skip
            except ValidationError as error:
                add_service_errors(form, error)
        if request.htmx:
            return render(request, "equity/step.html#save_status",
                          {"form": form, "saved": saved, "a": assessment})  # fmt: skip
        if form.is_valid():
            messages.success(request, f"Step {step} is saved." if saved else "Nothing had changed.")
            if "continue" in request.POST and step < len(assessment.guide):
                return redirect(_step_url(assessment, step + 1))
            return redirect(_step_url(assessment, step))
    else:
        form = StepForm(assessment=assessment, step=step, members=members)
    context = _ctx(
        request,
        a=assessment,
        step_n=step,
        guide=assessment.guide[step - 1],
        steps=selectors.step_progress(assessment=assessment),
        form=form,
        evidence_rows=selectors.evidence_beside_live(assessment=assessment, live=step == 2),
        strategies=selectors.strategies(assessment=assessment) if step in (4, 5) else [],
        practices=selectors.practices(assessment=assessment) if step == 5 else None,
        **_step_forms(request, assessment, step),
    )
    return render(request, "equity/step.html", context)


ITEM_FORMS = {
    "figure": (FigureForm, 2, "evidence"),
    "evidence": (TypedEvidenceForm, 2, "evidence"),
    "conversation": (EngagementForm, 3, "engagement"),
    "engagement": (TypedEngagementForm, 3, "engagement"),
    "impact": (ImpactForm, 4, "impacts"),
    "strategy": (StrategyForm, 4, "strategies"),
}


@city_view(roles=EDITORS)
@require_POST
def item_add(request: CityRequest, assessment_id: int, kind: str) -> HttpResponse:
    """Add a row to a step: a figure, typed evidence, a conversation, an impact, a strategy."""
    assessment = _assessment(request, assessment_id)
    if kind not in ITEM_FORMS:
        raise Http404("No such kind of row.")
    form_class, step_n, anchor = ITEM_FORMS[kind]
    city, by = request.city, request.user
    if kind == "figure":
        form = FigureForm(request.POST, figures=evidence.figure_choices(city=city))
    elif kind == "conversation":
        form = EngagementForm(request.POST, choices=evidence.engagement_choices(city=city))
    else:
        form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, "Fill in the highlighted part: " + "; ".join(
            f"{form.fields[name].label}: {' '.join(errs)}" if name in form.fields else " ".join(errs)
            for name, errs in form.errors.items()
        ))  # fmt: skip
        return redirect(_step_url(assessment, step_n, anchor))
    data = form.cleaned_data
    try:
        if kind == "figure":
            services.evidence_attach_figure(assessment=assessment, key=data["figure"], by=by)
        elif kind == "evidence":
            services.evidence_add(assessment=assessment, by=by, **data)
        elif kind == "conversation":
            services.engagement_attach(
                assessment=assessment, key=data["engagement"], note=data["note"], by=by
            )
        elif kind == "engagement":
            services.engagement_add(assessment=assessment, by=by, **data)
        elif kind == "impact":
            services.impact_add(assessment=assessment, by=by, **data)
        else:
            services.strategy_add(assessment=assessment, by=by, **data)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, "Added.")
    return redirect(_step_url(assessment, step_n, anchor))


@city_view(roles=EDITORS)
@require_POST
def item_remove(request: CityRequest, assessment_id: int, kind: str, item_id: int) -> HttpResponse:
    assessment = _assessment(request, assessment_id)
    if kind not in services.ITEM_MODELS:
        raise Http404("No such kind of row.")
    try:
        services.item_remove(assessment=assessment, kind=kind, item_id=item_id, by=request.user)
    except ObjectDoesNotExist as missing:
        raise Http404("No such row.") from missing
    messages.success(request, "Removed. The revision history can bring it back.")
    return redirect(_step_url(assessment, services.ITEM_MODELS[kind][1]))


@city_view(roles=EDITORS)
@require_POST
def strategy_commit(request: CityRequest, assessment_id: int, strategy_id: int) -> HttpResponse:
    """Step 5: a strategy becomes a commitment tracked in the relationships app."""
    assessment = _assessment(request, assessment_id)
    strategy = assessment.strategies.filter(pk=strategy_id).first()
    if strategy is None:
        raise Http404("No such strategy.")
    form = CommitForm(request.POST, members=selectors.members(city=request.city))
    if not form.is_valid():
        messages.error(request, "Choose who follows it through and a due date.")
    else:
        try:
            services.strategy_commit(strategy=strategy, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, "The strategy is now a commitment with an owner and a due date.")
    return redirect(_step_url(assessment, 5, f"strategy-{strategy.pk}"))


@city_view(roles=EDITORS)
@require_POST
def practices(request: CityRequest, assessment_id: int) -> HttpResponse:
    """Step 5: the library's practices this assessment led to."""
    assessment = _assessment(request, assessment_id)
    chosen = [int(v) for v in request.POST.getlist("practice") if v.isdigit()]
    services.practices_set(assessment=assessment, resource_ids=chosen, by=request.user)
    messages.success(request, "The practices it led to are saved.")
    return redirect(_step_url(assessment, 5, "practices"))


@city_view(roles=LEAD)
@require_POST
def publish(request: CityRequest, assessment_id: int) -> HttpResponse:
    """The lead publishes the public page, or withdraws it."""
    assessment = _assessment(request, assessment_id)
    try:
        if request.POST.get("action") == "withdraw":
            services.assessment_withdraw(assessment=assessment, by=request.user)
            messages.success(request, "The public page is withdrawn.")
        else:
            services.assessment_publish(assessment=assessment, by=request.user)
            messages.success(request, "The public page is published.")
    except ValidationError as error:
        messages.error(request, _error_text(error))
    return redirect(_step_url(assessment, 6, "public"))


@city_view()
def revisions(request: CityRequest, assessment_id: int) -> HttpResponse:
    assessment = _assessment(request, assessment_id)
    page = selectors.revisions(assessment=assessment, page=request.GET.get("page", 1))
    return render(request, "equity/revisions.html", _ctx(request, a=assessment, page=page))


@city_view(roles=EDITORS)
@require_POST
def revision_restore(request: CityRequest, assessment_id: int, revision_id: int) -> HttpResponse:
    assessment = _assessment(request, assessment_id)
    try:
        revision = selectors.revision_get(assessment=assessment, revision_id=revision_id)
    except ObjectDoesNotExist as missing:
        raise Http404("No such revision.") from missing
    services.revision_restore(revision=revision, by=request.user)
    messages.success(request, f"The assessment is back as it was after revision {revision.number}.")
    return redirect("equity:detail", request.city.slug, assessment.pk)


# ----------------------------------------------------------------------------------- templates


@city_view()
def templates(request: CityRequest) -> HttpResponse:
    return render(
        request,
        "equity/templates.html",
        _ctx(
            request,
            own=selectors.templates(city=request.city),
            network=selectors.network_templates(published_only=True),
            built_in=list(guides.BUILT_IN.values()),
        ),
    )


@city_view(roles=EDITORS)
@require_POST
def template_adapt(request: CityRequest) -> HttpResponse:
    try:
        template = services.template_adapt(
            city=request.city, base=request.POST.get("base", ""), by=request.user
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("equity:templates", request.city.slug)
    messages.success(request, "A copy for this city is ready to adapt.")
    return redirect("equity:template_edit", request.city.slug, template.pk)


@city_view(roles=EDITORS)
def template_edit(request: CityRequest, template_id: int) -> HttpResponse:
    template = get_object_or_404(Template.objects.for_city(request.city), pk=template_id)
    if request.method == "POST":
        form = TemplateForm(request.POST, steps=template.steps)
        if form.is_valid():
            try:
                services.template_update(
                    template=template, name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"], steps=form.steps(),
                )  # fmt: skip
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, "Saved. Assessments already started keep the questions they began with."
                )
                return redirect("equity:templates", request.city.slug)
    else:
        form = TemplateForm(
            initial={"name": template.name, "description": template.description}, steps=template.steps
        )
    return render(request, "equity/template_edit.html", _ctx(request, template=template, form=form))


# -------------------------------------------------------------------------------------- public


def public_index(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = get_object_or_404(City, slug=city_slug)
    return render(
        request,
        "equity/public_index.html",
        {"public_city": city, "assessments": selectors.public_list(city=city)},
    )


def public_detail(request: HttpRequest, city_slug: str, assessment_id: int) -> HttpResponse:
    """What we assessed, what we heard, what we changed: only while the lead keeps it published."""
    city = get_object_or_404(City, slug=city_slug)
    assessment = selectors.public_assessment(city=city, assessment_id=assessment_id)
    if assessment is None:
        raise Http404("No such page.")
    return render(
        request,
        "equity/public_detail.html",
        {
            "public_city": city,
            "a": assessment,
            "strategies": selectors.strategies(assessment=assessment),
            "practices": assessment.practices.all(),
        },  # fmt: skip
    )


# --------------------------------------------------------------------------------- budget mode


def _cycle(request: CityRequest, cycle_id: int):
    try:
        return selectors.budget_cycle_get(city=request.city, cycle_id=cycle_id)
    except ObjectDoesNotExist as missing:
        raise Http404("No such budget cycle.") from missing


@city_view()
def budget_index(request: CityRequest) -> HttpResponse:
    """Budget cycles; the lead and staff open a new one with its rubric."""
    if request.method == "POST":
        if not may(request.membership, "can_edit"):
            raise Http404("No such page.")
        form = CycleForm(request.POST)
        if form.is_valid():
            try:
                cycle = services.budget_cycle_create(
                    city=request.city, year=form.cleaned_data["year"], name=form.cleaned_data["name"],
                    rubric_text=form.cleaned_data["rubric"], by=request.user,
                )  # fmt: skip
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect("equity:budget_cycle", request.city.slug, cycle.pk)
    else:
        form = CycleForm(
            initial={"rubric": rubrics.rubric_text(rubrics.DEFAULT_RUBRIC), "name": "Operating budget"}
        )
    return render(
        request, "equity/budget_index.html",
        _ctx(request, sub="budget", cycles=selectors.budget_cycles(city=request.city), form=form),
    )  # fmt: skip


@city_view()
def budget_cycle(request: CityRequest, cycle_id: int) -> HttpResponse:
    """The budget office's view: requests by department with amounts, scores and status, and the
    dollars by score band (a chart with its table)."""
    cycle = _cycle(request, cycle_id)
    if request.method == "POST":
        if not may(request.membership, "can_edit"):
            raise Http404("No such page.")
        form = RequestForm(request.POST)
        if form.is_valid():
            budget_request = services.budget_request_create(cycle=cycle, by=request.user, **form.cleaned_data)
            messages.success(request, "The request is added: write its short analysis and score it.")
            return redirect("equity:budget_request", request.city.slug, cycle.pk, budget_request.pk)
    else:
        form = RequestForm()
    summary = selectors.budget_summary(cycle=cycle)
    return render(request, "equity/budget_cycle.html", _ctx(request, sub="budget", s=summary, form=form))


@city_view()
def budget_request(request: CityRequest, cycle_id: int, request_id: int) -> HttpResponse:
    cycle = _cycle(request, cycle_id)
    try:
        item = selectors.budget_request_get(cycle=cycle, request_id=request_id)
    except ObjectDoesNotExist as missing:
        raise Http404("No such request.") from missing
    options = {
        "rubric": cycle.rubric,
        "statuses": BudgetRequestStatus.choices,
        "assessments": list(Assessment.objects.for_city(request.city).only("pk", "title")[:200]),
    }
    if request.method == "POST":
        if not may(request.membership, "can_edit"):
            raise Http404("No such page.")
        form = RequestAnalysisForm(request.POST, **options)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.budget_request_update(
                    request=item, analysis={name: data[name] for name in services.ANALYSIS_FIELDS},
                    scores=form.scores(), status=data["status"], amount=data["amount"], assessment=data["assessment"],
                )  # fmt: skip
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Saved.")
                return redirect("equity:budget_cycle", request.city.slug, cycle.pk)
    else:
        initial = {name: getattr(item, name) for name in services.ANALYSIS_FIELDS}
        initial |= {"amount": item.amount, "status": item.status, "assessment": item.assessment_id}
        initial |= {f"score{i}": s for i, s in enumerate(item.scores)}
        form = RequestAnalysisForm(initial=initial, **options)
    return render(
        request, "equity/budget_request.html",
        _ctx(request, sub="budget", cycle=cycle, item=item, form=form, band=rubrics.BAND_LABELS[selectors.budget_band_of(item)]),
    )  # fmt: skip


@city_view()
def budget_export(request: CityRequest, cycle_id: int) -> HttpResponse:
    """The cycle's requests as CSV, every cell written through cities/csvsafe.py."""
    cycle = _cycle(request, cycle_id)
    summary = selectors.budget_summary(cycle=cycle)
    return csv_response(
        selectors.budget_export_rows(summary=summary), filename=f"budget-{cycle.year}-{cycle.pk}-requests.csv"
    )


# ------------------------------------------------------------------------------------ curators


@curator_required
def network(request: HttpRequest) -> HttpResponse:
    """Across cities: counts of assessments and the practices they led to; never a city's own text."""
    return render(request, "equity/network.html", {"section": "equity", "rows": selectors.network_overview()})


@curator_required
def network_templates(request: HttpRequest) -> HttpResponse:
    """Curators keep templates for the whole network: started from a built-in one, published when ready."""
    if request.method == "POST":
        try:
            template = services.network_template_create(base=request.POST.get("base", ""), by=request.user)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            return redirect("equity:network_template_edit", template.pk)
    return render(
        request,
        "equity/network_templates.html",
        {
            "section": "equity",
            "templates": selectors.network_templates(published_only=False),
            "built_in": list(guides.BUILT_IN.values()),
        },  # fmt: skip
    )


@curator_required
def network_template_edit(request: HttpRequest, template_id: int) -> HttpResponse:
    try:
        template = selectors.network_template_get(template_id=template_id)
    except ObjectDoesNotExist as missing:
        raise Http404("No such template.") from missing
    if request.method == "POST":
        form = TemplateForm(request.POST, steps=template.steps)
        if form.is_valid():
            try:
                services.template_update(
                    template=template, name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"], steps=form.steps(),
                )  # fmt: skip
                services.network_template_publish(
                    template=template, published=bool(request.POST.get("published"))
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, "Saved. Assessments already started keep the questions they began with."
                )
                return redirect("equity:network_templates")
    else:
        form = TemplateForm(
            initial={"name": template.name, "description": template.description}, steps=template.steps
        )
    return render(
        request,
        "equity/network_template_edit.html",
        {"section": "equity", "template": template, "form": form},
    )
