"""The resource library: curated practices, frameworks cities track reforms against, adoptions and
city submissions.

Resources belong to the network (curated by national staff), not to one city. What a city does
with them (framework status, adoptions, submissions) is city-owned and goes through `for_city`.
The library imports nothing but `cities`, so its vocabularies of topics and audiences are its own.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from cities.models import City, CityQuerySet

from .validators import validate_link, validate_web_address


class Kind(models.TextChoices):
    GUIDE = "guide", _("Guide")
    TOOLKIT = "toolkit", _("Toolkit")
    CASE_STUDY = "case_study", _("Case study")
    VIDEO = "video", _("Video")
    POLICY = "policy", _("Policy or template")
    TRAINING = "training", _("Training")
    RESEARCH = "research", _("Research")


class Topic(models.TextChoices):
    CONVERSATIONS = "conversations", _("Community conversations on race")
    TRUST = "trust", _("Trust between police and residents")
    YOUTH = "youth", _("Youth and police")
    VIOLENCE = "violence", _("Violence prevention")
    OVERSIGHT = "oversight", _("Complaints and civilian oversight")
    POLICE_DATA = "police_data", _("Police data and transparency")
    COMMUNITY_POLICING = "community_policing", _("Community policing")
    TRAINING = "training", _("Training and education")
    POLICY = "policy", _("Policy and use of force")
    WELLNESS = "wellness", _("Officer wellness and safety")
    LITERACY = "literacy", _("Children and families")


class Audience(models.TextChoices):
    """Who a resource is for or works with (the library's own list of stakeholder groups)."""

    CITY_GOVERNMENT = "city_government", _("City officials and staff")
    POLICE = "police", _("Police leaders and officers")
    RESIDENTS = "residents", _("Residents")
    YOUTH = "youth", _("Young people")
    FAITH = "faith", _("Faith communities")
    COMMUNITY_ORGS = "community_orgs", _("Community organisations and advocates")
    EDUCATION = "education", _("Schools and educators")
    BUSINESS = "business", _("Business")
    MEDIA = "media", _("Media")
    RESEARCHERS = "researchers", _("Researchers and analysts")


class EvidenceLevel(models.TextChoices):
    ANECDOTAL = "anecdotal", _("Anecdotal")
    DOCUMENTED = "documented", _("Documented outcome")
    EVALUATED = "evaluated", _("Evaluated")
    RANDOMISED = "randomised", _("Randomised trial")


class ResourceStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


class ResourceQuerySet(models.QuerySet):
    def published(self) -> "ResourceQuerySet":
        return self.filter(status=ResourceStatus.PUBLISHED)


class Framework(models.Model):
    """A set of recommendations cities track their reforms against, loaded by curators from CSV."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)
    source_url = models.URLField("source", blank=True, max_length=500, validators=[validate_web_address])
    expected_items = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="How many items the complete framework has, so the app can say how many are loaded.",
    )
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ItemType(models.TextChoices):
    RECOMMENDATION = "recommendation", "Recommendation"
    ACTION_ITEM = "action_item", "Action item"
    OVERARCHING = "overarching", "Overarching recommendation"


class FrameworkItem(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="items")
    pillar_number = models.PositiveSmallIntegerField(null=True, blank=True)
    pillar_name = models.CharField(max_length=200, blank=True)
    item_type = models.CharField(max_length=20, choices=ItemType.choices, default=ItemType.RECOMMENDATION)
    number = models.CharField(max_length=20, help_text="As the framework numbers it, e.g. 1.2 or 1.2.1.")
    text = models.TextField()
    sort_key = models.CharField(max_length=80, editable=False, default="")
    updated_at = models.DateTimeField(auto_now=True)
    # A retired item stays in the database (cities' statuses and evidence on it are kept) but is no
    # longer shown to cities nor counted as loaded; a curator may bring it back.
    retired_at = models.DateTimeField(null=True, blank=True)
    retired_note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["framework", "sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "number"], name="framework_item_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.text[:60]}"

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None


class ItemChangeAction(models.TextChoices):
    ADDED = "added", "Added"
    EDITED = "edited", "Edited"
    MOVED = "moved", "Moved"
    RETIRED = "retired", "Retired"
    RESTORED = "restored", "Brought back"
    LOADED = "loaded", "Loaded from a file"


class FrameworkItemChange(models.Model):
    """One change a curator made to a framework item: what it was before and after, who, when.

    Written by the services only, never edited: the item's history."""

    item = models.ForeignKey(FrameworkItem, on_delete=models.CASCADE, related_name="changes")
    action = models.CharField(max_length=20, choices=ItemChangeAction.choices)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["item", "-at", "-id"]

    def __str__(self) -> str:
        return f"{self.item_id} {self.action}"


class Resource(models.Model):
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    summary = models.TextField(help_text="Two or three sentences: what it is and who it is for.")
    body = models.TextField(
        blank=True,
        help_text="Markdown. For a case study: what the city did, with whom, and what came of it.",
    )
    body_html = models.TextField(blank=True, editable=False)
    link = models.URLField(blank=True, max_length=500, validators=[validate_web_address])
    file = models.FileField(upload_to="library/%Y/", blank=True)
    place = models.CharField(
        "where",
        max_length=200,
        blank=True,
        help_text="Where the practice comes from, e.g. 'Tacoma, WA', including cities not in this app.",
    )
    cities = models.ManyToManyField(City, blank=True, related_name="library_resources")
    credited_city = models.ForeignKey(
        City,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="credited_resources",
        help_text="The city that contributed this resource.",
    )
    topics = ArrayField(models.CharField(max_length=40, choices=Topic.choices), default=list, blank=True)
    audiences = ArrayField(
        models.CharField(max_length=40, choices=Audience.choices), default=list, blank=True
    )
    framework_items = models.ManyToManyField(FrameworkItem, blank=True, related_name="resources")
    evidence_level = models.CharField(
        max_length=20, choices=EvidenceLevel.choices, default=EvidenceLevel.ANECDOTAL
    )
    cost_notes = models.TextField(blank=True)
    staffing_notes = models.TextField(blank=True)
    contact_name = models.CharField(max_length=150, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_consent = models.BooleanField("the contact agreed to be reached", default=False)
    review_by = models.DateField(null=True, blank=True)
    review_reminded_on = models.DateField(null=True, blank=True, editable=False)
    status = models.CharField(max_length=20, choices=ResourceStatus.choices, default=ResourceStatus.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(db_default=Now())
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    search = models.GeneratedField(
        expression=SearchVector("title", weight="A", config="english")
        + SearchVector("summary", weight="B", config="english")
        + SearchVector("body", weight="C", config="english"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = ResourceQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        indexes = [
            GinIndex(fields=["search"], name="resource_search_gin"),
            GinIndex(fields=["topics"], name="resource_topics_gin"),
            GinIndex(fields=["audiences"], name="resource_audiences_gin"),
            models.Index(fields=["status", "-published_at"], name="resource_status_published"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("library:resource", args=[self.slug])

    @property
    def topic_labels(self) -> list[str]:
        return [Topic(t).label for t in self.topics if t in Topic.values]

    @property
    def audience_labels(self) -> list[str]:
        return [Audience(a).label for a in self.audiences if a in Audience.values]


class OutcomeRow(models.Model):
    """What came of a practice: one measured figure before and after, over a period."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="outcomes")
    metric = models.CharField(max_length=200)
    before = models.CharField(max_length=100, blank=True)
    after = models.CharField(max_length=100, blank=True)
    period = models.CharField(max_length=100, blank=True)
    source = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["resource", "position", "id"]

    def __str__(self) -> str:
        return self.metric


class Revision(models.Model):
    """A full snapshot of a resource after every change, with who and when; restorable."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    status = models.CharField(max_length=20, choices=ResourceStatus.choices)
    note = models.CharField(max_length=300, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["resource", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "number"], name="revision_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.resource_id} revision {self.number}"


class FrameworkStatusChoice(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    CONSIDERING = "considering", "Considering"
    IN_PROGRESS = "in_progress", "In progress"
    IN_PLACE = "in_place", "In place"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class CityFrameworkStatus(models.Model):
    """Where one city stands on one framework item."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="framework_statuses")
    item = models.ForeignKey(FrameworkItem, on_delete=models.CASCADE, related_name="city_statuses")
    status = models.CharField(
        max_length=20, choices=FrameworkStatusChoice.choices, default=FrameworkStatusChoice.NOT_STARTED
    )
    notes = models.TextField(blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = CityQuerySet.as_manager()

    class Meta:
        ordering = ["city", "item__sort_key"]
        verbose_name_plural = "city framework statuses"
        constraints = [
            models.UniqueConstraint(fields=["city", "item"], name="city_framework_status_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.city} — {self.item.number}: {self.status}"


class EvidenceKind(models.TextChoices):
    MEETING = "meeting", "Meeting"
    CONVERSATION = "conversation", "Conversation"
    DATASET = "dataset", "Dataset"
    RESOURCE = "resource", "Library resource"
    DOCUMENT = "document", "Document or web page"


class EvidenceLink(models.Model):
    """A link backing a city's framework status: kept as a plain (kind, label, url) so the library
    depends on no other app."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    status = models.ForeignKey(CityFrameworkStatus, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=20, choices=EvidenceKind.choices)
    label = models.CharField(max_length=200)
    url = models.CharField(
        max_length=500,
        validators=[validate_link],
        help_text="A web address, or a path in this app such as /c/your-city/...",
    )
    created_at = models.DateTimeField(db_default=Now())

    objects = CityQuerySet.as_manager()

    class Meta:
        ordering = ["status", "created_at", "id"]

    def __str__(self) -> str:
        return self.label


class AdoptionStatus(models.TextChoices):
    CONSIDERING = "considering", _("Considering")
    ADOPTING = "adopting", _("Adopting")
    IN_PLACE = "in_place", _("In place")
    EVALUATED = "evaluated", _("Evaluated")


class Adoption(models.Model):
    """A city's use of a library practice, with how it is going."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="adoptions")
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="adoptions")
    status = models.CharField(max_length=20, choices=AdoptionStatus.choices)
    notes = models.TextField(blank=True)
    outcome = models.TextField(blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(db_default=Now())
    updated_at = models.DateTimeField(auto_now=True)

    objects = CityQuerySet.as_manager()

    class Meta:
        ordering = ["city__name"]
        constraints = [
            models.UniqueConstraint(fields=["city", "resource"], name="adoption_one_per_city"),
        ]

    def __str__(self) -> str:
        return f"{self.city} — {self.resource}: {self.status}"


class SubmissionStatus(models.TextChoices):
    SUBMITTED = "submitted", "Waiting for a curator"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    ACCEPTED = "accepted", "Accepted into the library"
    DECLINED = "declined", "Declined"


class Submission(models.Model):
    """A city member tells the network what their city is doing; a curator decides."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="library_submissions")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CASE_STUDY)
    title = models.CharField(max_length=200)
    summary = models.TextField(help_text="Two or three sentences about the practice.")
    what_we_did = models.TextField("what the city did", help_text="Markdown is allowed.")
    partners = models.TextField("with whom", blank=True)
    how_it_went = models.TextField(
        "how it went", blank=True, help_text="What came of it so far, with figures where you have them."
    )
    link = models.URLField(blank=True, max_length=500, validators=[validate_web_address])
    topics = ArrayField(models.CharField(max_length=40, choices=Topic.choices), default=list, blank=True)
    contact_name = models.CharField(max_length=150, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_consent = models.BooleanField("the contact agreed to be reached by other cities", default=False)
    status = models.CharField(
        max_length=20, choices=SubmissionStatus.choices, default=SubmissionStatus.SUBMITTED
    )
    curator_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    resource = models.OneToOneField(
        Resource, on_delete=models.SET_NULL, null=True, blank=True, related_name="submission"
    )
    # A city story: the piece of the city's work it was started from (`cities.stories`), and the
    # figures the app knew then, with their sources, kept as they were when the city sent it.
    story_key = models.CharField(max_length=120, blank=True, db_index=True)
    story_source = models.CharField("started from", max_length=120, blank=True)
    story_figures = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(db_default=Now())
    updated_at = models.DateTimeField(auto_now=True)

    objects = CityQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_story(self) -> bool:
        return bool(self.story_key)
