"""Tenancy pages: the front door, a city's home, members and invitations."""

from allauth.account.utils import perform_login
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from . import panels, selectors, services
from .decorators import SESSION_CITY_KEY, city_view, curator_required
from .forms import AcceptInvitationForm, InvitationForm, RoleForm, add_service_errors
from .http import CityRequest
from .models import Invitation, Membership, Role, may


def home(request: HttpRequest) -> HttpResponse:
    """The front door: what the app is, or the signed-in person's cities."""
    if not request.user.is_authenticated:
        return render(request, "cities/landing.html")
    memberships = list(selectors.user_memberships(user=request.user))
    last = request.session.get(SESSION_CITY_KEY)
    for membership in memberships:
        if membership.city.slug == last:
            return redirect("cities:home", city_slug=membership.city.slug)
    if len(memberships) == 1:
        return redirect("cities:home", city_slug=memberships[0].city.slug)
    if not memberships and getattr(request.user, "is_curator", False):
        return redirect("cities:national")
    return render(request, "cities/my_cities.html", {"memberships": memberships})


@curator_required
def national(request: HttpRequest) -> HttpResponse:
    """The national curator's home: the submission queue, reviews due, campaigns across cities."""
    national_panels = panels.national_panels(user=request.user)
    return render(
        request,
        "cities/national_home.html",
        {
            "figures": [
                {"key": panel["key"], **figure} for panel in national_panels for figure in panel.get("summary", [])
            ],
            "sections": national_panels,
            "memberships": list(selectors.user_memberships(user=request.user)),
        },
    )


@city_view()
def city_home(request: CityRequest) -> HttpResponse:
    """A city's home: the panels every feature app registered (cities.panels), in their order."""
    return render(
        request,
        "cities/city_home.html",
        {
            "city": request.city,
            "section": "home",
            "figures": panels.week_figures(city=request.city, membership=request.membership),
            "sections": panels.home_panels(city=request.city, membership=request.membership),
            "can_edit": may(request.membership, "can_edit"),
        },
    )


@city_view()
def members(request: CityRequest) -> HttpResponse:
    city = request.city
    is_lead = may(request.membership, "can_manage")
    return render(
        request,
        "cities/members.html",
        {
            "city": city,
            "members": selectors.city_members(city=city),
            "invitations": selectors.city_pending_invitations(city=city) if is_lead else [],
            "invite_form": InvitationForm() if is_lead else None,
            "is_lead": is_lead,
            "roles": Role.choices,
        },
    )


@city_view(roles=[Role.LEAD])
@require_POST
def invite(request: CityRequest) -> HttpResponse:
    city = request.city
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation = services.invitation_create(
                city=city,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                invited_by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Invitation sent to {invitation.email} as {invitation.get_role_display().lower()}.",
            )
            return redirect("cities:members", city_slug=city.slug)
    return render(
        request,
        "cities/members.html",
        {
            "city": city,
            "members": selectors.city_members(city=city),
            "invitations": selectors.city_pending_invitations(city=city),
            "invite_form": form,
            "is_lead": True,
            "roles": Role.choices,
        },
        status=400,
    )


def _member_or_404(request: CityRequest, membership_id: int) -> Membership:
    try:
        return selectors.membership_in_city(city=request.city, membership_id=membership_id)
    except Membership.DoesNotExist as missing:
        raise Http404("No such member.") from missing


@city_view(roles=[Role.LEAD])
@require_POST
def member_role(request: CityRequest, membership_id: int) -> HttpResponse:
    membership = _member_or_404(request, membership_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the roles.")
    else:
        try:
            services.membership_set_role(
                membership=membership, role=form.cleaned_data["role"], by=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                f"{membership.user.display_name} is now {Role(form.cleaned_data['role']).label.lower()}.",
            )
    return redirect("cities:members", city_slug=request.city.slug)


@city_view(roles=[Role.LEAD])
@require_POST
def member_remove(request: CityRequest, membership_id: int) -> HttpResponse:
    membership = _member_or_404(request, membership_id)
    try:
        services.membership_remove(membership=membership, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{membership.user.display_name} no longer has access to this city.")
    return redirect("cities:members", city_slug=request.city.slug)


@city_view(roles=[Role.LEAD])
@require_POST
def invitation_revoke(request: CityRequest, invitation_id: int) -> HttpResponse:
    try:
        invitation = selectors.invitation_in_city(city=request.city, invitation_id=invitation_id)
    except Invitation.DoesNotExist as missing:
        raise Http404("No such invitation.") from missing
    services.invitation_revoke(invitation=invitation, by=request.user)
    messages.success(request, f"The invitation to {invitation.email} was withdrawn.")
    return redirect("cities:members", city_slug=request.city.slug)


INVALID_LINK = "This invitation link is not valid. Check that you copied all of it, or ask the program lead for a new one."


def _welcome(request: HttpRequest, accepted: services.Accepted) -> HttpResponse:
    messages.success(request, f"Welcome to {accepted.membership.city.name}.")
    return redirect("cities:home", city_slug=accepted.membership.city.slug)


def _accept(
    request: HttpRequest, invitation: Invitation, form: AcceptInvitationForm | None
) -> HttpResponse | str | None:
    """Accept a POSTed invitation: as the person signed in, or as a new account made from the form.
    Returns the welcome, or why the invitation cannot be used, or None when the form is invalid."""
    try:
        if request.user.is_authenticated:
            return _welcome(
                request, services.invitation_accept_existing_user(invitation=invitation, user=request.user)
            )
        if form is None or not form.is_valid():
            return None
        try:
            accepted = services.invitation_accept_new_user(
                invitation=invitation,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
            )
        except ValidationError as error:
            form.add_error("password1", error)
            return None
    except services.InvitationUnusable as error:
        return str(error)
    logout(request)
    perform_login(request, accepted.user, redirect_url=None)
    return _welcome(request, accepted)


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the email: set a password (or sign in) and land in the city."""
    invitation = services.invitation_by_token(token=token)
    if invitation is None:
        return render(request, "cities/invitation_problem.html", {"problem": INVALID_LINK}, status=404)
    form = (
        None
        if request.user.is_authenticated
        else AcceptInvitationForm(request.POST if request.method == "POST" else None)
    )
    outcome = _accept(request, invitation, form) if request.method == "POST" else None
    if isinstance(outcome, HttpResponse):
        return outcome
    problem = outcome or selectors.invitation_problem(invitation=invitation)
    context = {
        "invitation": invitation,
        "form": form,
        "problem": problem,
        "has_account": selectors.account_exists(email=invitation.email),
    }
    status = 400 if (problem or (form is not None and form.errors)) else 200
    return render(request, "cities/invitation_accept.html", context, status=status)


@city_view(roles=[Role.LEAD])
def city_settings(request: CityRequest) -> HttpResponse:
    from .forms import CitySettingsForm

    city = request.city
    current = selectors.city_settings(city=city)
    if request.method == "POST":
        form = CitySettingsForm(request.POST)
        if form.is_valid():
            try:
                services.city_settings_update(city=city, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Settings saved.")
                return redirect("cities:settings", city_slug=city.slug)
    else:
        form = CitySettingsForm(
            initial={
                "require_two_factor": current.require_two_factor,
                "retain_contacts_days": current.retain_contacts_days,
                "retain_police_days": current.retain_police_days,
            }
        )
    return render(
        request,
        "cities/settings.html",
        {"city": city, "form": form},
        status=400 if form.errors else 200,
    )


@city_view(roles=[Role.LEAD])
def audit_log(request: CityRequest) -> HttpResponse:
    from django.core.paginator import Paginator

    from .models import AuditAction

    city = request.city
    action = request.GET.get("action", "")
    if action not in AuditAction.values:
        action = ""
    page = Paginator(selectors.audit_events(city=city, action=action), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "cities/audit.html",
        {"city": city, "page": page, "action": action, "actions": AuditAction.choices},
    )
