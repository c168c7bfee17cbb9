"""Police datasets: the uploaded file, its mapping, the typed records, and the rollups dashboards read.

A `Dataset` is one file of one kind (stops, arrests, citations, use of force, complaints) for one
city. Its records live in the typed table of its kind (`Stop`, `Arrest`, ...), loaded by COPY in
one transaction together with the dataset's `Rollup` rows (and `FineRollup` rows for citations).
No page aggregates the typed tables: dashboards read the rollups (schema in docs/disparities.md).

Deleting a dataset must be fast whatever its size, so the typed tables, rollups and problems
reference it with database-level cascades (`DB_CASCADE`). Django requires every relation of a
model referenced that way to be database-level too (check fields.E323), so `Dataset.city` and
`Dataset.uploaded_by` use `DO_NOTHING`: the database's (deferred) foreign key still refuses to
delete a city or a person who still has datasets; delete the datasets first (`dataset_delete`).
"""

import secrets

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models.functions import Now

from cities.models import City, CityQuerySet


class Kind(models.TextChoices):
    STOP = "stop", "Stops"
    ARREST = "arrest", "Arrests"
    CITATION = "citation", "Citations"
    USE_OF_FORCE = "use_of_force", "Use of force"
    COMPLAINT = "complaint", "Complaints"


class Status(models.TextChoices):
    UPLOADED = "uploaded", "Uploaded"
    MAPPING = "mapping", "Mapping columns"
    QUEUED = "queued", "Waiting for the importer"
    IMPORTING = "importing", "Importing"
    IMPORTED = "imported", "Imported"
    FAILED = "failed", "Failed"


class Race(models.TextChoices):
    """Census / Stanford Open Policing categories; Hispanic takes precedence over race."""

    BLACK = "black", "Black"
    HISPANIC = "hispanic", "Hispanic"
    WHITE = "white", "White"
    ASIAN_PACIFIC_ISLANDER = "asian_pacific_islander", "Asian / Pacific Islander"
    NATIVE_AMERICAN = "native_american", "Native American"
    # RIPA's own categories (California): no Census benchmark, so no rate per resident (docs/disparities.md).
    MIDDLE_EASTERN_SOUTH_ASIAN = "middle_eastern_south_asian", "Middle Eastern or South Asian"
    MULTIRACIAL = "multiracial", "Multiracial"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Unknown"


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Unknown"


class Disposition(models.TextChoices):
    SUSTAINED = "sustained", "Sustained"
    NOT_SUSTAINED = "not_sustained", "Not sustained"
    EXONERATED = "exonerated", "Exonerated"
    UNFOUNDED = "unfounded", "Unfounded"
    INFORMATIONAL = "informational", "Informational only"
    PENDING = "pending", "Pending"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Unknown"


class SearchBasis(models.TextChoices):
    CONSENT = "consent", "Consent"
    PROBABLE_CAUSE = "probable_cause", "Probable cause"
    PLAIN_VIEW = "plain_view", "Plain view"
    K9 = "k9", "Drug dog"
    INVENTORY = "inventory", "Inventory"
    INCIDENT_TO_ARREST = "incident_to_arrest", "Incident to arrest"
    WARRANT = "warrant", "Warrant"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Unknown"


class Outcome(models.TextChoices):
    ARREST = "arrest", "Arrest"
    CITATION = "citation", "Citation"
    SUMMONS = "summons", "Summons"
    WARNING = "warning", "Warning"
    NONE = "none", "No action"
    OTHER = "other", "Other (psychiatric hold, field interview, transport ...)"
    UNKNOWN = "unknown", "Unknown"


class DatePrecision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


class DatasetQuerySet(CityQuerySet):
    def visible(self) -> "DatasetQuerySet":
        """Datasets a page lists: not the hidden new version of a dataset being replaced."""
        return self.filter(replaces__isnull=True)


class Dataset(models.Model):
    city = models.ForeignKey(City, on_delete=models.DO_NOTHING, related_name="police_datasets")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=200)
    source_agency = models.CharField(max_length=200, blank=True)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    file = models.FileField(upload_to="police/%Y/%m/", max_length=300)
    original_filename = models.CharField(max_length=255)
    file_size = models.BigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, db_index=True)
    # What the reader found: {"format": "csv", "encoding": "utf-16", "delimiter": "\t", "header": [...]}
    file_format = models.JSONField(default=dict, blank=True)
    # The confirmed mapping (see disparities/mapping.py for its shape), copied when confirmed.
    mapping = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.UPLOADED)
    status_message = models.TextField(blank=True, help_text="Why an import failed, and what to do.")
    rows_read = models.BigIntegerField(default=0)
    rows_imported = models.BigIntegerField(default=0)
    rows_rejected = models.BigIntegerField(default=0)
    values_missing = models.BigIntegerField(
        default=0, help_text="Values that could not be read, stored as missing."
    )
    # Rows that are not records (quarter separators, voided rows, another department's rows), left out
    # by the mapping's value rules: how many, and by which rule ([{"column", "values", "reason", "rows"}]).
    rows_excluded = models.BigIntegerField(default=0)
    exclusions = models.JSONField(default=list, blank=True)
    has_incident_id = models.BooleanField(default=False)
    has_time = models.BooleanField(
        default=False, help_text="Rows carry a real time of day (not a placeholder)."
    )
    # What the file's dates say: a day, or only a month or a year (aggregated exports). Figures by
    # month are not offered for a year; a period is stored as its first day.
    date_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY, db_default=DatePrecision.DAY
    )
    # Rows carry a count of records (a "records in this row" column): figures count records, not rows.
    weighted = models.BooleanField(default=False, db_default=False)
    records_imported = models.BigIntegerField(
        default=0, db_default=0, help_text="Records the imported rows stand for (= rows unless weighted)."
    )
    # Progress of a running import, written by the worker about every half second.
    progress_rows = models.BigIntegerField(default=0)
    progress_bytes = models.BigIntegerField(default=0)
    # When the import was last queued (confirmed or retried): the reaper finds a queued import whose
    # task is gone by it.
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    cancel_requested = models.BooleanField(default=False)
    # A new version of a dataset points to the one it replaces until its import commits.
    replaces = models.ForeignKey(
        "self", on_delete=models.DB_SET_NULL, null=True, blank=True, related_name="replacements"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(db_default=Now())
    imported_at = models.DateTimeField(null=True, blank=True)

    objects = DatasetQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        indexes = [models.Index(fields=["city", "kind", "sha256"], name="dataset_city_kind_sha")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"

    @property
    def is_running(self) -> bool:
        return self.status in {Status.QUEUED, Status.IMPORTING}

    @property
    def is_reading(self) -> bool:
        """A large upload being read by the worker before its columns can be mapped."""
        return self.status == Status.UPLOADED


class DatasetPreview(models.Model):
    """The first rows of a dataset's file, read once at upload (within the limits on what a file may
    cost) for the mapping page, which proposes and shows values from them and never reads the file
    again. Kept beside the dataset, not in it, so that the pages listing datasets never load it."""

    dataset = models.OneToOneField(
        Dataset, on_delete=models.DB_CASCADE, primary_key=True, related_name="preview"
    )
    header = models.JSONField(default=list)
    rows = models.JSONField(default=list, help_text="The first rows read, as text, cells cut to a length.")
    unreadable = models.PositiveIntegerField(default=0, help_text="Rows among them that could not be read.")
    complete = models.BooleanField(default=False, help_text="The whole file was read: it has no other rows.")
    created_at = models.DateTimeField(db_default=Now())

    def __str__(self) -> str:
        return f"Preview of dataset {self.dataset_id}"


class RecordQuerySet(models.QuerySet):
    def for_city(self, city: City) -> "RecordQuerySet":
        return self.filter(dataset__city=city)


class Record(models.Model):
    """Fields every kind has. One row of the source file (or one row of a multi-row incident).

    Records have no city column of their own: they are reached through their dataset, which is the
    city's (`Stop.objects.for_city(city)` filters on `dataset__city`). Personal data (names,
    addresses, dates of birth) is never stored here; officer ids only as a keyed pseudonym.
    """

    id = models.BigAutoField(primary_key=True)
    dataset = models.ForeignKey(Dataset, on_delete=models.DB_CASCADE, related_name="+")
    line = models.IntegerField(help_text="Line (or spreadsheet row) of the source file.")
    incident_id = models.CharField(max_length=100, blank=True)
    date = models.DateField(null=True)
    time = models.TimeField(null=True)
    location = models.CharField(max_length=300, blank=True)
    district = models.CharField(max_length=100, blank=True)
    lat = models.FloatField(null=True)
    lng = models.FloatField(null=True)
    subject_race = models.CharField(max_length=30, choices=Race.choices, default=Race.UNKNOWN)
    subject_race_raw = models.CharField(max_length=100, blank=True)
    subject_sex = models.CharField(max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    subject_age = models.SmallIntegerField(null=True)
    subject_age_group = models.CharField(max_length=20, blank=True)
    is_person = models.BooleanField(default=True, help_text="False for a police dog or another non-person.")
    officer_id_hash = models.CharField(max_length=16, blank=True)
    officer_race = models.CharField(max_length=30, choices=Race.choices, blank=True)
    officer_sex = models.CharField(max_length=10, choices=Sex.choices, blank=True)
    # How many records this row stands for: 1 for a file of records, the row's count in an aggregated
    # file (one row per combination with a count). Every figure sums it; none counts rows.
    weight = models.PositiveIntegerField(default=1, db_default=1)
    # False for a row of an aggregated file that counts searches among the stops of other rows: it adds
    # to the searches, not again to the stops (see disparities/measures.py).
    in_total = models.BooleanField(default=True, db_default=True)

    objects = RecordQuerySet.as_manager()

    class Meta:
        abstract = True


class Stop(Record):
    type = models.CharField(max_length=30, blank=True, help_text="vehicular, pedestrian ...")
    reason = models.CharField(max_length=300, blank=True)
    violations = ArrayField(models.TextField(), default=list, blank=True)
    search_conducted = models.BooleanField(null=True)
    search_basis = models.CharField(max_length=30, choices=SearchBasis.choices, blank=True)
    search_person = models.BooleanField(null=True)
    search_vehicle = models.BooleanField(null=True)
    contraband_found = models.BooleanField(null=True)
    frisk_performed = models.BooleanField(null=True)
    arrest_made = models.BooleanField(null=True)
    citation_issued = models.BooleanField(null=True)
    warning_issued = models.BooleanField(null=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    vehicle_registration_state = models.CharField(max_length=20, blank=True)

    class Meta:
        indexes = [models.Index(fields=["dataset", "date"], name="stop_dataset_date")]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} at line {self.line} of dataset {self.dataset_id}"


class Arrest(Record):
    charge = models.CharField(max_length=300, blank=True)
    charges = ArrayField(models.TextField(), default=list, blank=True)
    offense_level = models.CharField(max_length=50, blank=True, help_text="felony, misdemeanor ...")

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} at line {self.line} of dataset {self.dataset_id}"


class Citation(Record):
    violation = models.CharField(max_length=300, blank=True)
    violations = ArrayField(models.TextField(), default=list, blank=True)
    fine_amount = models.DecimalField(max_digits=10, decimal_places=2, null=True)

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} at line {self.line} of dataset {self.dataset_id}"


class UseOfForce(Record):
    force_type = models.CharField(max_length=200, blank=True)
    subject_injured = models.BooleanField(null=True)
    subject_injury = models.CharField(max_length=200, blank=True)
    officer_injured = models.BooleanField(null=True)

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} at line {self.line} of dataset {self.dataset_id}"


class Complaint(Record):
    allegation = models.CharField(max_length=300, blank=True)
    allegations = ArrayField(models.TextField(), default=list, blank=True)
    disposition = models.CharField(max_length=20, choices=Disposition.choices, blank=True)
    disposition_raw = models.CharField(max_length=100, blank=True)
    sustained = models.BooleanField(null=True)

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} at line {self.line} of dataset {self.dataset_id}"


RECORD_MODELS: dict[str, type[Record]] = {
    Kind.STOP: Stop,
    Kind.ARREST: Arrest,
    Kind.CITATION: Citation,
    Kind.USE_OF_FORCE: UseOfForce,
    Kind.COMPLAINT: Complaint,
}
# The record field each kind's rollups take their `type` dimension from (and the drill-down filters on).
TYPE_FIELD: dict[str, str] = {
    Kind.STOP: "type",
    Kind.ARREST: "charge",
    Kind.CITATION: "violation",
    Kind.USE_OF_FORCE: "force_type",
    Kind.COMPLAINT: "allegation",
}
# Kinds whose rollups keep the officer's race as a dimension.
OFFICER_RACE_KINDS = frozenset({Kind.USE_OF_FORCE, Kind.COMPLAINT})


class RollupQuerySet(models.QuerySet):
    def for_city(self, city: City) -> "RollupQuerySet":
        return self.filter(dataset__city=city)


class Rollup(models.Model):
    """Counts of one dataset's records, grouped by every dimension a dashboard filters on.

    One row per (month, district, race, sex, age group, type, officer race) that occurs. Summing
    any measure over any filter gives that filter's figure; see docs/disparities.md for each
    measure's unit (rows, persons, incidents) and for how incidents stay additive.
    """

    id = models.BigAutoField(primary_key=True)
    dataset = models.ForeignKey(Dataset, on_delete=models.DB_CASCADE, related_name="rollups")
    month = models.DateField(null=True, help_text="First day of the month; null when the date is missing.")
    district = models.CharField(max_length=100, blank=True)
    race = models.CharField(max_length=30, choices=Race.choices)
    sex = models.CharField(max_length=10, choices=Sex.choices)
    age_group = models.CharField(max_length=20, blank=True)
    type = models.CharField(max_length=300, blank=True)
    officer_race = models.CharField(max_length=30, blank=True)
    is_person = models.BooleanField(default=True)
    rows = models.IntegerField(default=0)
    persons = models.IntegerField(default=0)
    incidents = models.IntegerField(default=0)
    incidents_all = models.IntegerField(default=0)
    with_time = models.IntegerField(default=0)
    violations = models.IntegerField(default=0)
    searches = models.IntegerField(default=0)
    searches_discretionary = models.IntegerField(default=0)
    searches_incident_to_arrest = models.IntegerField(default=0)
    searches_basis_unknown = models.IntegerField(default=0)
    hits = models.IntegerField(default=0)
    hits_discretionary = models.IntegerField(default=0)
    frisks = models.IntegerField(default=0)
    arrests = models.IntegerField(default=0)
    citations = models.IntegerField(default=0)
    warnings = models.IntegerField(default=0)
    force = models.IntegerField(default=0)
    injuries = models.IntegerField(default=0)
    officer_injuries = models.IntegerField(default=0)
    sustained = models.IntegerField(default=0)
    sustained_incidents = models.IntegerField(default=0)
    fines = models.IntegerField(default=0)
    fines_total = models.DecimalField(max_digits=14, decimal_places=2, default=0)

    objects = RollupQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["dataset", "month"], name="rollup_dataset_month")]

    def __str__(self) -> str:
        return f"Rollup {self.month} {self.race} of dataset {self.dataset_id}"


class FineRollup(models.Model):
    """How many fines of each exact amount, by the same dimensions: medians and shares above a
    threshold come out exact under any filter (fine schedules have few distinct amounts)."""

    id = models.BigAutoField(primary_key=True)
    dataset = models.ForeignKey(Dataset, on_delete=models.DB_CASCADE, related_name="fine_rollups")
    month = models.DateField(null=True)
    district = models.CharField(max_length=100, blank=True)
    race = models.CharField(max_length=30, choices=Race.choices)
    sex = models.CharField(max_length=10, choices=Sex.choices)
    age_group = models.CharField(max_length=20, blank=True)
    type = models.CharField(max_length=300, blank=True)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    count = models.IntegerField()

    objects = RollupQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["dataset", "race"], name="finerollup_dataset_race")]

    def __str__(self) -> str:
        return f"{self.count} fines of {self.amount} of dataset {self.dataset_id}"


class ProblemKind(models.TextChoices):
    ROW_REJECTED = "row", "Row rejected"
    VALUE_MISSING = "value", "Value stored as missing"
    VALUE_UNMAPPED = "unmapped", "Value not in the mapping"


class ImportProblem(models.Model):
    """A row that could not be read, or a value stored as missing. The first
    `settings.POLICE_IMPORT_MAX_PROBLEMS` are kept; the dataset's counters count them all."""

    id = models.BigAutoField(primary_key=True)
    dataset = models.ForeignKey(Dataset, on_delete=models.DB_CASCADE, related_name="problems")
    kind = models.CharField(max_length=10, choices=ProblemKind.choices)
    line = models.IntegerField(null=True)
    column = models.CharField(max_length=200, blank=True)
    value = models.CharField(max_length=300, blank=True)
    reason = models.CharField(max_length=300)

    objects = RollupQuerySet.as_manager()

    class Meta:
        ordering = ["line", "id"]

    def __str__(self) -> str:
        return f"Line {self.line}: {self.reason}"


class SavedMapping(models.Model):
    """A confirmed mapping, proposed again when a file of the same kind with the same header arrives."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="police_mappings")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    header_key = models.CharField(max_length=64, help_text="SHA-256 of the normalised header.")
    header = models.JSONField(default=list)
    mapping = models.JSONField(default=dict)
    name = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CityQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "kind", "header_key"], name="savedmapping_one_per_header"
            ),
        ]

    def __str__(self) -> str:
        return self.name or f"{self.get_kind_display()} mapping"


def _new_secret() -> str:
    return secrets.token_hex(32)


class CityDataKey(models.Model):
    """The city's secret for officer pseudonyms (HMAC-SHA256). Never shown, never exported."""

    city = models.OneToOneField(City, on_delete=models.CASCADE, related_name="police_data_key")
    secret = models.CharField(max_length=64, default=_new_secret)

    objects = CityQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Officer pseudonym key of {self.city_id}"


# ---------------------------------------------------------------------------------------------
# Dashboards: population benchmarks, veil of darkness runs, published snapshots

BENCHMARK_RACES = ("white", "black", "hispanic", "asian_pacific_islander", "native_american", "other")


class BenchmarkSource(models.TextChoices):
    COUNTY_TABLE = "county_table", "County table shipped with the app (ACS 2013-2017)"
    UPLOAD = "upload", "Census table uploaded by the city"
    TYPED = "typed", "Figures typed in"


class Benchmark(models.Model):
    """Residents by race (ACS B03002 categories): the denominator of every rate per resident."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="population_benchmarks")
    name = models.CharField(max_length=200, help_text='For example "Ingham County, Michigan".')
    geo_id = models.CharField(max_length=20, blank=True, help_text="FIPS code; empty when typed in.")
    source_kind = models.CharField(max_length=20, choices=BenchmarkSource.choices)
    source = models.CharField(max_length=300)
    vintage = models.CharField(max_length=40, help_text='Years of the estimate, for example "2013-2017".')
    uploaded_filename = models.CharField(max_length=255, blank=True)
    # The Census table as the city uploaded it, kept so anyone can check the figures against it.
    file = models.FileField(upload_to="census/%Y/%m/", max_length=300, blank=True)
    total = models.PositiveBigIntegerField(default=0)
    white = models.PositiveBigIntegerField(default=0)
    black = models.PositiveBigIntegerField(default=0)
    hispanic = models.PositiveBigIntegerField(default=0)
    asian_pacific_islander = models.PositiveBigIntegerField(default=0)
    native_american = models.PositiveBigIntegerField(default=0)
    other = models.PositiveBigIntegerField(default=0)
    # 90% margins of error as published (0 = controlled, no sampling error; null = not published / typed in).
    total_moe = models.FloatField(null=True, blank=True)
    white_moe = models.FloatField(null=True, blank=True)
    black_moe = models.FloatField(null=True, blank=True)
    hispanic_moe = models.FloatField(null=True, blank=True)
    asian_pacific_islander_moe = models.FloatField(null=True, blank=True)
    native_american_moe = models.FloatField(null=True, blank=True)
    other_moe = models.FloatField(null=True, blank=True)
    is_default = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(db_default=Now())
    # Changed when its name or figures are edited: cached reports computed on it are then stale.
    updated_at = models.DateTimeField(db_default=Now())

    objects = CityQuerySet.as_manager()

    class Meta:
        ordering = ["-is_default", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["city"], condition=models.Q(is_default=True), name="benchmark_one_default_per_city"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.vintage})"

    def population(self) -> dict[str, int]:
        """Residents by canonical race, as `stats.rates_by_race` takes them."""
        return {race: getattr(self, race) for race in BENCHMARK_RACES}

    def margins(self) -> dict[str, float | None]:
        return {race: getattr(self, f"{race}_moe") for race in BENCHMARK_RACES}

    @property
    def figures_editable(self) -> bool:
        """Figures typed in can be corrected; a Census table's figures are the Bureau's and stay as published."""
        return self.source_kind == BenchmarkSource.TYPED


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Waiting for the worker"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class VeilRun(models.Model):
    """One run of the veil of darkness test on a stops dataset (a Celery job)."""

    city = models.ForeignKey(City, on_delete=models.DO_NOTHING, related_name="+")
    dataset = models.ForeignKey(Dataset, on_delete=models.DB_CASCADE, related_name="veil_runs")
    status = models.CharField(max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED)
    stage = models.CharField(max_length=200, blank=True)
    # disparities.veil.VeilResult.as_dict(), plus what was read.
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DB_SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(db_default=Now())
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = CityQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Veil of darkness on dataset {self.dataset_id} ({self.status})"

    @property
    def is_running(self) -> bool:
        return self.status in {JobStatus.QUEUED, JobStatus.RUNNING}


class ThresholdRun(models.Model):
    """One run of the threshold test for searches on a stops dataset (a Celery job).

    It reads the dataset's rollups (stops, searches, hits by district x race), never its records."""

    city = models.ForeignKey(City, on_delete=models.DO_NOTHING, related_name="+")
    dataset = models.ForeignKey(Dataset, on_delete=models.DB_CASCADE, related_name="threshold_runs")
    status = models.CharField(max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED)
    stage = models.CharField(max_length=200, blank=True)
    # disparities.figures.threshold.ThresholdResult.as_dict()
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DB_SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(db_default=Now())
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = CityQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Threshold test on dataset {self.dataset_id} ({self.status})"

    @property
    def is_running(self) -> bool:
        return self.status in {JobStatus.QUEUED, JobStatus.RUNNING}


class AnalysisMethod(models.TextChoices):
    ADJUSTED = "adjusted", "Adjusted disparities (logistic regression)"
    COMPLAINT_FUNNEL = "complaint_funnel", "The complaint funnel"
    PURPOSES = "purposes", "Stop purposes and search kinds"


# Which kind of dataset each analysis reads.
ANALYSIS_KINDS: dict[str, str] = {
    AnalysisMethod.ADJUSTED: Kind.STOP,
    AnalysisMethod.COMPLAINT_FUNNEL: Kind.COMPLAINT,
    AnalysisMethod.PURPOSES: Kind.STOP,
}


class AnalysisRun(models.Model):
    """One run of an analysis that reads a dataset's records (a Celery job, like `VeilRun`): the
    adjusted disparities of stops, the complaint funnel. Members only: never in a public snapshot."""

    city = models.ForeignKey(City, on_delete=models.DO_NOTHING, related_name="+")
    dataset = models.ForeignKey(Dataset, on_delete=models.DB_CASCADE, related_name="analysis_runs")
    method = models.CharField(max_length=30, choices=AnalysisMethod.choices)
    status = models.CharField(max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED)
    stage = models.CharField(max_length=200, blank=True)
    # The pure module's result (disparities/figures/adjusted.py, complaints.py), plus what was read.
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DB_SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(db_default=Now())
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = CityQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_method_display()} on dataset {self.dataset_id} ({self.status})"

    @property
    def is_running(self) -> bool:
        return self.status in {JobStatus.QUEUED, JobStatus.RUNNING}


class PublishedSnapshot(models.Model):
    """A dashboard as published to the public: suppressed figures frozen at publication.

    `content` is the JSON report with public=True (small cells hidden, no recoverable count). It
    does not change when the dataset changes; withdrawing it takes the public page down.
    """

    city = models.ForeignKey(City, on_delete=models.DO_NOTHING, related_name="+")
    dataset = models.ForeignKey(
        Dataset, on_delete=models.DB_SET_NULL, null=True, blank=True, related_name="snapshots"
    )
    title = models.CharField(max_length=200)
    introduction = models.TextField(blank=True)
    # The public page in Spanish: empty means the English text is shown, with a note.
    title_es = models.CharField("title in Spanish", max_length=200, blank=True)
    introduction_es = models.TextField("introduction in Spanish", blank=True)
    filters = models.JSONField(default=dict, blank=True)
    content = models.JSONField(default=dict)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DB_SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(db_default=Now())
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DB_SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = CityQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_live(self) -> bool:
        return self.withdrawn_at is None
