"""The built-in assessment templates: the six steps and what each asks, in the app's own words.

Pure data, no Django. GARE's Racial Equity Tool (2016) is the default; the other two follow the
shape of King County's determinants of equity and Seattle's budget questions, written afresh.
A template is six steps, each with a title, a short intro and its questions. An assessment keeps
its own copy of the questions when it starts, so a city's later edits never change it.
"""

from __future__ import annotations

import copy
from typing import Any

STEP_COUNT = 6

# What each step records besides the answers to its questions (fixed by the app, not the template).
STEP_PARTS = {
    1: "the proposal and the results it should bring",
    2: "figures from the city's own data, frozen when attached, and other evidence",
    3: "conversations and meetings held, whose voices were there, and engagement still due",
    4: "benefits and burdens for each affected group, unintended consequences, strategies",
    5: "each strategy as a tracked commitment with an owner and a due date",
    6: "how results will be measured, and the public page",
}

GARE: dict[str, Any] = {
    "key": "gare",
    "name": "Racial equity tool: six steps (GARE)",
    "description": "The six steps of the Government Alliance on Race and Equity's tool, for any policy, "
    "program, practice or budget decision.",
    "steps": [
        {
            "title": "Proposal and desired results",
            "intro": "Say what is proposed and what it should change, for residents and for the department.",
            "questions": [
                "What is proposed, in plain words, and what decision is to be made?",
                "What community conditions should be better because of it, and for whom?",
                "What results does the department itself expect (its outputs and outcomes)?",
            ],
        },
        {
            "title": "Data",
            "intro": "Gather what the city's own figures say, and what else is known.",
            "questions": [
                "What do the figures say about differences by race for the people this touches?",
                "What is not known yet, and how could it be learned?",
            ],
        },
        {
            "title": "Community engagement",
            "intro": "Hear from the people most affected before deciding.",
            "questions": [
                "Who is most affected, and how were they asked?",
                "What did they tell us that the figures did not?",
                "Whose voices are still missing, and how will they be reached?",
            ],
        },
        {
            "title": "Analysis and strategies",
            "intro": "Weigh who gains and who carries the cost, then say how harm will be reduced.",
            "questions": [
                "Who would benefit, and who would be burdened, group by group?",
                "What could go wrong that nobody intends?",
                "What would reduce the harm or widen the benefit?",
            ],
        },
        {
            "title": "Implementation",
            "intro": "Turn each strategy into a promise someone owns, with a date.",
            "questions": [
                "Is the plan funded and staffed enough to be carried out as intended?",
                "Who will watch for the unintended consequences while it runs?",
            ],
        },
        {
            "title": "Accountability and communication",
            "intro": "Decide how success will be measured and tell the public what changed.",
            "questions": [
                "Which measures will show whether the results were reached, and when?",
                "How and when will the community hear what was decided and why?",
            ],
        },
    ],
}

DETERMINANTS: dict[str, Any] = {
    "key": "determinants",
    "name": "Determinants of equity review",
    "description": "The six steps, asking how the proposal touches the conditions everyone needs to thrive "
    "(in the manner of King County's equity impact review).",
    "steps": [
        {
            "title": "Scope and outcomes",
            "intro": "Name the proposal and the conditions for thriving it touches.",
            "questions": [
                "What is proposed, and what decision is to be made?",
                "Which conditions does it touch: housing, jobs and income, health, safety and justice, "
                "transport, education, a healthy environment, access to services?",
            ],
        },
        {
            "title": "Evidence",
            "intro": "What the figures show for each condition it touches.",
            "questions": ["Where are the largest gaps by race, and by place?"],
        },
        {
            "title": "People and places affected",
            "intro": "Hear from residents of the places most affected.",
            "questions": [
                "Which neighbourhoods and groups feel the effects first?",
                "What did residents say they need?",
            ],
        },
        {
            "title": "Effects",
            "intro": "Look at effects now and in the longer run.",
            "questions": [
                "What changes in the short term, and what in five years?",
                "Does it move any group further from the conditions for thriving?",
            ],
        },
        {
            "title": "Plan",
            "intro": "Commit to the changes that keep the effects fair.",
            "questions": ["Who carries each change, and by when?"],
        },
        {
            "title": "Measures and reporting",
            "intro": "Say how progress will be tracked and reported.",
            "questions": ["What will be counted, how often, and where will it be published?"],
        },
    ],
}

BUDGET: dict[str, Any] = {
    "key": "budget",
    "name": "Budget request questions",
    "description": "A shorter set of questions for a department's budget request (in the manner of "
    "Seattle's budget office asking for an equity analysis with each request).",
    "steps": [
        {
            "title": "The request",
            "intro": "What the money is for.",
            "questions": [
                "What will this money buy, and what would happen without it?",
                "Which residents does it serve?",
            ],
        },
        {
            "title": "Evidence",
            "intro": "What the city's figures say about those residents.",
            "questions": ["What gap by race does the request address, if any?"],
        },
        {
            "title": "Voices",
            "intro": "Who asked for it, and who was consulted.",
            "questions": ["Which community members shaped the request?"],
        },
        {
            "title": "Benefits and burdens",
            "intro": "Who gains and who pays.",
            "questions": ["Could the request widen a gap? How is that prevented?"],
        },
        {
            "title": "Delivery",
            "intro": "How it will be carried out fairly.",
            "questions": ["Who delivers it, and how will access be made fair?"],
        },
        {
            "title": "Results",
            "intro": "How the city will know it worked.",
            "questions": ["Which measure will show the result, and by when?"],
        },
    ],
}

BUILT_IN: dict[str, dict[str, Any]] = {t["key"]: t for t in (GARE, DETERMINANTS, BUDGET)}
DEFAULT_KEY = "gare"


def built_in(key: str) -> dict[str, Any] | None:
    """A deep copy of a built-in template (callers may change it freely), or None."""
    found = BUILT_IN.get(key)
    return copy.deepcopy(found) if found is not None else None


def valid_steps(steps: Any) -> bool:
    """Six steps, each with a title and a list of questions (strings)."""
    if not isinstance(steps, list) or len(steps) != STEP_COUNT:
        return False
    for step in steps:
        if not isinstance(step, dict) or not str(step.get("title", "")).strip():
            return False
        questions = step.get("questions")
        if (
            not isinstance(questions, list)
            or not questions
            or not all(isinstance(q, str) and q.strip() for q in questions)
        ):
            return False
    return True
