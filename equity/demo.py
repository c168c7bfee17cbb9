"""Equity demo content: in Riverton, one completed assessment of a traffic-stop policy change, with
a dashboard figure kept as evidence, the city-wide conversation linked, its strategies made
commitments, and its public page published; a city's own adaptation of the GARE template; and a
budget cycle with a few departments' requests, analysed and scored.
Idempotent: a city that already has the demo assessment is left as it is.
"""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from cities import evidence

from . import rubric as rubrics
from . import selectors, services
from .models import Assessment, BudgetCycle

TITLE = "Ending traffic stops for equipment and registration violations alone"
CITY = "riverton-mi"


def _figure_key(city) -> str:
    """The Black drivers' stop rate against the white rate, else the first figure the dashboard lends."""
    figures = evidence.figure_choices(city=city)
    preferred = [f for f in figures if f.measure == "population.ratio" and f.group == "black"]
    chosen = (preferred or figures or [None])[0]
    return chosen.key if chosen else ""


def _conversation_key(city) -> str:
    held = evidence.engagement_choices(city=city)
    chosen = next((e for e in held if "city-wide" in e.title), held[0] if held else None)
    return chosen.key if chosen else ""


# (department, request, dollars, scores against the default rubric or None, status, who benefits)
REQUESTS = [
    (
        "Parks and Recreation",
        "Keep Eastside pools open all summer",
        "185000",
        [3, 3, 3, 2],
        "recommended",
        "Children in the neighbourhoods with the fewest pools.",
    ),
    (
        "Police",
        "Community service officers for non-emergency calls",
        "640000",
        [2, 2, 2, 3],
        "submitted",
        "Residents who call for help and do not need an armed response.",
    ),
    ("Police", "Replacement patrol vehicles", "1250000", [0, 0, 1, 1], "submitted", "Officers."),
    (
        "Transportation",
        "Sidewalk repairs near bus stops",
        "420000",
        [3, 2, 2, 1],
        "funded",
        "People who walk to the bus, most of them in the Northside and Eastside.",
    ),
    ("Library", "Late hours at two branches", "95000", None, "submitted", ""),
]


def _seed_budget(city, by) -> None:
    if BudgetCycle.objects.for_city(city).exists():
        return
    cycle = services.budget_cycle_create(
        city=city, year=timezone.localdate().year + 1, name="Operating budget",
        rubric_text=rubrics.rubric_text(rubrics.DEFAULT_RUBRIC), by=by,
    )  # fmt: skip
    for department, title, amount, scores, status, benefits in REQUESTS:
        request = services.budget_request_create(
            cycle=cycle, department=department, title=title, amount=Decimal(amount), by=by
        )
        services.budget_request_update(
            request=request, analysis={"benefits": benefits}, scores=scores or [None] * len(cycle.rubric),
            status=status, amount=request.amount,
        )  # fmt: skip


def seed(ctx: dict) -> None:
    city = ctx["cities"].get(CITY)
    if city is not None:
        _seed_budget(city, ctx["users"][(CITY, "staff")])
    if city is None or Assessment.objects.for_city(city).filter(title=TITLE).exists():
        return
    lead = ctx["users"][(CITY, "lead")]
    staff = ctx["users"][(CITY, "staff")]
    today = timezone.localdate()
    services.template_adapt(city=city, base="gare", by=lead)

    a = services.assessment_start(
        city=city, by=staff, title=TITLE, kind="policy", department="Riverton Police Department",
        figure_key=_figure_key(city),
    )  # fmt: skip
    services.assessment_save_step(
        assessment=a, step=1, by=staff,
        fields={"title": TITLE, "kind": "policy", "department": "Riverton Police Department", "owner_id": staff.pk,
                "topics": ["police_data", "trust", "policy"]},
        answers=[
            "Officers would no longer stop a driver only for a broken tail light, a tinted window or an expired "
            "registration; they would mail a notice instead. Stops for moving violations continue.",
            "Black and Latino drivers stopped no more often than white drivers for the same driving; less fear "
            "of routine traffic stops in the Eastside and Northside.",
            "Officer hours moved to collisions and impaired driving; fewer complaints from stops.",
        ],
    )  # fmt: skip
    services.evidence_add(
        assessment=a, by=staff, label="Equipment and registration stops: share of all stops",
        text="About a third of the department's stops in the last three years were for equipment or "
        "registration alone, and few led to a citation.",
        source="Riverton Police Department, stop reasons (demo figure)",
    )  # fmt: skip
    services.assessment_save_step(
        assessment=a, step=2, by=staff,
        answers=[
            "Black residents are stopped at a higher rate per resident than white residents, and most of the gap "
            "is in non-moving violations.",
            "Search outcomes by stop reason are not recorded yet; the department will add the field.",
        ],
        fields={},
    )  # fmt: skip
    conversation = _conversation_key(city)
    if conversation:
        services.engagement_attach(
            assessment=a, key=conversation, by=staff,
            note="Residents described repeated stops for small equipment faults as a tax on being Black in Riverton.",
        )  # fmt: skip
    services.engagement_add(
        assessment=a, by=staff, title="Police union briefing",
        note="Officers asked for a clear list of the violations that still justify a stop.",
    )  # fmt: skip
    services.assessment_save_step(
        assessment=a, step=3, by=staff,
        fields={"engagement_plan": "A session with the Latino residents' groups in Spanish before the change starts."},
        answers=["Black and Latino drivers; young drivers; low-income car owners.",
                 "That the fine, not the stop, is what they fear: fees pile up.",
                 "Latino residents were under-represented; a Spanish session is planned."],
    )  # fmt: skip
    services.impact_add(
        assessment=a, by=staff, group="Black drivers", benefits="Fewer stops with no safety purpose.",
        burdens="None expected; watch that stops do not move to other pretexts.",
    )  # fmt: skip
    services.impact_add(
        assessment=a, by=staff, group="Low-income car owners", benefits="Time to repair before any fine.",
        burdens="A mailed notice can still become a fee if ignored.",
    )  # fmt: skip
    letter = services.strategy_add(
        assessment=a, by=staff, text="Mail a repair notice with a free repair voucher"
    )
    watch = services.strategy_add(
        assessment=a, by=staff, text="Report pretext stops by reason and race every quarter"
    )
    services.assessment_save_step(
        assessment=a, step=4, by=staff,
        fields={"unintended_consequences": "Stops could shift to other minor reasons; unrepaired cars may stay "
                "on the road longer."},
        answers=["Black drivers and low-income owners benefit most; no group is burdened on balance.",
                 "Pretext stops under other reasons.", "Quarterly reporting by reason and race; repair vouchers."],
    )  # fmt: skip
    services.strategy_commit(strategy=letter, by=lead, owner=staff, due_date=today + timedelta(days=45),
                             owed_by="Riverton Police Department")  # fmt: skip
    services.strategy_commit(strategy=watch, by=lead, owner=lead, due_date=today + timedelta(days=90),
                             owed_by="Police chief's office")  # fmt: skip
    services.assessment_save_step(
        assessment=a, step=6, by=staff,
        fields={
            "measures": "Stops per 1,000 residents by race, every quarter; the share of stops for equipment and "
            "registration (target: none); repair vouchers used.",
            "public_assessed": "Whether Riverton police should keep stopping drivers for equipment and "
            "registration violations alone.",
            "public_heard": "At the city-wide conversation, residents told us these stops feel like a tax on "
            "Black drivers. Officers asked for a clear list of what still justifies a stop.",
            "public_changed": "Those stops end: drivers get a mailed repair notice and a voucher instead, and the "
            "city reports stops by reason and race every quarter.",
            "status": "completed",
        },
        answers=["The quarterly stops report on the dashboard.", "At the next city-wide conversation and online."],
    )  # fmt: skip
    led_to = [r.pk for r in selectors.practices(assessment=a)["suggested"][:2]]
    if led_to:
        services.practices_set(assessment=a, resource_ids=led_to, by=staff)
    services.assessment_publish(assessment=a, by=lead)
    if ctx.get("stdout"):
        ctx["stdout"].write(f"  Equity assessment: {TITLE}")
