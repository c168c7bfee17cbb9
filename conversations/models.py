"""Community conversations: campaigns and pledges, conversations and their sessions, the planning
checklist, whose voices, invitations, public registration with a waitlist, check-in, the
facilitator's report and anonymous feedback.

Stakeholders and commitments belong to `relationships`; this app links to them from its side.
"""

import secrets

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower, Now
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cities.models import City, CityQuerySet
from cities.words import time_zone_name
from relationships.models import Commitment, Stakeholder, StakeholderGroup


def new_public_id() -> str:
    """An unguessable identifier for public links (registration), never the primary key."""
    return secrets.token_urlsafe(12)


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Campaign(models.Model):
    """A national campaign created by a curator, e.g. 100 conversations on race and policing."""

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    goal = models.PositiveIntegerField(
        "network goal", default=100, help_text="How many conversations the campaign asks of the whole network."
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["-starts_on", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="campaign_period_ordered"),
        ]

    def __str__(self) -> str:
        return self.title


class CityPledge(models.Model):
    """How many conversations a city promises to hold during a campaign."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="campaign_pledges")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="pledges")
    count = models.PositiveIntegerField(validators=[MinValueValidator(1), MaxValueValidator(1000)])
    pledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    pledged_at = models.DateTimeField(db_default=Now())

    objects = CityQuerySet.as_manager()

    class Meta:
        ordering = ["campaign", "city__name"]
        constraints = [models.UniqueConstraint(fields=["campaign", "city"], name="pledge_one_per_city")]

    def __str__(self) -> str:
        return f"{self.city}: {self.count} for {self.campaign}"


class ConversationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    REPORTED = "reported", "Reported"
    FOLLOWED_UP = "followed_up", "Followed up"
    CANCELLED = "cancelled", "Cancelled"


# The only moves a conversation's status may make. Cancelling is possible until it is held.
STATUS_TRANSITIONS: dict[str, frozenset[str]] = {
    ConversationStatus.DRAFT: frozenset({ConversationStatus.SCHEDULED, ConversationStatus.CANCELLED}),
    ConversationStatus.SCHEDULED: frozenset(
        {ConversationStatus.DRAFT, ConversationStatus.HELD, ConversationStatus.CANCELLED}
    ),
    ConversationStatus.HELD: frozenset({ConversationStatus.REPORTED}),
    ConversationStatus.REPORTED: frozenset({ConversationStatus.FOLLOWED_UP}),
    ConversationStatus.FOLLOWED_UP: frozenset(),
    ConversationStatus.CANCELLED: frozenset({ConversationStatus.DRAFT}),
}


class Conversation(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="conversations")
    campaign = models.ForeignKey(
        Campaign, on_delete=models.SET_NULL, null=True, blank=True, related_name="conversations"
    )
    title = models.CharField(max_length=200)
    purpose = models.TextField(help_text="Why this conversation, and what the city hopes to learn or change.")
    # The public page in Spanish (docs/conversations.md, "In Spanish"): empty means the page shows
    # the English text with a note that it is only in English.
    title_es = models.CharField("title in Spanish", max_length=200, blank=True)
    purpose_es = models.TextField("purpose in Spanish", blank=True)
    guide = models.ForeignKey(
        "library.Resource",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The discussion guide from the library that the facilitators follow.",
    )
    district = models.CharField(
        "district or neighbourhood", max_length=120, blank=True, help_text="Where it takes place, for the trust-gap view."
    )
    status = models.CharField(max_length=20, choices=ConversationStatus.choices, default=ConversationStatus.DRAFT)
    capacity = models.PositiveIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5000)],
        help_text="Seats for people who register; the others join the waitlist.",
    )
    public_id = models.CharField(max_length=32, unique=True, default=new_public_id, editable=False)
    feedback_token = models.CharField(max_length=48, unique=True, default=new_token, editable=False)
    # Accessibility services offered.
    interpretation = models.BooleanField("interpretation offered", default=False)
    interpretation_languages = models.CharField(
        max_length=200, blank=True, help_text="Which languages, separated by commas, e.g. Spanish, Vietnamese."
    )
    asl = models.BooleanField("American Sign Language (ASL)", default=False)
    childcare = models.BooleanField(default=False)
    step_free = models.BooleanField("step-free access", default=False)
    transit = models.BooleanField("transit passes or rides", default=False)
    food = models.BooleanField("food served", default=False)
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="facilitated_conversations"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(db_default=Now())
    status_changed_at = models.DateTimeField(null=True, blank=True)

    objects = CityQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["city", "status"])]

    def __str__(self) -> str:
        return self.title

    def text_in(self, field: str, language: str) -> str:
        """The public `title` or `purpose` in `language`: the Spanish one where it was written."""
        if language == "es" and getattr(self, f"{field}_es").strip():
            return getattr(self, f"{field}_es")
        return getattr(self, field)

    @property
    def services_offered(self) -> list[str]:
        """The access services offered, in the active language (the languages interpreted are
        written by staff and shown as written)."""
        labels = []
        if self.interpretation:
            langs = self.interpretation_languages.strip()
            labels.append(_("Interpretation (%(languages)s)") % {"languages": langs} if langs else _("Interpretation"))
        words = {
            "asl": _("American Sign Language (ASL)"),
            "childcare": _("Childcare"),
            "step_free": _("Step-free access"),
            "transit": _("Transit passes or rides"),
            "food": _("Food served"),
        }
        labels += [str(label) for field, label in words.items() if getattr(self, field)]
        return labels


class Session(models.Model):
    """One meeting of a conversation: a single dialogue, one circle of a series, or the action forum."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="sessions")
    label = models.CharField(max_length=120, blank=True, help_text="e.g. 'Circle 1' or 'Action forum'.")
    date = models.DateField()
    start_time = models.TimeField()
    end_time = models.TimeField()
    time_zone = models.CharField(max_length=64)
    # Derived from date, times and time zone by the service that writes a session.
    starts_at = models.DateTimeField(editable=False)
    ends_at = models.DateTimeField(editable=False)
    venue = models.CharField(max_length=200, blank=True)
    address = models.CharField(max_length=300, blank=True)
    online_url = models.URLField("online link", blank=True)

    objects = CityQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["city", "starts_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.label or f"Session on {self.date:%d %b %Y}"

    @property
    def time_zone_label(self) -> str:
        """The time zone in words ("Eastern Time"), as public pages and emails show it."""
        return time_zone_name(self.time_zone, on=self.date)

    @property
    def where(self) -> str:
        parts = [p for p in (self.venue, self.address) if p]
        if self.online_url:
            parts.append("online")
        return ", ".join(parts) or "place to be announced"


class Phase(models.TextChoices):
    ORGANISE = "organise", "Organise"
    DIALOGUE = "dialogue", "Dialogue"
    ACTION_FORUM = "action_forum", "Action forum"
    FOLLOW_UP = "follow_up", "Follow-up"


class ChecklistItem(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="checklist")
    phase = models.CharField(max_length=20, choices=Phase.choices)
    title = models.CharField(max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    due_date = models.DateField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    # For items from the phase template: days from the first session, to date them once it is set.
    offset_days = models.IntegerField(null=True, blank=True, editable=False)

    objects = CityQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class VoiceTarget(models.Model):
    """How many people of a stakeholder group the planners want in the room."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="voice_targets")
    group = models.CharField(max_length=30, choices=StakeholderGroup.choices)
    target = models.PositiveIntegerField(validators=[MaxValueValidator(1000)])

    objects = CityQuerySet.as_manager()

    class Meta:
        ordering = ["group"]
        constraints = [models.UniqueConstraint(fields=["conversation", "group"], name="voice_target_one_per_group")]

    def __str__(self) -> str:
        return f"{self.get_group_display()}: {self.target}"


class InvitationResponse(models.TextChoices):
    PENDING = "pending", "No answer yet"
    ACCEPTED = "accepted", "Coming"
    DECLINED = "declined", "Not coming"


class Invitation(models.Model):
    """A person or organisation from the stakeholder directory invited to a conversation."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="invitations")
    stakeholder = models.ForeignKey(Stakeholder, on_delete=models.CASCADE, related_name="conversation_invitations")
    response = models.CharField(max_length=20, choices=InvitationResponse.choices, default=InvitationResponse.PENDING)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    invited_at = models.DateTimeField(db_default=Now())

    objects = CityQuerySet.as_manager()

    class Meta:
        ordering = ["stakeholder__name"]
        constraints = [
            models.UniqueConstraint(fields=["conversation", "stakeholder"], name="invitation_one_per_stakeholder")
        ]

    def __str__(self) -> str:
        return f"{self.stakeholder} to {self.conversation}"


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed"
    WAITLISTED = "waitlisted", "On the waitlist"
    CANCELLED = "cancelled", "Cancelled"


class AccessNeed(models.TextChoices):
    INTERPRETATION = "interpretation", gettext_lazy("Interpretation")
    ASL = "asl", gettext_lazy("ASL")
    CHILDCARE = "childcare", gettext_lazy("Childcare")
    STEP_FREE = "step_free", gettext_lazy("Step-free access")
    TRANSIT = "transit", gettext_lazy("Transit")
    DIETARY = "dietary", gettext_lazy("Dietary needs")


class Registration(models.Model):
    """A person who signed up (publicly, no account) or walked in on the day."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="registrations")
    name = models.CharField(max_length=150)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    group = models.CharField(
        "stakeholder group", max_length=30, choices=StakeholderGroup.choices, blank=True
    )
    language = models.CharField("preferred language", max_length=60, blank=True)
    # The language of the pages the person registered on: their emails and calendar text use it.
    locale = models.CharField(
        "language of the emails", max_length=8, choices=settings.LANGUAGES, default="en", db_default="en"
    )
    access_needs = ArrayField(models.CharField(max_length=20, choices=AccessNeed.choices), default=list, blank=True)
    access_notes = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=20, choices=RegistrationStatus.choices)
    walk_in = models.BooleanField(default=False)
    consent_to_contact = models.BooleanField(default=False)
    consent_wording = models.TextField(blank=True)
    consent_at = models.DateTimeField(null=True, blank=True)
    cancel_token = models.CharField(max_length=48, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(db_default=Now())
    promoted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = CityQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["conversation", "status", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "conversation",
                condition=~Q(email="") & ~Q(status="cancelled"),
                name="registration_one_active_per_email",
            )
        ]

    def __str__(self) -> str:
        return self.name


class CheckIn(models.Model):
    """A registrant (or walk-in) present at one session."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="check_ins")
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="check_ins")
    at = models.DateTimeField(db_default=Now())
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    objects = CityQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "registration"], name="check_in_once")]

    def __str__(self) -> str:
        return f"{self.registration} at {self.session}"


class FacilitatorReport(models.Model):
    """What was heard at a session, filed by its facilitator (often from a phone)."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="report")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    attendance = models.JSONField(default=dict, blank=True, help_text="Head counts by stakeholder group.")
    unnamed_attendance = models.PositiveIntegerField(
        "others present", default=0, help_text="People present whose group is not known."
    )
    themes = ArrayField(models.CharField(max_length=60), default=list, blank=True)
    what_was_heard = models.TextField(blank=True)
    tensions = models.TextField(blank=True)
    next_steps = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CityQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Report on {self.session}"

    @property
    def total_attendance(self) -> int:
        return sum(int(v) for v in self.attendance.values()) + self.unnamed_attendance


class Quote(models.Model):
    """An anonymised quote. Shown nowhere unless the speaker consented and a reviewer checked it."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    report = models.ForeignKey(FacilitatorReport, on_delete=models.CASCADE, related_name="quotes")
    text = models.TextField()
    speaker_group = models.CharField(max_length=30, choices=StakeholderGroup.choices, blank=True)
    consent = models.BooleanField("the speaker agreed to be quoted anonymously", default=False)
    reviewed = models.BooleanField(default=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    objects = CityQuerySet.as_manager()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:60]


class ReportCommitment(models.Model):
    """A commitment made at a conversation, tracked in relationships' commitments."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    report = models.ForeignKey(FacilitatorReport, on_delete=models.CASCADE, related_name="report_commitments")
    commitment = models.OneToOneField(Commitment, on_delete=models.CASCADE, related_name="conversation_link")

    objects = CityQuerySet.as_manager()

    def __str__(self) -> str:
        return str(self.commitment)


SCORE = [MinValueValidator(1), MaxValueValidator(5)]


class Feedback(models.Model):
    """Anonymous feedback from a participant (no link to a registration). Shown only aggregated."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="feedback")
    group = models.CharField(max_length=30, choices=StakeholderGroup.choices, blank=True)
    felt_heard = models.PositiveSmallIntegerField(validators=SCORE)
    trust_police_before = models.PositiveSmallIntegerField(validators=SCORE)
    trust_police_after = models.PositiveSmallIntegerField(validators=SCORE)
    trust_city_before = models.PositiveSmallIntegerField(validators=SCORE)
    trust_city_after = models.PositiveSmallIntegerField(validators=SCORE)
    submitted_at = models.DateTimeField(db_default=Now())

    objects = CityQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(felt_heard__range=(1, 5))
                & Q(trust_police_before__range=(1, 5))
                & Q(trust_police_after__range=(1, 5))
                & Q(trust_city_before__range=(1, 5))
                & Q(trust_city_after__range=(1, 5)),
                name="feedback_scores_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return f"Feedback on {self.conversation}"


class ReminderKind(models.TextChoices):
    DAY_BEFORE = "day_before", "Registrant, the day before"
    REPORT_3 = "report_3", "Facilitator, 3 days after without a report"
    REPORT_7 = "report_7", "Facilitator, 7 days after without a report"


class ReminderSent(models.Model):
    """One row per reminder sent: the unique constraint makes sending idempotent."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=ReminderKind.choices)
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="+")
    recipient = models.CharField(max_length=254)
    sent_at = models.DateTimeField(db_default=Now())

    objects = CityQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "session", "recipient"], name="reminder_sent_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient}"


class CalendarFeed(models.Model):
    """The private, regenerable link to a city's calendar of conversations."""

    city = models.OneToOneField(City, on_delete=models.CASCADE, related_name="conversation_calendar")
    token = models.CharField(max_length=48, unique=True, default=new_token)
    created_at = models.DateTimeField(db_default=Now())

    objects = CityQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Calendar of {self.city}"
