"""Publishing a dashboard (the city's lead), the list of published pages, withdrawing one."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from cities.clientip import client_ip
from cities.decorators import city_view
from cities.http import CityRequest
from cities.models import Role, may

from ..forms.dashboards import PublishForm
from ..selectors import pages
from ..selectors.filters import Filters
from ..services import publishing as services
from .dashboard import chosen_benchmark, imported_dataset


@city_view(roles=[Role.LEAD])
def publish(request: CityRequest, pk: int) -> HttpResponse:
    dataset = imported_dataset(request, pk)
    filters = Filters.from_query(request.POST if request.method == "POST" else request.GET)
    benchmark = chosen_benchmark(request)
    form = PublishForm(
        request.POST or None, initial={"title": f"{dataset.get_kind_display()} by race, {request.city.name}"}
    )
    refused: list[str] | None = None
    if request.method == "POST" and form.is_valid():
        try:
            snapshot = services.snapshot_publish(
                dataset=dataset,
                filters=filters,
                benchmark=benchmark,
                title=form.cleaned_data["title"],
                introduction=form.cleaned_data["introduction"],
                title_es=form.cleaned_data["title_es"],
                introduction_es=form.cleaned_data["introduction_es"],
                published_by=request.user,
                ip_address=client_ip(request),
            )
        except services.SnapshotNotProtected as refusal:
            refused = refusal.tables  # the form keeps what was typed: nothing is lost
        else:
            messages.success(request, "Published. Anyone with the link can read this page.")
            return redirect("disparities:public_snapshot", request.city.slug, snapshot.pk)
    context = {
        "city": request.city,
        "section": "disparities",
        "dataset": dataset,
        "form": form,
        "filters": filters,
        "hidden": {**filters.as_query(), **({"benchmark": benchmark.pk} if benchmark else {})},
        "benchmark": benchmark,
        "refused": refused,
    }
    return render(
        request, "disparities/publish.html", context, status=400 if request.method == "POST" else 200
    )


@city_view()
def snapshots(request: CityRequest) -> HttpResponse:
    context = {
        "city": request.city,
        "section": "disparities",
        "snapshots": pages.snapshot_list(city=request.city),
        "is_lead": may(request.membership, "can_manage"),
    }
    return render(request, "disparities/snapshots.html", context)


@city_view(roles=[Role.LEAD])
@require_POST
def snapshot_withdraw(request: CityRequest, snapshot_id: int) -> HttpResponse:
    snapshot = get_object_or_404(pages.snapshots(city=request.city), pk=snapshot_id)
    services.snapshot_withdraw(snapshot=snapshot, withdrawn_by=request.user, ip_address=client_ip(request))
    messages.success(request, f"“{snapshot.title}” is withdrawn: the public page is gone.")
    return redirect("disparities:snapshots", request.city.slug)
