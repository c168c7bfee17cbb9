"""Budget mode: a cycle with its rubric, requests with amounts, a short analysis and a score; the
budget office's page by department and by score band, and a formula-safe export that matches it."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from equity import selectors, services
from equity.models import BudgetCycle, BudgetRequest

pytestmark = pytest.mark.django_db


def url(name, city, *args):
    return reverse(f"equity:{name}", args=[city.slug, *args])


def _cycle_with_requests(city, by=None):
    cycle = services.budget_cycle_create(
        city=city,
        year=2027,
        name="Operating budget",
        rubric_text="Closes a gap | 3\nCommunity shaped | 3",
        by=by,
    )
    rows = [
        ("Parks", "Pools open in Eastside", "120000.00", [3, 3]),
        ("Parks", '=HYPERLINK("http://evil.example")', "5000.50", [1, 0]),
        ("Police", "Body cameras", "800000", [1, 2]),
        ("Transit", "Night buses", "250000", [None, None]),
    ]
    for department, title, amount, scores in rows:
        r = services.budget_request_create(
            cycle=cycle, department=department, title=title, amount=Decimal(amount), by=by
        )
        services.budget_request_update(request=r, analysis={"benefits": "Residents."}, scores=scores,
                                       status="submitted", amount=r.amount)  # fmt: skip
    return cycle


def test_the_budget_office_sees_departments_bands_and_totals(client_as, city):
    cycle = _cycle_with_requests(city)
    summary = selectors.budget_summary(cycle=cycle)
    assert summary.total == Decimal("1175000.50") and summary.maximum == 6
    bands = {b.key: (b.count, b.amount) for b in summary.bands}
    assert bands == {"high": (1, Decimal("120000.00")), "medium": (1, Decimal("800000")),
                     "low": (1, Decimal("5000.50")), "not_scored": (1, Decimal("250000"))}  # fmt: skip
    page = client_as(city, "viewer").get(url("budget_cycle", city, cycle.pk)).content.decode()
    assert (
        "$1,175,000.50" in page
        and "Parks: 2 requests, $125,000.50" in page
        and "Dollars by score band" in page
    )
    assert "<svg" in page and "not scored" in page


def test_the_export_is_formula_safe_and_matches_the_page(client_as, city):
    cycle = _cycle_with_requests(city)
    response = client_as(city, "staff").get(url("budget_export", city, cycle.pk))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:7] == [
        "Department",
        "Request",
        "Amount (dollars)",
        "Status",
        "Score",
        "Most points",
        "Band",
    ]
    body, total = rows[1:-1], rows[-1]
    assert '\'=HYPERLINK("http://evil.example")' in [r[1] for r in body]
    assert (
        sum(Decimal(r[2]) for r in body) == Decimal(total[2]) == selectors.budget_summary(cycle=cycle).total
    )
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row)


def test_cycle_and_requests_through_the_pages(client_as, city):
    client = client_as(city, "staff")
    response = client.post(url("budget_index", city), {"year": 2027, "name": "Capital budget",
                                                       "rubric": "Closes a gap | 3\nMeasured by race | 2"})  # fmt: skip
    cycle = BudgetCycle.objects.for_city(city).get()
    assert response["Location"] == url("budget_cycle", city, cycle.pk)
    client.post(
        url("budget_cycle", city, cycle.pk),
        {"department": "Housing", "title": "Legal aid", "amount": "90000"},
    )
    item = BudgetRequest.objects.for_city(city).get()
    client.post(url("budget_request", city, cycle.pk, item.pk), {
        "amount": "95000", "status": "recommended", "evidence": "Evictions up.", "engagement": "Tenants' union.",
        "benefits": "Renters.", "burdens": "", "measures": "Evictions by race.", "score0": "3", "score1": "2",
        "assessment": "",
    })  # fmt: skip
    item.refresh_from_db()
    assert (item.score, item.amount, item.status, item.evidence) == (
        5,
        Decimal("95000"),
        "recommended",
        "Evictions up.",
    )


def test_a_bad_rubric_says_which_line(client_as, city):
    page = client_as(city, "lead").post(
        url("budget_index", city), {"year": 2027, "name": "x", "rubric": "Just words"}
    )
    assert "Line 1" in page.content.decode() and not BudgetCycle.objects.exists()


@pytest.mark.parametrize("role", ["facilitator", "viewer"])
def test_readers_cannot_change_the_budget(client_as, city, role):
    cycle = _cycle_with_requests(city)
    item = BudgetRequest.objects.for_city(city).first()
    client = client_as(city, role)
    assert client.get(url("budget_request", city, cycle.pk, item.pk)).status_code == 200
    assert (
        client.post(
            url("budget_cycle", city, cycle.pk), {"department": "X", "title": "Y", "amount": "1"}
        ).status_code
        == 404
    )
    assert (
        client.post(
            url("budget_request", city, cycle.pk, item.pk), {"amount": "1", "status": "funded"}
        ).status_code
        == 404
    )
    assert (
        client.post(url("budget_index", city), {"year": 2027, "name": "x", "rubric": "A | 1"}).status_code
        == 404
    )
    assert BudgetRequest.objects.count() == 4 and BudgetCycle.objects.count() == 1


def test_another_citys_cycle_is_not_found(client_as, city, other_city):
    cycle = _cycle_with_requests(other_city)
    client = client_as(city, "lead")
    assert client.get(url("budget_cycle", city, cycle.pk)).status_code == 404
    assert client.get(url("budget_export", city, cycle.pk)).status_code == 404
