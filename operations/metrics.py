"""Prometheus metrics (prometheus_client): request latency, queue depth and import throughput.

Request latency is recorded by RequestLatencyMiddleware in each web process. Queue depth and import
throughput are read when Prometheus scrapes (from the broker and the database), so every web process
reports the same figures and a worker needs no metrics port of its own."""

import time
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db.models import F, Sum
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from prometheus_client import CollectorRegistry, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import REGISTRY, Collector

from disparities.models import Dataset, Status
from realcities.celery import app

REQUEST_LATENCY = Histogram(
    "realcities_request_duration_seconds",
    "Time to answer a request, by route name, method and status class (2xx, 3xx, 4xx, 5xx).",
    ["view", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)


class RequestLatencyMiddleware:
    """First in MIDDLEWARE: times the whole answer, labelled by the route's name (never the path, whose
    ids would make one series per record)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        start = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = match.view_name if match is not None else "unresolved"
        REQUEST_LATENCY.labels(view, request.method, f"{response.status_code // 100}xx").observe(
            time.perf_counter() - start
        )
        return response


def queue_depths() -> dict[str, int]:
    """Messages waiting in each queue (settings.TASK_QUEUES), read from the Redis broker: a Celery
    queue is a Redis list named after it."""
    depths = {}
    with app.connection_for_read() as conn:
        client = conn.default_channel.client
        for kind, name in settings.TASK_QUEUES.items():
            depths[kind] = int(client.llen(name))
    return depths


def import_throughput(*, window: timedelta) -> list[dict]:
    """Per kind of police record: rows imported and seconds spent by the imports that finished within
    `window`, and their rows per second (None when no import finished)."""
    since = timezone.now() - window
    rows = (
        Dataset.objects.filter(status=Status.IMPORTED, finished_at__gte=since, started_at__isnull=False)
        .values("kind")
        .annotate(rows=Sum("rows_imported"), duration=Sum(F("finished_at") - F("started_at")))
        .order_by("kind")
    )
    result = []
    for row in rows:
        seconds = row["duration"].total_seconds() if row["duration"] else 0.0
        result.append(
            {
                "kind": row["kind"],
                "rows": int(row["rows"] or 0),
                "seconds": seconds,
                "rows_per_second": (row["rows"] or 0) / seconds if seconds > 0 else None,
            }
        )
    return result


class ScrapeTimeCollector(Collector):
    """Queue depth and import throughput, computed at each scrape."""

    def collect(self):
        depth = GaugeMetricFamily(
            "realcities_queue_depth", "Tasks waiting in each Celery queue.", labels=["queue"]
        )
        for kind, count in queue_depths().items():
            depth.add_metric([kind], count)
        yield depth
        window = timedelta(seconds=settings.METRICS_IMPORT_WINDOW_SECONDS)
        rows = GaugeMetricFamily(
            "realcities_import_rows", "Rows imported by the imports finished in the window.", labels=["kind"]
        )
        seconds = GaugeMetricFamily(
            "realcities_import_seconds",
            "Seconds spent by the imports finished in the window.",
            labels=["kind"],
        )
        rate = GaugeMetricFamily(
            "realcities_import_rows_per_second",
            "Import throughput over the imports finished in the window (rows / seconds).",
            labels=["kind"],
        )
        running = GaugeMetricFamily("realcities_imports_running", "Police imports running now.")
        for row in import_throughput(window=window):
            rows.add_metric([row["kind"]], row["rows"])
            seconds.add_metric([row["kind"]], row["seconds"])
            if row["rows_per_second"] is not None:
                rate.add_metric([row["kind"]], row["rows_per_second"])
        running.add_metric([], Dataset.objects.filter(status=Status.IMPORTING).count())
        yield from (rows, seconds, rate, running)


def scrape_registry() -> CollectorRegistry:
    """The process's default registry (request latency, process figures) plus the scrape-time figures."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Default())
    registry.register(ScrapeTimeCollector())
    return registry


class _Default(Collector):
    def collect(self):
        yield from REGISTRY.collect()
