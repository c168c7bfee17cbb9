"""URL map entries for the equity pages (see tests/urlmap.py).

`scene(city)` builds, inside one city, one of everything the section's pages show: a city template,
an assessment taken through the six steps with typed evidence, engagement held elsewhere, a group's
benefits and burdens, a strategy made a commitment, and its public page published. Every builder
below starts from it, so each page is walked, escaped and isolated with real content on it.
"""

import itertools
from datetime import timedelta

from tests.urlmap_types import Route

_serial = itertools.count(1)


def scene(city) -> dict:
    from django.utils import timezone

    from cities.models import Role
    from equity import services
    from tests.factories import MembershipFactory, UserFactory

    n = next(_serial)
    lead = UserFactory()
    MembershipFactory(user=lead, city=city, role=Role.LEAD)
    template = services.template_adapt(city=city, base="gare", by=lead)
    a = services.assessment_start(
        city=city,
        by=lead,
        title=f"Curfew enforcement change {n}",
        kind="policy",
        department="Police department",
    )
    services.assessment_save_step(
        assessment=a, step=1, by=lead, fields={"title": a.title, "kind": "policy", "department": "Police department",
                                               "owner_id": lead.pk, "topics": ["youth"]},
        answers=["End curfew stops of teenagers.", "Fewer young people stopped.", "Officers' time freed."],
    )  # fmt: skip
    item = services.evidence_add(assessment=a, by=lead, label=f"Curfew stops {n}", text="Most were of Black youth.",
                                 source="Police department records", link="https://example.org/curfew")  # fmt: skip
    services.engagement_add(
        assessment=a, by=lead, title="Youth council listening session", note="Stops feel random."
    )
    services.impact_add(
        assessment=a, by=lead, group="Black youth", benefits="Fewer stops.", burdens="None seen."
    )
    strategy = services.strategy_add(assessment=a, by=lead, text=f"Youth outreach instead of stops {n}")
    services.strategy_add(assessment=a, by=lead, text="A strategy not yet committed")
    services.strategy_commit(strategy=strategy, by=lead, owner=lead, due_date=timezone.localdate() + timedelta(days=30),
                             owed_by="Police department")  # fmt: skip
    services.assessment_save_step(
        assessment=a, step=6, by=lead,
        fields={"measures": "Curfew stops per month.", "public_assessed": "Curfew enforcement.",
                "public_heard": "Young people feel targeted.", "public_changed": "Outreach replaces stops.",
                "status": "completed"},
        answers=["Stops per month.", "A public meeting."],
    )  # fmt: skip
    from tests.builders import practice as _resource

    practice = _resource(title=f"Youth outreach nights {n}-{city.slug}")
    _resource(title=f"Youth court {n}-{city.slug}")
    services.practices_set(assessment=a, resource_ids=[practice.pk], by=lead)
    services.assessment_publish(assessment=a, by=lead)
    from decimal import Decimal

    cycle = services.budget_cycle_create(city=city, year=2027, name=f"Operating budget {n}",
                                         rubric_text="Closes a gap | 3\nCommunity shaped | 2", by=lead)  # fmt: skip
    budget_request = services.budget_request_create(cycle=cycle, department="Parks", title=f"Pools {n}",
                                                    amount=Decimal("1200.50"), by=lead)  # fmt: skip
    services.budget_request_update(request=budget_request, analysis={"benefits": "Children."}, scores=[3, 1],
                                   status="submitted", amount=budget_request.amount, assessment=a)  # fmt: skip
    return {
        "cycle_id": cycle.pk, "request_id": budget_request.pk,
        "lead": lead, "assessment_id": a.pk, "template_id": template.pk, "strategy_id": strategy.pk,
        "evidence_id": item.pk, "revision_id": a.revisions.order_by("number").first().pk,
    }  # fmt: skip


def _network_template():
    from equity import services

    template = services.network_template_create(base="determinants", by=None)
    return services.network_template_publish(template=template, published=True)


def _needs(*keys, **fixed):
    def build(city):
        records = scene(city)
        return {**{k: records[k] for k in keys}, **fixed}

    return build


def _city_with_records(city):
    scene(city)
    return {}


def _item(city):
    records = scene(city)
    return {"assessment_id": records["assessment_id"], "kind": "evidence", "item_id": records["evidence_id"]}


ROUTES = [
    Route("equity:index", _city_with_records),
    Route("equity:new", _city_with_records),
    Route("equity:templates", _city_with_records),
    Route("equity:template_adapt", walk=False),
    Route("equity:template_edit", _needs("template_id")),
    Route("equity:detail", _needs("assessment_id")),
    Route("equity:step", _needs("assessment_id", step=2)),
    Route("equity:item_add", _needs("assessment_id", kind="impact"), walk=False),
    Route("equity:item_remove", _item, walk=False),
    Route("equity:strategy_commit", _needs("assessment_id", "strategy_id"), walk=False),
    Route("equity:practices", _needs("assessment_id"), walk=False),
    Route("equity:network", lambda city: (scene(city), {})[1], kind="curator"),
    Route("equity:network_templates", lambda city: (_network_template(), {})[1], kind="curator"),
    Route(
        "equity:network_template_edit", lambda city: {"template_id": _network_template().pk}, kind="curator"
    ),
    Route("equity:publish", _needs("assessment_id"), walk=False),
    Route("equity:revisions", _needs("assessment_id")),
    Route("equity:revision_restore", _needs("assessment_id", "revision_id"), walk=False),
    Route("equity:budget_index", _city_with_records),
    Route("equity:budget_cycle", _needs("cycle_id")),
    Route("equity:budget_export", _needs("cycle_id"), walk=False),
    Route("equity:budget_request", _needs("cycle_id", "request_id")),
    Route("equity:public_index", _city_with_records, kind="public"),
    Route("equity:public_detail", _needs("assessment_id"), kind="public"),
]
