"""The import of a police dataset, its rollups, and the reaper of imports that stopped.

The import (`dataset_import`) runs in a Celery worker (or synchronously from the command line and
the demo seed). It streams the file, normalises each row, COPYs the records into the kind's table
and builds the rollups, all in ONE transaction, so a dataset is either wholly imported or not at
all. A Postgres advisory lock per dataset makes a second delivery of the same task a no-op.
When the database cannot be reached before the import starts, `dataset_import` raises
`DatabaseUnavailable` having done nothing, and the task tries again later (disparities/tasks.py).
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from psycopg import sql
from psycopg.copy import QueuedLibpqWriter

from cities.models import City

from .. import measures
from ..files import mapping as mapping_rules
from ..files.normalise import (
    Normaliser,
    Problem,
    RowRejected,
    columns_for,
    copy_row,
    copy_types,
    merge_person,
)
from ..files.reader import MB, FileProblem, Limits, RowProblem, Table, open_table
from ..models import (
    OFFICER_RACE_KINDS,
    RECORD_MODELS,
    TYPE_FIELD,
    CityDataKey,
    Dataset,
    ImportProblem,
    Kind,
    ProblemKind,
    Status,
)

logger = logging.getLogger(__name__)

LOCK_NAMESPACE = 31_415  # first key of pg_advisory_lock(int, int): police dataset imports
PROGRESS_EVERY = 0.5  # seconds between progress reports

UNEXPECTED_ERROR = (
    "The import stopped on an unexpected error. Nothing was imported. Retry; if it fails "
    "again, send the file to the REAL Cities support team."
)
DATABASE_LOST = (
    "The import was interrupted: the connection to the database was lost (for example, the database "
    "restarted). Nothing was imported. Press Retry to import the file again."
)
NEVER_STARTED = (
    "The import never started (the importer could not reach the database). Nothing was imported. Press Retry."
)


def _setting(name: str, default):
    return getattr(settings, name, default)


def reader_limits() -> Limits:
    """What one uploaded file may cost to read, from the settings (docs/disparities.md)."""
    return Limits(
        max_uncompressed=_setting("POLICE_UPLOAD_MAX_UNCOMPRESSED", 4 * 1024**3),
        max_ratio=_setting("POLICE_UPLOAD_MAX_ZIP_RATIO", 100),
        max_columns=_setting("POLICE_FILE_MAX_COLUMNS", 1000),
        max_cell_chars=_setting("POLICE_FILE_MAX_CELL_CHARS", 32_767),
        max_line_chars=_setting("POLICE_FILE_MAX_LINE_CHARS", 4 * MB),
        max_shared_strings=_setting("POLICE_XLSX_MAX_SHARED_TEXT_MB", 50) * MB,
    )


class ImportCancelled(Exception):
    pass


class DatabaseUnavailable(Exception):
    """The database could not be reached before the import started: nothing was done, and the
    dataset is as it was (queued). Safe to try again later."""


@dataclass
class ImportOutcome:
    dataset: Dataset | None  # None when the dataset was deleted before its import ran
    did_work: bool


# -- keys for progress and cancel (the Redis cache: written outside the import's transaction) ---
def progress_key(dataset_id: int) -> str:
    return f"disparities:progress:{dataset_id}"


def cancel_key(dataset_id: int) -> str:
    return f"disparities:cancel:{dataset_id}"


def officer_key_for(city: City) -> bytes:
    key, _ = CityDataKey.objects.get_or_create(city=city)
    return key.secret.encode()


# -- the import -----------------------------------------------------------------------------


def _try_lock(dataset_id: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_NAMESPACE, dataset_id])
        return bool(cursor.fetchone()[0])


def _unlock(dataset_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_NAMESPACE, dataset_id])


def dataset_import(*, dataset_id: int, on_progress: Callable[[dict], None] | None = None) -> ImportOutcome:
    """Import a queued dataset. Safe to call twice: the second call finds the work done (or in hand).

    Raises `DatabaseUnavailable` when the database cannot be reached (to connect, take the lock or
    read the dataset) before anything was done. Once the import has started, a lost database is
    handled here: the dataset is marked failed, retryable, or left `importing` for the reaper."""
    try:
        locked = _try_lock(dataset_id)
        session = connection.connection  # the database session that holds the lock
        dataset = Dataset.objects.select_related("city").filter(pk=dataset_id).first()
    except (OperationalError, InterfaceError) as error:
        # Nothing was written. Closing the connection ends its session (and the lock with it, if it
        # was taken), so that the next try opens a new one.
        with contextlib.suppress(OperationalError, InterfaceError):
            connection.close()
        raise DatabaseUnavailable(f"The database could not be reached: {error}") from error
    if not locked:
        return ImportOutcome(dataset, did_work=False)
    try:
        if dataset is None or dataset.status not in {Status.QUEUED, Status.IMPORTING}:
            return ImportOutcome(dataset, did_work=False)
        if dataset.cancel_requested or cache.get(cancel_key(dataset_id)):
            _fail(dataset, "The import was cancelled. Nothing was imported.")
            return ImportOutcome(dataset, did_work=True)
        now = timezone.now()
        Dataset.objects.filter(pk=dataset_id).update(
            status=Status.IMPORTING, started_at=now, heartbeat_at=now, finished_at=None,
            attempts=F("attempts") + 1, status_message="", progress_rows=0, progress_bytes=0,
        )  # fmt: skip
        officer_key = officer_key_for(dataset.city)
        try:
            with transaction.atomic():
                _load(dataset, officer_key, on_progress)
        except ImportCancelled:
            _fail(dataset, "The import was cancelled. Nothing was imported.")
        except FileProblem as problem:
            _fail(dataset, str(problem))
        except Exception:
            logger.exception("Import of police dataset %s failed", dataset_id)
            if _session_lost(session):
                # The database went away (a restart ends every session): the server rolled the
                # import back, and the failure can only be recorded once it answers again.
                _fail(dataset, DATABASE_LOST, wait=_setting("POLICE_IMPORT_DATABASE_WAIT_SECONDS", 60))
            else:
                _fail(dataset, UNEXPECTED_ERROR)
        dataset.refresh_from_db()
        cache.delete(progress_key(dataset_id))
        cache.delete(cancel_key(dataset_id))
        return ImportOutcome(dataset, did_work=True)
    finally:
        # A lost session took its advisory lock with it; unlocking on a new one would fail or warn.
        if not _session_lost(session):
            _unlock(dataset_id)


def _session_lost(session) -> bool:
    """Whether the database session that took the lock is gone (closed, broken, or replaced)."""
    return session is None or session.closed or connection.connection is not session


def _fail(dataset: Dataset, message: str, *, wait: float = 0) -> None:
    """Mark the dataset failed, unless its import committed (a connection lost while COMMIT was
    under way may have committed it: it is then imported, whole).

    With `wait`, a lost database is tried again for up to `wait` seconds (a restart takes a few);
    past that the error is raised, and the reaper marks the dataset failed once the database is back."""
    deadline = time.monotonic() + wait
    while True:
        try:
            Dataset.objects.filter(pk=dataset.pk, status__in=[Status.QUEUED, Status.IMPORTING]).update(
                status=Status.FAILED,
                status_message=message,
                finished_at=timezone.now(),
                cancel_requested=False,
            )
            dataset.refresh_from_db()
            return
        except (OperationalError, InterfaceError):
            if time.monotonic() >= deadline:
                raise
            connection.close()  # drop the dead connection: the next query opens a new one
            time.sleep(0.5)


class _Progress:
    def __init__(self, dataset: Dataset, table: Table, on_progress):
        self.dataset_id = dataset.pk
        self.table = table
        self.on_progress = on_progress
        self.started = time.monotonic()
        self.next_report = 0.0

    def tick(self, rows: int, rejected: int, *, force: bool = False, stage: str = "reading") -> None:
        now = time.monotonic()
        if not force and now < self.next_report:
            return
        self.next_report = now + PROGRESS_EVERY
        elapsed = max(now - self.started, 1e-6)
        done = self.table.bytes_done
        total = max(self.table.total_bytes, 1)
        fraction = min(done / total, 1.0)
        left = (elapsed / fraction - elapsed) if fraction > 0.01 else None
        state = {
            "rows": rows,
            "rejected": rejected,
            "rate": round(rows / elapsed),
            "fraction": round(fraction, 4),
            "seconds_left": round(left) if left is not None else None,
            "stage": stage,
            "heartbeat": time.time(),
        }
        cache.set(progress_key(self.dataset_id), state, timeout=3600)
        if self.on_progress:
            self.on_progress(state)
        if cache.get(cancel_key(self.dataset_id)):
            raise ImportCancelled


def _load(dataset: Dataset, officer_key: bytes, on_progress) -> None:
    """Inside the caller's transaction: COPY the records, the problems, the rollups, the status."""
    mapping = dataset.mapping
    # The encoding found (or chosen) at upload, when the whole file was checked: not detected again.
    table = open_table(
        dataset.file.path,
        limits=reader_limits(),
        encoding=dataset.file_format.get("encoding", ""),
        check_whole_file=False,
    )
    missing = [c for c in mapping.get("columns", {}).values() if c not in table.header]
    if missing:
        raise FileProblem(
            f"The file has no column named {', '.join(f'“{c}”' for c in missing)}. "
            "Check that this is the right file, or change the mapping."
        )
    wrong = mapping_rules.problems(mapping, table.header)
    if wrong:
        raise FileProblem(" ".join(wrong))
    normaliser = Normaliser(dataset.kind, mapping, table.header, officer_key)
    # Rows that are not records (quarter separators, voided rows ...), left out by the mapping's rules.
    exclusions = mapping_rules.Exclusions(mapping, table.header)
    excluded = exclusions.excluded if exclusions else None
    model = RECORD_MODELS[dataset.kind]
    columns = columns_for(dataset.kind)
    names = ["dataset_id"] + [name for name, _ in columns]
    types = copy_types(dataset.kind)
    kind = dataset.kind
    max_problems = _setting("POLICE_IMPORT_MAX_PROBLEMS", 10_000)
    problems: list[tuple] = []
    read = imported = rejected = values_missing = 0
    progress = _Progress(dataset, table, on_progress)
    dataset_id = dataset.pk
    statement = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT BINARY)").format(
        sql.Identifier(model._meta.db_table), sql.SQL(", ").join(map(sql.Identifier, names))
    )
    # Several rows per person (RIPA): rows are gathered by (stop id, person id) and written once per
    # person at the end (files/normalise.py: PERSON_RULE).
    persons: dict[tuple[str, str], list[tuple]] | None = None
    if kind == Kind.STOP and mapping_rules.resolves_persons(mapping):
        persons = {}
        stop_at, person_at = normaliser.index["incident_id"], normaliser.index["person_id"]
        stop_column, person_column = mapping["columns"]["incident_id"], mapping["columns"]["person_id"]
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor
        # A second thread sends the data while this one reads and normalises the next rows.
        with cursor.copy(statement, writer=QueuedLibpqWriter(cursor)) as copy:
            copy.set_types(types)
            write = copy.write_row
            record = normaliser.record
            fast = normaliser.fast(dataset_id)
            for item in table.rows():
                read += 1
                if type(item) is RowProblem:
                    rejected += 1
                    if len(problems) < max_problems:
                        problems.append((ProblemKind.ROW_REJECTED, item.line, "", "", item.reason))
                else:
                    line, fields = item  # type: ignore[misc]
                    if excluded is not None and excluded(fields):
                        continue
                    if persons is not None:
                        stop_key = mapping_rules.key_value(fields[stop_at])
                        person_key = mapping_rules.key_value(fields[person_at])
                        if not stop_key or not person_key:
                            rejected += 1
                            column, value = (stop_column, fields[stop_at]) if not stop_key else (
                                person_column, fields[person_at]
                            )  # fmt: skip
                            if len(problems) < max_problems:
                                problems.append((
                                    ProblemKind.ROW_REJECTED, line, column[:200], value[:300],
                                    f"No {'stop id' if not stop_key else 'person id'} on this line (column "
                                    f"“{column}” is empty): the row cannot be joined to the person's other "
                                    "rows, so it is not counted.",
                                ))  # fmt: skip
                            continue
                        try:
                            values, value_problems = record(line, fields)
                        except RowRejected as bad:
                            rejected += 1
                            if len(problems) < max_problems:
                                problems.append(
                                    (ProblemKind.ROW_REJECTED, line, bad.column, bad.value[:300], bad.reason[:300])
                                )
                            continue
                        persons.setdefault((stop_key, person_key), []).append(values)
                        values_missing += len(value_problems)
                        for column, value, reason in value_problems:
                            if len(problems) < max_problems:
                                problems.append(
                                    (ProblemKind.VALUE_MISSING, line, column, value[:300], reason[:300])
                                )
                        if not read & 1023:
                            progress.tick(len(persons), rejected)
                        continue
                    try:
                        try:
                            write(fast(line, fields))
                        except Problem:
                            # A value that cannot be read: the careful path stores it as missing and says why.
                            values, value_problems = record(line, fields)
                            write(copy_row(kind, dataset_id, values))
                            values_missing += len(value_problems)
                            for column, value, reason in value_problems:
                                if len(problems) < max_problems:
                                    problems.append(
                                        (ProblemKind.VALUE_MISSING, line, column, value[:300], reason[:300])
                                    )
                    except RowRejected as bad:
                        # A count of records that is not a positive whole number: the line is left out.
                        rejected += 1
                        if len(problems) < max_problems:
                            problems.append(
                                (ProblemKind.ROW_REJECTED, line, bad.column, bad.value[:300], bad.reason[:300])
                            )
                        continue
                    imported += 1
                if not read & 1023:
                    progress.tick(imported, rejected)
            if persons is not None:
                for records in persons.values():
                    write(copy_row(kind, dataset_id, merge_person(kind, records)))
                imported = len(persons)
                persons.clear()
        progress.tick(imported, rejected, force=True, stage="rollups")
        if imported == 0:
            if exclusions and sum(exclusions.counts):
                raise FileProblem(
                    f"Every row that could be read was left out by the mapping's rules ({sum(exclusions.counts)} "
                    "rows). Check the rules for rows to leave out."
                )
            if rejected:
                raise FileProblem(
                    f"None of the {rejected} rows could be read (see the first problem: line "
                    f"{problems[0][1]}: {problems[0][4]}). Check that the file is a complete CSV export."
                )
            raise FileProblem("The file has column names but no rows. Export the data again with its rows.")
        for field, values in normaliser.unmapped.items():
            for value, canonical in values.items():
                if len(problems) < max_problems:
                    problems.append((
                        ProblemKind.VALUE_UNMAPPED, None, mapping["columns"].get(field, field), value[:300],
                        f"{value!r} was not in the mapping; it was counted as {canonical or 'missing'}. "
                        "Correct the mapping and import again if that is wrong.",
                    ))  # fmt: skip
        if problems:
            ImportProblem.objects.bulk_create(
                ImportProblem(dataset_id=dataset_id, kind=k, line=line, column=c[:200], value=v, reason=r)
                for k, line, c, v, r in problems
            )
        build_rollups(dataset, has_incident_id="incident_id" in mapping.get("columns", {}))
        cursor.execute(
            sql.SQL("SELECT min(date), max(date) FROM {} WHERE dataset_id = %s").format(
                sql.Identifier(model._meta.db_table)
            ),
            [dataset_id],
        )
        first, last = cursor.fetchone()
        cursor.execute(
            "SELECT coalesce(sum(with_time), 0), coalesce(sum(rows), 0) FROM disparities_rollup "
            "WHERE dataset_id = %s",
            [dataset_id],
        )
        with_time, records = cursor.fetchone()
    precision = mapping_rules.date_precision(mapping.get("date_format") or "")
    if precision != "day" and last is not None:
        # A year (or month) is stored as its first day: the period ends with the year (or month).
        last = (
            last.replace(month=12, day=31)
            if precision == "year"
            else (last.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        )
    now = timezone.now()
    old = dataset.replaces_id
    Dataset.objects.filter(pk=dataset_id).update(
        status=Status.IMPORTED,
        status_message="",
        rows_read=read,
        rows_imported=imported,
        rows_rejected=rejected,
        values_missing=values_missing,
        rows_excluded=sum(exclusions.counts),
        exclusions=exclusions.report(),
        progress_rows=imported,
        progress_bytes=table.bytes_done,
        period_start=first if dataset.period_start is None else dataset.period_start,
        period_end=last if dataset.period_end is None else dataset.period_end,
        has_incident_id="incident_id" in mapping.get("columns", {}),
        has_time=bool(with_time),
        date_precision=precision,
        weighted="weight" in mapping.get("columns", {}),
        records_imported=records,
        heartbeat_at=now,
        finished_at=now,
        imported_at=now,
        replaces=None,
        cancel_requested=False,
    )
    if old is not None:
        # The new version replaces the old one in the same transaction: readers see one or the other.
        Dataset.objects.filter(replaces_id=old).exclude(pk=dataset_id).update(replaces=None)
        old_file = Dataset.objects.filter(pk=old).values_list("file", flat=True).first()
        Dataset.objects.filter(pk=old).delete()
        if old_file and old_file != dataset.file.name:
            storage = dataset.file.storage
            transaction.on_commit(lambda: storage.delete(old_file))
    if cache.get(cancel_key(dataset_id)):
        raise ImportCancelled


# -- rollups --------------------------------------------------------------------------------


def build_rollups(dataset: Dataset, *, has_incident_id: bool) -> None:
    """(Re)build the dataset's rollup rows from its records, inside the caller's transaction."""
    kind = dataset.kind
    table = RECORD_MODELS[kind]._meta.db_table
    type_column = TYPE_FIELD[kind]
    officer_race = "officer_race" if kind in OFFICER_RACE_KINDS else "''"
    exprs = measures.rollup_columns(kind, has_incident_id=has_incident_id)
    names = measures.ROLLUP_MEASURES
    if has_incident_id:
        sustained_window = (
            ", (bool_or(coalesce(sustained, false)) OVER pair)::int AS pair_sustained"
            if kind == Kind.COMPLAINT
            else ""
        )
        source = f"""(
            SELECT s.*,
              (is_person AND row_number() OVER (PARTITION BY ikey, is_person, subject_race ORDER BY line, id) = 1)::int
                AS first_pair,
              (row_number() OVER (PARTITION BY ikey ORDER BY line, id) = 1)::int AS first_incident
              {sustained_window}
            FROM (
              SELECT r.*, CASE WHEN r.incident_id = '' THEN 'line:' || r.id ELSE 'id:' || r.incident_id END AS ikey
              FROM {table} r WHERE r.dataset_id = %(dataset)s
            ) s
            WINDOW pair AS (PARTITION BY ikey, is_person, subject_race)
        ) w"""  # noqa: S608 - the table name is the model's own
    else:
        source = f"{table} w"
    dims = (
        "date_trunc('month', date)::date, district, subject_race, subject_sex, subject_age_group, "
        f"{type_column}, {officer_race}, is_person"
    )
    with connection.cursor() as cursor:
        # Enough memory to group a large dataset in one hash table (for this transaction only).
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("DELETE FROM disparities_rollup WHERE dataset_id = %s", [dataset.pk])
        cursor.execute("DELETE FROM disparities_finerollup WHERE dataset_id = %s", [dataset.pk])
        cursor.execute(
            f"""
            INSERT INTO disparities_rollup (dataset_id, {", ".join(measures.DIMENSIONS)}, {", ".join(names)})
            SELECT %(dataset)s, {dims}, {", ".join(exprs[name] for name in names)}
            FROM {source}
            WHERE w.dataset_id = %(dataset)s
            GROUP BY 2, 3, 4, 5, 6, 7, 8, 9
            """,  # noqa: S608 - identifiers and expressions are the measures module's own constants
            {"dataset": dataset.pk},
        )
        if kind == Kind.CITATION:
            cursor.execute(
                f"""
                INSERT INTO disparities_finerollup (dataset_id, month, district, race, sex, age_group, type, amount, count)
                SELECT %(dataset)s, date_trunc('month', date)::date, district, subject_race, subject_sex,
                    subject_age_group, violation, fine_amount, sum(weight)
                FROM {table}
                WHERE dataset_id = %(dataset)s AND fine_amount IS NOT NULL AND is_person
                GROUP BY 2, 3, 4, 5, 6, 7, 8
                ORDER BY 2, 3, 4, 5, 6, 7, 8
                """,  # noqa: S608
                {"dataset": dataset.pk},
            )


# -- housekeeping ---------------------------------------------------------------------------


def datasets_reap_stale() -> int:
    """Mark as failed the imports whose worker died (no heartbeat, advisory lock free), then the
    queued imports whose task is gone (see `_reap_never_started`), then the large uploads whose
    reading never finished (see `_reap_never_read`). Returns how many were marked."""
    reaped = _reap_stopped()
    return reaped + _reap_never_started() + _reap_never_read()


def _reap_stopped() -> int:
    """`importing` with no heartbeat for POLICE_IMPORT_STALE_SECONDS and the advisory lock free."""
    stale_after = _setting("POLICE_IMPORT_STALE_SECONDS", 120)
    now = timezone.now()
    reaped = 0
    for dataset in Dataset.objects.filter(status=Status.IMPORTING):
        state = cache.get(progress_key(dataset.pk)) or {}
        last = state.get("heartbeat") or (dataset.heartbeat_at or dataset.started_at or now).timestamp()
        if time.time() - last < stale_after:
            continue
        if not _try_lock(dataset.pk):
            continue  # a worker still holds it: alive
        try:
            reaped += Dataset.objects.filter(pk=dataset.pk, status=Status.IMPORTING).update(
                status=Status.FAILED,
                finished_at=now,
                status_message=(
                    "The import stopped before it finished (the importer was interrupted). Nothing was "
                    "imported. Press Retry to import the file again."
                ),
            )
            cache.delete(progress_key(dataset.pk))
        finally:
            _unlock(dataset.pk)
    return reaped


def _reap_never_started() -> int:
    """`queued` for longer than POLICE_IMPORT_QUEUED_STALE_SECONDS, no import under way anywhere, and
    the advisory lock free: its task is gone (it gave up trying to reach the database, or the broker
    lost it). A task that still turns up later finds the dataset failed and does nothing.

    A queued dataset may legitimately wait behind other imports (each up to CELERY_TASK_TIME_LIMIT):
    while any dataset is `importing` (those whose worker died were reaped just before), the workers
    are busy and the queue is moving, so nothing queued is reaped. The default wait is the task's
    whole retry budget plus an hour, so a task still trying to reach the database is never
    overtaken. Reaping too early costs the analyst a press on Retry, never rows: the import is
    guarded by the lock and the status."""
    if Dataset.objects.filter(status=Status.IMPORTING).exists():
        return 0
    now = timezone.now()
    cutoff = now - timedelta(seconds=_setting("POLICE_IMPORT_QUEUED_STALE_SECONDS", 7200))
    # Datasets queued before `queued_at` existed count from their upload.
    stale = Dataset.objects.filter(
        Q(queued_at__lt=cutoff) | Q(queued_at__isnull=True, uploaded_at__lt=cutoff), status=Status.QUEUED
    )
    reaped = 0
    for dataset_id in list(stale.values_list("pk", flat=True)):
        if not _try_lock(dataset_id):
            continue  # a worker has just picked it up
        try:
            reaped += stale.filter(pk=dataset_id).update(
                status=Status.FAILED, finished_at=now, status_message=NEVER_STARTED, cancel_requested=False
            )
        finally:
            _unlock(dataset_id)
    return reaped


NEVER_READ = (
    "The file was never read (the reader stopped before it finished, for example when the worker was "
    "restarted). Nothing of the file was kept: upload it again."
)


def _reap_never_read() -> int:
    """`uploaded` (shown as "Reading the file") for longer than POLICE_UPLOAD_READ_STALE_SECONDS: the
    worker's reading of a large upload died or its task was lost. The dataset is marked failed with
    the reason and its file deleted, as when a file cannot be read. A reading still under way that
    finishes later finds the dataset no longer `uploaded` and keeps nothing (services/datasets.py).
    While any import runs, the worker is busy and the queue is moving: nothing is reaped."""
    if Dataset.objects.filter(status=Status.IMPORTING).exists():
        return 0
    cutoff = timezone.now() - timedelta(seconds=_setting("POLICE_UPLOAD_READ_STALE_SECONDS", 3600))
    reaped = 0
    for dataset in Dataset.objects.filter(status=Status.UPLOADED, uploaded_at__lt=cutoff):
        stored = dataset.file.name
        updated = Dataset.objects.filter(pk=dataset.pk, status=Status.UPLOADED).update(
            status=Status.FAILED, status_message=NEVER_READ, file="", finished_at=timezone.now()
        )
        if updated and stored:
            dataset.file.storage.delete(stored)
        reaped += updated
    return reaped
