"""Population benchmarks: the list with its three ways to add one, default, edit, delete, the kept file."""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cities.csvsafe import csv_response
from cities.decorators import city_view
from cities.forms import add_service_errors
from cities.http import CityRequest
from cities.models import EDITOR_ROLES, may

from ..figures import census
from ..forms.dashboards import BenchmarkEditForm, CountyBenchmarkForm, TypedBenchmarkForm, UploadBenchmarkForm
from ..models import BENCHMARK_RACES, Benchmark
from ..selectors import pages
from ..selectors.tables import RACE_LABELS
from ..services import dashboards as services


def _add_county(request: CityRequest, form: CountyBenchmarkForm) -> str:
    services.benchmark_create_from_county(
        city=request.city, fips=form.cleaned_data["fips"], created_by=request.user
    )
    return "Population benchmark added."


def _add_upload(request: CityRequest, form: UploadBenchmarkForm) -> str:
    upload = form.cleaned_data["file"]
    created = services.benchmark_create_from_upload(
        city=request.city,
        data=upload.read(),
        filename=upload.name,
        geo_id=form.cleaned_data["geo_id"],
        created_by=request.user,
    )
    return f"{len(created)} population benchmark(s) added from {upload.name}."


def _add_typed(request: CityRequest, form: TypedBenchmarkForm) -> str:
    services.benchmark_create_typed(
        city=request.city,
        name=form.cleaned_data["name"],
        residents=form.residents(),
        total=form.cleaned_data["total"],
        source=form.cleaned_data["source"],
        vintage=form.cleaned_data["vintage"],
        created_by=request.user,
    )
    return "Population benchmark added."


# The three ways to add a benchmark (the `add` field of each form on the page): its form, and the
# service call that adds it, returning what to tell the member.
ADD: dict[str, tuple[type[forms.Form], Callable]] = {
    "county": (CountyBenchmarkForm, _add_county),
    "upload": (UploadBenchmarkForm, _add_upload),
    "typed": (TypedBenchmarkForm, _add_typed),
}


@city_view()
def benchmarks(request: CityRequest) -> HttpResponse:
    forms_shown = {key: form_class() for key, (form_class, _add) in ADD.items()}
    if request.method != "POST":
        return _render_benchmarks(request, forms_shown)
    if not may(request.membership, "can_edit"):
        raise Http404("No such page.")
    which = request.POST.get("add", "")
    if which not in ADD:
        return _render_benchmarks(request, forms_shown, error="Choose how to add the benchmark.", status=400)
    form_class, add = ADD[which]
    form = forms_shown[which] = form_class(request.POST, request.FILES)
    if not form.is_valid():
        return _render_benchmarks(request, forms_shown, status=400)
    try:
        messages.success(request, add(request, form))
    except ValidationError as error:
        add_service_errors(form, error)
        return _render_benchmarks(request, forms_shown, error=" ".join(error.messages), status=400)
    return redirect("disparities:benchmarks", request.city.slug)


def _render_benchmarks(
    request: CityRequest, forms_shown: dict, *, error: str = "", status: int = 200
) -> HttpResponse:
    city = request.city
    context = {
        "city": city,
        "section": "disparities",
        "benchmarks": pages.benchmark_list(city=city),
        "forms": forms_shown,
        "error": error,  # what the service refused, above the forms (the form shows it at its field too)
        "can_edit": may(request.membership, "can_edit"),
        "suggested": census.county(city.county_fips) if city.county_fips else None,
        "races": [(race, RACE_LABELS[race]) for race in BENCHMARK_RACES],
    }
    return render(request, "disparities/benchmarks.html", context, status=status)


def _own_benchmark(request: CityRequest, pk: int) -> Benchmark:
    benchmark = pages.benchmarks(city=request.city).filter(pk=pk).first()
    if benchmark is None:
        raise Http404("No such benchmark.")
    return benchmark


@city_view(roles=EDITOR_ROLES)
@require_POST
def benchmark_default(request: CityRequest, pk: int) -> HttpResponse:
    benchmark = services.benchmark_set_default(benchmark=_own_benchmark(request, pk))
    messages.success(request, f"{benchmark.name} is now the default benchmark.")
    return redirect("disparities:benchmarks", request.city.slug)


@city_view(roles=EDITOR_ROLES)
def benchmark_edit(request: CityRequest, pk: int) -> HttpResponse:
    benchmark = _own_benchmark(request, pk)
    form = BenchmarkEditForm(request.POST or None, benchmark=benchmark)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.benchmark_update(
                benchmark=benchmark,
                name=form.cleaned_data["name"],
                source=form.cleaned_data["source"],
                vintage=form.cleaned_data["vintage"],
                residents=form.residents(),
                total=form.cleaned_data.get("total"),
            )
        except ValidationError as problem:
            add_service_errors(form, problem)
            error = " ".join(problem.messages)
        else:
            messages.success(request, f"{benchmark.name} saved.")
            return redirect("disparities:benchmarks", request.city.slug)
    context = {
        "city": request.city,
        "section": "disparities",
        "benchmark": benchmark,
        "form": form,
        "error": error,
    }
    return render(
        request, "disparities/benchmark_edit.html", context, status=400 if request.method == "POST" else 200
    )


@city_view()
def benchmark_file(request: CityRequest, pk: int) -> HttpResponse:
    """The Census table a benchmark was read from, cell for cell as the city uploaded it (to check the
    figures against their source), written through `cities.csvsafe` like every CSV the app sends."""
    benchmark = _own_benchmark(request, pk)
    if not benchmark.file:
        raise Http404("This benchmark was not read from an uploaded file.")
    try:
        with benchmark.file.open("rb") as handle:
            rows = census.table_rows(handle.read())
    except FileNotFoundError:
        raise Http404("The uploaded file is no longer kept.") from None
    except census.CensusFileError:
        raise Http404("The uploaded file can no longer be read.") from None
    return csv_response(rows, filename=benchmark.uploaded_filename or "census.csv")


@city_view(roles=EDITOR_ROLES)
@require_POST
def benchmark_delete(request: CityRequest, pk: int) -> HttpResponse:
    benchmark = _own_benchmark(request, pk)
    services.benchmark_delete(benchmark=benchmark)
    messages.success(request, f"{benchmark.name} deleted.")
    return redirect("disparities:benchmarks", request.city.slug)
