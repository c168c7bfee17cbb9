"""Disparity dashboards: population benchmarks, the dashboard with its filters, drill-down,
exports (CSV, JSON), the printable report, veil of darkness, publishing and the public pages."""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from cities.csvsafe import csv_response
from cities.decorators import city_view
from cities.models import EDITOR_ROLES, AuditAction, City, Role

from ..figures import census
from ..forms.dashboards import (
    BenchmarkEditForm,
    CountyBenchmarkForm,
    PublishForm,
    TypedBenchmarkForm,
    UploadBenchmarkForm,
)
from ..models import Benchmark, Dataset, PublishedSnapshot, Status, VeilRun
from ..selectors import dashboard, report
from ..selectors.drilldown import DrillSelection
from ..selectors.drilldown import drilldown as drill_page
from ..selectors.filters import Filters, filter_options
from ..selectors.tables import RACE_LABELS, TYPE_LABEL
from ..selectors.trends import trend_choices
from ..services import dashboards as services_dashboard
from ..services import publishing
from .datasets import audit

MAX_CENSUS_UPLOAD = 5 * 1024 * 1024


def _can_edit(request: HttpRequest) -> bool:
    membership = getattr(request, "membership", None)
    return membership is not None and membership.role in EDITOR_ROLES


def _is_lead(request: HttpRequest) -> bool:
    membership = getattr(request, "membership", None)
    return membership is not None and membership.role == Role.LEAD


def _dataset(request: HttpRequest, pk: int) -> Dataset:
    dataset = Dataset.objects.for_city(request.city).visible().filter(pk=pk).select_related("city").first()  # type: ignore[attr-defined]
    if dataset is None:
        raise Http404("No such dataset.")
    return dataset


def _imported(request: HttpRequest, pk: int) -> Dataset:
    dataset = _dataset(request, pk)
    if dataset.status != Status.IMPORTED:
        raise Http404("This dataset is not imported.")
    return dataset


def _benchmark(request: HttpRequest) -> Benchmark | None:
    city = request.city  # type: ignore[attr-defined]
    pk = request.GET.get("benchmark") or request.POST.get("benchmark")
    if pk and str(pk).isdigit():
        chosen = Benchmark.objects.for_city(city).filter(pk=int(pk)).first()
        if chosen is not None:
            return chosen
    return dashboard.default_benchmark(city=city)


def _query(filters: Filters, benchmark: Benchmark | None, request: HttpRequest, **extra) -> str:
    params = dict(filters.as_query())
    if request.GET.get("benchmark") and benchmark is not None:
        params["benchmark"] = str(benchmark.pk)
    params.update({k: v for k, v in extra.items() if v not in (None, "")})
    return urlencode(params)


# ---------------------------------------------------------------------------------------------
# Population benchmarks


@city_view()
def benchmarks(request: HttpRequest) -> HttpResponse:
    city: City = request.city  # type: ignore[attr-defined]
    forms = {"county": CountyBenchmarkForm(), "upload": UploadBenchmarkForm(), "typed": TypedBenchmarkForm()}
    status = 200
    error = ""
    if request.method == "POST":
        if not _can_edit(request):
            raise Http404("No such page.")
        which = request.POST.get("add")
        try:
            if which == "county":
                forms["county"] = form = CountyBenchmarkForm(request.POST)
                if form.is_valid():
                    services_dashboard.benchmark_create_from_county(
                        city=city,
                        fips=form.cleaned_data["fips"],
                        created_by=request.user,  # type: ignore[arg-type]
                    )
                    messages.success(request, "Population benchmark added.")
                    return redirect("disparities:benchmarks", city.slug)
            elif which == "upload":
                forms["upload"] = form = UploadBenchmarkForm(request.POST, request.FILES)
                if form.is_valid():
                    upload = form.cleaned_data["file"]
                    if upload.size > MAX_CENSUS_UPLOAD:
                        raise census.CensusFileError(
                            "The file is larger than 5 MB: download the table for your city only."
                        )
                    created = services_dashboard.benchmark_create_from_upload(
                        city=city,
                        data=upload.read(),
                        filename=upload.name,
                        geo_id=form.cleaned_data["geo_id"].strip(),
                        created_by=request.user,  # type: ignore[arg-type]
                    )
                    messages.success(
                        request, f"{len(created)} population benchmark(s) added from {upload.name}."
                    )
                    return redirect("disparities:benchmarks", city.slug)
            elif which == "typed":
                forms["typed"] = form = TypedBenchmarkForm(request.POST)
                if form.is_valid():
                    services_dashboard.benchmark_create_typed(
                        city=city,
                        name=form.cleaned_data["name"],
                        residents=form.residents(),
                        total=form.cleaned_data["total"],
                        source=form.cleaned_data["source"],
                        vintage=form.cleaned_data["vintage"],
                        created_by=request.user,  # type: ignore[arg-type]
                    )
                    messages.success(request, "Population benchmark added.")
                    return redirect("disparities:benchmarks", city.slug)
            else:
                error = "Choose how to add the benchmark."
        except census.CensusFileError as problem:
            error = str(problem)
        status = 400
    items = list(Benchmark.objects.for_city(city).order_by("-is_default", "name", "id")[:50])
    suggested = census.county(city.county_fips) if getattr(city, "county_fips", "") else None
    return render(
        request,
        "disparities/benchmarks.html",
        {
            "city": city,
            "section": "disparities",
            "benchmarks": items,
            "forms": forms,
            "error": error,
            "can_edit": _can_edit(request),
            "suggested": suggested,
            "races": [
                (r, RACE_LABELS[r])
                for r in ("white", "black", "hispanic", "asian_pacific_islander", "native_american", "other")
            ],
        },
        status=status,
    )


def _own_benchmark(request: HttpRequest, pk: int) -> Benchmark:
    benchmark = Benchmark.objects.for_city(request.city).filter(pk=pk).first()  # type: ignore[attr-defined]
    if benchmark is None:
        raise Http404("No such benchmark.")
    return benchmark


@city_view(roles=EDITOR_ROLES)
@require_POST
def benchmark_default(request: HttpRequest, pk: int) -> HttpResponse:
    benchmark = services_dashboard.benchmark_set_default(benchmark=_own_benchmark(request, pk))
    messages.success(request, f"{benchmark.name} is now the default benchmark.")
    return redirect("disparities:benchmarks", request.city.slug)  # type: ignore[attr-defined]


@city_view(roles=EDITOR_ROLES)
def benchmark_edit(request: HttpRequest, pk: int) -> HttpResponse:
    benchmark = _own_benchmark(request, pk)
    form = BenchmarkEditForm(request.POST or None, benchmark=benchmark)
    error = ""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services_dashboard.benchmark_update(
                    benchmark=benchmark,
                    name=form.cleaned_data["name"],
                    source=form.cleaned_data["source"],
                    vintage=form.cleaned_data["vintage"],
                    residents=form.residents(),
                    total=form.cleaned_data.get("total"),
                )
            except census.CensusFileError as problem:
                error = str(problem)
            else:
                messages.success(request, f"{benchmark.name} saved.")
                return redirect("disparities:benchmarks", request.city.slug)  # type: ignore[attr-defined]
        status = 400
    return render(
        request,
        "disparities/benchmark_edit.html",
        {
            "city": request.city,
            "section": "disparities",
            "benchmark": benchmark,
            "form": form,
            "error": error,
        },  # type: ignore[attr-defined]
        status=status,
    )


@city_view()
def benchmark_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The Census table a benchmark was read from, as the city uploaded it."""
    benchmark = _own_benchmark(request, pk)
    if not benchmark.file:
        raise Http404("This benchmark was not read from an uploaded file.")
    try:
        handle = benchmark.file.open("rb")
    except FileNotFoundError:
        raise Http404("The uploaded file is no longer kept.") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=benchmark.uploaded_filename or "census.csv",
        content_type="text/csv",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@city_view(roles=EDITOR_ROLES)
@require_POST
def benchmark_delete(request: HttpRequest, pk: int) -> HttpResponse:
    benchmark = _own_benchmark(request, pk)
    services_dashboard.benchmark_delete(benchmark=benchmark)
    messages.success(request, f"{benchmark.name} deleted.")
    return redirect("disparities:benchmarks", request.city.slug)  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------------------------
# Dashboard


def _report(request: HttpRequest, dataset: Dataset) -> tuple[dict, Filters, Benchmark | None]:
    """The members' report of the dataset under the request's filters.

    An imported dataset's rollups never change (a new version is a new dataset), so the document
    is cached per dataset import, benchmark, latest veil of darkness run and filters.
    """
    filters = Filters.from_query(request.GET)
    benchmark = _benchmark(request)
    run = VeilRun.objects.filter(dataset=dataset, status="done").order_by("-id").only("id", "result").first()
    seconds = getattr(settings, "DISPARITY_REPORT_CACHE_SECONDS", 600)
    key = (
        "disparities:report:"
        + hashlib.sha256(
            json.dumps(
                [
                    report.VERSION,
                    dataset.pk,
                    str(dataset.imported_at),
                    benchmark.pk if benchmark else 0,
                    str(benchmark.updated_at) if benchmark else "",
                    run.pk if run else 0,
                    sorted(filters.as_query().items()),
                ]  # fmt: skip
            ).encode()
        ).hexdigest()
    )
    doc = cache.get(key) if seconds else None
    if doc is None:
        board = dashboard.dashboard(dataset=dataset, filters=filters, benchmark=benchmark)
        doc = report.document(board, veil=run.result if run else None)
        if seconds:
            cache.set(key, doc, seconds)
    return doc, filters, benchmark


def _veil_context(dataset: Dataset) -> dict:
    run = VeilRun.objects.filter(dataset=dataset).order_by("-id").first()
    return {"veil": run}


@city_view()
def dashboard_page(request: HttpRequest, pk: int) -> HttpResponse:
    dataset = _imported(request, pk)
    doc, filters, benchmark = _report(request, dataset)
    query = _query(filters, benchmark, request)
    options = filter_options(dataset=dataset)
    context = {
        "city": request.city,  # type: ignore[attr-defined]
        "section": "disparities",
        "dataset": dataset,
        "doc": doc,
        "query": query,
        "options": options,
        "benchmarks": list(Benchmark.objects.for_city(request.city)[:20]),  # type: ignore[attr-defined]
        "benchmark": benchmark,
        "trend_choices": trend_choices(
            dataset=dataset, benchmark=benchmark, measures=options.get("measures")
        ),
        "charts": _chart_data(doc),
        "can_edit": _can_edit(request),
        "is_lead": _is_lead(request),
        "practices": dashboard.related_practices(kind=dataset.kind),
        "type_label": TYPE_LABEL.get(dataset.kind, "Type"),
        **_bases(request, dataset),
        **_veil_context(dataset),
    }
    template = "disparities/dashboard.html"
    if request.htmx:  # type: ignore[attr-defined]
        template += "#figures"
    response = render(request, template, context)
    return response


def _bases(request: HttpRequest, dataset: Dataset) -> dict[str, str]:
    slug = request.city.slug  # type: ignore[attr-defined]
    return {
        "drill_base": reverse("disparities:drilldown", args=[slug, dataset.pk]),
        "csv_base": reverse("disparities:table_csv", args=[slug, dataset.pk, "counts"]).removesuffix(
            "counts.csv"
        ),
    }


def _chart_data(doc: dict) -> list[dict]:
    """What the charts draw: for each table with a chart, labels and values (the table beside it has the numbers)."""
    charts = []
    for table in doc["tables"]:
        columns = {c["key"]: c for c in table["columns"]}
        body = [r for r in table["rows"] if not r["total"]]
        if table["key"].startswith("trend_"):
            series = [
                {
                    "label": columns[key]["label"],
                    "values": [(r["cells"].get(key) or {}).get("value") for r in body],
                }
                for key in columns
            ]
            charts.append(
                {
                    "id": f"chart-{table['key']}",
                    "table": table["key"],
                    "type": "line",
                    "title": table["title"],
                    "labels": [r["label"] for r in body],
                    "series": series,
                    "format": next(iter(columns.values()))["format"] if columns else "count",
                }
            )
            continue
        key = _chart_column(table)
        if key is None:
            continue
        values = [(r["cells"].get(key) or {}).get("value") for r in body]
        if not any(v is not None for v in values):
            continue
        charts.append(
            {
                "id": f"chart-{table['key']}",
                "table": table["key"],
                "type": "bar",
                "title": f"{table['title']}: {columns[key]['label']}",
                "labels": [r["label"] for r in body],
                "series": [{"label": columns[key]["label"], "values": values}],
                "intervals": [(r["cells"].get(key) or {}).get("interval") for r in body],
                "hidden": [(r["cells"].get(key) or {}).get("public_label") for r in body],
                "format": columns[key]["format"],
            }
        )
    return charts


def _chart_column(table: dict) -> str | None:
    preferred = {
        "population": "rate",
        "searches": "search_rate",
        "outcomes": "arrest_rate",
        "fines": "median",
        "per_arrest": "rate",
        "sustained": "sustained_rate",
        "officer_race": "sustained",
        "injuries": "injury_rate",
        "discretionary": "discretionary_hit_rate",
    }
    keys = [c["key"] for c in table["columns"]]
    want = preferred.get(table["key"])
    if want in keys:
        return want
    if table["key"] == "counts" and keys:
        return keys[-1]
    return None


@city_view()
def drilldown(request: HttpRequest, pk: int) -> HttpResponse:
    dataset = _imported(request, pk)
    filters = Filters.from_query(request.GET)
    after = request.GET.get("after")
    selection = DrillSelection.from_query(request.GET)
    page = drill_page(
        dataset=dataset,
        filters=filters,
        selection=selection,
        after=int(after) if after and after.isdigit() and len(after) <= 18 else None,
    )
    base = {
        **filters.as_query(),
        "race": selection.race,
        "officer_race": selection.officer_race,
        "measure": selection.measure,
        "of": selection.of,
        "drill_type": selection.type,
        "period": selection.period,
    }
    base = {k: v for k, v in base.items() if v}
    if page.records:
        who = RACE_LABELS.get(selection.race or selection.officer_race, "all races")
        details = [d for d in (selection.type and "a type", selection.period) if d]
        audit(
            request,
            AuditAction.VIEW,
            dataset,
            f"Viewed {len(page.records)} of the {page.record_total} records behind a figure "
            f"({page.label}, {who}; {filters.describe()}{'; ' + ', '.join(details) if details else ''})",
        )
    # The records of the figure's denominator (a share of records), listed the same way.
    of_params = {k: v for k, v in base.items() if k != "of"}
    of_query = urlencode({**of_params, "measure": selection.of}) if selection.of else ""
    return render(
        request,
        "disparities/drilldown.html",
        {
            "city": request.city,  # type: ignore[attr-defined]
            "section": "disparities",
            "dataset": dataset,
            "page": page,
            "filters": filters,
            "race_label": RACE_LABELS.get(selection.race, ""),
            "officer_race_label": RACE_LABELS.get(selection.officer_race, ""),
            "next_query": urlencode({**base, "after": page.next_after}) if page.next_after else "",
            "first_query": urlencode(base),
            "of_query": of_query,
            "dashboard_query": urlencode(filters.as_query()),
        },
    )


@city_view()
def report_json(request: HttpRequest, pk: int) -> HttpResponse:
    dataset = _imported(request, pk)
    doc, _filters, _benchmark_used = _report(request, dataset)
    audit(request, AuditAction.EXPORT, dataset, f"Exported the report as JSON ({doc['filters_description']})")
    response = JsonResponse(doc)
    response["Content-Disposition"] = f'inline; filename="disparity-report-{dataset.pk}.json"'
    return response


@city_view()
def report_page(request: HttpRequest, pk: int) -> HttpResponse:
    dataset = _imported(request, pk)
    doc, filters, benchmark = _report(request, dataset)
    return render(
        request,
        "disparities/report.html",
        {
            "city": request.city,
            "section": "disparities",
            "dataset": dataset,
            "doc": doc,
            "public": False,  # type: ignore[attr-defined]
            "query": _query(filters, benchmark, request),
            "charts": _chart_data(doc),
            **_bases(request, dataset),
        },
    )


@city_view()
def table_csv(request: HttpRequest, pk: int, table: str) -> HttpResponse:
    dataset = _imported(request, pk)
    doc, _filters, _benchmark_used = _report(request, dataset)
    found = next((t for t in doc["tables"] if t["key"] == table), None)
    if found is None:
        raise Http404("No such table.")
    title = f"{found['title']} — {dataset.name} — {doc['filters_description']} — {report.NOT_FOR_PUBLICATION}"
    audit(
        request,
        AuditAction.EXPORT,
        dataset,
        f"Exported “{found['title']}” as CSV ({doc['filters_description']})",
    )
    return csv_response(report.csv_rows(found, title=title), filename=f"{dataset.pk}-{table}.csv")


# ---------------------------------------------------------------------------------------------
# Veil of darkness


@city_view(roles=EDITOR_ROLES)
@require_POST
def veil_start(request: HttpRequest, pk: int) -> HttpResponse:
    dataset = _imported(request, pk)
    try:
        services_dashboard.veil_run_start(dataset=dataset, started_by=request.user)  # type: ignore[arg-type]
    except services_dashboard.NotEligible as problem:
        messages.error(request, str(problem))
    return redirect(reverse("disparities:dashboard", args=[request.city.slug, dataset.pk]) + "#veil")  # type: ignore[attr-defined]


@city_view()
def veil_status(request: HttpRequest, pk: int, run_id: int) -> HttpResponse:
    dataset = _imported(request, pk)
    run = VeilRun.objects.for_city(request.city).filter(pk=run_id, dataset=dataset).first()  # type: ignore[attr-defined]
    if run is None:
        raise Http404("No such run.")
    context = {
        "city": request.city,
        "dataset": dataset,
        "veil": run,
        "can_edit": _can_edit(request),
        "section": "disparities",
    }  # type: ignore[attr-defined]
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "disparities/veil.html#veil", context)
    return render(request, "disparities/veil.html", context)


# ---------------------------------------------------------------------------------------------
# Publishing


@city_view(roles=[Role.LEAD])
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    dataset = _imported(request, pk)
    filters = Filters.from_query(request.POST if request.method == "POST" else request.GET)
    benchmark = _benchmark(request)
    if request.method == "POST":
        form = PublishForm(request.POST)
        if form.is_valid():
            snapshot = publishing.snapshot_publish(
                dataset=dataset,
                filters=filters,
                benchmark=benchmark,
                title=form.cleaned_data["title"],
                introduction=form.cleaned_data["introduction"],
                published_by=request.user,  # type: ignore[arg-type]
            )
            audit(
                request,
                AuditAction.CREATE,
                dataset,
                f"Published “{snapshot.title}” (page {snapshot.pk}, protected)",
            )
            messages.success(request, "Published. Anyone with the link can read this page.")
            return redirect("disparities:public_snapshot", request.city.slug, snapshot.pk)  # type: ignore[attr-defined]
        status = 400
    else:
        form = PublishForm(initial={"title": f"{dataset.get_kind_display()} by race, {request.city.name}"})  # type: ignore[attr-defined]
        status = 200
    return render(
        request,
        "disparities/publish.html",
        {
            "city": request.city,
            "section": "disparities",
            "dataset": dataset,
            "form": form,
            "filters": filters,  # type: ignore[attr-defined]
            "hidden": {**filters.as_query(), **({"benchmark": benchmark.pk} if benchmark else {})},
            "benchmark": benchmark,
        },
        status=status,
    )


@city_view()
def snapshots(request: HttpRequest) -> HttpResponse:
    items = list(
        PublishedSnapshot.objects.for_city(request.city)
        .select_related("dataset", "published_by")
        .order_by("-published_at", "-id")[:100]  # type: ignore[attr-defined]
    )
    return render(
        request,
        "disparities/snapshots.html",
        {"city": request.city, "section": "disparities", "snapshots": items, "is_lead": _is_lead(request)},  # type: ignore[attr-defined]
    )


@city_view(roles=[Role.LEAD])
@require_POST
def snapshot_withdraw(request: HttpRequest, snapshot_id: int) -> HttpResponse:
    snapshot = PublishedSnapshot.objects.for_city(request.city).filter(pk=snapshot_id).first()  # type: ignore[attr-defined]
    if snapshot is None:
        raise Http404("No such page.")
    publishing.snapshot_withdraw(snapshot=snapshot, withdrawn_by=request.user)  # type: ignore[arg-type]
    audit(
        request,
        AuditAction.CHANGE,
        snapshot.dataset,
        f"Withdrew the public page “{snapshot.title}” ({snapshot.pk})",
    )
    messages.success(request, f"“{snapshot.title}” is withdrawn: the public page is gone.")
    return redirect("disparities:snapshots", request.city.slug)  # type: ignore[attr-defined]


# Public pages: no sign-in. Only live snapshots of the city named in the URL.


def _public_city(city_slug: str) -> City:
    city = City.objects.filter(slug=city_slug).first()
    if city is None:
        raise Http404("No such city.")
    return city


def _live(city: City, snapshot_id: int) -> PublishedSnapshot:
    snapshot = PublishedSnapshot.objects.for_city(city).filter(pk=snapshot_id, withdrawn_at=None).first()
    if snapshot is None:
        raise Http404("No such page.")
    return snapshot


def public_index(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = _public_city(city_slug)
    items = list(
        PublishedSnapshot.objects.for_city(city)
        .filter(withdrawn_at=None)
        .order_by("-published_at", "-id")[:100]
    )
    if not items:
        raise Http404("This city has published nothing.")
    return render(request, "disparities/public_index.html", {"public_city": city, "snapshots": items})


def public_snapshot(request: HttpRequest, city_slug: str, snapshot_id: int) -> HttpResponse:
    city = _public_city(city_slug)
    snapshot = _live(city, snapshot_id)
    doc = snapshot.content
    return render(
        request,
        "disparities/report.html",
        {
            "public_city": city,
            "snapshot": snapshot,
            "doc": doc,
            "public": True,
            "charts": _chart_data(doc),
            "csv_base": reverse(
                "disparities:public_csv", args=[city.slug, snapshot.pk, "counts"]
            ).removesuffix("counts.csv"),
        },
    )


def public_csv(request: HttpRequest, city_slug: str, snapshot_id: int, table: str) -> HttpResponse:
    city = _public_city(city_slug)
    snapshot = _live(city, snapshot_id)
    found = next((t for t in snapshot.content.get("tables", []) if t["key"] == table), None)
    if found is None:
        raise Http404("No such table.")
    return csv_response(
        report.csv_rows(found, title=f"{found['title']} — {snapshot.title}"),
        filename=f"{city.slug}-{table}.csv",
    )


def public_json(request: HttpRequest, city_slug: str, snapshot_id: int) -> HttpResponse:
    city = _public_city(city_slug)
    snapshot = _live(city, snapshot_id)
    return HttpResponse(json.dumps(snapshot.content, indent=1), content_type="application/json")
