"""The health endpoint (database, Redis, a worker on each queue) and the Prometheus metrics."""

import pandas as pd
import pytest
from django.urls import reverse
from prometheus_client.parser import text_string_to_metric_families

from cities.tasks import invitation_send_email
from disparities.models import Dataset
from realcities.celery import app
from tests.builders import LANSING, OWENSBORO, POLICE_SAMPLES, imported_dataset
from tests.conftest import queues_purge, wait_for, worker_process

pytestmark = pytest.mark.django_db(transaction=True)
TOKEN = "a-scraper-token-of-the-operators"


@pytest.fixture
def own_queues(settings):
    """Queue names of this test alone, so no other worker of the run consumes or answers for them."""
    settings.TASK_QUEUES = {kind: f"{name}-health" for kind, name in settings.TASK_QUEUES.items()}
    settings.HEALTH_WORKER_TIMEOUT_SECONDS = 1.0
    names = list(settings.TASK_QUEUES.values())
    queues_purge(app, names)
    yield settings.TASK_QUEUES
    queues_purge(app, names)


def test_health_is_200_with_a_worker_on_every_queue_and_503_naming_a_stopped_one(client, own_queues):
    url = reverse("operations:health")
    with (
        worker_process("imports@health", own_queues["imports"]),
        worker_process("quick@health", own_queues["quick"]),
    ):
        with worker_process("analysis@health", own_queues["analysis"]):
            response = wait_for(lambda: (r := client.get(url)).status_code == 200 and r, timeout=60)
            report = response.json()
            assert report["ok"] is True
            assert report["database"] == {"ok": True} and report["redis"] == {"ok": True}
            assert {kind: entry["workers"] for kind, entry in report["queues"].items()} == {
                "imports": 1, "analysis": 1, "quick": 1,
            }  # fmt: skip
        # The analysis worker stopped: the page says which queue has no worker left.
        response = client.get(url)
        assert response.status_code == 503
        report = response.json()
        assert report["ok"] is False
        assert report["queues"]["analysis"] == {
            "ok": False,
            "queue": own_queues["analysis"],
            "workers": 0,
            "error": f"No worker consumes the {own_queues['analysis']} queue.",
        }
        assert report["queues"]["imports"]["ok"] and report["queues"]["quick"]["ok"]
    # No worker at all: every queue is named, and nothing else is reported down.
    response = client.get(url)
    assert response.status_code == 503
    report = response.json()
    assert [kind for kind, entry in report["queues"].items() if not entry["ok"]] == [
        "imports",
        "analysis",
        "quick",
    ]
    assert report["database"]["ok"] and report["redis"]["ok"]


def test_metrics_answer_only_the_token_or_an_allowed_address(client, settings):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED_ADDRESSES = set()
    url = reverse("operations:metrics")
    assert client.get(url).status_code == 404
    assert client.get(url, headers={"Authorization": "Bearer wrong"}).status_code == 404
    assert client.get(url, headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    settings.METRICS_TOKEN = ""
    assert client.get(url, headers={"Authorization": "Bearer "}).status_code == 404
    settings.METRICS_ALLOWED_ADDRESSES = {"10.0.0.5"}
    assert client.get(url).status_code == 404  # the test client comes from 127.0.0.1
    assert client.get(url, REMOTE_ADDR="10.0.0.5").status_code == 200


def _scrape(client) -> dict:
    response = client.get(reverse("operations:metrics"), headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def test_metrics_report_queue_depth_import_throughput_and_request_latency(client, settings, own_queues, city):
    settings.METRICS_TOKEN = TOKEN
    # Three emails waiting with no quick worker running: the quick queue's depth is 3.
    for _ in range(3):
        invitation_send_email.delay(0)
    # Two imports of real files, finished now.
    imported = [imported_dataset(city, file=OWENSBORO), imported_dataset(city, file=LANSING)]
    key = (
        "realcities_request_duration_seconds_count",
        (("method", "GET"), ("status", "2xx"), ("view", "home")),
    )
    before = _scrape(client).get(key, 0)
    assert client.get(reverse("home")).status_code == 200

    samples = _scrape(client)
    assert samples[("realcities_queue_depth", (("queue", "quick"),))] == 3
    assert samples[("realcities_queue_depth", (("queue", "imports"),))] == 0
    assert samples[("realcities_request_duration_seconds_count", key[1])] == before + 1

    # Throughput, per kind, from the files' own row counts and the imports' recorded times.
    for dataset, name in zip(imported, (OWENSBORO, LANSING), strict=True):
        dataset = Dataset.objects.get(pk=dataset.pk)
        rows = len(pd.read_csv(POLICE_SAMPLES / name, dtype=str, keep_default_na=False))
        seconds = (dataset.finished_at - dataset.started_at).total_seconds()
        label = (("kind", dataset.kind),)
        assert samples[("realcities_import_rows", label)] == rows
        assert samples[("realcities_import_seconds", label)] == pytest.approx(seconds, abs=1e-6)
        assert samples[("realcities_import_rows_per_second", label)] == pytest.approx(rows / seconds)
    assert samples[("realcities_imports_running", ())] == 0


def test_health_and_metrics_refuse_other_methods(client, settings):
    settings.METRICS_TOKEN = TOKEN
    assert client.post(reverse("operations:health")).status_code == 405
    assert (
        client.post(reverse("operations:metrics"), headers={"Authorization": f"Bearer {TOKEN}"}).status_code
        == 405
    )
