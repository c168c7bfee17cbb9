"""Everything trainings read for a page. City pages go through `for_city` / `offered_to`; the
network's figures (curators) are counts, never a person."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from cities.models import City, Membership, Role

from . import survey
from .models import (
    Completion,
    Registration,
    RegistrationStatus,
    Session,
    SurveyKind,
    SurveyResponse,
    Training,
)


def trainings_offered(*, city: City, page: str | int = 1) -> Page:
    """The league's trainings and the city's own, each with its number of upcoming sessions."""
    now = timezone.now()
    trainings = (
        Training.objects.offered_to(city)
        .annotate(upcoming=Count("sessions", filter=Q(sessions__starts_at__gte=now, sessions__cancelled_at=None)))
        .order_by("city_id", "title", "id")
    )
    return Paginator(trainings, 25).get_page(page)


def league_trainings(*, page: str | int = 1) -> Page:
    now = timezone.now()
    trainings = (
        Training.objects.league()
        .annotate(
            upcoming=Count("sessions", filter=Q(sessions__starts_at__gte=now, sessions__cancelled_at=None), distinct=True),
            completed=Count("completions", distinct=True),
        )
        .order_by("title", "id")
    )
    return Paginator(trainings, 25).get_page(page)


def training_for_city(*, city: City, training_id: int) -> Training:
    """A training this city's members may see (the league's or the city's own); DoesNotExist otherwise."""
    return Training.objects.offered_to(city).prefetch_related("curriculum").get(pk=training_id)


def league_training(*, training_id: int) -> Training:
    return Training.objects.league().prefetch_related("curriculum").get(pk=training_id)


def training_sessions(*, training: Training) -> QuerySet:
    return (
        Session.objects.filter(training=training)
        .annotate(
            taken=Count("registrations", filter=Q(registrations__status=RegistrationStatus.REGISTERED)),
            waiting=Count("registrations", filter=Q(registrations__status=RegistrationStatus.WAITLISTED)),
        )
        .order_by("starts_at", "id")
    )


def session_for_city(*, city: City, session_id: int) -> Session:
    """A session of a training offered to this city; DoesNotExist otherwise."""
    return (
        training_sessions_for(Session.objects.filter(training__in=Training.objects.offered_to(city)))
        .select_related("training")
        .get(pk=session_id)
    )


def league_session(*, session_id: int) -> Session:
    return (
        training_sessions_for(Session.objects.filter(training__city__isnull=True))
        .select_related("training")
        .get(pk=session_id)
    )


def training_sessions_for(sessions: QuerySet) -> QuerySet:
    return sessions.annotate(
        taken=Count("registrations", filter=Q(registrations__status=RegistrationStatus.REGISTERED)),
        waiting=Count("registrations", filter=Q(registrations__status=RegistrationStatus.WAITLISTED)),
    )


def registration_of(*, session: Session, user) -> Registration | None:
    return Registration.objects.filter(session=session, user=user).first()


def checkin_list(*, session: Session, city: City | None) -> list[Registration]:
    """The people with a seat (and those waiting) at a session, for its organisers: a city's own people
    only (`city`), or every city's for the league's organisers (`city=None`)."""
    registrations = Registration.objects.filter(session=session).exclude(status=RegistrationStatus.CANCELLED)
    if city is not None:
        registrations = registrations.for_city(city)
    return list(
        registrations.select_related("user", "city").order_by("status", "user__full_name", "user__email")
    )


def completion_for_city(*, city: City, completion_id: int) -> Completion:
    return (
        Completion.objects.for_city(city)
        .select_related("user", "training", "session", "city")
        .get(pk=completion_id)
    )


def my_completions(*, city: City, user) -> list[Completion]:
    return list(Completion.objects.for_city(city).filter(user=user).select_related("training"))


def city_coverage(*, city: City, page: str | int = 1) -> dict[str, Any]:
    """Who in the city has taken which training, and who in each audience role has not.

    `lines`: for each training offered to the city and each role it is for, "3 of 5 facilitators have
    taken ..." with the names of those who have not; `people`: each member with the trainings they
    completed, 25 to a page (`page`). A fixed number of queries whatever the city's size.
    """
    members = list(
        Membership.objects.for_city(city).select_related("user").order_by("user__full_name", "user__email")
    )
    done: dict[int, set[int]] = defaultdict(set)
    titles: dict[int, list[str]] = defaultdict(list)
    for c in Completion.objects.for_city(city).select_related("training").order_by("training__title"):
        done[c.training_id].add(c.user_id)
        titles[c.user_id].append(c.training.title)
    role_labels = dict(Role.choices)
    plural = {
        "lead": "program leads",
        "staff": "staff members",
        "facilitator": "facilitators",
        "viewer": "viewers",
    }
    lines = []
    for training in Training.objects.offered_to(city).order_by("city_id", "title", "id"):
        for role in training.audience_roles or []:
            in_role = [m for m in members if m.role == role]
            taken = [m for m in in_role if m.user_id in done[training.pk]]
            lines.append(
                {
                    "training": training,
                    "role": role,
                    "role_label": role_labels.get(role, role),
                    "taken": len(taken),
                    "in_role": len(in_role),
                    "sentence": f"{len(taken)} of {len(in_role)} {plural.get(role, role)} have taken {training.title}",
                    "not_yet": [m.user for m in in_role if m.user_id not in done[training.pk]],
                }
            )
    people = Paginator([{"member": m, "trainings": titles.get(m.user_id, [])} for m in members], 25).get_page(page)
    return {"lines": lines, "people": people.object_list, "page": people}


def completions_by_city() -> list[dict[str, Any]]:
    """Completions per city and training across the network, for curators (counts only):
    `[{"city_id", "city_name", "city_state", "city_slug", "training_id", "training_title", "is_league",
    "completions"}]`, by city then training. One query."""
    rows = (
        Completion.objects.values(
            "city_id",
            "city__name",
            "city__state",
            "city__slug",
            "training_id",
            "training__title",
            "training__city_id",
        )
        .annotate(completions=Count("id"))
        .order_by("city__name", "city_id", "training__title", "training_id")
    )
    return [
        {
            "city_id": r["city_id"],
            "city_name": r["city__name"],
            "city_state": r["city__state"],
            "city_slug": r["city__slug"],
            "training_id": r["training_id"],
            "training_title": r["training__title"],
            "is_league": r["training__city_id"] is None,
            "completions": r["completions"],
        }
        for r in rows
    ]


def survey_results(*, training: Training, city: City | None) -> dict[str, Any]:
    """The survey's released means before and after, for one city (a lead) or across the network
    (`city=None`, curators): see `trainings.survey` for why only whole groups of 5 answers show."""
    responses = SurveyResponse.objects.filter(training=training)
    if city is not None:
        responses = responses.for_city(city)
    by_kind: dict[str, list[dict[str, int]]] = {SurveyKind.PRE: [], SurveyKind.POST: []}
    for kind, answers in responses.order_by("id").values_list("kind", "answers"):
        by_kind[kind].append(answers)
    pre, post = survey.released(by_kind[SurveyKind.PRE]), survey.released(by_kind[SurveyKind.POST])
    rows = [
        {"label": label, "pre": pre.means.get(key), "post": post.means.get(key)}
        for key, label in survey.ITEMS
    ]
    return {"pre": pre, "post": post, "rows": rows, "min": survey.MIN_ANSWERS}


def home_panel(*, city: City, membership: Membership | None) -> dict | None:
    """The city home's trainings panel: upcoming sessions the member may join, and what they completed."""
    if membership is None:
        return None
    now = timezone.now()
    upcoming = list(
        Session.objects.filter(
            training__in=Training.objects.offered_to(city).filter(withdrawn_at=None),
            starts_at__gte=now,
            cancelled_at=None,
        )
        .select_related("training")
        .order_by("starts_at", "id")[:5]
    )
    completed = Completion.objects.for_city(city).count()
    index = reverse("trainings:index", args=[city.slug])
    return {
        "key": "trainings",
        "title": "Trainings",
        "url": index,
        "items": [
            {
                "title": f"{completed} training completion{'' if completed == 1 else 's'} in {city.name}",
                "url": reverse("trainings:people", args=[city.slug]) if membership.can_manage else index,
                "meta": "people checked in at a session",
            }
        ]
        + [
            {
                "title": s.training.title,
                "url": reverse("trainings:session", args=[city.slug, s.pk]),
                "meta": f"{timezone.localtime(s.starts_at):%b %-d, %Y %H:%M} · {s.get_mode_display()}",
            }
            for s in upcoming
        ],
        "empty": "No training session is scheduled yet.",
        "action": {"url": reverse("trainings:new", args=[city.slug]), "label": "Offer a training"}
        if membership.can_edit
        else None,
    }
