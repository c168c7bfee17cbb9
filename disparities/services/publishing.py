"""Publishing a dashboard: a snapshot frozen as the public may see it, and its withdrawal."""

from __future__ import annotations

from dataclasses import replace

from django.utils import timezone

from cities.audit import audit_record
from cities.models import AuditAction, User

from ..models import Benchmark, Dataset, JobStatus, PublishedSnapshot, VeilRun
from ..selectors import dashboard, report
from ..selectors.filters import Filters
from .datasets import dataset_audit


class SnapshotNotProtected(Exception):
    """The audit of the page as an integer program found a hidden count that could be worked out
    (or narrowed more than the protection level allows): nothing is published."""

    def __init__(self, *, tables: list[str], failures: list) -> None:
        self.tables = tables
        self.failures = failures
        super().__init__(
            "These tables show too much detail to publish safely: " + "; ".join(tables or ["(the page)"])
        )


def snapshot_publish(
    *,
    dataset: Dataset,
    filters: Filters,
    benchmark: Benchmark | None,
    title: str,
    introduction: str,
    published_by: User | None,
    title_es: str = "",
    introduction_es: str = "",
    ip_address: str | None = None,
) -> PublishedSnapshot:
    """Freeze the dashboard as the public may see it (small cells suppressed) and publish it.

    Trends are published as counts (protected with every other table of the page); rates and shares
    over time stay with the members, since each would need its own protection of every numerator.

    Every count of the page is protected as one system of sums, then audited as an integer program
    (`suppression.audit`): if any hidden count could still be worked out, or narrowed more than the
    protection level allows, nothing is published and `SnapshotNotProtected` names the tables that
    need fewer details (a narrower filter, fewer months, or a wider one).
    """
    filters = replace(filters, trend="")
    board = dashboard.dashboard(dataset=dataset, filters=filters, benchmark=benchmark)
    protected = report.protect(board)
    failures = protected.audit()
    if failures:
        raise SnapshotNotProtected(tables=protected.tables_needing_fewer_details(failures), failures=failures)
    latest = VeilRun.objects.filter(dataset=dataset, status=JobStatus.DONE).order_by("-id").first()
    content = report.document(board, public=True, veil=latest.result if latest else None, protected=protected)
    snapshot = PublishedSnapshot.objects.create(
        city=dataset.city,
        dataset=dataset,
        title=title,
        introduction=introduction,
        title_es=title_es.strip(),
        introduction_es=introduction_es.strip(),
        filters=filters.as_dict(),
        content=content,
        published_by=published_by,
    )
    dataset_audit(
        dataset=dataset, action=AuditAction.CREATE, by=published_by, ip_address=ip_address,
        summary=f"Published “{snapshot.title}” (page {snapshot.pk}, protected)",
    )  # fmt: skip
    return snapshot


def snapshot_withdraw(
    *, snapshot: PublishedSnapshot, withdrawn_by: User | None, ip_address: str | None = None
) -> PublishedSnapshot:
    """Take a public page down. Its dataset may be gone already: the entry then names no dataset."""
    if snapshot.withdrawn_at is None:
        snapshot.withdrawn_at = timezone.now()
        snapshot.withdrawn_by = withdrawn_by
        snapshot.save(update_fields=["withdrawn_at", "withdrawn_by"])
        if withdrawn_by is not None:
            audit_record(
                action=AuditAction.CHANGE, object_type="police dataset", object_id=snapshot.dataset_id or "",
                summary=f"Withdrew the public page “{snapshot.title}” ({snapshot.pk})", city=snapshot.city,
                actor=withdrawn_by, ip_address=ip_address,
            )  # fmt: skip
    return snapshot
