"""Racial equity assessments: one proposal taken through the six steps of a template.

An assessment keeps its own copy of its template's steps (`guide`), so a city's later edits to the
template never change an assessment already started. Figures and engagement attached as evidence
are frozen copies of what the lending app showed at the time (see cities/evidence.py), with the key
that finds the live one. Every change writes a `Revision` holding the whole assessment as it became,
so any revision can be restored.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from cities.evidence import Engagement, Figure
from cities.models import City, CityQuerySet
from library.models import Topic


class ProposalKind(models.TextChoices):
    POLICY = "policy", _("Policy")
    PROGRAM = "program", _("Program")
    PRACTICE = "practice", _("Practice")
    BUDGET_REQUEST = "budget_request", _("Budget request")
    PROCUREMENT = "procurement", _("Procurement")


class AssessmentStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"


class Template(models.Model):
    """A city's adaptation of a template, or (no city) a template a curator published to the network:
    six steps, each with a title, intro and questions."""

    city = models.ForeignKey(
        City, on_delete=models.CASCADE, null=True, blank=True, related_name="equity_templates",
        help_text="Empty for a network template, which curators keep and every city may use.",
    )  # fmt: skip
    published = models.BooleanField(default=False, help_text="A network template cities can see.")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    based_on = models.CharField(max_length=40, blank=True, help_text="The built-in template it started from.")
    steps = models.JSONField(default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(db_default=Now())
    updated_at = models.DateTimeField(auto_now=True)

    objects = CityQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Assessment(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="equity_assessments")
    title = models.CharField("what is assessed", max_length=200)
    kind = models.CharField("kind of proposal", max_length=20, choices=ProposalKind.choices)
    department = models.CharField(max_length=200, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="equity_assessments",
        help_text="The member who leads the assessment.",
    )
    status = models.CharField(
        max_length=20, choices=AssessmentStatus.choices, default=AssessmentStatus.IN_PROGRESS
    )
    template_name = models.CharField(max_length=200)
    # The template's six steps as they were when the assessment started: [{"title", "intro", "questions"}].
    guide = models.JSONField(default=list)
    # Answers to the guide's questions: {"1": ["...", "..."], ...}, one string per question.
    answers = models.JSONField(default=dict, blank=True)
    topics = ArrayField(
        models.CharField(max_length=40, choices=Topic.choices), default=list, blank=True,
        help_text="The library's topics it touches: practices other cities use are suggested by them.",
    )  # fmt: skip
    practices = models.ManyToManyField(
        "library.Resource", blank=True, related_name="+", help_text="Practices from the library it led to."
    )
    engagement_plan = models.TextField("engagement still due", blank=True)
    unintended_consequences = models.TextField(blank=True)
    measures = models.TextField("how results will be measured", blank=True)
    # The public page: what we assessed, what we heard, what we changed.
    public_assessed = models.TextField("what we assessed", blank=True)
    public_heard = models.TextField("what we heard", blank=True)
    public_changed = models.TextField("what we changed", blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(db_default=Now())
    updated_at = models.DateTimeField(auto_now=True)

    objects = CityQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["city", "status"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.published_at is not None

    @property
    def topic_labels(self) -> list[str]:
        return [Topic(t).label for t in self.topics if t in Topic.values]

    def answers_for(self, step: int) -> list[str]:
        questions = self.guide[step - 1]["questions"] if 0 < step <= len(self.guide) else []
        given = list(self.answers.get(str(step), []))
        return [given[i] if i < len(given) else "" for i in range(len(questions))]


class EvidenceItem(models.Model):
    """A figure from the city's data, frozen when attached, or evidence typed in by a member."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="evidence")
    figure_key = models.CharField(
        max_length=300, blank=True, help_text="The live figure's key; blank when typed in."
    )
    frozen = models.JSONField(default=dict, blank=True, help_text="The figure as it was when attached.")
    frozen_at = models.DateTimeField(null=True, blank=True)
    label = models.CharField(max_length=300)
    text = models.TextField("what it says", blank=True)
    source = models.CharField(max_length=300, blank=True)
    link = models.CharField(max_length=500, blank=True)
    position = models.PositiveIntegerField(default=0)

    objects = CityQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.label

    @property
    def figure(self) -> Figure | None:
        return Figure.from_dict(self.frozen) if self.frozen else None


class EngagementItem(models.Model):
    """A conversation or meeting held, with whose voices were there, frozen when attached."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="engagement")
    source_key = models.CharField(max_length=300, blank=True)
    frozen = models.JSONField(default=dict, blank=True)
    title = models.CharField(max_length=300)
    note = models.TextField("what we heard", blank=True)
    position = models.PositiveIntegerField(default=0)

    objects = CityQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def held(self) -> Engagement | None:
        if not self.frozen:
            return None
        data: dict[str, Any] = {
            "key": self.source_key,
            "title": self.title,
            "date": "",
            "url": "",
            **self.frozen,
        }
        data["voices"] = tuple(data.get("voices") or ())
        known = set(Engagement.__dataclass_fields__)
        return Engagement(**{k: v for k, v in data.items() if k in known})


class Impact(models.Model):
    """For one affected group: who benefits and how, who is burdened and how."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="impacts")
    group = models.CharField("affected group", max_length=200)
    benefits = models.TextField(blank=True)
    burdens = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)

    objects = CityQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.group


class Strategy(models.Model):
    """A way to reduce harm or widen benefit; carried out as a commitment of the relationships app."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="strategies")
    text = models.CharField("strategy", max_length=300)
    commitment = models.ForeignKey(
        "relationships.Commitment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    position = models.PositiveIntegerField(default=0)

    objects = CityQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        verbose_name_plural = "strategies"

    def __str__(self) -> str:
        return self.text


class Revision(models.Model):
    """Who changed what, when; `state` is the whole assessment after the change (restorable)."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    at = models.DateTimeField(db_default=Now())
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    step = models.PositiveSmallIntegerField(null=True, blank=True)
    summary = models.CharField(max_length=300)
    state = models.JSONField(default=dict)

    objects = CityQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "number"], name="equity_revision_number_once"),
        ]

    def __str__(self) -> str:
        return f"Revision {self.number}: {self.summary}"


class BudgetCycle(models.Model):
    """A budget year's requests, each scored against the rubric the city set for the cycle."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="equity_budget_cycles")
    year = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    rubric = models.JSONField(
        default=list, help_text="[{'label', 'max'}]: the criteria and their most points."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(db_default=Now())

    objects = CityQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "name", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"


class BudgetRequestStatus(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    RECOMMENDED = "recommended", "Recommended"
    FUNDED = "funded", "Funded"
    NOT_FUNDED = "not_funded", "Not funded"


class BudgetRequest(models.Model):
    """A department's request for money, with a short equity analysis and its rubric score."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    cycle = models.ForeignKey(BudgetCycle, on_delete=models.CASCADE, related_name="requests")
    department = models.CharField(max_length=200)
    title = models.CharField("what the money is for", max_length=200)
    amount = models.DecimalField("amount (dollars)", max_digits=14, decimal_places=2)
    status = models.CharField(
        max_length=20, choices=BudgetRequestStatus.choices, default=BudgetRequestStatus.SUBMITTED
    )
    evidence = models.TextField("what the figures show", blank=True)
    engagement = models.TextField("who was heard", blank=True)
    benefits = models.TextField("who benefits", blank=True)
    burdens = models.TextField("who is burdened", blank=True)
    measures = models.TextField("how results will be measured", blank=True)
    scores = models.JSONField(default=list, blank=True, help_text="One score per rubric criterion, or null.")
    score = models.PositiveSmallIntegerField(null=True, blank=True, help_text="The total, when fully scored.")
    assessment = models.ForeignKey(
        Assessment, on_delete=models.SET_NULL, null=True, blank=True, related_name="budget_requests",
        help_text="A full assessment of the request, if one was made.",
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = CityQuerySet.as_manager()

    class Meta:
        ordering = ["department", "title", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="equity_budget_amount_positive")
        ]

    def __str__(self) -> str:
        return self.title
