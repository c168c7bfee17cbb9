"""The disparity dashboard with its filters, the drill-down, the exports (CSV, JSON), the printable
report, the veil of darkness test and the threshold test."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from cities import evidence as lent
from cities.clientip import client_ip
from cities.csvsafe import csv_response
from cities.decorators import city_view
from cities.http import CityRequest, int_param
from cities.models import EDITOR_ROLES, may

from ..models import Benchmark, Dataset
from ..selectors import pages, report
from ..selectors.drilldown import DrillSelection, drill_queries
from ..selectors.drilldown import drilldown as drill_page
from ..selectors.evidence import dataset_figures
from ..selectors.filters import Filters
from ..selectors.tables import RACE_LABELS
from ..services import dashboards as services
from ..services.datasets import dataset_exported


def imported_dataset(request: CityRequest, pk: int) -> Dataset:
    """The city's imported dataset named in the URL (404 for any other)."""
    return get_object_or_404(pages.imported_datasets(city=request.city), pk=pk)


def chosen_benchmark(request: CityRequest) -> Benchmark | None:
    return pages.benchmark_chosen(
        city=request.city, pk=request.GET.get("benchmark") or request.POST.get("benchmark")
    )


def _query(filters: Filters, benchmark: Benchmark | None, request: CityRequest) -> str:
    """The page's filters (and a benchmark chosen in the URL) for the links it makes."""
    params = dict(filters.as_query())
    if request.GET.get("benchmark") and benchmark is not None:
        params["benchmark"] = str(benchmark.pk)
    return urlencode(params)


def _page(request: CityRequest, dataset: Dataset, filters: Filters, benchmark: Benchmark | None) -> dict:
    """What every members' page of a dashboard shows of the request: the city, who may do what, links."""
    slug = request.city.slug
    return {
        "city": request.city,
        "section": "disparities",
        "dataset": dataset,
        "query": _query(filters, benchmark, request),
        "can_edit": may(request.membership, "can_edit"),
        "is_lead": may(request.membership, "can_manage"),
        "drill_base": reverse("disparities:drilldown", args=[slug, dataset.pk]),
        "csv_base": reverse("disparities:table_csv", args=[slug, dataset.pk, "counts"]).removesuffix(
            "counts.csv"
        ),
    }


def _report(request: CityRequest, dataset: Dataset) -> tuple[dict, Filters, Benchmark | None]:
    filters, benchmark = Filters.from_query(request.GET), chosen_benchmark(request)
    return pages.member_report(dataset=dataset, filters=filters, benchmark=benchmark), filters, benchmark


@city_view()
def dashboard_page(request: CityRequest, pk: int) -> HttpResponse:
    dataset = imported_dataset(request, pk)
    filters, benchmark = Filters.from_query(request.GET), chosen_benchmark(request)
    context = {
        **pages.dashboard_page(dataset=dataset, filters=filters, benchmark=benchmark),
        **_page(request, dataset, filters, benchmark),
    }
    if not request.htmx and lent.starters(kind="figure", city=request.city, membership=request.membership):
        # Figures another app may start from ("start an equity assessment from this"), unfiltered.
        context["lent_figures"] = dataset_figures(city=request.city, dataset=dataset, benchmark=benchmark)
    template_name = "disparities/dashboard.html"
    if request.htmx:
        template_name += "#figures"
    return render(request, template_name, context)


@city_view()
def drilldown(request: CityRequest, pk: int) -> HttpResponse:
    dataset = imported_dataset(request, pk)
    filters = Filters.from_query(request.GET)
    after = request.GET.get("after")
    selection = DrillSelection.from_query(request.GET)
    page = drill_page(
        dataset=dataset,
        filters=filters,
        selection=selection,
        after=int_param(after),
    )
    services.drilldown_viewed(
        dataset=dataset, page=page, filters=filters, by=request.user, ip_address=client_ip(request)
    )
    context = {
        "city": request.city,
        "section": "disparities",
        "dataset": dataset,
        "page": page,
        "filters": filters,
        "race_label": RACE_LABELS.get(selection.race, ""),
        "officer_race_label": RACE_LABELS.get(selection.officer_race, ""),
        **drill_queries(filters=filters, page=page),
    }
    return render(request, "disparities/drilldown.html", context)


@city_view()
def report_json(request: CityRequest, pk: int) -> HttpResponse:
    dataset = imported_dataset(request, pk)
    doc, _filters, _benchmark = _report(request, dataset)
    what = f"the report as JSON ({doc['filters_description']})"
    dataset_exported(dataset=dataset, what=what, by=request.user, ip_address=client_ip(request))
    response = JsonResponse(doc)
    response["Content-Disposition"] = f'inline; filename="disparity-report-{dataset.pk}.json"'
    return response


@city_view()
def report_page(request: CityRequest, pk: int) -> HttpResponse:
    dataset = imported_dataset(request, pk)
    doc, filters, benchmark = _report(request, dataset)
    context = {
        "doc": doc,
        "public": False,
        "charts": pages.chart_data(doc),
        **pages.findings_context(doc),
        **_page(request, dataset, filters, benchmark),
    }
    return render(request, "disparities/report.html", context)


@city_view()
def report_pdf(request: CityRequest, pk: int) -> HttpResponse:
    """The printable report as a PDF a clerk can attach to a council agenda (page numbers, the city, methods)."""
    dataset = imported_dataset(request, pk)
    doc, filters, benchmark = _report(request, dataset)
    html = render_to_string(
        "disparities/report_pdf.html",
        {"doc": doc, "public": False, "charts": [], **pages.findings_context(doc), "can_edit": False},
        request=request,
    )
    what = f"the report as PDF ({doc['filters_description']})"
    dataset_exported(dataset=dataset, what=what, by=request.user, ip_address=client_ip(request))
    response = HttpResponse(pages.pdf_from_html(html), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="disparity-report-{dataset.pk}.pdf"'
    return response


@city_view()
def table_csv(request: CityRequest, pk: int, table: str) -> HttpResponse:
    dataset = imported_dataset(request, pk)
    doc, _filters, _benchmark = _report(request, dataset)
    found = next((t for t in doc["tables"] if t["key"] == table), None)
    if found is None:
        raise Http404("No such table.")
    title = f"{found['title']} — {dataset.name} — {doc['filters_description']} — {report.NOT_FOR_PUBLICATION}"
    what = f"“{found['title']}” as CSV ({doc['filters_description']})"
    dataset_exported(dataset=dataset, what=what, by=request.user, ip_address=client_ip(request))
    return csv_response(report.csv_rows(found, title=title), filename=f"{dataset.pk}-{table}.csv")


@city_view(roles=EDITOR_ROLES)
@require_POST
def veil_start(request: CityRequest, pk: int) -> HttpResponse:
    dataset = imported_dataset(request, pk)
    try:
        services.veil_run_start(dataset=dataset, started_by=request.user)
    except services.NotEligible as problem:
        messages.error(request, str(problem))
    return redirect(reverse("disparities:dashboard", args=[request.city.slug, dataset.pk]) + "#veil")


@city_view()
def veil_status(request: CityRequest, pk: int, run_id: int) -> HttpResponse:
    dataset = imported_dataset(request, pk)
    run = get_object_or_404(pages.veil_runs(city=request.city, dataset=dataset), pk=run_id)
    context = {
        "city": request.city,
        "section": "disparities",
        "dataset": dataset,
        "veil": run,
        "can_edit": may(request.membership, "can_edit"),
    }
    template_name = "disparities/veil.html"
    if request.htmx:
        template_name += "#veil"
    return render(request, template_name, context)


@city_view(roles=EDITOR_ROLES)
@require_POST
def threshold_start(request: CityRequest, pk: int) -> HttpResponse:
    dataset = imported_dataset(request, pk)
    try:
        services.threshold_run_start(dataset=dataset, started_by=request.user)
    except services.NotEligible as problem:
        messages.error(request, str(problem))
    return redirect(reverse("disparities:dashboard", args=[request.city.slug, dataset.pk]) + "#threshold")


@city_view()
def threshold_status(request: CityRequest, pk: int, run_id: int) -> HttpResponse:
    dataset = imported_dataset(request, pk)
    run = get_object_or_404(pages.threshold_runs(city=request.city, dataset=dataset), pk=run_id)
    context = {
        "city": request.city,
        "section": "disparities",
        "dataset": dataset,
        "threshold": run,
        "can_edit": may(request.membership, "can_edit"),
    }
    template_name = "disparities/threshold.html"
    if request.htmx:
        template_name += "#threshold"
    return render(request, template_name, context)
