"""The public pages of a city's published dashboards: no sign-in, only pages not withdrawn, and only
those of the city named in the URL."""

import json

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from cities.csvsafe import csv_response
from cities.models import City

from ..models import PublishedSnapshot
from ..selectors import pages, report


def _live(city_slug: str, snapshot_id: int) -> tuple[City, PublishedSnapshot]:
    city = get_object_or_404(City, slug=city_slug)
    return city, get_object_or_404(pages.live_snapshots(city=city), pk=snapshot_id)


def public_index(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = get_object_or_404(City, slug=city_slug)
    items = list(pages.live_snapshots(city=city)[:100])
    if not items:
        raise Http404("This city has published nothing.")
    return render(request, "disparities/public_index.html", {"public_city": city, "snapshots": items})


def public_snapshot(request: HttpRequest, city_slug: str, snapshot_id: int) -> HttpResponse:
    city, snapshot = _live(city_slug, snapshot_id)
    doc = snapshot.content
    csv_base = reverse("disparities:public_csv", args=[city.slug, snapshot.pk, "counts"]).removesuffix(
        "counts.csv"
    )
    context = {
        "public_city": city,
        "snapshot": snapshot,
        "doc": doc,
        "public": True,
        "charts": pages.chart_data(doc),
        **pages.findings_context(doc),
        "csv_base": csv_base,
    }
    return render(request, "disparities/report.html", context)


def public_csv(request: HttpRequest, city_slug: str, snapshot_id: int, table: str) -> HttpResponse:
    city, snapshot = _live(city_slug, snapshot_id)
    found = next((t for t in snapshot.content.get("tables", []) if t["key"] == table), None)
    if found is None:
        raise Http404("No such table.")
    rows = report.csv_rows(found, title=f"{found['title']} — {snapshot.title}")
    return csv_response(rows, filename=f"{city.slug}-{table}.csv")


def public_json(request: HttpRequest, city_slug: str, snapshot_id: int) -> HttpResponse:
    _city, snapshot = _live(city_slug, snapshot_id)
    return HttpResponse(json.dumps(snapshot.content, indent=1), content_type="application/json")
