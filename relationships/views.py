from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cities.decorators import city_view


@city_view()
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "relationships/index.html", {"city": request.city, "section": "relationships"})  # type: ignore[attr-defined]
