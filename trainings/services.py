"""Everything that writes in trainings: keyword-only typed functions, `<noun>_<verb>`.

Who may do what is checked here as well as in the views: the league's trainings and their sessions
are written and checked in by national curators; a city's own by its lead and staff.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from cities.audit import audit_list_view, audit_record
from cities.models import EDITOR_ROLES, AuditAction, City, Membership, User

from . import survey
from .models import (
    Completion,
    Registration,
    RegistrationStatus,
    Session,
    SessionMode,
    SurveyKind,
    SurveyResponse,
    Training,
)


def may_run(*, training: Training, user: User, membership: Membership | None) -> bool:
    """Whether this person writes the training and its sessions and checks people in: a curator for
    the league's, the city's lead or staff for a city's own."""
    if training.is_league:
        return bool(getattr(user, "is_curator", False))
    return (
        membership is not None and membership.city_id == training.city_id and membership.role in EDITOR_ROLES
    )


def _require_runner(*, training: Training, by: User, membership: Membership | None) -> None:
    if not may_run(training=training, user=by, membership=membership):
        raise PermissionDenied("Only the training's organisers do that.")


def training_create(
    *,
    city: City | None,
    by: User,
    membership: Membership | None = None,
    title: str,
    description: str = "",
    curriculum=(),
    audience_roles: list[str] | None = None,
    format: str,
    length_minutes: int,
    ip_address: str | None = None,
) -> Training:
    """A training offered by the league (`city=None`, curators only) or by a city (its lead or staff)."""
    training = Training(
        city=city,
        title=title.strip(),
        description=description.strip(),
        audience_roles=sorted(set(audience_roles or [])),
        format=format,
        length_minutes=length_minutes,
        created_by=by,
    )
    _require_runner(training=training, by=by, membership=membership)
    if not training.title:
        raise ValidationError({"title": "Give the training a title."})
    training.full_clean()
    with transaction.atomic():
        training.save()
        training.curriculum.set(list(curriculum))
        audit_record(
            action=AuditAction.CREATE, object_type="training", object_id=training.pk,
            summary=f"Created the training “{training.title}”", city=city, actor=by, ip_address=ip_address,
        )  # fmt: skip
    return training


def training_update(
    *,
    training: Training,
    by: User,
    membership: Membership | None = None,
    title: str,
    description: str = "",
    curriculum=(),
    audience_roles: list[str] | None = None,
    format: str,
    length_minutes: int,
    ip_address: str | None = None,
) -> Training:
    """Change what a training is (title, curriculum, audience, format, length); the same people as
    create it. Completions already earned keep counting."""
    _require_runner(training=training, by=by, membership=membership)
    if not title.strip():
        raise ValidationError({"title": "Give the training a title."})
    training.title, training.description = title.strip(), description.strip()
    training.audience_roles = sorted(set(audience_roles or []))
    training.format, training.length_minutes = format, length_minutes
    training.full_clean()
    with transaction.atomic():
        training.save(update_fields=["title", "description", "audience_roles", "format", "length_minutes"])
        training.curriculum.set(list(curriculum))
        audit_record(
            action=AuditAction.CHANGE, object_type="training", object_id=training.pk,
            summary=f"Changed the training “{training.title}”", city=training.city, actor=by, ip_address=ip_address,
        )  # fmt: skip
    return training


def training_withdraw(
    *, training: Training, by: User, membership: Membership | None = None, ip_address: str | None = None
) -> Training:
    """Withdraw a training: no new sessions or registrations; completions and certificates stay."""
    _require_runner(training=training, by=by, membership=membership)
    if training.is_withdrawn:
        raise ValidationError("This training is already withdrawn.")
    training.withdrawn_at = timezone.now()
    with transaction.atomic():
        training.save(update_fields=["withdrawn_at"])
        audit_record(
            action=AuditAction.CHANGE, object_type="training", object_id=training.pk,
            summary=f"Withdrew the training “{training.title}”", city=training.city, actor=by, ip_address=ip_address,
        )  # fmt: skip
    return training


def _session_errors(*, starts_at, ends_at, mode: str, location: str, online_link: str) -> dict[str, str]:
    errors = {}
    if ends_at <= starts_at:
        errors["ends_at"] = "The session must end after it starts."
    if mode == SessionMode.IN_PERSON and not location.strip():
        errors["location"] = "Say where the session takes place."
    if mode == SessionMode.ONLINE and not online_link.strip():
        errors["online_link"] = "Give the meeting link for an online session."
    return errors


def session_create(
    *,
    training: Training,
    by: User,
    membership: Membership | None = None,
    starts_at: datetime,
    ends_at: datetime,
    mode: str,
    capacity: int,
    location: str = "",
    online_link: str = "",
    ip_address: str | None = None,
) -> Session:
    _require_runner(training=training, by=by, membership=membership)
    if training.is_withdrawn:
        raise ValidationError("This training is withdrawn: it takes no new sessions.")
    errors = _session_errors(starts_at=starts_at, ends_at=ends_at, mode=mode, location=location, online_link=online_link)
    if capacity is None or capacity < 1:
        errors["capacity"] = "A session has room for at least one person."
    if errors:
        raise ValidationError(errors)
    session = Session(
        training=training, city=training.city, starts_at=starts_at, ends_at=ends_at, mode=mode,
        capacity=capacity, location=location.strip(), online_link=online_link.strip(),
    )  # fmt: skip
    session.full_clean()
    session.save()
    audit_record(
        action=AuditAction.CREATE, object_type="training_session", object_id=session.pk,
        summary=f"Scheduled a session of “{training.title}”", city=training.city, actor=by, ip_address=ip_address,
    )  # fmt: skip
    return session


def _registrant_ids(session: Session) -> list[int]:
    return list(
        Registration.objects.filter(
            session=session, status__in=[RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED]
        ).values_list("pk", flat=True)
    )


def session_move(
    *,
    session: Session,
    by: User,
    membership: Membership | None = None,
    starts_at: datetime,
    ends_at: datetime,
    mode: str,
    location: str = "",
    online_link: str = "",
    ip_address: str | None = None,
) -> Session:
    """Move a session to a new date, time or place; everyone registered or waiting is told by email.
    The capacity stays (seats already given are not taken back)."""
    from .tasks import registration_send_session_moved

    _require_runner(training=session.training, by=by, membership=membership)
    errors = _session_errors(starts_at=starts_at, ends_at=ends_at, mode=mode, location=location, online_link=online_link)
    if not errors and starts_at <= timezone.now():
        errors["starts_at"] = "Move the session to a time that has not passed."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Session.objects.select_for_update().get(pk=session.pk)
        if locked.is_cancelled:
            raise ValidationError("This session is cancelled; schedule a new one instead.")
        if locked.registrations.exclude(checked_in_at=None).exists():
            raise ValidationError("People were already checked in at this session; it cannot be moved.")
        locked.starts_at, locked.ends_at, locked.mode = starts_at, ends_at, mode
        locked.location, locked.online_link = location.strip(), online_link.strip()
        locked.full_clean()
        locked.save(update_fields=["starts_at", "ends_at", "mode", "location", "online_link"])
        audit_record(
            action=AuditAction.CHANGE, object_type="training_session", object_id=locked.pk,
            summary=f"Moved a session of “{locked.training.title}” to {timezone.localtime(starts_at):%Y-%m-%d %H:%M}",
            city=locked.city, actor=by, ip_address=ip_address,
        )  # fmt: skip
        for pk in _registrant_ids(locked):
            registration_send_session_moved.delay_on_commit(pk)
    return locked


def session_cancel(
    *, session: Session, by: User, membership: Membership | None = None, ip_address: str | None = None
) -> Session:
    """Cancel a session: nobody registers or is checked in, it is not counted as held, and everyone
    registered or waiting is told by email. Their registrations stay, marked by the session."""
    from .tasks import registration_send_session_cancelled

    _require_runner(training=session.training, by=by, membership=membership)
    with transaction.atomic():
        locked = Session.objects.select_for_update().get(pk=session.pk)
        if locked.is_cancelled:
            raise ValidationError("This session is already cancelled.")
        if locked.registrations.exclude(checked_in_at=None).exists():
            raise ValidationError("People were already checked in at this session; it took place.")
        locked.cancelled_at = timezone.now()
        locked.save(update_fields=["cancelled_at"])
        audit_record(
            action=AuditAction.CHANGE, object_type="training_session", object_id=locked.pk,
            summary=f"Cancelled a session of “{locked.training.title}”", city=locked.city, actor=by,
            ip_address=ip_address,
        )  # fmt: skip
        for pk in _registrant_ids(locked):
            registration_send_session_cancelled.delay_on_commit(pk)
    return locked


def training_url(*, training: Training, city: City) -> str:
    """The training's page for a member of `city` (a league training is seen from each city)."""
    return settings.SITE_URL + reverse("trainings:detail", args=[city.slug, training.pk])


def _registration_email(*, registration: Registration, subject: str, template: str) -> None:
    session = registration.session
    send_mail(
        subject=f"{subject}: {session.training.title}",
        message=render_to_string(
            template,
            {
                "registration": registration, "session": session, "training": session.training,
                "starts": timezone.localtime(session.starts_at), "ends": timezone.localtime(session.ends_at),
                "url": training_url(training=session.training, city=registration.city),
            },
        ),  # fmt: skip
        from_email=None,
        recipient_list=[registration.user.email],
    )


def registration_send_session_moved(*, registration: Registration) -> None:
    if registration.status == RegistrationStatus.CANCELLED or not registration.user.email:
        return
    _registration_email(registration=registration, subject="Session moved", template="trainings/email/moved.txt")


def registration_send_session_cancelled(*, registration: Registration) -> None:
    if registration.status == RegistrationStatus.CANCELLED or not registration.user.email:
        return
    _registration_email(
        registration=registration, subject="Session cancelled", template="trainings/email/cancelled.txt"
    )


def registration_send_promotion(*, registration: Registration) -> None:
    if registration.status != RegistrationStatus.REGISTERED or not registration.user.email:
        return
    _registration_email(registration=registration, subject="A seat is yours", template="trainings/email/promoted.txt")


def _taken(session: Session) -> int:
    return Registration.objects.filter(session=session, status=RegistrationStatus.REGISTERED).count()


def registration_create(*, session: Session, membership: Membership) -> Registration:
    """Register a member for a session: a seat while there is one, the waitlist otherwise.

    The session row is locked for the count and the insert, so two members taking the last seat at
    the same moment cannot both get it (as conversations do for residents)."""
    training = session.training
    if training.city_id is not None and training.city_id != membership.city_id:
        raise PermissionDenied("This training belongs to another city.")
    if training.audience_roles and membership.role not in training.audience_roles:
        raise ValidationError(
            "This training is for "
            + ", ".join(training.audience_labels()).lower()
            + "; ask your program lead."
        )
    with transaction.atomic():
        locked = Session.objects.select_for_update().get(pk=session.pk)
        if Training.objects.filter(pk=training.pk, withdrawn_at__isnull=False).exists():
            raise ValidationError("This training is withdrawn; it takes no new registrations.")
        if locked.is_cancelled:
            raise ValidationError("This session is cancelled; registration is closed.")
        if locked.starts_at <= timezone.now():
            raise ValidationError("This session has started; registration is closed.")
        existing = Registration.objects.filter(session=locked, user=membership.user).first()
        status = (
            RegistrationStatus.REGISTERED
            if _taken(locked) < locked.capacity
            else RegistrationStatus.WAITLISTED
        )
        if existing is not None:
            if existing.status != RegistrationStatus.CANCELLED:
                raise ValidationError("You are already registered for this session.")
            existing.status, existing.role, existing.city = status, membership.role, membership.city
            existing.save(update_fields=["status", "role", "city"])
            return existing
        try:
            with transaction.atomic():
                return Registration.objects.create(
                    city=membership.city,
                    session=locked,
                    user=membership.user,
                    role=membership.role,
                    status=status,
                )
        except IntegrityError as clash:
            raise ValidationError("You are already registered for this session.") from clash


def _promote_waitlist(session: Session) -> list[Registration]:
    """Give free seats to the waitlist in order of registration (the caller holds the session lock)."""
    free = session.capacity - _taken(session)
    if free <= 0:
        return []
    waiting = list(
        Registration.objects.select_for_update()
        .filter(session=session, status=RegistrationStatus.WAITLISTED)
        .order_by("created_at", "id")[:free]
    )
    from .tasks import registration_send_promotion

    for registration in waiting:
        registration.status = RegistrationStatus.REGISTERED
        registration.save(update_fields=["status"])
        registration_send_promotion.delay_on_commit(registration.pk)
    return waiting


def registration_cancel(*, registration: Registration, by: User) -> list[Registration]:
    """Cancel one's place; the first on the waitlist takes the seat. Returns whoever moved up."""
    if registration.user_id != by.pk:
        raise PermissionDenied("Only the person registered cancels their place.")
    with transaction.atomic():
        session = Session.objects.select_for_update().get(pk=registration.session_id)
        current = Registration.objects.select_for_update().get(pk=registration.pk)
        if session.is_cancelled:
            raise ValidationError("This session is cancelled; there is no place to give up.")
        if current.checked_in_at is not None:
            raise ValidationError("You were checked in at this session; the place cannot be cancelled now.")
        if current.status == RegistrationStatus.CANCELLED:
            return []
        current.status = RegistrationStatus.CANCELLED
        current.save(update_fields=["status"])
        return _promote_waitlist(session)


def attendance_record(
    *,
    session: Session,
    present: list[int],
    by: User,
    membership: Membership | None,
    ip_address: str | None = None,
) -> int:
    """Mark who came, from the check-in list: `present` are registration ids of this session (only
    people with a seat). Each one present completes the training. Returns how many were newly checked in.
    A city's organisers check in at their own sessions, curators at the league's."""
    _require_runner(training=session.training, by=by, membership=membership)
    if Session.objects.filter(pk=session.pk, cancelled_at__isnull=False).exists():
        raise ValidationError("This session is cancelled; nobody is checked in.")
    if session.starts_at > timezone.now() + timedelta(hours=12):
        raise ValidationError("Check people in on the day of the session, not before.")
    with transaction.atomic():
        seated = {
            r.pk: r
            for r in Registration.objects.select_for_update()
            .filter(session=session, status=RegistrationStatus.REGISTERED)
            .select_related("city")
        }
        unknown = [pk for pk in present if pk not in seated]
        if unknown:
            raise ValidationError(
                "Someone in the list has no seat at this session; reload the page and try again."
            )
        now = timezone.now()
        newly = 0
        for pk in present:
            registration = seated[pk]
            if registration.checked_in_at is not None:
                continue
            registration.checked_in_at = now
            registration.save(update_fields=["checked_in_at"])
            newly += 1
            Completion.objects.get_or_create(
                training=session.training,
                user_id=registration.user_id,
                defaults={
                    "city": registration.city, "session": session, "role": registration.role,
                    "completed_on": timezone.localdate(session.starts_at),
                },
            )  # fmt: skip
        audit_record(
            action=AuditAction.CHANGE, object_type="training_session", object_id=session.pk,
            summary=f"Checked in {newly} people at “{session.training.title}”",
            city=session.city, actor=by, ip_address=ip_address,
        )  # fmt: skip
    return newly


def survey_answer(*, registration: Registration, kind: str, answers: dict[str, object]) -> SurveyResponse:
    """Record one anonymous answer. The registration only remembers that it answered; the answer
    keeps no person. Before: once registered with a seat; after: once checked in."""
    if kind not in SurveyKind.values:
        raise ValidationError("No such survey.")
    try:
        cleaned = survey.clean_answers(answers)
    except ValueError as problem:
        raise ValidationError(str(problem)) from problem
    with transaction.atomic():
        current = Registration.objects.select_for_update().get(pk=registration.pk)
        if current.status != RegistrationStatus.REGISTERED:
            raise ValidationError("The survey is for people with a seat at the session.")
        if kind == SurveyKind.PRE:
            if current.pre_survey_done:
                raise ValidationError("You have already answered the survey before the training.")
            if current.checked_in_at is not None:
                raise ValidationError("The survey before the training closes when you are checked in.")
            current.pre_survey_done = True
        else:
            if current.post_survey_done:
                raise ValidationError("You have already answered the survey after the training.")
            if current.checked_in_at is None:
                raise ValidationError("The survey after the training opens once you are checked in.")
            current.post_survey_done = True
        current.save(update_fields=["pre_survey_done", "post_survey_done"])
        return SurveyResponse.objects.create(
            city_id=current.city_id, training_id=current.session.training_id, kind=kind, answers=cleaned
        )


def people_list_viewed(
    *,
    what: str,
    shown: int,
    object_id: object = "",
    city: City | None,
    by: User,
    ip_address: str | None = None,
) -> None:
    """One audit entry for a look at a list of people (a check-in list, who has taken what)."""
    audit_list_view(
        object_type="training people", object_id=object_id, what=what, shown=shown,
        city=city, actor=by, ip_address=ip_address,
    )  # fmt: skip
