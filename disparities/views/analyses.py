"""The analyses of a dataset, for members only (never published): the outcome test by place (from
the rollups), the adjusted disparities and the complaint funnel (jobs on the records, polled with htmx)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from cities.decorators import city_view
from cities.forms import add_service_errors
from cities.http import CityRequest, acting
from cities.models import EDITOR_ROLES, may

from ..forms.dashboards import PurposeGroupsForm
from ..models import AnalysisMethod
from ..selectors import analyses as selectors
from ..services import analyses as services
from .dashboard import imported_dataset


def _context(request: CityRequest, dataset) -> dict:
    return {
        "city": request.city,
        "section": "disparities",
        "dataset": dataset,
        "can_edit": may(request.membership, "can_edit"),
    }


def _purpose_form(dataset, data=None) -> PurposeGroupsForm | None:
    """The grouping form, listing the reasons the last finished count of purposes found."""
    done = selectors.analysis_run_latest(dataset=dataset, method=AnalysisMethod.PURPOSES, done=True)
    reasons = (done.result.get("reasons") or []) if done else []
    return PurposeGroupsForm(data, reasons=reasons) if reasons else None


def _render_page(request: CityRequest, dataset, purpose_form=None, status: int = 200) -> HttpResponse:
    places = selectors.outcome_test_by_place(dataset=dataset)
    runs = [
        {"method": method, "run": selectors.analysis_run_latest(dataset=dataset, method=method)}
        for method in selectors.analyses_offered(dataset=dataset)
    ]
    context = {
        **_context(request, dataset),
        "places": places,
        "scatters": selectors.scatter_data(places),
        "runs": runs,
        "purpose_form": purpose_form or _purpose_form(dataset),
    }
    return render(request, "disparities/analyses.html", context, status=status)


@city_view()
def analyses_page(request: CityRequest, pk: int) -> HttpResponse:
    return _render_page(request, imported_dataset(request, pk))


@city_view(roles=EDITOR_ROLES)
@require_POST
def purpose_groups(request: CityRequest, pk: int) -> HttpResponse:
    dataset = imported_dataset(request, pk)
    form = _purpose_form(dataset, request.POST)
    if form is None:
        messages.error(request, "Count the stops by purpose first: the reasons to group come from that count.")
        return redirect(reverse("disparities:analyses", args=[request.city.slug, dataset.pk]) + "#purposes")
    if form.is_valid():
        try:
            services.purpose_groups_save(dataset=dataset, groups=form.groups(), **acting(request))
        except ValidationError as problem:
            add_service_errors(form, problem)
        else:
            messages.success(request, "Purpose groups saved with the mapping; the stops are being counted again.")
            return redirect(reverse("disparities:analyses", args=[request.city.slug, dataset.pk]) + "#purposes")
    return _render_page(request, dataset, purpose_form=form, status=400)


@city_view(roles=EDITOR_ROLES)
@require_POST
def analysis_start(request: CityRequest, pk: int, method: str) -> HttpResponse:
    dataset = imported_dataset(request, pk)
    try:
        services.analysis_run_start(dataset=dataset, method=method, started_by=request.user)
    except services.NotEligible as problem:
        messages.error(request, str(problem))
    return redirect(reverse("disparities:analyses", args=[request.city.slug, dataset.pk]) + f"#{method}")


@city_view()
def analysis_status(request: CityRequest, pk: int, run_id: int) -> HttpResponse:
    dataset = imported_dataset(request, pk)
    run = get_object_or_404(selectors.analysis_runs(city=request.city, dataset=dataset), pk=run_id)
    context = {**_context(request, dataset), "run": run, "method": run.method}
    template_name = "disparities/analysis.html"
    if request.htmx:
        template_name += "#run"
    return render(request, template_name, context)
