"""The health endpoint (for load balancers and orchestrators) and the Prometheus metrics."""

import hmac

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from cities.clientip import client_ip

from .health import health_report
from .metrics import scrape_registry


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """200 when the database, Redis and a worker on every queue answer; 503 naming what is down."""
    report = health_report()
    return JsonResponse(report, status=200 if report["ok"] else 503)


def metrics_allowed(request: HttpRequest) -> bool:
    """A scrape is allowed with `Authorization: Bearer <METRICS_TOKEN>` or from an address listed in
    METRICS_ALLOWED_ADDRESSES. With neither configured, /metrics answers to no one."""
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer ") and hmac.compare_digest(header[7:].encode(), token.encode()):
        return True
    address = client_ip(request)
    return bool(address) and address in settings.METRICS_ALLOWED_ADDRESSES


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not metrics_allowed(request):
        raise Http404  # as if there were nothing here: the figures are for operators only
    return HttpResponse(generate_latest(scrape_registry()), content_type=CONTENT_TYPE_LATEST)
