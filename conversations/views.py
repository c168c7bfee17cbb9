"""Conversations pages: thin views that parse the request, call a service or selector, render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from cities import ratelimit, words
from cities.clientip import client_ip
from cities.decorators import city_view, curator_required
from cities.forms import add_service_errors
from cities.http import CityRequest, acting
from cities.models import EDITOR_ROLES, WORKER_ROLES, may

from . import ical, selectors, services
from .forms import (
    CampaignForm,
    ChecklistItemForm,
    ConversationForm,
    FeedbackForm,
    PledgeForm,
    RegistrationForm,
    ReportForms,
    SessionForm,
    VoicesForms,
    WalkInForm,
)
from .models import (
    CalendarFeed,
    Campaign,
    ChecklistItem,
    Conversation,
    ConversationStatus,
    Invitation,
    InvitationResponse,
    Quote,
    Registration,
    RegistrationStatus,
    Session,
)
from .planning import allowed_moves

EDITORS = list(EDITOR_ROLES)
REGISTRATIONS_PAGE_SIZE = 50
WORKERS = WORKER_ROLES


def _conversation(request: CityRequest, pk: int) -> Conversation:
    try:
        return selectors.conversation_get(city=request.city, membership=request.membership, pk=pk)
    except Conversation.DoesNotExist as missing:
        raise Http404("No such conversation.") from missing


def _session(conversation: Conversation, pk: int) -> Session:
    try:
        return selectors.session_get(conversation=conversation, pk=pk)
    except Session.DoesNotExist as missing:
        raise Http404("No such session.") from missing


def _ctx(request: CityRequest, **extra) -> dict:
    return {"city": request.city, "section": "conversations", **extra}


# ----------------------------------------------------------------------------------------- list


@city_view()
def index(request: CityRequest) -> HttpResponse:
    city = request.city
    membership = request.membership
    when = request.GET.get("when", "")
    status = request.GET.get("status", "")
    if when not in selectors.LIST_FILTERS:
        when = ""
    if status not in ConversationStatus.values:
        status = ""
    page = Paginator(
        selectors.conversation_list(city=city, membership=membership, when=when, status=status),
        selectors.PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    context = _ctx(
        request,
        page=page,
        when=when,
        when_label=selectors.LIST_FILTERS.get(when, ""),
        status=status,
        filters=selectors.LIST_FILTERS,
        statuses=ConversationStatus.choices,
        can_plan=may(membership, "can_edit"),
        can_open=may(membership, "can_facilitate"),
        campaigns=selectors.campaigns_current()[:5],
    )
    template = "conversations/index.html#results" if request.htmx else "conversations/index.html"
    return render(request, template, context)


# ------------------------------------------------------------------------------------- planning


@city_view(roles=EDITORS)
def create(request: CityRequest) -> HttpResponse:
    city = request.city
    # "Plan a conversation for this campaign" (the campaign page) comes with the campaign chosen.
    campaign_id = request.GET.get("campaign", "")
    initial = {"campaign": campaign_id} if campaign_id.isdigit() else {}
    form = ConversationForm(request.POST or None, city=city, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        facilitators = data.pop("facilitators")
        try:
            conversation = services.conversation_create(
                city=city, created_by=request.user, facilitators=facilitators, **data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Conversation planned as a draft. Add its sessions, then schedule it.")
            return redirect("conversations:detail", city_slug=city.slug, pk=conversation.pk)
    return render(
        request,
        "conversations/form.html",
        _ctx(request, form=form, title="Plan a conversation", guides=selectors.suggested_guides()),
        status=400 if form.errors else 200,
    )


@city_view(roles=EDITORS)
def edit(request: CityRequest, pk: int) -> HttpResponse:
    conversation = _conversation(request, pk)
    form = ConversationForm(request.POST or None, instance=conversation, city=request.city)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        facilitators = data.pop("facilitators")
        try:
            services.conversation_update(conversation=conversation, facilitators=facilitators, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Changes saved.")
            return redirect("conversations:detail", city_slug=conversation.city.slug, pk=conversation.pk)
    return render(
        request,
        "conversations/form.html",
        _ctx(
            request,
            form=form,
            conversation=conversation,
            title=f"Edit: {conversation.title}",
            guides=selectors.suggested_guides(),
        ),
        status=400 if form.errors else 200,
    )


@city_view(roles=WORKERS)
def detail(request: CityRequest, pk: int) -> HttpResponse:
    conversation = _conversation(request, pk)
    editor = may(request.membership, "can_edit")
    guide_visible = conversation.guide is not None and conversation.guide.status == "published"
    sessions = list(conversation.sessions.select_related("report"))
    context = _ctx(
        request,
        conversation=conversation,
        sessions=sessions,
        editor=editor,
        guide=conversation.guide if guide_visible else None,
        moves=allowed_moves(conversation.status, has_sessions=bool(sessions)) if editor else [],
        facilitators=list(conversation.facilitators.all()),
        voices=selectors.voices(conversation=conversation),
        rollup=selectors.registration_rollup(conversation=conversation),
        feedback=selectors.feedback_summary(conversation=conversation),
        quotes=selectors.shareable_quotes(conversation=conversation),
        public_url=request.build_absolute_uri(
            reverse("conversations:public_register", args=[conversation.city.slug, conversation.public_id])
        ),
        feedback_url=request.build_absolute_uri(
            reverse(
                "conversations:public_feedback", args=[conversation.city.slug, conversation.feedback_token]
            )
        ),
        now=timezone.now(),
    )
    return render(request, "conversations/detail.html", context)


@city_view(roles=EDITORS)
@require_POST
def set_status(request: CityRequest, pk: int) -> HttpResponse:
    conversation = _conversation(request, pk)
    status = request.POST.get("status", "")
    try:
        services.conversation_set_status(conversation=conversation, status=status, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"The conversation is now {conversation.get_status_display().lower()}.")
    return redirect("conversations:detail", city_slug=conversation.city.slug, pk=conversation.pk)


@city_view(roles=EDITORS)
def session_form(request: CityRequest, pk: int, session_id: int | None = None) -> HttpResponse:
    conversation = _conversation(request, pk)
    session = _session(conversation, session_id) if session_id else None
    initial = {"time_zone": conversation.city.timezone}
    if session:
        initial = {f: getattr(session, f) for f in SessionForm.base_fields}
    form = SessionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_save(conversation=conversation, session=session, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Session saved.")
            return redirect("conversations:detail", city_slug=conversation.city.slug, pk=conversation.pk)
    return render(
        request,
        "conversations/session_form.html",
        _ctx(request, form=form, conversation=conversation, session=session),
        status=400 if form.errors else 200,
    )


@city_view(roles=EDITORS)
@require_POST
def session_delete(request: CityRequest, pk: int, session_id: int) -> HttpResponse:
    conversation = _conversation(request, pk)
    session = _session(conversation, session_id)
    try:
        services.session_delete(session=session)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Session removed.")
    return redirect("conversations:detail", city_slug=conversation.city.slug, pk=conversation.pk)


@city_view(roles=EDITORS)
def checklist(request: CityRequest, pk: int) -> HttpResponse:
    conversation = _conversation(request, pk)
    city = request.city
    form = ChecklistItemForm(request.POST or None, city=city)
    if request.method == "POST" and form.is_valid():
        try:
            services.checklist_item_save(conversation=conversation, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Task added.")
            return redirect("conversations:checklist", city_slug=city.slug, pk=conversation.pk)
    items = ChecklistItem.objects.for_city(city).filter(conversation=conversation).select_related("owner")
    return render(
        request,
        "conversations/checklist.html",
        _ctx(request, conversation=conversation, items=items, form=form, today=timezone.localdate()),
        status=400 if form.errors else 200,
    )


@city_view(roles=EDITORS)
def checklist_item(request: CityRequest, pk: int, item_id: int) -> HttpResponse:
    conversation = _conversation(request, pk)
    city = request.city
    item = get_object_or_404(ChecklistItem.objects.for_city(city), conversation=conversation, pk=item_id)
    form = ChecklistItemForm(request.POST or None, instance=item, city=city)
    if request.method == "POST" and form.is_valid():
        try:
            services.checklist_item_save(conversation=conversation, item=item, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Task saved.")
            return redirect("conversations:checklist", city_slug=city.slug, pk=conversation.pk)
    return render(
        request,
        "conversations/checklist_item.html",
        _ctx(request, conversation=conversation, item=item, form=form),
        status=400 if form.errors else 200,
    )


@city_view(roles=EDITORS)
@require_POST
def checklist_toggle(request: CityRequest, pk: int, item_id: int) -> HttpResponse:
    conversation = _conversation(request, pk)
    city = request.city
    item = get_object_or_404(ChecklistItem.objects.for_city(city), conversation=conversation, pk=item_id)
    services.checklist_item_toggle(item=item)
    if request.htmx:
        return render(
            request,
            "conversations/checklist.html#item",
            _ctx(request, conversation=conversation, item=item, today=timezone.localdate()),
        )
    return redirect("conversations:checklist", city_slug=city.slug, pk=conversation.pk)


def _voices_post(request: CityRequest, conversation: Conversation, forms: VoicesForms) -> HttpResponse | None:
    """Save the targets or add an invitation; None when the form named by the action is invalid."""
    if forms.action == "targets" and forms.targets.is_valid():
        services.voice_targets_set(conversation=conversation, targets=forms.targets.targets())
        messages.success(request, "Targets saved.")
    elif forms.action == "invite" and forms.invite.is_valid():
        invitation = services.invitation_create(
            conversation=conversation, stakeholder=forms.invite.cleaned_data["stakeholder"], by=request.user
        )
        messages.success(request, f"{invitation.stakeholder.name} is on the invitation list.")
    else:
        return None
    return redirect("conversations:voices", city_slug=conversation.city.slug, pk=conversation.pk)


def _report_post(
    request: CityRequest, conversation: Conversation, session: Session, forms: ReportForms
) -> HttpResponse | None:
    """Save or submit the report, add a quote or record a commitment; None when the form is invalid."""
    url = reverse("conversations:report", args=[conversation.city.slug, conversation.pk, session.pk])
    if forms.action in ("save", "submit") and forms.report.is_valid():
        submit = forms.action == "submit"
        try:
            services.report_save(
                session=session, author=request.user, submit=submit, **forms.report.report_fields()
            )
        except ValidationError as error:  # submitted before the session took place: nothing saved
            add_service_errors(forms.report, error)
            return None
        messages.success(request, gettext("Report submitted. Thank you.") if submit else gettext("Draft saved."))
        return redirect(url)
    if forms.action not in ("quote", "commitment"):
        return None
    target = services.report_started(session=session, author=request.user)
    if forms.action == "quote" and forms.quote.is_valid():
        services.quote_add(report=target, **forms.quote.cleaned_data)
        messages.success(request, gettext("Quote added."))
        return redirect(url + "#quotes")
    if forms.action == "commitment" and forms.commitment.is_valid():
        try:
            services.report_commitment_add(report=target, by=request.user, **forms.commitment.cleaned_data)
        except ValidationError as error:
            add_service_errors(forms.commitment, error)
        else:
            messages.success(request, gettext("Commitment recorded; it is now tracked with the city's commitments."))
            return redirect(url + "#commitments")
    return None


@city_view(roles=EDITORS)
def voices(request: CityRequest, pk: int) -> HttpResponse:
    conversation = _conversation(request, pk)
    rows = selectors.voices(conversation=conversation)
    forms = VoicesForms.build(
        request.POST, city=request.city, initial_targets={r.group: r.target for r in rows}
    )
    if request.method == "POST" and (done := _voices_post(request, conversation, forms)):
        return done
    page = selectors.voices_page(conversation=conversation, rows=rows)
    services.invitations_viewed(conversation=conversation, invitations=page["invitations"], **acting(request))
    context = _ctx(
        request,
        conversation=conversation,
        rows=rows,
        targets_form=forms.targets,
        invite_form=forms.invite,
        responses=InvitationResponse.choices,
        **page,
    )
    return render(request, "conversations/voices.html", context, status=400 if forms.has_errors else 200)


@city_view(roles=EDITORS)
@require_POST
def invitation_response(request: CityRequest, pk: int, invitation_id: int) -> HttpResponse:
    conversation = _conversation(request, pk)
    city = request.city
    invitation = get_object_or_404(
        Invitation.objects.for_city(city), conversation=conversation, pk=invitation_id
    )
    try:
        services.invitation_set_response(invitation=invitation, response=request.POST.get("response", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("conversations:voices", city_slug=city.slug, pk=conversation.pk)


@city_view(roles=EDITORS)
def registrations(request: CityRequest, pk: int) -> HttpResponse:
    conversation = _conversation(request, pk)
    page = Paginator(selectors.registrations(conversation=conversation), REGISTRATIONS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    services.registrations_viewed(conversation=conversation, page=page, **acting(request))
    return render(
        request,
        "conversations/registrations.html",
        _ctx(
            request,
            conversation=conversation,
            page=page,
            rollup=selectors.registration_rollup(conversation=conversation),
        ),
    )


@city_view(roles=EDITORS)
@require_POST
def registration_cancel(request: CityRequest, pk: int, registration_id: int) -> HttpResponse:
    conversation = _conversation(request, pk)
    registration = get_object_or_404(
        Registration.objects.for_city(request.city),
        conversation=conversation,
        pk=registration_id,
    )
    promoted = services.registration_cancel(registration=registration, **acting(request))
    text = f"{registration.name}'s registration was cancelled."
    if promoted:
        text += f" {promoted[0].name} moved up from the waitlist."
    messages.success(request, text)
    return redirect("conversations:registrations", city_slug=conversation.city.slug, pk=conversation.pk)


# ------------------------------------------------------------------------------------------ the day


@city_view(roles=WORKERS)
def check_in_list(request: CityRequest, pk: int, session_id: int) -> HttpResponse:
    conversation = _conversation(request, pk)
    session = _session(conversation, session_id)
    q = request.GET.get("q", "").strip()[:100]
    walk_in_form = WalkInForm(request.POST or None)
    if request.method == "POST" and walk_in_form.is_valid():
        try:
            person = services.walk_in_create(session=session, by=request.user, **walk_in_form.cleaned_data)
        except ValidationError as error:
            add_service_errors(walk_in_form, error)
        else:
            if not request.htmx:
                messages.success(request, gettext("%(name)s added and checked in.") % {"name": person.name})
                return redirect(
                    "conversations:check_in",
                    city_slug=conversation.city.slug,
                    pk=conversation.pk,
                    session_id=session.pk,
                )
            walk_in_form = WalkInForm()
    return _render_check_in(request, conversation, session, q=q, walk_in_form=walk_in_form)


def _render_check_in(
    request: CityRequest, conversation: Conversation, session: Session, *, q: str = "", walk_in_form=None
) -> HttpResponse:
    walk_in_form = walk_in_form or WalkInForm()
    people = selectors.check_in_list(session=session, q=q)
    if request.method == "GET":  # the page, and each htmx search of it (after a check-in: already seen)
        services.check_in_list_viewed(session=session, people=people, q=q, **acting(request))
    context = _ctx(
        request,
        conversation=conversation,
        session=session,
        people=people,
        q=q,
        walk_in_form=walk_in_form,
        present=sum(1 for p in people if p.checked_in),
    )
    if request.htmx:
        return render(request, "conversations/check_in.html#roster", context)
    return render(request, "conversations/check_in.html", context, status=400 if walk_in_form.errors else 200)


@city_view(roles=WORKERS)
@require_POST
def check_in_toggle(request: CityRequest, pk: int, session_id: int, registration_id: int) -> HttpResponse:
    conversation = _conversation(request, pk)
    session = _session(conversation, session_id)
    registration = get_object_or_404(
        Registration.objects.for_city(request.city),
        conversation=conversation,
        pk=registration_id,
        status=RegistrationStatus.CONFIRMED,
    )
    if request.POST.get("present") == "0":
        services.check_in_undo(session=session, registration=registration)
    else:
        services.check_in(session=session, registration=registration, by=request.user)
    if request.htmx:
        return _render_check_in(request, conversation, session, q=request.POST.get("q", "").strip()[:100])
    return redirect(
        "conversations:check_in", city_slug=conversation.city.slug, pk=conversation.pk, session_id=session.pk
    )


# -------------------------------------------------------------------------------------- reporting


@city_view(roles=WORKERS)
def report(request: CityRequest, pk: int, session_id: int) -> HttpResponse:
    """The facilitator's report on a session: assigned facilitator, lead or staff only."""
    conversation = _conversation(request, pk)
    session = _session(conversation, session_id)
    forms = ReportForms.build(request.POST, report=selectors.report_for(session=session))
    if request.method == "POST" and (done := _report_post(request, conversation, session, forms)):
        return done
    context = _ctx(
        request,
        conversation=conversation,
        session=session,
        form=forms.report,
        quote_form=forms.quote,
        commitment_form=forms.commitment,
        editor=may(request.membership, "can_edit"),
        **selectors.report_page(session=session),
    )
    return render(request, "conversations/report.html", context, status=400 if forms.has_errors else 200)


@city_view(roles=EDITORS)
@require_POST
def quote_review(request: CityRequest, pk: int, quote_id: int) -> HttpResponse:
    conversation = _conversation(request, pk)
    quote = get_object_or_404(
        Quote.objects.for_city(request.city).select_related("report__session"),
        report__session__conversation=conversation,
        pk=quote_id,
    )
    if request.POST.get("action") == "delete":
        services.quote_delete(quote=quote, **acting(request))
        messages.success(request, "Quote removed.")
    else:
        try:
            services.quote_review(quote=quote, **acting(request))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Quote reviewed: it may now be shared.")
    return redirect(
        reverse(
            "conversations:report", args=[conversation.city.slug, conversation.pk, quote.report.session_id]
        )
        + "#quotes"
    )


# ------------------------------------------------------------------------------------- calendar


@city_view(roles=EDITORS)
def calendar_settings(request: CityRequest) -> HttpResponse:
    city = request.city
    if request.method == "POST":
        services.calendar_feed_regenerate(city=city)
        messages.success(request, "A new calendar link was made; the old one no longer works.")
        return redirect("conversations:calendar", city_slug=city.slug)
    feed = services.calendar_feed_get(city=city)
    url = request.build_absolute_uri(reverse("conversations:calendar_feed", args=[city.slug, feed.token]))
    return render(request, "conversations/calendar.html", _ctx(request, feed_url=url))


def calendar_feed(request: HttpRequest, city_slug: str, token: str) -> HttpResponse:
    """The private iCalendar feed of a city's conversations; the token is the only key."""
    feed = CalendarFeed.objects.select_related("city").filter(city__slug=city_slug, token=token).first()
    if feed is None:
        raise Http404("No such calendar.")
    city = feed.city
    sessions = (
        Session.objects.for_city(city)
        .exclude(conversation__status=ConversationStatus.DRAFT)
        .select_related("conversation__city")
        .order_by("starts_at")
    )
    events = []
    for session in sessions:
        url = request.build_absolute_uri(
            reverse("conversations:detail", args=[city.slug, session.conversation_id])
        )
        events += services.session_events([session], conversation_url=url)
    body = ical.calendar(events, name=f"Conversations in {city.name}", now=timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


# ---------------------------------------------------------------------------------- public pages


def _rate_limited(
    request: HttpRequest, template: str, context: dict, refusal: ratelimit.Refusal
) -> HttpResponse:
    """The public form again, as typed, with why it was not sent and when to try again (429)."""
    response = render(request, template, {**context, "refusal": refusal}, status=429)
    response["Retry-After"] = str(refusal.retry_after)
    return response


def _public_conversation(city_slug: str, public_id: str) -> Conversation:
    conversation = (
        Conversation.objects.select_related("city")
        .filter(city__slug=city_slug, public_id=public_id)
        .exclude(status=ConversationStatus.DRAFT)
        .first()
    )
    if conversation is None:
        raise Http404("No such conversation.")
    return conversation


@never_cache  # the answer to a registration shows the person's name and email
def public_register(request: HttpRequest, city_slug: str, public_id: str) -> HttpResponse:
    """Public registration (no account): a seat while there is one, the waitlist otherwise."""
    # Counted before the lookup, so that guessing ids uses up the address's allowance too.
    refusal = ratelimit.consume(request, action="conversations.register", key=f"{city_slug}/{public_id}")
    conversation = _public_conversation(city_slug, public_id)
    form = RegistrationForm(request.POST or None, consent_wording=services.CONSENT_WORDING)
    problem = selectors.registration_closed(conversation=conversation)
    context = {"conversation": conversation, "sessions": conversation.sessions.all(), "form": form}
    if problem is None and refusal is not None:
        return _rate_limited(request, "conversations/public_register.html", context, refusal)
    if request.method == "POST" and problem is None and form.is_valid():
        try:
            registration = services.registration_create(
                conversation=conversation,
                locale=translation.get_language().split("-")[0],
                **form.cleaned_data,
            )
        except services.RegistrationRefused as refused:
            problem = str(refused)
        else:
            done = {"conversation": conversation, "registration": registration}
            return render(request, "conversations/public_registered.html", done)
    status = (409 if request.method == "POST" else 200) if problem else (400 if form.errors else 200)
    return render(
        request, "conversations/public_register.html", {**context, "problem": problem}, status=status
    )


@never_cache  # shows the registrant's name: never kept by a browser or a proxy
def public_cancel(request: HttpRequest, city_slug: str, token: str) -> HttpResponse:
    refusal = ratelimit.consume(request, action="conversations.cancel", key=f"{city_slug}/{token}")
    registration = (
        Registration.objects.select_related("conversation__city")
        .filter(city__slug=city_slug, cancel_token=token, walk_in=False)
        .first()
    )
    if registration is None:
        raise Http404("No such registration.")
    context = {"registration": registration, "conversation": registration.conversation}
    if refusal is not None:
        return _rate_limited(request, "conversations/public_cancel.html", {**context, "done": False}, refusal)
    done = False
    if request.method == "POST":
        services.registration_cancel(
            registration=registration,
            by=request.user if request.user.is_authenticated else None,
            by_registrant=True,
            ip_address=client_ip(request),
        )
        done = True
    return render(request, "conversations/public_cancel.html", {**context, "done": done})


def public_feedback(request: HttpRequest, city_slug: str, token: str) -> HttpResponse:
    """The anonymous feedback form: nothing identifies who answered."""
    refusal = ratelimit.consume(request, action="conversations.feedback", key=f"{city_slug}/{token}")
    conversation = (
        Conversation.objects.select_related("city").filter(city__slug=city_slug, feedback_token=token).first()
    )
    if conversation is None:
        raise Http404("No such conversation.")
    form = FeedbackForm(request.POST or None)
    problem = None
    if conversation.status in (ConversationStatus.DRAFT, ConversationStatus.CANCELLED):
        problem = gettext("Feedback opens once the conversation has taken place.")
    elif refusal is not None:
        return _rate_limited(
            request,
            "conversations/public_feedback.html",
            {"conversation": conversation, "form": form},
            refusal,
        )
    elif request.method == "POST" and form.is_valid():
        services.feedback_create(conversation=conversation, **form.cleaned_data)
        return render(request, "conversations/public_feedback_thanks.html", {"conversation": conversation})
    return render(
        request,
        "conversations/public_feedback.html",
        {"conversation": conversation, "form": form, "problem": problem},
        status=400 if form.errors else 200,
    )


# ------------------------------------------------------------------------------------- campaigns


@city_view()
def campaign(request: CityRequest, campaign_id: int) -> HttpResponse:
    city = request.city
    the_campaign = get_object_or_404(Campaign, pk=campaign_id)
    is_lead = may(request.membership, "can_manage")
    pledge = the_campaign.pledges.filter(city=city).first()
    form = PledgeForm(request.POST or None, initial={"count": pledge.count if pledge else None})
    if request.method == "POST":
        if not is_lead:
            raise Http404("No such page.")
        if form.is_valid():
            services.pledge_set(
                campaign=the_campaign, city=city, count=form.cleaned_data["count"], by=request.user
            )
            messages.success(request, f"{city.name} pledges {words.count(form.cleaned_data['count'], 'conversation')}.")
            return redirect("conversations:campaign", city_slug=city.slug, campaign_id=the_campaign.pk)
    return render(
        request,
        "conversations/campaign.html",
        _ctx(
            request,
            campaign=the_campaign,
            rows=selectors.campaign_progress(campaign=the_campaign),
            pledge=pledge,
            form=form if is_lead else None,
            can_plan=may(request.membership, "can_edit"),
        ),
        status=400 if form.errors else 200,
    )


@curator_required
def network(request: HttpRequest) -> HttpResponse:
    """The curator's network view: campaigns, and per city planned, held and reported vs pledge."""
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.campaign_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Campaign '{created.title}' created. Cities can now pledge.")
            return redirect("conversations:network_campaign", campaign_id=created.pk)
    return render(
        request,
        "conversations/network.html",
        {
            "page": Paginator(Campaign.objects.all(), selectors.PAGE_SIZE).get_page(request.GET.get("page")),
            "form": form,
            "section": "network",
        },
        status=400 if form.errors else 200,
    )


@curator_required
def network_campaign(request: HttpRequest, campaign_id: int) -> HttpResponse:
    the_campaign = get_object_or_404(Campaign, pk=campaign_id)
    return render(
        request,
        "conversations/campaign.html",
        {
            "campaign": the_campaign,
            "rows": selectors.campaign_progress(campaign=the_campaign),
            "network": True,
            "section": "network",
        },
    )
