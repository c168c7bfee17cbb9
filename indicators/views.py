"""Pages of the outcomes section: thin views that parse, call a service or selector, render.

Every member reads; the lead and staff upload Census tables, choose the city's geography and keep
local indicators (docs/indicators.md)."""

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from cities import words
from cities.clientip import client_ip
from cities.decorators import city_view, curator_required
from cities.forms import add_service_errors
from cities.http import CityRequest, acting
from cities.models import EDITOR_ROLES, City, Role

from . import selectors, services
from .catalogue import CATALOGUE, TABLE_TITLES
from .forms import CensusUploadForm, GeographyForm, LocalFiguresForm, LocalIndicatorForm
from .models import CensusFile, LocalIndicator, LocalSex


def _ctx(request: CityRequest, sub: str, **extra) -> dict:
    return {
        "city": request.city,
        "section": "indicators",
        "sub": sub,
        "can_edit": selectors.can_edit(request.membership),
        "is_lead": request.membership is not None and request.membership.role == Role.LEAD,
        **extra,
    }


def _doing(request: CityRequest, indicator_key: str) -> dict:
    """"What we are doing about this": commitments, assessments that kept its figures, and whether
    the lead has published it."""
    city = request.city
    return {
        "doing": selectors.commitments_for(city=city, indicator_key=indicator_key),
        "assessments": selectors.assessments_for(
            city=city, indicator_key=indicator_key, membership=request.membership
        ),
        "publish_key": indicator_key,
        "is_published": selectors.is_published(city=city, indicator_key=indicator_key),
    }


def _get(model, city, pk):
    try:
        return model.objects.for_city(city).get(pk=pk)
    except ObjectDoesNotExist as missing:
        raise Http404("No such record.") from missing


@city_view()
def index(request: CityRequest) -> HttpResponse:
    city = request.city
    geo = selectors.chosen_geography(city=city, geo_id=request.GET.get("geo", ""))
    return render(
        request,
        "indicators/index.html",
        _ctx(
            request,
            "index",
            geo=geo,
            geographies=selectors.geographies(city=city),
            milestones=selectors.outcomes(city=city, geo=geo),
            justice=selectors.justice_theme(city=city),
            geography_form=GeographyForm(initial={"geo_id": geo.geo_id if geo else ""}),
            published=selectors.published(city=city),
        ),
    )


@city_view(roles=[Role.LEAD])
@require_POST
def publish(request: CityRequest) -> HttpResponse:
    """Every indicator at once: publish them all, or withdraw them all."""
    publish_it = request.POST.get("action") == "publish"
    services.outcomes_publish(city=request.city, publish=publish_it, **acting(request))
    if publish_it:
        messages.success(request, "Every indicator is published: anyone with the link can read the outcomes page.")
    else:
        messages.success(request, "Every indicator is withdrawn: the public outcomes page answers no more.")
    return redirect("indicators:index", request.city.slug)


@city_view(roles=[Role.LEAD])
@require_POST
def indicator_publish(request: CityRequest, key: str) -> HttpResponse:
    """The lead publishes one indicator on the public outcomes page, or withdraws it."""
    city = request.city
    if key.startswith("local-") and key[6:].isdigit():
        back = redirect("indicators:local_detail", city.slug, _get(LocalIndicator, city, int(key[6:])).pk)
    elif key in selectors.BY_KEY:
        back = redirect("indicators:indicator", city.slug, key)
    else:
        raise Http404("No such indicator.")
    publish_it = request.POST.get("action") == "publish"
    try:
        services.indicator_publish(city=city, indicator_key=key, publish=publish_it, **acting(request))
    except ValidationError as refused:
        messages.error(request, refused.messages[0])
        return back
    if publish_it:
        messages.success(request, "This indicator is published on the public outcomes page.")
    else:
        messages.success(request, "This indicator is withdrawn: the public outcomes page no longer shows it.")
    return back


@curator_required
def network_indicator(request, key: str) -> HttpResponse:
    page_number = request.GET.get("page", "1")
    indicator, found = selectors.across_cities(key=key, page=int(page_number) if page_number.isdigit() else 1)
    if indicator is None:
        raise Http404("No such indicator.")
    return render(
        request, "indicators/network.html", {"indicator": indicator, **found, "catalogue": CATALOGUE}
    )


def public_outcomes(request, city_slug: str) -> HttpResponse:
    """The published outcomes page of a city, for anyone: 404 while the lead has not published it."""
    city = get_object_or_404(City, slug=city_slug)
    shown = selectors.published(city=city)
    milestones = selectors.public_outcomes(city=city) if shown is not None else []
    if not milestones:  # nothing published, or nothing published has figures: no page
        raise Http404("No such page.")
    return render(
        request,
        "indicators/public.html",
        {
            "public_city": city,
            "published": shown,
            "geo": selectors.chosen_geography(city=city),
            "milestones": milestones,
            "public": True,
        },
    )


@city_view()
def indicator(request: CityRequest, key: str) -> HttpResponse:
    city = request.city
    geo = selectors.chosen_geography(city=city, geo_id=request.GET.get("geo", ""))
    detail = selectors.indicator_detail(city=city, key=key, geo=geo)
    if detail is None:
        raise Http404("No such indicator.")
    return render(
        request, "indicators/indicator.html", _ctx(request, "index", geo=geo, **_doing(request, key), **detail)
    )


@city_view(roles=EDITOR_ROLES)
@require_POST
def indicator_commitments(request: CityRequest, key: str) -> HttpResponse:
    """Link a commitment to the indicator it tries to move, or unlink it."""
    city = request.city
    if key.startswith("local-") and key[6:].isdigit():
        back = redirect("indicators:local_detail", city.slug, _get(LocalIndicator, city, int(key[6:])).pk)
    elif key in selectors.BY_KEY:
        back = redirect("indicators:indicator", city.slug, key)
    else:
        raise Http404("No such indicator.")
    raw_id = request.POST.get("commitment", "")
    try:
        if not raw_id.isdigit():
            raise ValidationError("Choose one of the city's commitments.")
        if request.POST.get("action") == "unlink":
            services.indicator_commitment_unlink(city=city, indicator_key=key, commitment_id=int(raw_id))
            messages.success(request, "The commitment is no longer linked to this indicator.")
        else:
            services.indicator_commitment_link(
                city=city, indicator_key=key, commitment_id=int(raw_id), by=request.user
            )
            messages.success(request, "The commitment is linked to this indicator.")
    except ValidationError as refused:
        messages.error(request, refused.messages[0])
    return back


@city_view()
def census_list(request: CityRequest) -> HttpResponse:
    return render(
        request,
        "indicators/census_list.html",
        _ctx(
            request,
            "census",
            files=selectors.census_files(city=request.city),
            catalogue=CATALOGUE,
            titles=TABLE_TITLES,
        ),
    )


@city_view(roles=EDITOR_ROLES)
def upload(request: CityRequest) -> HttpResponse:
    form = CensusUploadForm(request.POST if request.method == "POST" else None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        try:
            done = services.census_file_upload(
                city=request.city,
                raw=file.read(services.MAX_UPLOAD + 1),
                filename=file.name,
                vintage=form.cleaned_data.get("vintage"),
                by=request.user,
                ip_address=client_ip(request),
            )
        except ValidationError as refused:
            add_service_errors(form, refused)
        else:
            report = done.report
            messages.success(
                request,
                f"Read {report['table']} ({report['race']}, {report['vintage']}): "
                f"{words.count(report['geographies'], 'geography')}, {words.count(report['values'], 'value')}."
                + (" The earlier upload was replaced." if done.replaced else ""),
            )
            return redirect("indicators:census_detail", request.city.slug, done.file.pk)
    return render(
        request,
        "indicators/upload.html",
        _ctx(request, "census", form=form),
        status=400 if form.errors else 200,
    )


@city_view()
def census_detail(request: CityRequest, file_id: int) -> HttpResponse:
    record = _get(CensusFile, request.city, file_id)
    places = record.values.values("geo_id", "geo_name", "level").distinct().order_by("geo_name")[:200]
    return render(
        request, "indicators/census_detail.html", _ctx(request, "census", record=record, places=places)
    )


@city_view(roles=EDITOR_ROLES)
@require_POST
def census_delete(request: CityRequest, file_id: int) -> HttpResponse:
    try:
        services.census_file_delete(city=request.city, file_id=file_id, by=request.user)
    except ObjectDoesNotExist as missing:
        raise Http404("No such record.") from missing
    messages.success(request, "The Census table and its values are deleted.")
    return redirect("indicators:census_list", request.city.slug)


@city_view(roles=EDITOR_ROLES)
@require_POST
def geography(request: CityRequest) -> HttpResponse:
    form = GeographyForm(request.POST)
    if form.is_valid():
        try:
            chosen = services.geography_choose(city=request.city, geo_id=form.cleaned_data["geo_id"])
        except ValidationError as refused:
            messages.error(request, refused.messages[0])
        else:
            messages.success(request, f"{chosen.geo_name} is now the city's own geography.")
    return redirect("indicators:index", request.city.slug)


@city_view(roles=EDITOR_ROLES)
def local_new(request: CityRequest) -> HttpResponse:
    form = LocalIndicatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.local_indicator_create(city=request.city, by=request.user, **form.cleaned_data)
        except ValidationError as refused:
            add_service_errors(form, refused)
        else:
            messages.success(request, "The indicator is created: now give its figures.")
            return redirect("indicators:local_figures", request.city.slug, created.pk)
    return render(
        request,
        "indicators/local_form.html",
        _ctx(request, "local", form=form),
        status=400 if form.errors else 200,
    )


@city_view()
def local_detail(request: CityRequest, indicator_id: int) -> HttpResponse:
    local = _get(LocalIndicator, request.city, indicator_id)
    figures = list(local.figures.all())
    results = [
        r
        for sex in ("male", "all", "female")
        if (r := selectors.local_indicator(indicator=local, sex=sex, figures=figures)) is not None
    ]
    return render(
        request,
        "indicators/local_detail.html",
        _ctx(
            request,
            "index",
            local=local,
            results=results,
            practices=selectors.practices_for(milestone=local.milestone),
            **_doing(request, f"local-{local.pk}"),
        ),
    )


@city_view(roles=EDITOR_ROLES)
def local_figures(request: CityRequest, indicator_id: int) -> HttpResponse:
    local = _get(LocalIndicator, request.city, indicator_id)
    initial = {(f.race, f.sex): (f.numerator, f.denominator) for f in local.figures.all()}
    form = LocalFiguresForm(request.POST or None, request.FILES or None, initial_figures=initial)
    if request.method == "POST" and form.is_valid():
        try:
            upload = form.cleaned_data.get("file")
            rows = services.local_figures_from_csv(upload.read(1024 * 1024)) if upload else form.typed()
            count = services.local_figures_set(indicator=local, figures=rows, by=request.user)
        except ValidationError as refused:  # the service's checks, or a half-typed pair of the form
            add_service_errors(form, refused)
        else:
            messages.success(request, f"{words.count(count, 'figure')} saved.")
            return redirect("indicators:local_detail", request.city.slug, local.pk)
    return render(
        request,
        "indicators/local_figures.html",
        _ctx(request, "local", local=local, form=form, sexes=LocalSex.choices),
        status=400 if form.errors else 200,
    )


@city_view(roles=EDITOR_ROLES)
@require_POST
def local_delete(request: CityRequest, indicator_id: int) -> HttpResponse:
    try:
        services.local_indicator_delete(city=request.city, indicator_id=indicator_id, by=request.user)
    except ObjectDoesNotExist as missing:
        raise Http404("No such record.") from missing
    messages.success(request, "The local indicator is deleted.")
    return redirect("indicators:index", request.city.slug)
