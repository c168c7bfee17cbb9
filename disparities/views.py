from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cities.decorators import city_view


@city_view()
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "disparities/index.html", {"city": request.city, "section": "disparities"})  # type: ignore[attr-defined]
