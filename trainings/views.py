"""Pages of the trainings section: thin views that parse, call a service or selector, render.

City pages (`/c/<city>/trainings/...`): every member sees the trainings offered to the city and
registers; the lead and staff offer the city's own trainings, schedule their sessions and check
people in; the lead sees who in the city has taken what. Curators (`/network/trainings/...`) offer
the league's trainings, schedule and check in at their sessions, and see completions across cities.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from cities.decorators import city_view, curator_required
from cities.forms import add_service_errors
from cities.http import CityRequest, acting, int_param
from cities.models import EDITOR_ROLES, Role, may

from . import selectors, services
from .forms import SessionForm, SessionMoveForm, SurveyForm, TrainingForm
from .models import RegistrationStatus, SurveyKind, Training


def _ctx(request: CityRequest, **extra) -> dict:
    return {
        "city": request.city,
        "section": "trainings",
        "can_edit": may(request.membership, "can_edit"),
        "is_lead": may(request.membership, "is_lead"),
        **extra,
    }


def _or_404(load, **kwargs):
    try:
        return load(**kwargs)
    except ObjectDoesNotExist as missing:
        raise Http404("No such page.") from missing


def _present_ids(request: HttpRequest) -> list[int] | None:
    ids = [int_param(v) for v in request.POST.getlist("present")]
    return None if any(i is None for i in ids) else [i for i in ids if i is not None]


def _training_initial(training: Training) -> dict:
    return {
        "title": training.title, "description": training.description,
        "curriculum": list(training.curriculum.all()), "audience_roles": training.audience_roles,
        "format": training.format, "length_minutes": training.length_minutes,
    }  # fmt: skip


def _edit_training(request: HttpRequest, training: Training, *, membership, done: str, ctx: dict) -> HttpResponse:
    """Change a training, or withdraw it (`action=withdraw`); the city and network pages share this."""
    posted = request.method == "POST"
    form = TrainingForm(request.POST if posted else None, initial=_training_initial(training))
    try:
        if posted and request.POST.get("action") == "withdraw":
            services.training_withdraw(training=training, membership=membership, **acting(request))
            messages.success(request, "Training withdrawn. Completions and certificates stay.")
            return redirect(done)
        if posted and form.is_valid():
            try:
                services.training_update(
                    training=training, membership=membership, **form.cleaned_data, **acting(request)
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Training saved.")
                return redirect(done)
    except PermissionDenied as refused:
        raise Http404("No such page.") from refused
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(done)
    return render(
        request, "trainings/edit.html", {**ctx, "training": training, "form": form, "done": done},
        status=400 if posted else 200,
    )  # fmt: skip


def _session_initial(session) -> dict:
    from django.utils import timezone

    return {
        "starts_at": timezone.localtime(session.starts_at), "ends_at": timezone.localtime(session.ends_at),
        "mode": session.mode, "location": session.location, "online_link": session.online_link,
    }  # fmt: skip


def _change_session(request: HttpRequest, session, *, membership, done: str, ctx: dict) -> HttpResponse:
    """Move a session (new date, time, place) or cancel it (`action=cancel`); registrants are emailed."""
    posted = request.method == "POST"
    form = SessionMoveForm(request.POST if posted else None, initial=_session_initial(session))
    try:
        if posted and request.POST.get("action") == "cancel":
            services.session_cancel(session=session, membership=membership, **acting(request))
            messages.success(request, "Session cancelled. Everyone registered or waiting is told by email.")
            return redirect(done)
        if posted and form.is_valid():
            try:
                services.session_move(session=session, membership=membership, **form.cleaned_data, **acting(request))
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Session moved. Everyone registered or waiting is told by email.")
                return redirect(done)
    except PermissionDenied as refused:
        raise Http404("No such page.") from refused
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(done)
    return render(
        request, "trainings/session_change.html",
        {**ctx, "session": session, "training": session.training, "form": form, "done": done},
        status=400 if posted else 200,
    )  # fmt: skip


# ------------------------------------------------------------------------------------ city pages


@city_view()
def index(request: CityRequest) -> HttpResponse:
    page = selectors.trainings_offered(city=request.city, page=request.GET.get("page", 1))
    mine = selectors.my_completions(city=request.city, user=request.user)
    return render(request, "trainings/index.html", _ctx(request, sub="index", page=page, mine=mine))


@city_view(roles=EDITOR_ROLES)
def new(request: CityRequest) -> HttpResponse:
    form = TrainingForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            training = services.training_create(
                city=request.city, membership=request.membership, **form.cleaned_data, **acting(request)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Training saved. Schedule its first session below.")
            return redirect("trainings:detail", request.city.slug, training.pk)
    return render(request, "trainings/new.html", _ctx(request, sub="new", form=form))


@city_view()
def detail(request: CityRequest, training_id: int) -> HttpResponse:
    training = _or_404(selectors.training_for_city, city=request.city, training_id=training_id)
    runs = services.may_run(training=training, user=request.user, membership=request.membership)
    form = SessionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not runs:
            raise Http404("No such page.")
        if form.is_valid():
            try:
                made = services.session_create(
                    training=training, membership=request.membership, **form.cleaned_data, **acting(request)
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Session scheduled.")
                return redirect("trainings:session", request.city.slug, made.pk)
    return render(
        request,
        "trainings/detail.html",
        _ctx(
            request,
            training=training,
            sessions=selectors.training_sessions(training=training),
            runs=runs,
            form=form,
            results=selectors.survey_results(training=training, city=request.city)
            if may(request.membership, "is_lead")
            else None,
        ),
        status=400 if request.method == "POST" else 200,
    )


def _session_post(request: CityRequest, session) -> HttpResponse | None:
    """Register, cancel or check people in; None when the page should show again with the problem."""
    action = request.POST.get("action", "")
    here = reverse("trainings:session", args=[request.city.slug, session.pk])
    try:
        if action == "register":
            registration = services.registration_create(session=session, membership=request.membership)
            if registration.status == RegistrationStatus.WAITLISTED:
                messages.success(
                    request, "The session is full: you are on the waitlist, and move up if a seat frees."
                )
            else:
                messages.success(request, "You are registered.")
        elif action == "cancel":
            mine = selectors.registration_of(session=session, user=request.user)
            if mine is None:
                raise ValidationError("You are not registered for this session.")
            promoted = services.registration_cancel(registration=mine, by=request.user)
            messages.success(
                request,
                "Your place is cancelled." + (" The next person on the waitlist has it." if promoted else ""),
            )
        elif action == "checkin":
            present = _present_ids(request)
            if present is None:
                raise ValidationError("The check-in list was not understood; reload the page and try again.")
            newly = services.attendance_record(
                session=session, present=present, membership=request.membership, **acting(request)
            )
            messages.success(request, f"{newly} checked in. Each completes the training.")
        else:
            raise ValidationError("Choose what to do.")
    except PermissionDenied as refused:
        raise Http404("No such page.") from refused
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(here)


@city_view(roles=EDITOR_ROLES)
def edit(request: CityRequest, training_id: int) -> HttpResponse:
    training = _or_404(selectors.training_for_city, city=request.city, training_id=training_id)
    if training.city_id != request.city.pk:
        raise Http404("No such page.")
    done = reverse("trainings:detail", args=[request.city.slug, training.pk])
    return _edit_training(request, training, membership=request.membership, done=done, ctx=_ctx(request))


@city_view(roles=EDITOR_ROLES)
def session_change(request: CityRequest, session_id: int) -> HttpResponse:
    found = _or_404(selectors.session_for_city, city=request.city, session_id=session_id)
    if found.training.city_id != request.city.pk:
        raise Http404("No such page.")
    done = reverse("trainings:session", args=[request.city.slug, found.pk])
    return _change_session(request, found, membership=request.membership, done=done, ctx=_ctx(request))


@city_view()
def session(request: CityRequest, session_id: int) -> HttpResponse:
    found = _or_404(selectors.session_for_city, city=request.city, session_id=session_id)
    if request.method == "POST":
        return _session_post(request, found)
    runs = services.may_run(training=found.training, user=request.user, membership=request.membership)
    people = (
        selectors.checkin_list(session=found, city=request.city)
        if may(request.membership, "can_edit")
        else []
    )
    if people:
        services.people_list_viewed(
            what=f"Viewed who registered for “{found.training.title}”", shown=len(people), object_id=found.pk,
            city=request.city, **acting(request),
        )  # fmt: skip
    return render(
        request,
        "trainings/session.html",
        _ctx(
            request,
            session=found,
            training=found.training,
            mine=selectors.registration_of(session=found, user=request.user),
            runs=runs,
            people=people,
        ),
    )


@city_view()
def survey_page(request: CityRequest, session_id: int, kind: str) -> HttpResponse:
    found = _or_404(selectors.session_for_city, city=request.city, session_id=session_id)
    if kind not in SurveyKind.values:
        raise Http404("No such survey.")
    mine = selectors.registration_of(session=found, user=request.user)
    if mine is None or mine.status != RegistrationStatus.REGISTERED:
        raise Http404("The survey is for people with a seat at the session.")
    form = SurveyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_answer(registration=mine, kind=kind, answers=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Thank you. Your answers are kept without your name.")
            return redirect("trainings:session", request.city.slug, found.pk)
    done = mine.pre_survey_done if kind == SurveyKind.PRE else mine.post_survey_done
    return render(
        request,
        "trainings/survey.html",
        _ctx(request, session=found, training=found.training, kind=kind, kind_label=SurveyKind(kind).label,
             form=form, done=done),
        status=400 if request.method == "POST" else 200,
    )  # fmt: skip


@city_view()
def certificate(request: CityRequest, completion_id: int) -> HttpResponse:
    completion = _or_404(selectors.completion_for_city, city=request.city, completion_id=completion_id)
    if completion.user_id != request.user.pk and not may(request.membership, "is_lead"):
        raise Http404("No such page.")
    return render(request, "trainings/certificate.html", _ctx(request, completion=completion))


@city_view(roles=[Role.LEAD])
def people(request: CityRequest) -> HttpResponse:
    coverage = selectors.city_coverage(city=request.city, page=request.GET.get("page", 1))
    services.people_list_viewed(
        what="Viewed who has taken which training", shown=len(coverage["people"]), city=request.city,
        **acting(request),
    )  # fmt: skip
    return render(request, "trainings/people.html", _ctx(request, sub="people", **coverage))


# --------------------------------------------------------------------------------- the network


@curator_required
def network(request: HttpRequest) -> HttpResponse:
    form = TrainingForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            training = services.training_create(city=None, **form.cleaned_data, **acting(request))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Training saved. Schedule its first session below.")
            return redirect("trainings:network_training", training.pk)
    return render(
        request,
        "trainings/network.html",
        {
            "section": "trainings",
            "page": selectors.league_trainings(page=request.GET.get("page", 1)),
            "rows": selectors.completions_by_city(),
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


@curator_required
def network_training(request: HttpRequest, training_id: int) -> HttpResponse:
    training: Training = _or_404(selectors.league_training, training_id=training_id)
    form = SessionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.session_create(training=training, **form.cleaned_data, **acting(request))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Session scheduled.")
            return redirect("trainings:network_session", made.pk)
    rows = [r for r in selectors.completions_by_city() if r["training_id"] == training.pk]
    return render(
        request,
        "trainings/network_training.html",
        {
            "section": "trainings",
            "training": training,
            "sessions": selectors.training_sessions(training=training),
            "form": form,
            "rows": rows,
            "results": selectors.survey_results(training=training, city=None),
        },
        status=400 if request.method == "POST" else 200,
    )


@curator_required
def network_edit(request: HttpRequest, training_id: int) -> HttpResponse:
    training: Training = _or_404(selectors.league_training, training_id=training_id)
    done = reverse("trainings:network_training", args=[training.pk])
    return _edit_training(request, training, membership=None, done=done, ctx={"section": "trainings"})


@curator_required
def network_session_change(request: HttpRequest, session_id: int) -> HttpResponse:
    found = _or_404(selectors.league_session, session_id=session_id)
    done = reverse("trainings:network_session", args=[found.pk])
    return _change_session(request, found, membership=None, done=done, ctx={"section": "trainings"})


@curator_required
def network_session(request: HttpRequest, session_id: int) -> HttpResponse:
    found = _or_404(selectors.league_session, session_id=session_id)
    if request.method == "POST":
        present = _present_ids(request)
        try:
            if present is None:
                raise ValidationError("The check-in list was not understood; reload the page and try again.")
            newly = services.attendance_record(
                session=found, present=present, membership=None, **acting(request)
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{newly} checked in. Each completes the training.")
        return redirect("trainings:network_session", found.pk)
    people = selectors.checkin_list(session=found, city=None)
    services.people_list_viewed(
        what=f"Viewed who registered for “{found.training.title}”", shown=len(people), object_id=found.pk,
        city=None, **acting(request),
    )  # fmt: skip
    return render(
        request,
        "trainings/network_session.html",
        {"section": "trainings", "session": found, "training": found.training, "people": people},
    )
