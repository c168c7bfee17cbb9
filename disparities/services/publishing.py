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


def snapshot_publish(
    *,
    dataset: Dataset,
    filters: Filters,
    benchmark: Benchmark | None,
    title: str,
    introduction: str,
    published_by: User | None,
    ip_address: str | None = None,
) -> PublishedSnapshot:
    """Freeze the dashboard as the public may see it (small cells suppressed) and publish it.

    Trends are published as counts (protected by month and year together); rates and shares over
    time stay with the members, since each would need its own protection of every numerator.
    """
    filters = replace(filters, trend="")
    board = dashboard.dashboard(dataset=dataset, filters=filters, benchmark=benchmark)
    latest = VeilRun.objects.filter(dataset=dataset, status=JobStatus.DONE).order_by("-id").first()
    content = report.document(board, public=True, veil=latest.result if latest else None)
    snapshot = PublishedSnapshot.objects.create(
        city=dataset.city,
        dataset=dataset,
        title=title,
        introduction=introduction,
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
