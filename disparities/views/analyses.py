"""The analyses of a dataset, for members only (never published): the outcome test by place (from
the rollups), the adjusted disparities and the complaint funnel (jobs on the records, polled with htmx)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from cities.decorators import city_view
from cities.http import CityRequest
from cities.models import EDITOR_ROLES, may

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


@city_view()
def analyses_page(request: CityRequest, pk: int) -> HttpResponse:
    dataset = imported_dataset(request, pk)
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
    }
    return render(request, "disparities/analyses.html", context)


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
