"""Stakeholders and commitments: the city's memory of who it knows and what it promised.

Conversations use these models (invitations come from the stakeholder directory, commitments made
at a conversation become tracked commitments) and link to them from their side, so this app
never imports `conversations`.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower, Now
from django.utils.translation import gettext_lazy as _

from cities.models import City, CityQuerySet


class StakeholderGroup(models.TextChoices):
    """The groups whose voices a city wants at the table (shared with conversations' targets)."""

    CITY_GOVERNMENT = "city_government", _("City officials and government")
    POLICE = "police", _("Police officers")
    FAITH = "faith", _("Faith leaders")
    ADVOCACY = "advocacy", _("Protest leaders and advocates")
    BLACK_RESIDENTS = "black_residents", _("Black residents")
    LATINO_RESIDENTS = "latino_residents", _("Latino residents")
    API_RESIDENTS = "api_residents", _("Asian Pacific Islander residents")
    NATIVE_RESIDENTS = "native_residents", _("Native residents")
    EDUCATION = "education", _("Educators")
    COACHES = "coaches", _("Coaches")
    YOUTH = "youth", _("Youth")
    MEDIA = "media", _("Local media")
    ATHLETES = "athletes", _("Professional athletes")
    COMMUNITY_LEADERS = "community_leaders", _("Community leaders")
    BUSINESS = "business", _("Business")
    NEIGHBOURHOOD = "neighbourhood", _("Neighbourhood associations")
    OTHER = "other", _("Other")


class StakeholderKind(models.TextChoices):
    PERSON = "person", "Person"
    ORGANISATION = "organisation", "Organisation"


class Stakeholder(models.Model):
    """A person or an organisation in the city's stakeholder directory.

    Contact details are shown only while consent stands: withdrawing consent hides them at once
    (selectors mask them; see `contact_visible`).
    """

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="stakeholders")
    kind = models.CharField(max_length=20, choices=StakeholderKind.choices, default=StakeholderKind.PERSON)
    name = models.CharField(max_length=200)
    organisation = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
        limit_choices_to={"kind": StakeholderKind.ORGANISATION},
        help_text="The organisation a person belongs to, if any.",
    )
    role_title = models.CharField("role or title", max_length=200, blank=True)
    group = models.CharField(max_length=30, choices=StakeholderGroup.choices)
    district = models.CharField("district or neighbourhood", max_length=120, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    preferred_language = models.CharField(max_length=60, blank=True, default="English")
    notes = models.TextField(blank=True)
    # Consent to be contacted: what they agreed to, when, and how they can withdraw.
    consent_given_at = models.DateTimeField(null=True, blank=True)
    consent_wording = models.TextField(blank=True)
    consent_how_to_withdraw = models.CharField(max_length=300, blank=True)
    consent_withdrawn_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(db_default=Now())
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = CityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["city", "group"]),
            models.Index(fields=["city", "district"]),
            models.Index(Lower("email"), "city", name="stakeholder_email_lower"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def contact_visible(self) -> bool:
        return self.consent_given_at is not None and self.consent_withdrawn_at is None


class CommitmentStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class Commitment(models.Model):
    """Who owes what to whom, by when. Its status changes are kept in `CommitmentUpdate`.

    Where it came from: a meeting (in this app), or a conversation, which links to the commitment
    from its own side and records a readable `source_label` and `source_url` here.
    """

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="commitments")
    what = models.CharField("what was promised", max_length=300)
    details = models.TextField(blank=True)
    owed_by = models.CharField(
        "who owes it", max_length=200, help_text="A person or office, e.g. 'Police chief's office'."
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_commitments",
        help_text="The member who follows it through.",
    )
    owed_to = models.CharField("to whom", max_length=200, blank=True)
    owed_to_stakeholder = models.ForeignKey(
        Stakeholder, on_delete=models.SET_NULL, null=True, blank=True, related_name="commitments_owed"
    )
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=CommitmentStatus.choices, default=CommitmentStatus.OPEN)
    source_label = models.CharField(
        "where it came from", max_length=300, blank=True, help_text="e.g. 'Conversation: Youth and police, 3 May'."
    )
    source_url = models.CharField(max_length=500, blank=True)
    meeting = models.ForeignKey(
        "Meeting", on_delete=models.SET_NULL, null=True, blank=True, related_name="commitments",
        help_text="The meeting where it was made, if any.",
    )
    is_public = models.BooleanField(
        default=False, help_text="Shown on the public 'what we said, what we did' page."
    )
    public_summary = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(db_default=Now())
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = CityQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["city", "status", "due_date"])]

    def __str__(self) -> str:
        return self.what


class CommitmentUpdate(models.Model):
    """A dated entry in a commitment's log: a status change and/or a note."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="updates")
    at = models.DateTimeField(db_default=Now())
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status_from = models.CharField(max_length=20, choices=CommitmentStatus.choices, blank=True)
    status_to = models.CharField(max_length=20, choices=CommitmentStatus.choices, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.commitment}: {self.status_from} -> {self.status_to}"


class Relationship(models.Model):
    """A standing relationship: a member of the city meets a stakeholder every `cadence_days`.

    Its health comes from the meetings actually held (see `relationships/health.py`).
    """

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="relationships")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="owned_relationships",
        help_text="The member who keeps this relationship (e.g. the police chief's office).",
    )
    owner_office = models.CharField(
        "office", max_length=200, blank=True, help_text="e.g. 'Police chief's office', 'Council member, Ward 3'."
    )
    stakeholder = models.ForeignKey(Stakeholder, on_delete=models.CASCADE, related_name="relationships")
    cadence_days = models.PositiveSmallIntegerField(
        "meet every (days)",
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(366)],
        help_text="The agreed rhythm of standing meetings, in days.",
    )
    started_on = models.DateField()
    purpose = models.CharField(max_length=300, blank=True)
    ended_on = models.DateField(null=True, blank=True, help_text="Leave empty while the relationship is kept.")
    created_at = models.DateTimeField(db_default=Now())
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = CityQuerySet.as_manager()

    class Meta:
        ordering = ["stakeholder__name", "id"]
        indexes = [models.Index(fields=["city", "owner"])]

    def __str__(self) -> str:
        return f"{self.stakeholder} ({self.owner_office or self.owner or 'no owner'})"


class MeetingKind(models.TextChoices):
    STANDING = "standing", "Standing meeting"
    ONE_OFF = "one_off", "One-off meeting"
    LISTENING = "listening", "Listening session"
    CRISIS = "crisis", "Crisis response"


class CrisisEvent(models.Model):
    """Something that happened and called for the relationships built before it."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="crisis_events")
    title = models.CharField(max_length=200)
    occurred_on = models.DateField()
    district = models.CharField("district or neighbourhood", max_length=120, blank=True)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(db_default=Now())
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = CityQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_on", "-id"]

    def __str__(self) -> str:
        return self.title


class Meeting(models.Model):
    """A meeting held: who came, which relationships it serves, what was decided and promised."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField()
    kind = models.CharField(max_length=20, choices=MeetingKind.choices, default=MeetingKind.STANDING)
    title = models.CharField(max_length=200, blank=True, help_text="Optional, e.g. 'Faith leaders' roundtable'.")
    relationships = models.ManyToManyField(Relationship, blank=True, related_name="meetings")
    attendee_members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    attendee_stakeholders = models.ManyToManyField(Stakeholder, blank=True, related_name="meetings_attended")
    crisis_event = models.ForeignKey(
        CrisisEvent, on_delete=models.SET_NULL, null=True, blank=True, related_name="meetings"
    )
    decisions = models.TextField(blank=True)
    private_notes = models.TextField(
        blank=True, help_text="Seen only by the program lead and staff."
    )
    created_at = models.DateTimeField(db_default=Now())
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = CityQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["city", "-date"])]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"{self.title or self.get_kind_display()}, {self.date:%-d %b %Y}"


class TrustAssessment(models.Model):
    """An owner's reading of trust in a relationship, 1 (none) to 5 (strong). Kept as history."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="trust_assessments")
    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="assessments")
    score = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    note = models.CharField(max_length=300, blank=True)
    assessed_on = models.DateField()
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(db_default=Now())

    objects = CityQuerySet.as_manager()

    class Meta:
        ordering = ["-assessed_on", "-id"]
        indexes = [models.Index(fields=["relationship", "-assessed_on", "-id"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5), name="trust_score_1_to_5")
        ]

    def __str__(self) -> str:
        return f"{self.relationship}: {self.score}"


class ImportStatus(models.TextChoices):
    PREVIEW = "preview", "Waiting for confirmation"
    DONE = "done", "Imported"
    CANCELLED = "cancelled", "Cancelled"


class StakeholderImport(models.Model):
    """A CSV of contacts: parsed and checked first, imported only when a person confirms.

    `rows` keeps every line of the file with its verdict (new, duplicate, bad), so nothing is lost:
    the skipped lines can be downloaded with their reasons.
    """

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="stakeholder_imports")
    filename = models.CharField(max_length=255)
    header = models.JSONField(default=list)
    rows = models.JSONField(default=list)
    problem = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=20, choices=ImportStatus.choices, default=ImportStatus.PREVIEW)
    created_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(db_default=Now())
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = CityQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename
