from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def index(request: HttpRequest) -> HttpResponse:
    """The public library of practices: readable without signing in."""
    return render(request, "library/index.html", {"section": "library"})
