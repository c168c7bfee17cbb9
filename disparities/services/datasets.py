"""Everything that writes a police dataset before and around its import: upload, mapping, confirm,
retry, cancel, delete, mappings exported and loaded, and the audit log of every act on a dataset.

The import itself runs in services/imports.py. A service that acts for a person (`by`, `uploaded_by`)
writes its entry in the city's audit log, with the address the request came from (`ip_address`);
the command line and the demo seed act for no one and write none.
"""

from __future__ import annotations

import hashlib
import io
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from cities.audit import audit_record
from cities.models import AuditAction, City, User

from ..files import mapping as mapping_rules
from ..files.reader import (
    ENCODINGS,
    FileProblem,
    Preview,
    open_table,
    open_zip_tables,
    read_preview,
    zip_member_count,
)
from ..files.release import join_release
from ..models import Dataset, DatasetPreview, Kind, SavedMapping, Status
from .imports import cancel_key, reader_limits

PREVIEW_ROWS = 5_000  # rows read to propose value mappings (POLICE_MAPPING_PREVIEW_ROWS)
PREVIEW_CELL_CHARS = 1_000  # a cell kept for the mapping page is cut to this many characters


def preview_rows() -> int:
    return getattr(settings, "POLICE_MAPPING_PREVIEW_ROWS", PREVIEW_ROWS)


class DuplicateDataset(Exception):
    def __init__(self, earlier: Dataset):
        super().__init__(f"This file was already uploaded as “{earlier.name}”.")
        self.earlier = earlier


def file_sha256(file) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in iter(lambda: file.read(1024 * 1024), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def dataset_audit(
    *, dataset: Dataset, action: str, summary: str, by: User | None, ip_address: str | None = None
) -> None:
    """One entry in the city's audit log for an act on a police dataset (see SECURITY.md); an act for no
    one (the command line, the demo seed, a test's builder) writes none."""
    if by is None:
        return
    audit_record(
        action=action, object_type="police dataset", object_id=dataset.pk, summary=summary,
        city=dataset.city, actor=by, ip_address=ip_address,
    )  # fmt: skip


def dataset_exported(*, dataset: Dataset, what: str, by: User | None, ip_address: str | None = None) -> None:
    """A member downloaded something of the dataset: the report, a table, the lines it could not read."""
    dataset_audit(
        dataset=dataset, action=AuditAction.EXPORT, summary=f"Exported {what}", by=by, ip_address=ip_address
    )


def dataset_file_viewed(
    *, dataset: Dataset, rows: int, by: User | None, ip_address: str | None = None
) -> None:
    """The mapping page showed the file's first rows as uploaded, names and addresses included."""
    dataset_audit(
        dataset=dataset, action=AuditAction.VIEW, summary=f"Viewed the first {rows} rows of the file to map it",
        by=by, ip_address=ip_address,
    )  # fmt: skip


# -- upload and mapping ---------------------------------------------------------------------


def dataset_upload(
    *,
    city: City,
    kind: str,
    file,
    name: str = "",
    source_agency: str = "",
    uploaded_by: User | None = None,
    replaces: Dataset | None = None,
    allow_duplicate: bool = False,
    ip_address: str | None = None,
    encoding: str = "",
    defer_large: bool = False,
) -> Dataset:
    """Store an uploaded file, read its header and first rows (stored for the mapping page) and propose
    a mapping (status `mapping`). `encoding` is the analyst's choice of text encoding ("" detects it).
    With `defer_large` (the upload page), a file larger than POLICE_UPLOAD_READ_IN_WORKER_MB is only
    stored, and read by the worker (status `uploaded` until then); the command line, the demo seed
    and other callers read every file in place.

    Raises `ValidationError` with what to fix when the file cannot be read at all, and
    `DuplicateDataset` when the same file was uploaded before for this city and kind. Whatever
    stops an upload, its file is not left on the server.
    """
    if kind not in Kind.values:
        raise ValidationError({"kind": "Choose what one row of the file is."})
    if replaces is not None and (replaces.city_id != city.id or replaces.kind != kind):
        raise ValidationError("A dataset can only be replaced by a file of the same city and kind.")
    sha = file_sha256(file)
    if not allow_duplicate:
        earlier = (
            Dataset.objects.for_city(city).filter(kind=kind, sha256=sha).exclude(pk=getattr(replaces, "pk", None))
            .order_by("-uploaded_at").first()
        )  # fmt: skip
        if earlier is not None:
            raise DuplicateDataset(earlier)
    if encoding and encoding not in ENCODINGS:
        raise ValidationError({"encoding": "Choose one of the encodings listed."})
    filename = Path(getattr(file, "name", "") or "upload.csv").name
    dataset = Dataset(
        city=city,
        kind=kind,
        name=(name or (replaces.name if replaces else "") or Path(filename).stem.replace("_", " "))[:200],
        source_agency=source_agency or (replaces.source_agency if replaces else ""),
        original_filename=filename[:255],
        file_size=getattr(file, "size", 0) or 0,
        sha256=sha,
        uploaded_by=uploaded_by,
        replaces=replaces,
        status=Status.MAPPING,
    )
    dataset.file.save(filename, file if isinstance(file, File) else File(file, name=filename), save=False)
    # From here on, an upload that fails for any reason takes its stored file with it.
    try:
        try:
            # The related tables of one release are joined in memory: always by the worker.
            release = zip_member_count(dataset.file.path) > 1
        except FileProblem as problem:
            raise ValidationError({"file": str(problem)}) from problem
        if defer_large and (dataset.file_size > read_in_worker_bytes() or release):
            # A large file is read by the worker (status `uploaded` until then): the request stores it.
            dataset.status = Status.UPLOADED
            dataset.file_format = {"encoding": encoding} if encoding else {}
            with transaction.atomic():
                dataset.save()
                _enqueue_reading(dataset)
        else:
            try:
                _read(dataset, encoding)
            except FileProblem as problem:
                raise ValidationError({"file": str(problem)}) from problem
    except BaseException:
        dataset.file.delete(save=False)
        raise
    dataset_audit(
        dataset=dataset, action=AuditAction.CREATE, by=uploaded_by, ip_address=ip_address,
        summary=f"Uploaded “{dataset.name}” ({dataset.get_kind_display().lower()}, "
        f"{dataset.original_filename or 'file'})" + (f", a new version of dataset {replaces.pk}" if replaces else ""),
    )  # fmt: skip
    return dataset


def read_in_worker_bytes() -> int:
    """Files larger than this are read by the worker, not in the upload's request."""
    return getattr(settings, "POLICE_UPLOAD_READ_IN_WORKER_MB", 32) * 1024 * 1024


def _read(dataset: Dataset, encoding: str, *, stored: bool = False) -> bool:
    """Read the file within the limits, keep its first rows, propose a mapping: status `mapping`.
    Raises FileProblem when the file cannot be read. With `stored` (the worker), the dataset row is
    updated only while it is still `uploaded`; False when it is not (deleted meanwhile).

    A zip of several CSV files is the related tables of one release (RIPA): they are joined by stop
    id into one CSV (files/release.py), which takes the zip's place as the dataset's file."""
    release = None
    if zip_member_count(dataset.file.path) > 1:
        release = _join_release(dataset, encoding)
        encoding = "utf-8"
    table = open_table(dataset.file.path, limits=reader_limits(), encoding=encoding)
    sample = read_preview(
        table, limit=preview_rows(), max_cells=getattr(settings, "POLICE_MAPPING_PREVIEW_CELLS", 500_000)
    )
    sample.rows = [[cell[:PREVIEW_CELL_CHARS] for cell in row] for row in sample.rows]
    dataset.file_format = table.describe()
    if release is not None:
        dataset.file_format["release"] = release
    dataset.mapping = mapping_rules.propose(
        table.header,
        sample.rows,
        dataset.kind,
        saved=_saved_mapping(dataset.city, dataset.kind, table.header),
    )
    dataset.status = Status.MAPPING
    with transaction.atomic():
        if stored:
            updated = Dataset.objects.filter(pk=dataset.pk, status=Status.UPLOADED).update(
                file_format=dataset.file_format, mapping=dataset.mapping, status=Status.MAPPING,
                file=dataset.file.name,
            )  # fmt: skip
            if not updated:
                if release is not None:
                    dataset.file.delete(save=False)  # the joined file of a dataset deleted meanwhile
                return False
        else:
            dataset.save()
        preview_store(dataset=dataset, header=table.header, sample=sample)
    return True


def _join_release(dataset: Dataset, encoding: str) -> dict:
    """Join the zip's tables into one CSV stored in the zip's place (the zip is deleted); what was
    joined, for the dataset's page. Raises FileProblem (nothing new is kept) when they do not join."""
    limits = reader_limits()
    joined_at_most = getattr(settings, "POLICE_RELEASE_MAX_MB", 1024) * 1024 * 1024
    limits = limits.with_uncompressed(min(limits.max_uncompressed, joined_at_most))
    tables = open_zip_tables(dataset.file.path, limits=limits, encoding=encoding)
    with tempfile.TemporaryFile() as raw:
        out = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        report = join_release(tables, out)
        out.flush()
        out.detach()
        raw.seek(0)
        zipped = dataset.file.name
        name = f"{Path(dataset.original_filename or 'release').stem}_joined.csv"
        dataset.file.save(name, File(raw, name=name), save=False)
    dataset.file.storage.delete(zipped)
    return {"tables": report["tables"], "rows": report["rows"]}


def _enqueue_reading(dataset: Dataset) -> None:
    from ..tasks import dataset_read_task

    dataset_read_task.delay_on_commit(dataset.pk)


FILE_REFUSED = " Nothing of the file was kept: upload it again once it is fixed."


def dataset_read(*, dataset_id: int) -> Dataset | None:
    """The worker's reading of a large upload (status `uploaded`): as at upload, the file read within
    the limits, its first rows kept and a mapping proposed (status `mapping`); a file that cannot be
    read makes the dataset `failed` with the reason, and its file is deleted. Does nothing to a dataset
    in any other status (a second delivery of the task)."""
    dataset = Dataset.objects.select_related("city").filter(pk=dataset_id, status=Status.UPLOADED).first()
    if dataset is None:
        return None
    try:
        if not _read(dataset, dataset.file_format.get("encoding", ""), stored=True):
            return None
    except FileProblem as problem:
        stored = dataset.file.name
        updated = Dataset.objects.filter(pk=dataset.pk, status=Status.UPLOADED).update(
            status=Status.FAILED,
            status_message=str(problem) + FILE_REFUSED,
            file="",
            finished_at=timezone.now(),
        )
        if not updated:
            return None  # deleted meanwhile (its file goes with it)
        if stored:
            dataset.file.storage.delete(stored)
        dataset.refresh_from_db()
    return dataset


def preview_store(*, dataset: Dataset, header: list[str], sample: Preview) -> DatasetPreview:
    """Keep the first rows read at upload: the mapping page proposes and shows values from them."""
    stored, _ = DatasetPreview.objects.update_or_create(
        dataset=dataset,
        defaults={
            "header": header, "rows": sample.rows, "unreadable": sample.unreadable, "complete": sample.complete,
        },
    )  # fmt: skip
    return stored


def _saved_mapping(city: City, kind: str, header: list[str]) -> dict | None:
    saved = (
        SavedMapping.objects.for_city(city)
        .filter(kind=kind, header_key=mapping_rules.header_key(header))
        .first()
    )
    return saved.mapping if saved else None


def dataset_set_mapping(*, dataset: Dataset, mapping: dict) -> Dataset:
    """Keep the analyst's corrections (the mapping page saves as it goes)."""
    if dataset.status not in {Status.MAPPING, Status.UPLOADED, Status.FAILED}:
        raise ValidationError("This dataset's mapping cannot change now.")
    dataset.mapping = mapping
    dataset.save(update_fields=["mapping"])
    return dataset


def dataset_confirm(
    *,
    dataset: Dataset,
    mapping: dict | None = None,
    enqueue: bool = True,
    by: User | None = None,
    ip_address: str | None = None,
) -> Dataset:
    """Confirm the mapping, remember it for the next file with this header, and queue the import.

    `enqueue=False` leaves the queued dataset for the caller to import synchronously (the command
    line and the demo seed do)."""
    mapping = mapping if mapping is not None else dataset.mapping
    header = dataset.file_format.get("header", [])
    problems = mapping_rules.problems(mapping, header)
    if problems:
        raise ValidationError(problems)
    if dataset.status not in {Status.MAPPING, Status.UPLOADED, Status.FAILED}:
        raise ValidationError("This dataset is already being imported.")
    # Before the task is queued: a worker must not find an old cancel request.
    cache.delete(cancel_key(dataset.pk))
    with transaction.atomic():
        dataset.mapping = mapping
        dataset.status = Status.QUEUED
        dataset.status_message = ""
        dataset.cancel_requested = False
        dataset.queued_at = timezone.now()
        dataset.save(update_fields=["mapping", "status", "status_message", "cancel_requested", "queued_at"])
        SavedMapping.objects.update_or_create(
            city=dataset.city,
            kind=dataset.kind,
            header_key=mapping_rules.header_key(header),
            defaults={"header": header, "mapping": mapping, "name": dataset.source_agency or dataset.name},
        )
        if enqueue:
            _enqueue(dataset)
        dataset_audit(
            dataset=dataset, action=AuditAction.CHANGE, by=by, ip_address=ip_address,
            summary="Confirmed the mapping and started the import",
        )  # fmt: skip
    return dataset


def _enqueue(dataset: Dataset) -> None:
    from ..tasks import dataset_import_task

    dataset_import_task.delay_on_commit(dataset.pk)


def dataset_retry(*, dataset: Dataset, by: User | None = None, ip_address: str | None = None) -> Dataset:
    if dataset.status != Status.FAILED:
        raise ValidationError("Only a failed import can be retried.")
    if not dataset.file:
        raise ValidationError("The file of this dataset was refused and not kept: upload it again.")
    dataset = dataset_confirm(dataset=dataset)
    dataset_audit(
        dataset=dataset,
        action=AuditAction.CHANGE,
        summary="Started the import again",
        by=by,
        ip_address=ip_address,
    )
    return dataset


def dataset_cancel(*, dataset: Dataset, by: User | None = None, ip_address: str | None = None) -> Dataset:
    """Ask a queued or running import to stop; it rolls back and nothing is imported."""
    cache.set(cancel_key(dataset.pk), True, timeout=24 * 3600)
    Dataset.objects.filter(pk=dataset.pk).update(cancel_requested=True)
    updated = Dataset.objects.filter(pk=dataset.pk, status=Status.QUEUED).update(
        status=Status.FAILED,
        status_message="The import was cancelled before it started. Nothing was imported.",
    )
    dataset.refresh_from_db()
    if updated:
        cache.delete(cancel_key(dataset.pk))
    dataset_audit(
        dataset=dataset,
        action=AuditAction.CHANGE,
        summary="Cancelled the import",
        by=by,
        ip_address=ip_address,
    )
    return dataset


def dataset_delete(*, dataset: Dataset, by: User | None = None, ip_address: str | None = None) -> None:
    """Delete a dataset with its records and rollups (the database cascades, in one statement)."""
    if dataset.status == Status.IMPORTING:
        raise ValidationError("Cancel the import before deleting the dataset.")
    stored = dataset.file.name
    with transaction.atomic():
        Dataset.objects.filter(replaces=dataset).update(replaces=None)
        Dataset.objects.filter(pk=dataset.pk).delete()
        if stored and not Dataset.objects.filter(file=stored).exists():
            transaction.on_commit(lambda: dataset.file.storage.delete(stored))
        dataset_audit(
            dataset=dataset, action=AuditAction.DELETE, by=by, ip_address=ip_address,
            summary=f"Deleted “{dataset.name}”, its records and its figures",
        )  # fmt: skip


def mapping_export(*, dataset: Dataset) -> dict:
    """The dataset's mapping as a JSON-able document another city or a script can reuse."""
    return {
        "realcities_mapping": mapping_rules.MAPPING_VERSION,
        "kind": dataset.kind,
        "header": dataset.file_format.get("header", []),
        **{k: v for k, v in dataset.mapping.items() if k not in {"personal_columns"}},
    }


def mapping_load(*, dataset: Dataset, data: object) -> Dataset:
    """Apply an exported mapping to a dataset awaiting its mapping (values completed from its file)."""
    try:
        mapping = mapping_rules.validate_import(data, dataset.kind)
    except ValueError as error:
        raise ValidationError(str(error)) from error
    stored = dataset_preview_rows(dataset=dataset)
    absent = sorted({column for column in mapping["columns"].values() if column not in stored.header})
    if absent:
        raise ValidationError(
            "This mapping names columns that this file does not have: "
            + ", ".join(f"“{column[:100]}”" for column in absent[:10])
            + ". Load a mapping made for a file with the same columns, or map this one on the page."
        )
    mapping = mapping_rules.complete(mapping, stored.header, stored.rows)
    return dataset_set_mapping(dataset=dataset, mapping=mapping)


def dataset_preview_rows(*, dataset: Dataset) -> DatasetPreview:
    """The rows stored at upload; for a dataset uploaded before they were stored, read (once) now."""
    stored = DatasetPreview.objects.filter(dataset=dataset).first()
    if stored is not None:
        return stored
    if not dataset.file or dataset.status == Status.UPLOADED:
        raise ValidationError(
            "The file of this dataset is not read yet, or was refused: there is nothing to map."
        )
    try:
        table = open_table(
            dataset.file.path, limits=reader_limits(), encoding=dataset.file_format.get("encoding", "")
        )
        sample = read_preview(table, limit=preview_rows())
    except FileProblem as problem:
        raise ValidationError(str(problem)) from problem
    sample.rows = [[cell[:PREVIEW_CELL_CHARS] for cell in row] for row in sample.rows]
    return preview_store(dataset=dataset, header=table.header, sample=sample)
