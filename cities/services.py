"""Everything that writes tenancy records: invitations, memberships."""

import hashlib
import secrets
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .audit import audit_record
from .models import AuditAction, City, CitySettings, Invitation, Membership, Role, User


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _require_lead(*, city: City, user: User) -> None:
    if not Membership.objects.for_city(city).filter(user=user, role=Role.LEAD).exists():
        raise PermissionDenied("Only the city's program lead can manage its members.")


def invitation_create(*, city: City, email: str, role: str, invited_by: User) -> Invitation:
    """Invite a person by email to a role in a city; the email goes out from a worker."""
    _require_lead(city=city, user=invited_by)
    email = email.strip().lower()
    if role not in Role.values:
        raise ValidationError({"role": "Choose one of the roles."})
    if Membership.objects.for_city(city).filter(user__email__iexact=email).exists():
        raise ValidationError({"email": f"{email} is already a member of {city.name}."})
    from .tasks import invitation_send_email

    with transaction.atomic():
        # A new invitation replaces any earlier one still pending for the same address.
        Invitation.objects.for_city(city).filter(
            email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
        invitation = Invitation.objects.create(
            city=city,
            email=email,
            role=role,
            invited_by=invited_by,
            token_hash=_hash_token(secrets.token_urlsafe(32)),
            expires_at=timezone.now() + settings.INVITATION_TTL,
        )
        invitation_send_email.delay_on_commit(invitation.pk)
    return invitation


def invitation_send(*, invitation: Invitation) -> None:
    """Give the invitation a fresh secret link and email it. Only the link's hash is kept."""
    if not invitation.is_pending:
        return
    token = secrets.token_urlsafe(32)
    invitation.token_hash = _hash_token(token)
    invitation.save(update_fields=["token_hash"])
    context = {
        "invitation": invitation,
        "link": settings.SITE_URL + reverse("cities:invitation_accept", args=[token]),
        "inviter": invitation.invited_by.display_name if invitation.invited_by else "The program lead",
    }
    send_mail(
        subject=f"You are invited to {invitation.city.name} on REAL Cities",
        message=render_to_string("cities/email/invitation.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )


def invitation_revoke(*, invitation: Invitation, by: User) -> None:
    _require_lead(city=invitation.city, user=by)
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])


def invitation_by_token(*, token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("city", "invited_by")
        .filter(token_hash=_hash_token(token))
        .first()
    )


class InvitationUnusable(Exception):
    """The link has expired, was used already, or was withdrawn; the message says which."""


def _check_usable(invitation: Invitation) -> None:
    reason = invitation.unusable_reason()
    if reason:
        raise InvitationUnusable(reason)


def _join(*, invitation: Invitation, user: User) -> Membership:
    membership, created = Membership.objects.get_or_create(
        user=user, city=invitation.city, defaults={"role": invitation.role}
    )
    if not created and membership.role != invitation.role:
        membership.role = invitation.role
        membership.save(update_fields=["role"])
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


@dataclass(frozen=True)
class Accepted:
    user: User
    membership: Membership


def invitation_accept_new_user(
    *, invitation: Invitation, full_name: str, password: str
) -> Accepted:
    """A person without an account sets their name and password and joins the city."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        _check_usable(invitation)
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise InvitationUnusable(
                "An account with this email already exists: sign in, then open the link again."
            )
        user = User(email=invitation.email, full_name=full_name.strip())
        validate_password(password, user)
        user.set_password(password)
        user.save()
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
        membership = _join(invitation=invitation, user=user)
    return Accepted(user=user, membership=membership)


def invitation_accept_existing_user(*, invitation: Invitation, user: User) -> Accepted:
    """A signed-in person whose email the invitation names joins the city (or takes the role)."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        _check_usable(invitation)
        if user.email.lower() != invitation.email.lower():
            raise InvitationUnusable(
                f"This invitation is for {invitation.email}, and you are signed in as "
                f"{user.email}. Sign out, then open the link again."
            )
        if not EmailAddress.objects.filter(user=user, email__iexact=user.email).exists():
            EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
        membership = _join(invitation=invitation, user=user)
    return Accepted(user=user, membership=membership)


def _other_leads(membership: Membership) -> int:
    return (
        Membership.objects.for_city(membership.city)
        .filter(role=Role.LEAD)
        .exclude(pk=membership.pk)
        .count()
    )


def membership_set_role(*, membership: Membership, role: str, by: User) -> Membership:
    _require_lead(city=membership.city, user=by)
    if role not in Role.values:
        raise ValidationError({"role": "Choose one of the roles."})
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if membership.role == Role.LEAD and role != Role.LEAD and _other_leads(membership) == 0:
            raise ValidationError(
                "A city needs at least one program lead: make someone else lead first."
            )
        previous = membership.role
        membership.role = role
        membership.save(update_fields=["role"])
        _audit_membership(membership, by, f"role {previous} -> {role} for {membership.user.email}")
    return membership


def membership_remove(*, membership: Membership, by: User) -> None:
    _require_lead(city=membership.city, user=by)
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if membership.role == Role.LEAD and _other_leads(membership) == 0:
            raise ValidationError(
                "A city needs at least one program lead: make someone else lead first."
            )
        _audit_membership(membership, by, f"removed {membership.user.email} ({membership.role})", delete=True)
        membership.delete()


def _audit_membership(membership: Membership, by: User, summary: str, *, delete: bool = False) -> None:
    audit_record(
        action=AuditAction.DELETE if delete else AuditAction.CHANGE,
        object_type="membership",
        object_id=membership.pk,
        summary=summary,
        city=membership.city,
        actor=by,
    )


def invitations_purge_expired(*, older_than_days: int = 30) -> int:
    """Delete invitations that ended (expired, used or withdrawn) more than a month ago."""
    cutoff = timezone.now() - timezone.timedelta(days=older_than_days)
    deleted, _ = Invitation.objects.filter(expires_at__lt=cutoff).delete()
    return deleted


def city_settings_update(
    *,
    city: City,
    by: User,
    require_two_factor: bool,
    retain_contacts_days: int | None,
    retain_police_days: int | None,
) -> CitySettings:
    """The lead's security and retention choices; every change is audited."""
    from allauth.mfa.models import Authenticator

    _require_lead(city=city, user=by)
    if require_two_factor and not Authenticator.objects.filter(user=by, type=Authenticator.Type.TOTP).exists():
        raise ValidationError(
            {"require_two_factor": "Set up two-factor sign-in for your own account first, so that "
             "requiring it does not lock you out."}
        )
    for name, days in (("retain_contacts_days", retain_contacts_days), ("retain_police_days", retain_police_days)):
        if days is not None and days < 30:
            raise ValidationError({name: "Keep records for at least 30 days, or leave it empty to keep them."})
    with transaction.atomic():
        settings_row, _ = CitySettings.objects.select_for_update().get_or_create(city=city)
        before = (settings_row.require_two_factor, settings_row.retain_contacts_days, settings_row.retain_police_days)
        settings_row.require_two_factor = require_two_factor
        settings_row.retain_contacts_days = retain_contacts_days
        settings_row.retain_police_days = retain_police_days
        settings_row.save()
        after = (require_two_factor, retain_contacts_days, retain_police_days)
        if before != after:
            audit_record(
                action=AuditAction.SETTINGS,
                object_type="city settings",
                object_id=city.id,
                summary=f"two-factor required: {after[0]}; keep contacts: {after[1] or 'always'} days; "
                f"keep police records: {after[2] or 'always'} days",
                city=city,
                actor=by,
            )
    return settings_row
