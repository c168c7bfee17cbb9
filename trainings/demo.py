"""Trainings demo content: the league's "Facilitating Race Conversations", with a session held last
week where the facilitators and staff of both demo cities were checked in, and one next month open
for registration; Riverton's own budget-equity training with a session next week.
Idempotent: once the league's demo training exists, nothing more is made.

A session in the past cannot take registrations through the service (registration closes when it
starts), so the held session is scheduled ahead, filled and checked in, then moved back a week: the
only writes here that the services do not make, and they touch dates only.
"""

from datetime import timedelta

from django.utils import timezone

from cities.models import Membership
from library.models import Resource, ResourceStatus

from . import services
from .models import Completion, Session, Training

TITLE = "Facilitating Race Conversations"


def seed(ctx: dict) -> None:
    curator = ctx.get("curator")
    cities = ctx.get("cities") or {}
    if curator is None or not cities or Training.objects.league().filter(title=TITLE).exists():
        return
    curriculum = list(Resource.objects.filter(status=ResourceStatus.PUBLISHED).order_by("title")[:2])
    league = services.training_create(
        city=None, by=curator, title=TITLE, format="workshop", length_minutes=180, curriculum=curriculum,
        audience_roles=["facilitator", "staff"],
        description="How to open, hold and close a conversation about race among residents, police and city staff.",
    )  # fmt: skip
    start = timezone.now() + timedelta(hours=1)
    held = services.session_create(
        training=league, by=curator, starts_at=start, ends_at=start + timedelta(hours=3), mode="online",
        online_link="https://meet.example.org/real-facilitating", capacity=30,
    )  # fmt: skip
    present = []
    for city in cities.values():
        for membership in Membership.objects.for_city(city).filter(role__in=["facilitator", "staff"]):
            present.append(services.registration_create(session=held, membership=membership).pk)
    services.attendance_record(session=held, present=present, by=curator, membership=None)
    Session.objects.filter(pk=held.pk).update(
        starts_at=held.starts_at - timedelta(days=7), ends_at=held.ends_at - timedelta(days=7)
    )
    Completion.objects.filter(session=held).update(
        completed_on=timezone.localdate(held.starts_at - timedelta(days=7))
    )
    later = timezone.now() + timedelta(days=30)
    services.session_create(
        training=league, by=curator, starts_at=later, ends_at=later + timedelta(hours=3), mode="in_person",
        location="National League of Cities, 660 North Capitol St NW, Washington, DC", capacity=25,
    )  # fmt: skip
    riverton = cities.get("riverton-mi")
    if riverton is not None:
        staff = Membership.objects.for_city(riverton).filter(role="staff").select_related("user").first()
        own = services.training_create(
            city=riverton, by=staff.user, membership=staff, title="Equity questions for budget requests",
            format="workshop", length_minutes=90, audience_roles=["staff", "lead"],
        )  # fmt: skip
        soon = timezone.now() + timedelta(days=7)
        services.session_create(
            training=own, by=staff.user, membership=staff, starts_at=soon, ends_at=soon + timedelta(hours=1, minutes=30),
            mode="in_person", location="Riverton City Hall, room 210", capacity=15,
        )  # fmt: skip
