"""Tenancy: people, cities, memberships with roles, invitations.

Every record that belongs to a city has a `city` foreign key and a manager built from
`CityQuerySet`, so that every read goes through `.for_city(city)`.
"""

import zoneinfo
from decimal import Decimal

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower, Now
from django.utils import timezone


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person who signs in. Email is the login; there is no username."""

    username = None  # type: ignore[assignment]
    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    is_curator = models.BooleanField(
        "national curator",
        default=False,
        help_text="National staff who curate the library and see the whole network.",
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()  # type: ignore[misc]

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.full_name or self.email


class CityQuerySet(models.QuerySet):
    """Base queryset for everything a city owns: `Model.objects.for_city(city)`."""

    def for_city(self, city: "City") -> "CityQuerySet":
        return self.filter(city=city)


TIMEZONE_CHOICES = sorted((tz, tz) for tz in zoneinfo.available_timezones() if "/" in tz)

US_STATES = [
    ("AL", "Alabama"), ("AK", "Alaska"), ("AZ", "Arizona"), ("AR", "Arkansas"),
    ("CA", "California"), ("CO", "Colorado"), ("CT", "Connecticut"), ("DE", "Delaware"),
    ("DC", "District of Columbia"), ("FL", "Florida"), ("GA", "Georgia"), ("HI", "Hawaii"),
    ("ID", "Idaho"), ("IL", "Illinois"), ("IN", "Indiana"), ("IA", "Iowa"), ("KS", "Kansas"),
    ("KY", "Kentucky"), ("LA", "Louisiana"), ("ME", "Maine"), ("MD", "Maryland"),
    ("MA", "Massachusetts"), ("MI", "Michigan"), ("MN", "Minnesota"), ("MS", "Mississippi"),
    ("MO", "Missouri"), ("MT", "Montana"), ("NE", "Nebraska"), ("NV", "Nevada"),
    ("NH", "New Hampshire"), ("NJ", "New Jersey"), ("NM", "New Mexico"), ("NY", "New York"),
    ("NC", "North Carolina"), ("ND", "North Dakota"), ("OH", "Ohio"), ("OK", "Oklahoma"),
    ("OR", "Oregon"), ("PA", "Pennsylvania"), ("PR", "Puerto Rico"), ("RI", "Rhode Island"),
    ("SC", "South Carolina"), ("SD", "South Dakota"), ("TN", "Tennessee"), ("TX", "Texas"),
    ("UT", "Utah"), ("VT", "Vermont"), ("VA", "Virginia"), ("WA", "Washington"),
    ("WV", "West Virginia"), ("WI", "Wisconsin"), ("WY", "Wyoming"),
]  # fmt: skip


class City(models.Model):
    name = models.CharField(max_length=120)
    state = models.CharField(max_length=2, choices=US_STATES)
    slug = models.SlugField(max_length=80, unique=True)
    timezone = models.CharField(max_length=64, choices=TIMEZONE_CHOICES, default="America/New_York")
    latitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        validators=[MinValueValidator(Decimal("-90")), MaxValueValidator(Decimal("90"))],
        help_text="Latitude of the city's centre (used for sunset times).",
    )
    longitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        validators=[MinValueValidator(Decimal("-180")), MaxValueValidator(Decimal("180"))],
        help_text="Longitude of the city's centre.",
    )
    county_fips = models.CharField(
        "county FIPS code",
        max_length=5,
        blank=True,
        validators=[RegexValidator(r"^\d{5}$", "A county FIPS code is five digits, e.g. 26065.")],
        help_text="Five-digit state and county code, for population benchmarks.",
    )
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "cities"

    def __str__(self) -> str:
        return f"{self.name}, {self.state}"


class Role(models.TextChoices):
    LEAD = "lead", "Program lead"
    STAFF = "staff", "Staff"
    FACILITATOR = "facilitator", "Facilitator"
    VIEWER = "viewer", "Viewer"


# Roles that may see and change the city's working records (plans, data uploads).
EDITOR_ROLES = frozenset({Role.LEAD, Role.STAFF})
# Roles that do the city's conversation work: editors, and facilitators for what is assigned to them.
WORKER_ROLES = frozenset({Role.LEAD, Role.STAFF, Role.FACILITATOR})
# Roles that may see stakeholders' email and phone.
CONTACT_ROLES = WORKER_ROLES
ALL_ROLES = frozenset(Role)


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(default=timezone.now)

    objects = CityQuerySet.as_manager()

    class Meta:
        ordering = ["city__name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "city"], name="membership_one_per_city"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} in {self.city}"

    # What a member may do is answered here, once; views, selectors and templates ask these.
    @property
    def is_lead(self) -> bool:
        return self.role == Role.LEAD

    @property
    def can_manage(self) -> bool:
        """Manage the city itself: members, invitations, settings, the audit log, publishing."""
        return self.role == Role.LEAD

    @property
    def can_edit(self) -> bool:
        """Change the city's working records: plans, stakeholders, data uploads."""
        return self.role in EDITOR_ROLES

    @property
    def can_facilitate(self) -> bool:
        """Do conversation work: editors for every conversation, facilitators for their own."""
        return self.role in WORKER_ROLES

    @property
    def can_see_contacts(self) -> bool:
        """See stakeholders' and participants' email addresses and phone numbers."""
        return self.role in CONTACT_ROLES


def may(membership: Membership | None, ability: str) -> bool:
    """`may(membership, "can_edit")`: the ability of a member, False for no membership (a curator)."""
    return membership is not None and bool(getattr(membership, ability))


class Invitation(models.Model):
    """An email invitation to a role in a city. Only a hash of the link's token is stored."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = CityQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(Lower("email"), name="invitation_email_lower")]

    def __str__(self) -> str:
        return f"Invitation of {self.email} to {self.city} as {self.role}"

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and not self.is_expired

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    def unusable_reason(self) -> str | None:
        """Why the link can no longer be used, in words for the invitee; None while it can."""
        if self.accepted_at is not None:
            return "This invitation has already been used. Sign in instead."
        if self.revoked_at is not None:
            return "This invitation was withdrawn or replaced by a newer one. Ask the program lead for a new one."
        if self.is_expired:
            return "This invitation has expired. Ask the program lead to send you a new one."
        return None


class CitySettings(models.Model):
    """What a city's lead decides about security and data keeping."""

    city = models.OneToOneField(City, on_delete=models.CASCADE, related_name="settings", primary_key=True)
    require_two_factor = models.BooleanField(
        "require two-factor sign-in",
        default=False,
        help_text="Members must set up an authenticator app before they can open this city's pages.",
    )
    retain_contacts_days = models.PositiveIntegerField(
        "keep participants' contact details for (days)",
        null=True,
        blank=True,
        help_text="Contact details older than this are erased by a nightly purge. Empty: keep.",
    )
    retain_police_days = models.PositiveIntegerField(
        "keep police records for (days)",
        null=True,
        blank=True,
        help_text="Police datasets uploaded longer ago than this are deleted by a nightly purge. Empty: keep.",
    )

    def __str__(self) -> str:
        return f"Settings of {self.city}"


class AuditAction(models.TextChoices):
    VIEW = "view", "Viewed"
    EXPORT = "export", "Exported"
    CREATE = "create", "Created"
    CHANGE = "change", "Changed"
    DELETE = "delete", "Deleted"
    PURGE = "purge", "Purged (retention)"
    SETTINGS = "settings", "Changed settings"


class AuditEvent(models.Model):
    """Who viewed, exported, changed or deleted personal data and police datasets.

    Append-only: a database trigger refuses UPDATE and DELETE on this table for every role (see
    the migration). It holds plain ids and names rather than foreign keys, so that deleting a
    person or a city never needs to touch it.
    """

    at = models.DateTimeField(db_default=Now(), db_index=True)
    city_id = models.BigIntegerField(null=True, db_index=True)
    actor_id = models.BigIntegerField(null=True)
    actor_email = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(max_length=80)
    object_id = models.CharField(max_length=80, blank=True)
    summary = models.CharField(max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["city_id", "-at"], name="audit_city_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_email} {self.action} {self.object_type} {self.object_id}"
