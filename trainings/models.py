"""REAL trainings: what the league or a city teaches, its sessions, who registered and came, who
completed it, and the anonymous confidence survey before and after.

A training with no city is the league's (national curators write it, every city's members may take
it); a training with a city is that city's own. Registrations, completions and survey answers always
belong to the city of the person, so a city sees only its own people, even at a league session.
Survey answers carry no person: the registration only records that its pre or post survey was
answered, so an answer cannot be traced back to whoever gave it.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now

from cities.models import City, CityQuerySet, Role
from library.models import Resource


class TrainingFormat(models.TextChoices):
    WORKSHOP = "workshop", "Workshop"
    COURSE = "course", "Course in several parts"
    WEBINAR = "webinar", "Webinar"
    SELF_PACED = "self_paced", "Self-paced with a debrief"


class TrainingQuerySet(CityQuerySet):
    def offered_to(self, city: City) -> "TrainingQuerySet":
        """What a city's members may take: the league's trainings and the city's own."""
        return self.filter(Q(city__isnull=True) | Q(city=city))

    def league(self) -> "TrainingQuerySet":
        return self.filter(city__isnull=True)


class Training(models.Model):
    city = models.ForeignKey(
        City, on_delete=models.CASCADE, null=True, blank=True, related_name="trainings",
        help_text="Empty for a training the league offers to every city.",
    )  # fmt: skip
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    curriculum = models.ManyToManyField(Resource, blank=True, related_name="trainings")
    audience_roles = ArrayField(
        models.CharField(max_length=20, choices=Role.choices),
        default=list,
        blank=True,
        help_text="Who it is for; empty: every member.",
    )
    format = models.CharField(max_length=20, choices=TrainingFormat.choices, default=TrainingFormat.WORKSHOP)
    length_minutes = models.PositiveIntegerField("length (minutes)")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(db_default=Now())
    withdrawn_at = models.DateTimeField(
        null=True, blank=True,
        help_text="Withdrawn: no new sessions or registrations; completions and certificates stay.",
    )  # fmt: skip

    objects = TrainingQuerySet.as_manager()

    class Meta:
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_league(self) -> bool:
        return self.city_id is None

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    def audience_labels(self) -> list[str]:
        labels = dict(Role.choices)
        return [str(labels.get(r, r)) for r in self.audience_roles]


class SessionMode(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    ONLINE = "online", "Online"


class Session(models.Model):
    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="sessions")
    # The city of the training (None for the league's), repeated so a city's queries stay scoped.
    city = models.ForeignKey(City, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    mode = models.CharField(max_length=20, choices=SessionMode.choices)
    location = models.CharField(max_length=300, blank=True, help_text="Address, for a session in person.")
    online_link = models.URLField(
        blank=True, max_length=500, help_text="Meeting link, for an online session."
    )
    capacity = models.PositiveIntegerField()
    created_at = models.DateTimeField(db_default=Now())
    cancelled_at = models.DateTimeField(
        null=True, blank=True, help_text="Cancelled: nobody registers or is checked in; not counted as held."
    )

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="training_session_ends_after"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="training_session_capacity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.training} on {self.starts_at:%Y-%m-%d}"

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def where(self) -> str:
        return self.location if self.mode == SessionMode.IN_PERSON else f"online: {self.online_link}"


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", "Registered"
    WAITLISTED = "waitlisted", "On the waitlist"
    CANCELLED = "cancelled", "Cancelled"


class Registration(models.Model):
    """A city member's place at a session. `city` is the member's city (not the session's)."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_registrations"
    )
    role = models.CharField(
        max_length=20, choices=Role.choices, help_text="The member's role when registering."
    )
    status = models.CharField(max_length=20, choices=RegistrationStatus.choices)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    pre_survey_done = models.BooleanField(default=False)
    post_survey_done = models.BooleanField(default=False)
    created_at = models.DateTimeField(db_default=Now())

    objects = CityQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="training_registration_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.session}: {self.status}"


class Completion(models.Model):
    """A person completed a training: they were checked in at one of its sessions. One per person and
    training; `city` and `role` are the person's when they completed it."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="completions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_completions"
    )
    session = models.ForeignKey(Session, on_delete=models.SET_NULL, null=True, related_name="+")
    role = models.CharField(max_length=20, choices=Role.choices)
    completed_on = models.DateField()
    created_at = models.DateTimeField(db_default=Now())

    objects = CityQuerySet.as_manager()

    class Meta:
        ordering = ["-completed_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["training", "user"], name="training_completion_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} completed {self.training}"


class SurveyKind(models.TextChoices):
    PRE = "pre", "Before the training"
    POST = "post", "After the training"


class SurveyResponse(models.Model):
    """One anonymous answer to the confidence survey: no person, no session, only the training, the
    city and whether it was given before or after. `answers` maps each item key of
    `trainings.survey.ITEMS` to 1..5."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="survey_responses")
    kind = models.CharField(max_length=4, choices=SurveyKind.choices)
    answers = models.JSONField()

    objects = CityQuerySet.as_manager()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.training_id} {self.kind} #{self.pk}"
