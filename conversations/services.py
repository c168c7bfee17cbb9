"""Everything that writes conversations, registrations, reports and reminders."""

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, send_mail
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from cities.audit import audit_list_view, audit_record
from cities.models import AuditAction, City, Membership, Role, User, may
from relationships.models import Commitment, Stakeholder, StakeholderGroup
from relationships.services import commitment_create

from . import ical
from .models import (
    CalendarFeed,
    Campaign,
    CheckIn,
    ChecklistItem,
    CityPledge,
    Conversation,
    ConversationStatus,
    FacilitatorReport,
    Feedback,
    Invitation,
    InvitationResponse,
    Quote,
    Registration,
    RegistrationStatus,
    ReminderKind,
    ReminderSent,
    ReportCommitment,
    Session,
    VoiceTarget,
)
from .planning import CHECKLIST_TEMPLATE, can_move, due_date_for

# Shown in the visitor's language; the words the person saw are stored with their consent.
CONSENT_WORDING = gettext_lazy(
    "I agree that the city's program team may contact me again by email about this conversation "
    "and what comes of it. I can withdraw at any time by replying to any message."
)


class RegistrationRefused(Exception):
    """Registration is not possible; the message says why, in words a resident understands."""


# ---------------------------------------------------------------------------------- conversations

CONVERSATION_FIELDS = (
    "title", "purpose", "title_es", "purpose_es", "guide", "district", "capacity", "campaign", "interpretation", "interpretation_languages",
    "asl", "childcare", "step_free", "transit", "food",
)  # fmt: skip


def _check_facilitators(city: City, facilitators: Iterable[User]) -> list[User]:
    people = list(facilitators)
    allowed = set(
        Membership.objects.for_city(city)
        .filter(user__in=people, role=Role.FACILITATOR)
        .values_list("user_id", flat=True)
    )
    if any(p.pk not in allowed for p in people):
        raise ValidationError(
            {"facilitators": "Facilitators must be members of this city with the facilitator role."}
        )
    return people


def conversation_create(
    *, city: City, created_by: User | None, facilitators: Iterable[User] = (), **fields
) -> Conversation:
    """Plan a conversation (a draft) with its checklist from the phase template."""
    unknown = set(fields) - set(CONVERSATION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown fields: {sorted(unknown)}")
    people = _check_facilitators(city, facilitators)
    with transaction.atomic():
        conversation = Conversation(city=city, created_by=created_by, **fields)
        conversation.full_clean()
        conversation.save()
        conversation.facilitators.set(people)
        ChecklistItem.objects.bulk_create(
            ChecklistItem(
                city=city,
                conversation=conversation,
                phase=item.phase,
                title=item.title,
                position=index,
                offset_days=item.offset_days,
                owner=created_by,
            )
            for index, item in enumerate(CHECKLIST_TEMPLATE)
        )
    return conversation


def conversation_update(
    *, conversation: Conversation, facilitators: Iterable[User] | None = None, **fields
) -> Conversation:
    unknown = set(fields) - set(CONVERSATION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown fields: {sorted(unknown)}")
    with transaction.atomic():
        for name, value in fields.items():
            setattr(conversation, name, value)
        conversation.full_clean()
        conversation.save()
        if facilitators is not None:
            conversation.facilitators.set(_check_facilitators(conversation.city, facilitators))
        if "capacity" in fields:
            _promote_waitlist(conversation)
    return conversation


def conversation_set_status(*, conversation: Conversation, status: str, by: User | None) -> Conversation:
    """Move a conversation along; refuses every move that is not in STATUS_TRANSITIONS."""
    with transaction.atomic():
        locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if not can_move(locked.status, status):
            target = (
                ConversationStatus(status).label.lower() if status in ConversationStatus.values else status
            )
            raise ValidationError(
                f"A conversation that is {locked.get_status_display().lower()} cannot become {target}."
            )
        if status == ConversationStatus.SCHEDULED and not locked.sessions.exists():
            raise ValidationError("Add at least one session (date, time and place) before scheduling.")
        previous = locked.status
        locked.status = status
        locked.status_changed_at = timezone.now()
        locked.save(update_fields=["status", "status_changed_at"])
        if status == ConversationStatus.CANCELLED and previous == ConversationStatus.SCHEDULED:
            from .tasks import conversation_send_cancellation

            conversation_send_cancellation.delay_on_commit(locked.pk)
    conversation.status = locked.status
    conversation.status_changed_at = locked.status_changed_at
    return conversation


def conversation_send_cancellation(*, conversation: Conversation) -> int:
    """Tell everyone still registered that the conversation will not take place."""
    registrations = (
        Registration.objects.for_city(conversation.city)
        .filter(
            conversation=conversation,
            status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED],
        )
        .exclude(email="")
    )
    sent = 0
    for registration in registrations:
        # Each person in the language they registered in.
        with translation.override(registration.locale):
            title = conversation.text_in("title", registration.locale)
            send_mail(
                subject=gettext("Cancelled: %(title)s") % {"title": title},
                message=render_to_string(
                    "conversations/email/cancelled.txt",
                    {"conversation": conversation, "registration": registration, "title": title},
                ),
                from_email=None,
                recipient_list=[registration.email],
            )
        sent += 1
    return sent


# --------------------------------------------------------------------------------------- sessions


def _aware(day: date, moment: time, zone: str) -> datetime:
    return datetime.combine(day, moment, tzinfo=ZoneInfo(zone))


def session_save(
    *,
    conversation: Conversation,
    session: Session | None = None,
    date: date,
    start_time: time,
    end_time: time,
    time_zone: str = "",
    label: str = "",
    venue: str = "",
    address: str = "",
    online_url: str = "",
) -> Session:
    """Create or change a session; its instants are computed in its own time zone."""
    zone = time_zone or conversation.city.timezone
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError) as bad:
        raise ValidationError({"time_zone": "Choose a time zone from the list."}) from bad
    if end_time <= start_time:
        raise ValidationError({"end_time": "The session must end after it starts."})
    if not (venue.strip() or online_url.strip()):
        raise ValidationError({"venue": "Give a venue or an online link."})
    with transaction.atomic():
        if session is None:
            session = Session(city=conversation.city, conversation=conversation)
        session.date, session.start_time, session.end_time, session.time_zone = (
            date,
            start_time,
            end_time,
            zone,
        )
        session.starts_at = _aware(date, start_time, zone)
        session.ends_at = _aware(date, end_time, zone)
        session.label, session.venue, session.address, session.online_url = label, venue, address, online_url
        session.full_clean()
        session.save()
        _date_checklist(conversation)
    return session


def session_delete(*, session: Session) -> None:
    if hasattr(session, "report") or session.check_ins.exists():
        raise ValidationError("This session has check-ins or a report; it cannot be removed.")
    session.delete()


def _date_checklist(conversation: Conversation) -> None:
    first = conversation.sessions.order_by("starts_at").values_list("date", flat=True).first()
    items = ChecklistItem.objects.for_city(conversation.city).filter(
        conversation=conversation, offset_days__isnull=False, done_at__isnull=True
    )
    for item in items:
        from .planning import TemplateItem

        item.due_date = due_date_for(TemplateItem(item.phase, item.title, item.offset_days), first)
    ChecklistItem.objects.bulk_update(items, ["due_date"])


# -------------------------------------------------------------------------------------- checklist


def checklist_item_save(
    *,
    conversation: Conversation,
    item: ChecklistItem | None = None,
    phase: str,
    title: str,
    owner: User | None,
    due_date: date | None,
) -> ChecklistItem:
    if owner is not None and not Membership.objects.for_city(conversation.city).filter(user=owner).exists():
        raise ValidationError({"owner": "The owner must be a member of this city."})
    if item is None:
        last = conversation.checklist.order_by("-position").values_list("position", flat=True).first()
        item = ChecklistItem(city=conversation.city, conversation=conversation, position=(last or 0) + 1)
    item.phase, item.title, item.owner, item.due_date = phase, title.strip(), owner, due_date
    item.offset_days = None  # edited by hand: keep its date
    item.full_clean()
    item.save()
    return item


def checklist_item_toggle(*, item: ChecklistItem) -> ChecklistItem:
    item.done_at = None if item.done_at else timezone.now()
    item.save(update_fields=["done_at"])
    return item


# ----------------------------------------------------------------------------------- whose voices


def voice_targets_set(*, conversation: Conversation, targets: dict[str, int]) -> None:
    """Replace the target counts per stakeholder group (zero removes a group)."""
    for group in targets:
        if group not in StakeholderGroup.values:
            raise ValidationError(f"Unknown stakeholder group: {group}")
    with transaction.atomic():
        VoiceTarget.objects.for_city(conversation.city).filter(conversation=conversation).delete()
        VoiceTarget.objects.bulk_create(
            VoiceTarget(city=conversation.city, conversation=conversation, group=group, target=count)
            for group, count in targets.items()
            if count and count > 0
        )


def invitation_create(*, conversation: Conversation, stakeholder: Stakeholder, by: User | None) -> Invitation:
    if stakeholder.city_id != conversation.city_id:
        raise ValidationError({"stakeholder": "Choose a stakeholder of this city."})
    invitation, _ = Invitation.objects.get_or_create(
        city=conversation.city,
        conversation=conversation,
        stakeholder=stakeholder,
        defaults={"invited_by": by},
    )
    return invitation


def invitations_viewed(
    *,
    conversation: Conversation,
    invitations: list[Invitation],
    by: User | None,
    ip_address: str | None = None,
) -> None:
    """One entry for a look at a conversation's invitation list (stakeholders, some with contacts)."""
    audit_list_view(
        object_type="conversation invitations", object_id=conversation.pk,
        what=f"Viewed the invitations of '{conversation.title}'", shown=len(invitations),
        with_contact=sum(
            1 for i in invitations if i.stakeholder.contact_visible and (i.stakeholder.email or i.stakeholder.phone)
        ),
        city=conversation.city, actor=by, ip_address=ip_address,
    )  # fmt: skip


def invitation_set_response(*, invitation: Invitation, response: str) -> Invitation:
    if response not in InvitationResponse.values:
        raise ValidationError("Choose an answer.")
    invitation.response = response
    invitation.save(update_fields=["response"])
    return invitation


# ----------------------------------------------------------------------------------- registration


def registration_create(
    *,
    conversation: Conversation,
    name: str,
    email: str,
    phone: str = "",
    group: str = "",
    language: str = "",
    access_needs: list[str] | None = None,
    access_notes: str = "",
    consent_to_contact: bool = False,
    locale: str = "en",
) -> Registration:
    """Register a resident: a seat while there is one, the waitlist otherwise.

    The conversation row is locked for the count and the insert, so two people taking the last
    seat at the same moment cannot both get it.
    """
    with transaction.atomic():
        locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if locked.status == ConversationStatus.CANCELLED:
            raise RegistrationRefused(
                gettext(
                    "This conversation has been cancelled, so registration is closed. "
                    "Nothing was recorded about you."
                )
            )
        if locked.status != ConversationStatus.SCHEDULED:
            raise RegistrationRefused(gettext("Registration for this conversation is closed."))
        email = email.strip()
        if (
            email
            and Registration.objects.for_city(locked.city)
            .filter(conversation=locked, email__iexact=email)
            .exclude(status=RegistrationStatus.CANCELLED)
            .exists()
        ):
            raise RegistrationRefused(
                gettext(
                    "This email address is already registered for this conversation. The confirmation "
                    "email has a link to cancel or to check your place."
                )
            )
        taken = (
            Registration.objects.for_city(locked.city)
            .filter(conversation=locked, status=RegistrationStatus.CONFIRMED, walk_in=False)
            .count()
        )
        now = timezone.now()
        registration = Registration(
            city=locked.city,
            conversation=locked,
            name=name.strip(),
            email=email,
            phone=phone.strip(),
            group=group,
            language=language.strip(),
            access_needs=list(access_needs or []),
            access_notes=access_notes.strip(),
            status=RegistrationStatus.CONFIRMED if taken < locked.capacity else RegistrationStatus.WAITLISTED,
            consent_to_contact=consent_to_contact,
            consent_wording=str(CONSENT_WORDING) if consent_to_contact else "",
            consent_at=now if consent_to_contact else None,
            locale=locale,
        )
        registration.full_clean()
        registration.save()
        if registration.email:
            from .tasks import registration_send_confirmation

            registration_send_confirmation.delay_on_commit(registration.pk)
    return registration


def _promote_waitlist(conversation: Conversation) -> list[Registration]:
    """Give free seats to the waitlist in order of registration (caller holds a transaction)."""
    locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
    registrations = Registration.objects.for_city(locked.city).filter(conversation=locked)
    taken = registrations.filter(status=RegistrationStatus.CONFIRMED, walk_in=False).count()
    free = max(locked.capacity - taken, 0)
    promoted = list(
        registrations.filter(status=RegistrationStatus.WAITLISTED).order_by("created_at", "id")[:free]
    )
    now = timezone.now()
    for registration in promoted:
        registration.status = RegistrationStatus.CONFIRMED
        registration.promoted_at = now
    Registration.objects.bulk_update(promoted, ["status", "promoted_at"])
    if promoted:
        from .tasks import registration_send_promotion

        for registration in promoted:
            if registration.email:
                registration_send_promotion.delay_on_commit(registration.pk)
    return promoted


def _audit(
    *,
    city: City,
    action: str,
    object_type: str,
    object_id: object,
    summary: str,
    by: User | None,
    ip_address: str | None,
) -> None:
    """Who viewed or changed participants' personal data (the city lead reads the log)."""
    audit_record(
        action=action, object_type=object_type, object_id=object_id, summary=summary, city=city,
        actor=by, ip_address=ip_address,
    )  # fmt: skip


def registration_cancel(
    *,
    registration: Registration,
    by: User | None = None,
    by_registrant: bool = False,
    ip_address: str | None = None,
) -> list[Registration]:
    """Cancel a registration and give its seat to the next person on the waitlist.

    A member who cancels (`by`) or the registrant through the emailed link (`by_registrant`) leaves
    an entry in the audit log, with the address the request came from; a cancellation for no one
    writes none."""
    with transaction.atomic():
        Conversation.objects.select_for_update().get(pk=registration.conversation_id)
        current = Registration.objects.select_for_update().get(pk=registration.pk)
        if current.status == RegistrationStatus.CANCELLED:
            promoted: list[Registration] = []
        else:
            current.status = RegistrationStatus.CANCELLED
            current.cancelled_at = timezone.now()
            current.save(update_fields=["status", "cancelled_at"])
            registration.status, registration.cancelled_at = current.status, current.cancelled_at
            promoted = _promote_waitlist(registration.conversation)
    title = registration.conversation.title
    if by_registrant:
        summary = f"The registrant cancelled through the emailed link ('{title}')"
    elif by is not None:
        summary = f"Cancelled a registration of '{title}'" + (
            f"; {len(promoted)} moved up from the waitlist" if promoted else ""
        )
    else:
        return promoted
    _audit(
        city=registration.conversation.city, action=AuditAction.CHANGE,
        object_type="conversation registration", object_id=registration.pk, summary=summary, by=by,
        ip_address=ip_address,
    )  # fmt: skip
    return promoted


def registrations_viewed(
    *, conversation: Conversation, page, by: User | None, ip_address: str | None = None
) -> None:
    """One entry for a look at a page of a conversation's registrations (names and emails)."""
    people = list(page.object_list)  # the rows the template reads: no second query
    audit_list_view(
        object_type="conversation registrations", object_id=conversation.pk,
        what=f"Viewed the registrations of '{conversation.title}'", shown=len(people),
        with_contact=sum(1 for r in people if r.email),
        details=[f"page {page.number} of {page.paginator.num_pages}"],
        city=conversation.city, actor=by, ip_address=ip_address,
    )  # fmt: skip


def _site(path: str) -> str:
    return settings.SITE_URL + path


def _cancel_url(registration: Registration) -> str:
    return _site(
        reverse("conversations:public_cancel", args=[registration.city.slug, registration.cancel_token])
    )


def public_url(conversation: Conversation) -> str:
    return _site(
        reverse("conversations:public_register", args=[conversation.city.slug, conversation.public_id])
    )


def session_events(sessions: Iterable[Session], *, conversation_url: str = "") -> list[ical.Event]:
    """Calendar events in the active language (the registrant's, for an email's attachment)."""
    language = translation.get_language() or "en"
    events = []
    for session in sessions:
        conversation = session.conversation
        where = ", ".join(p for p in (session.venue, session.address) if p)
        description = conversation.text_in("purpose", language)
        if session.online_url:
            description += "\n\n" + gettext("Join online: %(url)s") % {"url": session.online_url}
        events.append(
            ical.Event(
                uid=f"session-{session.pk}@realcities",
                start=session.starts_at,
                end=session.ends_at,
                summary=conversation.text_in("title", language)
                + (f" — {session.label}" if session.label else ""),
                description=description,
                location=where or session.online_url,
                url=conversation_url,
                cancelled=conversation.status == ConversationStatus.CANCELLED,
            )
        )
    return events


def _registration_email(registration: Registration, *, template: str, subject: str) -> None:
    """Send one email, its text and calendar file in the language the person registered in;
    `subject` is a translatable pattern with %(title)s."""
    conversation = registration.conversation
    sessions = list(conversation.sessions.all())
    with translation.override(registration.locale):
        title = conversation.text_in("title", registration.locale)
        context = {
            "registration": registration,
            "conversation": conversation,
            "title": title,
            "sessions": sessions,
            "cancel_url": _cancel_url(registration),
            "waitlisted": registration.status == RegistrationStatus.WAITLISTED,
        }
        message = EmailMessage(
            subject=gettext(subject) % {"title": title},
            body=render_to_string(template, context),
            to=[registration.email],
        )
        if registration.status == RegistrationStatus.CONFIRMED:
            text = ical.calendar(
                session_events(sessions, conversation_url=public_url(conversation)),
                name=title,
                now=timezone.now(),
                method="PUBLISH",
            )
            message.attach("conversation.ics", text, "text/calendar")
    message.send()


def registration_send_confirmation(*, registration: Registration) -> None:
    if registration.status == RegistrationStatus.CANCELLED or not registration.email:
        return
    waitlisted = registration.status == RegistrationStatus.WAITLISTED
    _registration_email(
        registration,
        template="conversations/email/confirmation.txt",
        subject=gettext_noop("On the waitlist: %(title)s")
        if waitlisted
        else gettext_noop("You are registered: %(title)s"),
    )


def registration_send_promotion(*, registration: Registration) -> None:
    if registration.status != RegistrationStatus.CONFIRMED or not registration.email:
        return
    _registration_email(
        registration,
        template="conversations/email/promoted.txt",
        subject=gettext_noop("A seat is yours: %(title)s"),
    )


# ------------------------------------------------------------------------------------------ the day


def check_in(*, session: Session, registration: Registration, by: User | None) -> CheckIn:
    if registration.conversation_id != session.conversation_id:
        raise ValidationError("This person is not registered for this conversation.")
    if registration.status == RegistrationStatus.CANCELLED:
        raise ValidationError("This registration was cancelled.")
    check, _ = CheckIn.objects.get_or_create(
        city=session.city, session=session, registration=registration, defaults={"by": by}
    )
    return check


def check_in_list_viewed(
    *,
    session: Session,
    people: list[Registration],
    q: str = "",
    by: User | None,
    ip_address: str | None = None,
) -> None:
    """One entry for a look at a session's check-in list (the page, or each htmx search of it)."""
    conversation = session.conversation
    audit_list_view(
        object_type="conversation check-in list", object_id=session.pk,
        what=f"Viewed the check-in list of '{conversation.title}', {session.date:%Y-%m-%d}",
        shown=len(people), details=["a name search" if q else ""],
        city=conversation.city, actor=by, ip_address=ip_address,
    )  # fmt: skip


def check_in_undo(*, session: Session, registration: Registration) -> None:
    CheckIn.objects.for_city(session.city).filter(session=session, registration=registration).delete()


def walk_in_create(*, session: Session, name: str, group: str = "", by: User | None) -> Registration:
    """Someone who did not register: recorded and checked in at once. Capacity does not apply
    (the people at the door decide), and they do not take a registered person's seat."""
    if group and group not in StakeholderGroup.values:
        raise ValidationError({"group": "Choose a group from the list."})
    with transaction.atomic():
        registration = Registration(
            city=session.city,
            conversation=session.conversation,
            name=name.strip() or "Walk-in",
            group=group,
            status=RegistrationStatus.CONFIRMED,
            walk_in=True,
        )
        registration.full_clean()
        registration.save()
        CheckIn.objects.create(city=session.city, session=session, registration=registration, by=by)
    return registration


# -------------------------------------------------------------------------------------- reporting


def _clean_attendance(attendance: dict[str, int]) -> dict[str, int]:
    cleaned = {}
    for group, count in attendance.items():
        if group not in StakeholderGroup.values:
            raise ValidationError(f"Unknown stakeholder group: {group}")
        if count is None:
            continue
        if int(count) < 0:
            raise ValidationError("Counts cannot be negative.")
        if int(count):
            cleaned[group] = int(count)
    return cleaned


def report_save(
    *,
    session: Session,
    author: User | None,
    attendance: dict[str, int],
    unnamed_attendance: int = 0,
    themes: list[str] | None = None,
    what_was_heard: str = "",
    tensions: str = "",
    next_steps: str = "",
    submit: bool = False,
) -> FacilitatorReport:
    """Save the facilitator's report (a draft, or submitted). Submitting moves the conversation to
    held, and to reported once every session has a submitted report."""
    with transaction.atomic():
        report, _ = FacilitatorReport.objects.select_for_update().get_or_create(
            session=session, defaults={"city": session.city, "author": author}
        )
        report.attendance = _clean_attendance(attendance)
        report.unnamed_attendance = unnamed_attendance or 0
        seen, tags = set(), []
        for theme in themes or []:
            tag = theme.strip().lower()[:60]
            if tag and tag not in seen:
                seen.add(tag)
                tags.append(tag)
        report.themes = tags
        report.what_was_heard, report.tensions, report.next_steps = what_was_heard, tensions, next_steps
        if submit and report.submitted_at is None:
            report.submitted_at = timezone.now()
        report.author = report.author or author
        if report.submitted_at and session.starts_at > timezone.now():
            raise ValidationError(
                "This session has not happened yet: save the report as a draft, and submit it once the "
                "session has taken place."
            )
        report.full_clean()
        report.save()
        if report.submitted_at:
            _advance_after_report(session.conversation, by=author)
    return report


def report_started(*, session: Session, author: User | None) -> FacilitatorReport:
    """The session's report, started as an empty draft if there is none yet (a quote or a commitment
    may be recorded before the report is written)."""
    existing = FacilitatorReport.objects.for_city(session.city).filter(session=session).first()
    return existing or report_save(session=session, author=author, attendance={})


def _advance_after_report(conversation: Conversation, *, by: User | None) -> None:
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if conversation.status == ConversationStatus.SCHEDULED:
        conversation_set_status(conversation=conversation, status=ConversationStatus.HELD, by=by)
    sessions = conversation.sessions.all()
    unreported = sessions.filter(Q(report__isnull=True) | Q(report__submitted_at__isnull=True)).exists()
    if conversation.status == ConversationStatus.HELD and not unreported:
        conversation_set_status(conversation=conversation, status=ConversationStatus.REPORTED, by=by)


def quote_add(*, report: FacilitatorReport, text: str, speaker_group: str = "", consent: bool) -> Quote:
    quote = Quote(
        city=report.city, report=report, text=text.strip(), speaker_group=speaker_group, consent=consent
    )
    quote.full_clean()
    quote.save()
    return quote


def _quote_where(quote: Quote) -> str:
    """Which report a quote belongs to, for the audit log (never the quote's words)."""
    return f"'{quote.report.session.conversation.title}', {quote.report.session.date:%Y-%m-%d}"


def quote_review(*, quote: Quote, by: User, ip_address: str | None = None) -> Quote:
    """Mark a quote as checked (anonymised) for sharing. A quote without consent cannot be.
    The review is in the audit log."""
    if not quote.consent:
        raise ValidationError("This quote has no consent from its speaker; it can never be shared.")
    quote.reviewed, quote.reviewed_by, quote.reviewed_at = True, by, timezone.now()
    quote.save(update_fields=["reviewed", "reviewed_by", "reviewed_at"])
    _audit(
        city=quote.city, action=AuditAction.CHANGE, object_type="conversation quote", object_id=quote.pk,
        summary=f"Reviewed a quote for sharing, from the report of {_quote_where(quote)}", by=by,
        ip_address=ip_address,
    )  # fmt: skip
    return quote


def quote_delete(*, quote: Quote, by: User | None = None, ip_address: str | None = None) -> None:
    """Remove a quote; a member's removal (`by`) is in the audit log."""
    quote_pk, where = quote.pk, _quote_where(quote)
    quote.delete()
    if by is not None:
        _audit(
            city=quote.city, action=AuditAction.DELETE, object_type="conversation quote", object_id=quote_pk,
            summary=f"Removed a quote from the report of {where}", by=by, ip_address=ip_address,
        )  # fmt: skip


def report_commitment_add(
    *,
    report: FacilitatorReport,
    what: str,
    owed_by: str,
    owed_to: str = "",
    due_date: date | None = None,
    owner: User | None = None,
    by: User | None,
) -> Commitment:
    """A commitment made at the conversation becomes a tracked commitment in relationships."""
    conversation = report.session.conversation
    label = f"Conversation: {conversation.title}, {report.session.date:%-d %B %Y}"
    url = reverse("conversations:detail", args=[conversation.city.slug, conversation.pk])
    with transaction.atomic():
        commitment = commitment_create(
            city=report.city,
            what=what,
            owed_by=owed_by,
            owed_to=owed_to,
            due_date=due_date,
            owner=owner,
            created_by=by,
            source_label=label[:300],
            source_url=url,
        )
        ReportCommitment.objects.create(city=report.city, report=report, commitment=commitment)
    return commitment


def feedback_create(
    *,
    conversation: Conversation,
    felt_heard: int,
    trust_police_before: int,
    trust_police_after: int,
    trust_city_before: int,
    trust_city_after: int,
    group: str = "",
) -> Feedback:
    if conversation.status in (ConversationStatus.DRAFT, ConversationStatus.CANCELLED):
        raise ValidationError("Feedback is open once the conversation has taken place.")
    feedback = Feedback(
        city=conversation.city,
        conversation=conversation,
        group=group,
        felt_heard=felt_heard,
        trust_police_before=trust_police_before,
        trust_police_after=trust_police_after,
        trust_city_before=trust_city_before,
        trust_city_after=trust_city_after,
    )
    feedback.full_clean()
    feedback.save()
    return feedback


# -------------------------------------------------------------------------------------- reminders


def _send_once(
    *, city: City, kind: str, session: Session, recipient: str, subject: str, template: str, context: dict
) -> bool:
    """Record the reminder and send it in one transaction: a second run finds the row and skips,
    a failed send rolls the row back so the next run tries again."""
    try:
        with transaction.atomic():
            _, created = ReminderSent.objects.get_or_create(
                city=city, kind=kind, session=session, recipient=recipient.lower()
            )
            if not created:
                return False
            send_mail(
                subject=subject,
                message=render_to_string(template, context),
                from_email=None,
                recipient_list=[recipient],
            )
    except IntegrityError:  # another worker is sending the same reminder
        return False
    return True


def reminders_send_day_before(*, now: datetime | None = None) -> int:
    """Remind confirmed registrants of a session that takes place tomorrow (in its own time zone)."""
    now = now or timezone.now()
    sent = 0
    candidates = Session.objects.filter(
        starts_at__gt=now,
        starts_at__lte=now + timedelta(hours=48),
        conversation__status=ConversationStatus.SCHEDULED,
    ).select_related("conversation", "city")
    for session in candidates:
        local_today = now.astimezone(ZoneInfo(session.time_zone)).date()
        if session.date != local_today + timedelta(days=1):
            continue
        registrations = (
            Registration.objects.for_city(session.city)
            .filter(conversation=session.conversation, status=RegistrationStatus.CONFIRMED, walk_in=False)
            .exclude(email="")
        )
        for registration in registrations:
            registration.conversation = session.conversation
            # The reminder in the language the person registered in.
            with translation.override(registration.locale):
                title = session.conversation.text_in("title", registration.locale)
                sent += _send_once(
                    city=session.city,
                    kind=ReminderKind.DAY_BEFORE,
                    session=session,
                    recipient=registration.email,
                    subject=gettext("Tomorrow: %(title)s") % {"title": title},
                    template="conversations/email/reminder_day_before.txt",
                    context={
                        "registration": registration,
                        "session": session,
                        "title": title,
                        "cancel_url": _cancel_url(registration),
                    },
                )
    return sent


def reminders_send_report_overdue(*, now: datetime | None = None) -> int:
    """Remind facilitators 3 and 7 days after a session that still has no submitted report."""
    now = now or timezone.now()
    sent = 0
    sessions = (
        Session.objects.filter(
            ends_at__lte=now - timedelta(days=3),
            ends_at__gt=now - timedelta(days=30),
            conversation__status__in=[ConversationStatus.SCHEDULED, ConversationStatus.HELD],
        )
        .filter(Q(report__isnull=True) | Q(report__submitted_at__isnull=True))
        .select_related("conversation", "city")
        .prefetch_related("conversation__facilitators")
    )
    for session in sessions:
        days = (now - session.ends_at).days
        # The latest reminder due: a session found late gets the 7-day one only, never both at once.
        kind = ReminderKind.REPORT_7 if days >= 7 else ReminderKind.REPORT_3
        people = list(session.conversation.facilitators.all())
        if not people and session.conversation.created_by_id:
            people = [session.conversation.created_by]
        link = _site(
            reverse("conversations:report", args=[session.city.slug, session.conversation_id, session.pk])
        )
        for person in people:
            sent += _send_once(
                city=session.city,
                kind=kind,
                session=session,
                recipient=person.email,
                subject=f"Report needed: {session.conversation.title}",
                template="conversations/email/reminder_report.txt",
                context={"person": person, "session": session, "days": days, "link": link},
            )
    return sent


# ------------------------------------------------------------------------------- calendar, network


def calendar_feed_get(*, city: City) -> CalendarFeed:
    feed, _ = CalendarFeed.objects.get_or_create(city=city)
    return feed


def calendar_feed_regenerate(*, city: City) -> CalendarFeed:
    """A new secret link; the old one stops working at once."""
    from .models import new_token

    feed = calendar_feed_get(city=city)
    feed.token = new_token()
    feed.save(update_fields=["token"])
    return feed


def campaign_create(
    *, title: str, description: str = "", goal: int = 100, starts_on: date, ends_on: date, by: User
) -> Campaign:
    if not by.is_curator:
        raise ValidationError("Only national curators create campaigns.")
    if ends_on < starts_on:
        raise ValidationError({"ends_on": "The campaign must end after it starts."})
    campaign = Campaign(
        title=title.strip(),
        description=description,
        goal=goal,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=by,
    )
    campaign.full_clean()
    campaign.save()
    return campaign


def pledge_set(*, campaign: Campaign, city: City, count: int, by: User) -> CityPledge:
    """A city's lead pledges (or changes the pledge of) a number of conversations."""
    if not may(Membership.objects.for_city(city).filter(user=by).first(), "can_manage"):
        raise ValidationError("Only the city's program lead pledges for the city.")
    if count < 1:
        raise ValidationError({"count": "Pledge at least one conversation."})
    pledge, _ = CityPledge.objects.update_or_create(
        campaign=campaign, city=city, defaults={"count": count, "pledged_by": by}
    )
    return pledge


# -------------------------------------------------------------------------------------- retention

ERASED_NAME = "Participant (details erased)"


def contacts_purge(*, city: City, before: datetime) -> int:
    """Erase the contact details of the people who registered for, or walked in to, conversations
    of `city` whose last session ended before `before`; returns the registrations erased.

    Registered with cities.retention for the kind "contacts" (the nightly purge, which logs what it
    did). What is kept: the registration rows themselves (status, stakeholder group, access needs,
    language, walk-in, the record of consent given), check-ins, reports, quotes and feedback, so
    counts and attendance stay true. What goes: name, email, phone, the free-text access notes,
    and the registrants' reminder rows (they hold an email address).
    """
    ended = (
        Session.objects.for_city(city)
        .values("conversation")
        .annotate(last_end=Max("ends_at"))
        .filter(last_end__lt=before)
        .values("conversation")
    )
    with transaction.atomic():
        erased = (
            Registration.objects.for_city(city)
            .filter(conversation__in=ended)
            .filter(~Q(name=ERASED_NAME) | ~Q(email="") | ~Q(phone="") | ~Q(access_notes=""))
            .update(
                name=ERASED_NAME,
                email="",
                phone="",
                access_notes="",
            )
        )
        # Sessions this old get no more reminders (the latest is 30 days after; retention is 30+).
        ReminderSent.objects.for_city(city).filter(
            session__conversation__in=ended, kind=ReminderKind.DAY_BEFORE
        ).delete()
    return erased
