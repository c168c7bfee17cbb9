"""Community outcomes by race and sex: the Census tables a city uploads, and its own local figures.

An uploaded Census table by race (one file, one table, one race iteration, one vintage, any number of
geographies) is kept with its file and every estimate and margin of error it holds (`CensusValue`).
Figures (shares, intervals, ratios, scores) are computed from these values when a page is read; the
catalogue of indicators is code (`indicators/catalogue.py`), not rows.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Now

from cities.models import City, CityQuerySet
from relationships.models import Commitment

from .catalogue import MILESTONES


class CensusForm(models.TextChoices):
    API_JSON = "api_json", "Census API (JSON)"
    CENSUS_CSV = "census_csv", "data.census.gov download (CSV)"


class CensusFile(models.Model):
    """One uploaded ACS table by race, kept as uploaded, with the report of what was read."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="census_files")
    file = models.FileField(upload_to="census/%Y/%m/", max_length=300)
    original_filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.BigIntegerField(default=0)
    table = models.CharField(max_length=10, help_text="Base table, such as B17001.")
    race = models.CharField(max_length=1, help_text="Race iteration letter A to I.")
    form = models.CharField(max_length=20, choices=CensusForm.choices)
    vintage = models.PositiveSmallIntegerField(help_text="Last year of the 5-year estimates, such as 2024.")
    report = models.JSONField(default=dict, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(db_default=Now())

    objects = CityQuerySet.as_manager()

    class Meta:
        ordering = ["table", "race", "-vintage"]

    def __str__(self) -> str:
        return f"{self.table}{self.race} ({self.vintage})"

    @property
    def table_id(self) -> str:
        return f"{self.table}{self.race}"


class CensusValueQuerySet(models.QuerySet):
    def for_city(self, city: City) -> "CensusValueQuerySet":
        """A value belongs to the city through its file (the file carries the city)."""
        return self.filter(file__city=city)


class CensusValue(models.Model):
    """One cell of one geography of an uploaded table: the estimate and its 90 % margin of error.

    What the Census Bureau published, read from the file, never typed: the city is the file's. A
    geography's cell of a table, race and vintage is known once per city: a later upload replaces it
    (`services.census_file_upload`, in the same transaction)."""

    file = models.ForeignKey(CensusFile, on_delete=models.CASCADE, related_name="values")
    table = models.CharField(max_length=10)
    race = models.CharField(max_length=1)
    vintage = models.PositiveSmallIntegerField()
    geo_id = models.CharField(max_length=40)
    geo_name = models.CharField(max_length=200)
    level = models.CharField(max_length=40)
    cell = models.PositiveSmallIntegerField()
    estimate = models.FloatField(null=True, blank=True)  # None: not published (too few sampled)
    moe = models.FloatField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)

    objects = CensusValueQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["geo_id", "table", "vintage"], name="indicators_value_lookup")]
        constraints = [
            models.UniqueConstraint(fields=["file", "geo_id", "cell"], name="indicators_one_value_per_cell"),
        ]

    def __str__(self) -> str:
        return f"{self.table}{self.race}_{self.cell:03d} {self.geo_id} ({self.vintage})"


class IndicatorSettings(models.Model):
    """Which geography of the uploaded tables is the city's own (the others are for comparison)."""

    city = models.OneToOneField(City, on_delete=models.CASCADE, related_name="indicator_settings")
    geo_id = models.CharField(max_length=40, blank=True)
    geo_name = models.CharField(max_length=200, blank=True)

    objects = CityQuerySet.as_manager()

    def __str__(self) -> str:
        return self.geo_name or "no geography chosen"


class LocalIndicator(models.Model):
    """An indicator from the city's own records (graduation, third-grade reading, school discipline)."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="local_indicators")
    title = models.CharField(
        max_length=200, help_text="What is counted, such as 'Students graduating in four years'."
    )
    milestone = models.CharField(max_length=20, choices=MILESTONES, default="local")
    lower_is_better = models.BooleanField(
        default=False, help_text="Tick when a lower share is the better outcome (suspensions, arrests)."
    )
    numerator_label = models.CharField(
        max_length=200, help_text="Who is counted, such as 'graduated in four years'."
    )
    denominator_label = models.CharField(
        max_length=200, help_text="Out of whom, such as 'entered ninth grade'."
    )
    period = models.CharField(max_length=60, help_text="Such as 'School year 2024-25'.")
    source = models.CharField(max_length=200, help_text="Who keeps these records.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(db_default=Now())

    objects = CityQuerySet.as_manager()

    class Meta:
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title


class LocalRace(models.TextChoices):
    """The app's canonical race categories (DESIGN.md), Hispanic taking precedence over race."""

    BLACK = "black", "Black"
    HISPANIC = "hispanic", "Hispanic or Latino"
    WHITE = "white", "White"
    ASIAN_PACIFIC_ISLANDER = "asian_pacific_islander", "Asian or Pacific Islander"
    NATIVE_AMERICAN = "native_american", "American Indian or Alaska Native"
    OTHER = "other", "Other or two or more races"


class LocalSex(models.TextChoices):
    MALE = "male", "Males"
    FEMALE = "female", "Females"
    ALL = "all", "Everyone"


class LocalFigure(models.Model):
    """Counts of one group for a local indicator: how many of how many."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    indicator = models.ForeignKey(LocalIndicator, on_delete=models.CASCADE, related_name="figures")
    race = models.CharField(max_length=30, choices=LocalRace.choices)
    sex = models.CharField(max_length=10, choices=LocalSex.choices)
    numerator = models.PositiveIntegerField()
    denominator = models.PositiveIntegerField()

    objects = CityQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "race", "sex"], name="indicators_one_figure_per_group"
            ),
            models.CheckConstraint(
                condition=models.Q(numerator__lte=models.F("denominator")),
                name="indicators_numerator_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.race}, {self.sex}: {self.numerator} of {self.denominator}"


class IndicatorCommitment(models.Model):
    """A commitment of the city (relationships) that tries to move an indicator: "what we are doing
    about this". The indicator is a catalogue key ("poverty_male") or a local one ("local-12")."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    indicator_key = models.SlugField(max_length=40)
    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="+")
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    linked_at = models.DateTimeField(db_default=Now())

    objects = CityQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["indicator_key", "commitment"], name="indicators_link_once"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_key}: {self.commitment_id}"


class PublishedIndicator(models.Model):
    """An indicator the lead has published on the city's public outcomes page (/p/<city>/outcomes/),
    one at a time: a catalogue key ("poverty_male") or a local one ("local-12"). Withdrawing deletes
    the row; the public page answers only while at least one indicator is published."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    indicator_key = models.SlugField(max_length=40)
    published_at = models.DateTimeField(db_default=Now())
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = CityQuerySet.as_manager()

    class Meta:
        ordering = ["indicator_key"]
        constraints = [
            models.UniqueConstraint(fields=["city", "indicator_key"], name="indicators_published_once"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_key} (published)"
