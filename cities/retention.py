"""Retention: each app registers how to purge what a city no longer keeps.

Apps register a purger in their AppConfig.ready() (cities imports no other app):

    retention.register("contacts", purge_contacts)   # fn(*, city, before) -> int (rows erased)
    retention.register("police", purge_datasets)

The nightly task calls every purger for every city whose settings set a limit, and logs what it
erased in the audit log.
"""

from collections.abc import Callable
from datetime import datetime, timedelta

from django.utils import timezone

from .audit import audit_record
from .models import AuditAction, City, CitySettings

Purger = Callable[..., int]
_purgers: dict[str, list[tuple[str, Purger]]] = {"contacts": [], "police": []}


def register(kind: str, purger: Purger, *, label: str = "") -> None:
    if kind not in _purgers:
        raise ValueError(f"Unknown retention kind {kind!r}; use one of {sorted(_purgers)}")
    entry = (label or f"{purger.__module__}.{purger.__name__}", purger)
    if entry not in _purgers[kind]:
        _purgers[kind].append(entry)


def registered() -> dict[str, list[str]]:
    return {kind: [label for label, _ in entries] for kind, entries in _purgers.items()}


def retention_purge(*, now: datetime | None = None) -> dict[str, int]:
    """Erase what every city's retention settings say must go; returns rows erased per purger."""
    now = now or timezone.now()
    totals: dict[str, int] = {}
    for settings in CitySettings.objects.select_related("city").exclude(
        retain_contacts_days=None, retain_police_days=None
    ):
        city: City = settings.city
        for kind, days in (("contacts", settings.retain_contacts_days), ("police", settings.retain_police_days)):
            if days is None:
                continue
            before = now - timedelta(days=days)
            for label, purger in _purgers[kind]:
                erased = purger(city=city, before=before)
                totals[label] = totals.get(label, 0) + erased
                audit_record(
                    action=AuditAction.PURGE,
                    object_type=kind,
                    summary=f"{label}: erased {erased} record(s) older than {days} days "
                    f"(before {timezone.localtime(before):%Y-%m-%d})",
                    city=city,
                )
    return totals
