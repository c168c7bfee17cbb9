"""Pages of the relationships section: thin views that parse, call a service or selector, render.

Roles (docs/relationships.md): every member reads; the lead and staff write; only the lead
publishes commitments; private meeting notes are for the lead and staff; contact details are
hidden from viewers and, for everyone, as soon as consent is withdrawn.
"""

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cities import words
from cities.clientip import client_ip
from cities.csvsafe import csv_response
from cities.decorators import city_view
from cities.forms import add_service_errors
from cities.http import CityRequest, acting, int_param
from cities.models import EDITOR_ROLES, Role, may

from . import contacts_csv, selectors, services
from .forms import (
    CommitmentDraftFormSet,
    CommitmentForm,
    ConsentForm,
    CrisisForm,
    DirectoryFilterForm,
    ImportForm,
    MeetingForm,
    PublishForm,
    RelationshipForm,
    StakeholderForm,
    StatusForm,
    TrustForm,
    commitment_drafts,
    meeting_forms_with_one_more_row,
)
from .health import Health
from .models import CommitmentStatus, ImportStatus, MeetingKind

EDITORS = EDITOR_ROLES
LEAD = [Role.LEAD]
SUBSECTIONS = [
    ("directory", "directory"),
    ("stakeholder", "directory"),
    ("import", "directory"),
    ("relationship", "standing"),
    ("meeting", "meetings"),
    ("commitment", "commitments"),
    ("trust", "gaps"),
    ("readiness", "readiness"),
    ("crisis", "readiness"),
]


def _ctx(request: CityRequest, **extra) -> dict:
    membership = request.membership
    name = request.resolver_match.url_name if request.resolver_match else ""
    return {
        "sub": next((sub for prefix, sub in SUBSECTIONS if name.startswith(prefix)), "index"),
        "city": request.city,
        "section": "relationships",
        "can_edit": may(membership, "can_edit"),
        "is_lead": may(membership, "can_manage"),
        "can_see_contact": may(membership, "can_see_contacts"),
        # Private meeting notes are for those who change the city's records: the lead and staff.
        "can_see_private_notes": may(membership, "can_edit"),
        **extra,
    }


def _found(fn, **kwargs):
    try:
        return fn(**kwargs)
    except ObjectDoesNotExist as missing:
        raise Http404("No such record.") from missing


# --- Landing ----------------------------------------------------------------------------------------


@city_view()
def index(request: CityRequest) -> HttpResponse:
    data = selectors.landing(city=request.city)
    return render(request, "relationships/index.html", _ctx(request, **data, health_labels=Health))


# --- Directory --------------------------------------------------------------------------------------


@city_view()
def directory(request: CityRequest) -> HttpResponse:
    city = request.city
    form = DirectoryFilterForm(request.GET or None, districts=selectors.city_districts(city=city))
    filters = dict(form.cleaned_data) if form.is_valid() else {}
    filters["search_contact"] = may(request.membership, "can_see_contacts")
    page = selectors.page_of(
        selectors.stakeholder_list(city=city, filters=filters),
        request.GET.get("page"),
        selectors.DIRECTORY_PAGE_SIZE,
    )
    if filters["search_contact"]:  # a role shown contact details: each look (page or htmx refresh) is logged
        services.directory_viewed(city=city, page=page, details=form.described(filters), **acting(request))
    template = "relationships/directory.html"
    if request.htmx:
        template += "#results"
    return render(request, template, _ctx(request, form=form, page=page))


@city_view(roles=EDITORS)
def stakeholder_new(request: CityRequest) -> HttpResponse:
    city = request.city
    form = StakeholderForm(request.POST if request.method == "POST" else None, city=city)
    if request.method == "POST" and form.is_valid():
        try:
            stakeholder = services.stakeholder_create(
                city=city, created_by=request.user, ip_address=client_ip(request), **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"{stakeholder.name} is in the directory. Record their consent to be "
                "contacted so that their contact details can be shown.",
            )
            return redirect("relationships:stakeholder_detail", city.slug, stakeholder.pk)
    return render(
        request,
        "relationships/stakeholder_form.html",
        _ctx(request, form=form),
        status=400 if form.errors else 200,
    )


@city_view()
def stakeholder_detail(request: CityRequest, stakeholder_id: int) -> HttpResponse:
    city = request.city
    stakeholder = _found(selectors.stakeholder_in_city, city=city, stakeholder_id=stakeholder_id)
    data = selectors.stakeholder_detail(city=city, stakeholder=stakeholder)
    if may(request.membership, "can_see_contacts"):
        services.stakeholder_contact_viewed(stakeholder=stakeholder, **acting(request))
    return render(
        request,
        "relationships/stakeholder_detail.html",
        _ctx(request, s=stakeholder, consent_form=ConsentForm(), **data),
    )


@city_view(roles=EDITORS)
def stakeholder_edit(request: CityRequest, stakeholder_id: int) -> HttpResponse:
    city = request.city
    stakeholder = _found(selectors.stakeholder_in_city, city=city, stakeholder_id=stakeholder_id)
    form = StakeholderForm(
        request.POST if request.method == "POST" else None, instance=stakeholder, city=city
    )
    if request.method == "POST" and form.is_valid():
        fields = {
            name: form.cleaned_data[name] for name in StakeholderForm.Meta.fields if name in form.fields
        }
        try:
            services.stakeholder_update(stakeholder=stakeholder, **acting(request), **fields)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{stakeholder.name} is updated.")
            return redirect("relationships:stakeholder_detail", city.slug, stakeholder.pk)
    return render(
        request,
        "relationships/stakeholder_form.html",
        _ctx(request, form=form, s=stakeholder),
        status=400 if form.errors else 200,
    )


@city_view(roles=EDITORS)
@require_POST
def stakeholder_consent(request: CityRequest, stakeholder_id: int) -> HttpResponse:
    city = request.city
    stakeholder = _found(selectors.stakeholder_in_city, city=city, stakeholder_id=stakeholder_id)
    form = ConsentForm(request.POST)
    if form.is_valid():
        services.stakeholder_consent_record(
            stakeholder=stakeholder,
            wording=form.cleaned_data["wording"],
            how_to_withdraw=form.cleaned_data["how_to_withdraw"],
            given_at=form.given_at(),
            **acting(request),
        )
        messages.success(
            request, f"Consent of {stakeholder.name} is recorded; their contact details are shown."
        )
        return redirect("relationships:stakeholder_detail", city.slug, stakeholder.pk)
    data = selectors.stakeholder_detail(city=city, stakeholder=stakeholder)
    return render(
        request,
        "relationships/stakeholder_detail.html",
        _ctx(request, s=stakeholder, consent_form=form, **data),
        status=400,
    )


@city_view(roles=EDITORS)
@require_POST
def stakeholder_withdraw(request: CityRequest, stakeholder_id: int) -> HttpResponse:
    city = request.city
    stakeholder = _found(selectors.stakeholder_in_city, city=city, stakeholder_id=stakeholder_id)
    services.stakeholder_consent_withdraw(stakeholder=stakeholder, **acting(request))
    messages.success(
        request, f"{stakeholder.name} withdrew consent: their contact details are hidden everywhere."
    )
    return redirect("relationships:stakeholder_detail", city.slug, stakeholder.pk)


@city_view(roles=EDITORS)
def stakeholder_import(request: CityRequest) -> HttpResponse:
    city = request.city
    form = ImportForm(request.POST if request.method == "POST" else None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        raw = upload.read(contacts_csv.MAX_BYTES + 1)
        try:
            batch = services.stakeholder_import_preview(
                city=city, filename=upload.name, raw=raw, **acting(request)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("relationships:import_preview", city.slug, batch.pk)
    return render(
        request,
        "relationships/import_upload.html",
        _ctx(request, form=form),
        status=400 if form.errors else 200,
    )


def _import_decide(request: CityRequest, batch) -> HttpResponse:
    """Cancel the import, or add the new lines and the possible duplicates that were ticked."""
    city = request.city
    if "cancel" in request.POST:
        services.stakeholder_import_cancel(batch=batch, by=request.user)
        messages.info(request, "The import was cancelled; nothing was added.")
        return redirect("relationships:directory", city.slug)
    include = {n for v in request.POST.getlist("include") if (n := int_param(v)) is not None}
    try:
        batch = services.stakeholder_import_confirm(batch=batch, include_lines=include, **acting(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        skipped = selectors.import_summary(batch)["total"] - batch.created_count
        messages.success(
            request,
            f"{batch.created_count} contacts added to the directory. "
            f"{skipped} lines were skipped: download them with their reasons below.",
        )
    return redirect("relationships:import_preview", city.slug, batch.pk)


@city_view(roles=EDITORS)
def import_preview(request: CityRequest, import_id: int) -> HttpResponse:
    batch = _found(selectors.import_in_city, city=request.city, import_id=import_id)
    if request.method == "POST":
        return _import_decide(request, batch)
    summary = selectors.import_summary(batch)
    services.stakeholder_import_viewed(batch=batch, summary=summary, **acting(request))
    return render(
        request,
        "relationships/import_preview.html",
        _ctx(request, batch=batch, summary=summary, is_preview=batch.status == ImportStatus.PREVIEW),
    )


@city_view(roles=EDITORS)
def import_report(request: CityRequest, import_id: int) -> HttpResponse:
    """Every line not added (duplicates and bad lines), with the original values and the reason."""
    city = request.city
    batch = _found(selectors.import_in_city, city=city, import_id=import_id)
    services.stakeholder_import_exported(batch=batch, **acting(request))
    return csv_response(selectors.import_skipped_rows(batch=batch), filename=f"skipped-lines-{batch.pk}.csv")


# --- Relationships ----------------------------------------------------------------------------------


@city_view()
def relationship_list(request: CityRequest) -> HttpResponse:
    city = request.city
    filters = {"health": request.GET.get("health", "")}
    if request.GET.get("mine"):
        filters["mine"] = request.user.pk
    page = selectors.relationship_page(city=city, filters=filters, page=request.GET.get("page"))
    return render(
        request,
        "relationships/relationship_list.html",
        _ctx(
            request,
            page=page,
            health=filters["health"],
            mine=bool(request.GET.get("mine")),
            healths=list(Health),
        ),
    )


@city_view(roles=EDITORS)
def relationship_new(request: CityRequest) -> HttpResponse:
    city = request.city
    initial = {"owner": request.user.pk}
    if int_param(request.GET.get("stakeholder")) is not None:
        initial["stakeholder"] = request.GET["stakeholder"]
    form = RelationshipForm(request.POST if request.method == "POST" else None, city=city, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            relationship = services.relationship_create(
                city=city, created_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"The relationship with {relationship.stakeholder.name} is recorded.")
            return redirect("relationships:relationship_detail", city.slug, relationship.pk)
    return render(
        request,
        "relationships/relationship_form.html",
        _ctx(request, form=form),
        status=400 if form.errors else 200,
    )


@city_view()
def relationship_detail(request: CityRequest, relationship_id: int) -> HttpResponse:
    city = request.city
    relationship = _found(selectors.relationship_in_city, city=city, relationship_id=relationship_id)
    return render(
        request,
        "relationships/relationship_detail.html",
        _ctx(
            request,
            r=relationship,
            trust_form=TrustForm(),
            **selectors.relationship_history(relationship=relationship),
        ),
    )


@city_view(roles=EDITORS)
def relationship_edit(request: CityRequest, relationship_id: int) -> HttpResponse:
    city = request.city
    relationship = _found(selectors.relationship_in_city, city=city, relationship_id=relationship_id)
    form = RelationshipForm(
        request.POST if request.method == "POST" else None, instance=relationship, city=city
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.relationship_update(relationship=relationship, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The relationship is updated.")
            return redirect("relationships:relationship_detail", city.slug, relationship.pk)
    return render(
        request,
        "relationships/relationship_form.html",
        _ctx(request, form=form, r=relationship),
        status=400 if form.errors else 200,
    )


@city_view(roles=EDITORS)
@require_POST
def relationship_assess(request: CityRequest, relationship_id: int) -> HttpResponse:
    city = request.city
    relationship = _found(selectors.relationship_in_city, city=city, relationship_id=relationship_id)
    form = TrustForm(request.POST)
    if form.is_valid():
        services.trust_assess(relationship=relationship, by=request.user, **form.cleaned_data)
        messages.success(request, f"Trust of {form.cleaned_data['score']} out of 5 is recorded.")
        return redirect("relationships:relationship_detail", city.slug, relationship.pk)
    return render(
        request,
        "relationships/relationship_detail.html",
        _ctx(
            request,
            r=relationship,
            trust_form=form,
            **selectors.relationship_history(relationship=relationship),
        ),
        status=400,
    )


# --- Meetings ---------------------------------------------------------------------------------------


@city_view()
def meeting_list(request: CityRequest) -> HttpResponse:
    city = request.city
    kind = request.GET.get("kind", "")
    filters = {"kind": kind if kind in MeetingKind.values else ""}
    page = selectors.page_of(
        selectors.meeting_list(city=city, filters=filters),
        request.GET.get("page"),
        selectors.MEETINGS_PAGE_SIZE,
    )
    return render(
        request,
        "relationships/meeting_list.html",
        _ctx(
            request,
            page=page,
            kind=filters["kind"],
            kinds=MeetingKind.choices,
        ),
    )


@city_view(roles=EDITORS)
def meeting_new(request: CityRequest) -> HttpResponse:
    city = request.city
    template = "relationships/meeting_form.html"
    if request.method != "POST":
        form = MeetingForm(city=city, initial=MeetingForm.initial_for(request.GET, user=request.user))
        return render(request, template, _ctx(request, form=form, formset=CommitmentDraftFormSet(prefix="c")))
    if "more" in request.POST:
        form, formset = meeting_forms_with_one_more_row(request.POST, city=city)
        return render(request, template, _ctx(request, form=form, formset=formset, fresh_more=True))
    form, formset = MeetingForm(request.POST, city=city), CommitmentDraftFormSet(request.POST, prefix="c")
    if form.is_valid() and formset.is_valid():
        drafts = commitment_drafts(formset, owner=request.user)
        try:
            meeting = services.meeting_log(
                city=city, created_by=request.user, commitments=drafts, **form.meeting_fields()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if drafts:  # two things: "are"
                messages.success(request, f"The meeting and {words.count(len(drafts), 'commitment')} are logged.")
            else:
                messages.success(request, "The meeting is logged.")
            return redirect("relationships:meeting_detail", city.slug, meeting.pk)
    return render(request, template, _ctx(request, form=form, formset=formset), status=400)


@city_view()
def meeting_detail(request: CityRequest, meeting_id: int) -> HttpResponse:
    meeting = _found(selectors.meeting_in_city, city=request.city, meeting_id=meeting_id)
    return render(request, "relationships/meeting_detail.html", _ctx(request, meeting=meeting))


# --- Commitments ------------------------------------------------------------------------------------


@city_view()
def commitment_list(request: CityRequest) -> HttpResponse:
    city = request.city
    status = request.GET.get("status", "active")
    filters = {
        "status": status,
        "late": bool(request.GET.get("late")),
        "public": bool(request.GET.get("public")),
    }
    if request.GET.get("mine"):
        filters["owner"] = request.user.pk
    page = selectors.page_of(
        selectors.commitment_list(city=city, filters=filters),
        request.GET.get("page"),
        selectors.COMMITMENTS_PAGE_SIZE,
    )
    return render(
        request,
        "relationships/commitment_list.html",
        _ctx(
            request,
            page=page,
            filters=filters,
            statuses=CommitmentStatus.choices,
            mine=bool(request.GET.get("mine")),
            today=timezone.localdate(),
        ),
    )


@city_view(roles=EDITORS)
def commitment_new(request: CityRequest) -> HttpResponse:
    city = request.city
    form = CommitmentForm(
        request.POST if request.method == "POST" else None, city=city, initial={"owner": request.user.pk}
    )
    if request.method == "POST" and form.is_valid():
        try:
            commitment = services.commitment_create(city=city, created_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The commitment is recorded.")
            return redirect("relationships:commitment_detail", city.slug, commitment.pk)
    return render(
        request,
        "relationships/commitment_form.html",
        _ctx(request, form=form),
        status=400 if form.errors else 200,
    )


@city_view()
def commitment_detail(request: CityRequest, commitment_id: int) -> HttpResponse:
    commitment = _found(selectors.commitment_in_city, city=request.city, commitment_id=commitment_id)
    return render(
        request,
        "relationships/commitment_detail.html",
        _ctx(
            request,
            c=commitment,
            status_form=StatusForm(),
            allowed=sorted(services.COMMITMENT_TRANSITIONS.get(commitment.status, ())),
            publish_form=PublishForm(
                initial={"public_summary": commitment.public_summary or commitment.what}
            ),
        ),
    )


@city_view(roles=EDITORS)
@require_POST
def commitment_status(request: CityRequest, commitment_id: int) -> HttpResponse:
    city = request.city
    commitment = _found(selectors.commitment_in_city, city=city, commitment_id=commitment_id)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the statuses.")
    else:
        try:
            services.commitment_set_status(
                commitment=commitment,
                status=form.cleaned_data["status"],
                by=request.user,
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                f"The commitment is now {CommitmentStatus(form.cleaned_data['status']).label.lower()}.",
            )
    return redirect("relationships:commitment_detail", city.slug, commitment.pk)


@city_view(roles=LEAD)
@require_POST
def commitment_publish(request: CityRequest, commitment_id: int) -> HttpResponse:
    city = request.city
    commitment = _found(selectors.commitment_in_city, city=city, commitment_id=commitment_id)
    if "unpublish" in request.POST:
        services.commitment_unpublish(commitment=commitment, by=request.user)
        messages.success(request, "The commitment is no longer on the public page.")
        return redirect("relationships:commitment_detail", city.slug, commitment.pk)
    form = PublishForm(request.POST)
    if form.is_valid():
        services.commitment_publish(
            commitment=commitment, public_summary=form.cleaned_data["public_summary"], by=request.user
        )
        messages.success(request, "The commitment is on the public 'what we said, what we did' page.")
        return redirect("relationships:commitment_detail", city.slug, commitment.pk)
    return render(
        request,
        "relationships/commitment_detail.html",
        _ctx(
            request,
            c=commitment,
            status_form=StatusForm(),
            allowed=sorted(services.COMMITMENT_TRANSITIONS.get(commitment.status, ())),
            publish_form=form,
        ),
        status=400,
    )


def public_commitments(request: HttpRequest, city_slug: str) -> HttpResponse:
    """The public 'what we said, what we did' page: no sign-in, only what the lead published."""
    from cities.models import City as CityModel

    city = get_object_or_404(CityModel, slug=city_slug)
    return render(
        request,
        "relationships/public_commitments.html",
        {"public_city": city, "commitments": selectors.public_commitments(city=city)},
    )


# --- Trust gaps and crisis readiness -------------------------------------------------------------------


@city_view()
def trust_gaps(request: CityRequest) -> HttpResponse:
    return render(
        request, "relationships/trust_gaps.html", _ctx(request, **selectors.trust_gaps(city=request.city))
    )


@city_view()
def readiness(request: CityRequest) -> HttpResponse:
    city = request.city
    ready = selectors.readiness(city=city)
    if may(request.membership, "can_see_contacts"):
        services.readiness_roster_viewed(city=city, ready=ready, **acting(request))
    return render(
        request,
        "relationships/readiness.html",
        _ctx(request, ready=ready, events=selectors.crisis_events(city=city)[:20]),
    )


@city_view(roles=EDITORS)
def crisis_new(request: CityRequest) -> HttpResponse:
    city = request.city
    form = CrisisForm(
        request.POST if request.method == "POST" else None, initial={"occurred_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        event = services.crisis_event_create(city=city, created_by=request.user, **form.cleaned_data)
        messages.success(request, "The crisis event is recorded. Log the meetings held in response to it.")
        return redirect("relationships:crisis_detail", city.slug, event.pk)
    return render(
        request,
        "relationships/crisis_form.html",
        _ctx(request, form=form),
        status=400 if form.errors else 200,
    )


@city_view()
def crisis_detail(request: CityRequest, event_id: int) -> HttpResponse:
    city = request.city
    event = _found(selectors.crisis_event_in_city, city=city, event_id=event_id)
    meetings = selectors.meeting_list(city=city, filters={"crisis": event.pk})[:50]
    return render(request, "relationships/crisis_detail.html", _ctx(request, event=event, meetings=meetings))
