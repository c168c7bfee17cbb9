"""Library pages: the public library, curation, frameworks, and each city's library pages."""

import datetime as dt

from django.contrib import messages
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.http import require_POST

from cities.csvsafe import csv_response
from cities.decorators import city_view, curator_required
from cities.forms import add_service_errors
from cities.http import CityRequest, HtmxRequest, int_param
from cities.models import EDITOR_ROLES, may

from . import selectors, services
from .forms import (
    AdoptionForm,
    CityItemForms,
    DecisionForm,
    FrameworkCSVForm,
    FrameworkForm,
    FrameworkItemForm,
    ItemRetireForm,
    OutcomeFormSet,
    ResourceForm,
    SubmissionForm,
    TransitionForm,
)
from .models import (
    AdoptionStatus,
    Framework,
    FrameworkItem,
    FrameworkStatusChoice,
    Resource,
    ResourceStatus,
    Revision,
    Submission,
    SubmissionStatus,
)
from .services import RESOURCE_TRANSITIONS

# Public -----------------------------------------------------------------------------------


def index(request: HtmxRequest) -> HttpResponse:
    """The public library: search with ?q=, facets, sorting; readable without signing in."""
    params = selectors.SearchParams.from_querydict(request.GET)
    facets, total = selectors.search_facets(params)
    page = selectors.resource_search(params, count=total)
    context = {
        "section": "library",
        "params": params,
        "page": page,
        "facets": facets,
        "sorts": selectors.SORTS,
    }
    template = "library/index.html"
    if request.htmx and request.htmx.target == "library-results":
        template += "#results"
    return render(request, template, context)


def resource_detail(request: HttpRequest, slug: str) -> HttpResponse:
    resource = selectors.resource_public_detail(slug=slug)
    if resource is None:
        raise Http404("No such resource.")
    my_cities = []
    if request.user.is_authenticated:
        my_cities = [m.city for m in request.user.memberships.select_related("city") if m.can_edit]
    return render(
        request,
        "library/resource_detail.html",
        {"section": "library", "resource": resource, "my_cities": my_cities},
    )


class NewResourcesFeed(Feed):
    feed_type = Atom1Feed
    title = "REAL Cities library: new resources"
    subtitle = "Practices, guides and case studies newly published in the REAL Cities library."

    def link(self):
        return reverse("library:index")

    def items(self):
        return selectors.feed_resources()

    def item_title(self, item: Resource) -> str:
        return item.title

    def item_description(self, item: Resource) -> str:
        return item.summary

    def item_pubdate(self, item: Resource):
        return item.published_at

    def item_updateddate(self, item: Resource):
        return item.updated_at


# Curation (national curators only) --------------------------------------------------------


@curator_required
def curate(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    counts = selectors.curation_counts()
    return render(
        request,
        "library/curate.html",
        {
            "section": "library",
            "page": selectors.curation_list(status=status, page=request.GET.get("page", 1)),
            "statuses": [(value, label, counts[value]) for value, label in ResourceStatus.choices],
            "status": status,
            "waiting": selectors.submissions_waiting().paginator.count,
        },
    )


def _outcome_initial(resource: Resource | None) -> list[dict]:
    if resource is None:
        return []
    return [
        {"metric": o.metric, "before": o.before, "after": o.after, "period": o.period, "source": o.source}
        for o in resource.outcomes.all()
    ]


def _resource_fields(form: ResourceForm, outcomes) -> dict:
    data = {k: v for k, v in form.cleaned_data.items() if k != "note"}
    if data.get("file") is False:  # "clear" ticked
        data["file"] = ""
    elif data.get("file") is None:
        data.pop("file", None)
    data["cities"] = list(data.get("cities") or [])
    data["framework_items"] = list(data.get("framework_items") or [])
    data["outcomes"] = [f.cleaned_data for f in outcomes.forms if f.cleaned_data.get("metric")]
    return data


@curator_required
def curate_new(request: HttpRequest) -> HttpResponse:
    form = ResourceForm(request.POST or None, request.FILES or None)
    outcomes = OutcomeFormSet(request.POST or None, prefix="outcomes")
    if request.method == "POST" and form.is_valid() and outcomes.is_valid():
        data = _resource_fields(form, outcomes)
        try:
            resource = services.resource_create(by=request.user, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Draft saved. Send it for review when it is ready.")
            return redirect("library:curate_edit", resource_id=resource.pk)
    return render(
        request,
        "library/curate_form.html",
        {"section": "library", "form": form, "outcomes": outcomes, "resource": None},
    )


@curator_required
def curate_edit(request: HttpRequest, resource_id: int) -> HttpResponse:
    resource = selectors.resource_for_curator(resource_id=resource_id)
    if resource is None:
        raise Http404("No such resource.")
    form = ResourceForm(request.POST or None, request.FILES or None, instance=resource)
    outcomes = OutcomeFormSet(request.POST or None, prefix="outcomes", initial=_outcome_initial(resource))
    if request.method == "POST" and form.is_valid() and outcomes.is_valid():
        data = _resource_fields(form, outcomes)
        try:
            services.resource_update(
                resource=resource, by=request.user, note=form.cleaned_data["note"], **data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Changes saved as a new revision.")
            return redirect("library:curate_edit", resource_id=resource.pk)
    transitions = TransitionForm.choices_for(resource, allowed=RESOURCE_TRANSITIONS)
    return render(
        request,
        "library/curate_form.html",
        {
            "section": "library",
            "form": form,
            "outcomes": outcomes,
            "resource": resource,
            "transitions": transitions,
            "revisions": selectors.revisions_for(resource=resource)[:5],
        },
    )


@curator_required
@require_POST
def curate_transition(request: HttpRequest, resource_id: int) -> HttpResponse:
    resource = get_object_or_404(Resource, pk=resource_id)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose where the resource should go.")
    else:
        try:
            resource = services.resource_transition(
                resource=resource, to=form.cleaned_data["to"], by=request.user, note=form.cleaned_data["note"]
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(
                request, " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            )
        else:
            messages.success(request, f"The resource is now {resource.get_status_display().lower()}.")
    return redirect("library:curate_edit", resource_id=resource.pk)


@curator_required
def curate_revisions(request: HttpRequest, resource_id: int) -> HttpResponse:
    resource = get_object_or_404(Resource, pk=resource_id)
    return render(
        request,
        "library/revisions.html",
        {"section": "library", "resource": resource, "revisions": selectors.revisions_for(resource=resource)},
    )


@curator_required
def curate_revision(request: HttpRequest, resource_id: int, number: int) -> HttpResponse:
    revision = get_object_or_404(
        Revision.objects.select_related("resource", "by"), resource_id=resource_id, number=number
    )
    current = services.resource_snapshot(revision.resource)
    rows = [
        {
            "field": name,
            "then": revision.snapshot.get(name),
            "now": current.get(name),
            "changed": revision.snapshot.get(name) != current.get(name),
        }
        for name in current
    ]
    return render(
        request,
        "library/revision.html",
        {"section": "library", "revision": revision, "resource": revision.resource, "rows": rows},
    )


@curator_required
@require_POST
def curate_restore(request: HttpRequest, resource_id: int, number: int) -> HttpResponse:
    revision = get_object_or_404(
        Revision.objects.select_related("resource"), resource_id=resource_id, number=number
    )
    try:
        services.revision_restore(revision=revision, by=request.user)
    except ValidationError as error:
        messages.error(request, f"Revision {number} cannot be restored: {' '.join(error.messages)}")
    else:
        messages.success(
            request, f"Revision {number} restored; the previous content is kept as a revision too."
        )
    return redirect("library:curate_edit", resource_id=resource_id)


@curator_required
def curate_preview(request: HttpRequest, resource_id: int) -> HttpResponse:
    resource = selectors.resource_for_curator(resource_id=resource_id)
    if resource is None:
        raise Http404("No such resource.")
    return render(
        request,
        "library/resource_detail.html",
        {"section": "library", "resource": resource, "preview": True, "my_cities": []},
    )


@curator_required
def curate_submissions(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", SubmissionStatus.SUBMITTED)
    return render(
        request,
        "library/curate_submissions.html",
        {
            "section": "library",
            "page": selectors.submissions_waiting(page=request.GET.get("page", 1), status=status),
            "status": status,
            "statuses": SubmissionStatus.choices,
        },
    )


@curator_required
def curate_submission(request: HttpRequest, submission_id: int) -> HttpResponse:
    submission = get_object_or_404(
        Submission.objects.select_related("city", "submitted_by", "resource"), pk=submission_id
    )
    if request.method == "POST" and submission.status != SubmissionStatus.SUBMITTED:
        messages.error(request, "This submission is not waiting for a decision: it was already answered.")
        return redirect("library:curate_submission", submission_id=submission.pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            submission = services.submission_decide(
                submission=submission,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if submission.status == SubmissionStatus.ACCEPTED:
                messages.success(
                    request,
                    "Accepted: a draft resource crediting the city was created. Edit it, then send it for review.",
                )
                return redirect("library:curate_edit", resource_id=submission.resource_id)
            messages.success(
                request,
                f"Decision sent to {submission.city.name}: {submission.get_status_display().lower()}.",
            )
            return redirect("library:curate_submissions")
    return render(
        request,
        "library/curate_submission.html",
        {"section": "library", "submission": submission, "form": form},
    )


# Frameworks (curators) --------------------------------------------------------------------


@curator_required
def frameworks(request: HttpRequest) -> HttpResponse:
    form = FrameworkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            framework = services.framework_create(**form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, "Framework created. Load its items from a CSV file or add them one by one."
            )
            return redirect("library:framework", slug=framework.slug)
    return render(
        request,
        "library/frameworks.html",
        {"section": "library", "frameworks": selectors.framework_list(), "form": form},
    )


@curator_required
def framework_detail(request: HttpRequest, slug: str) -> HttpResponse:
    framework = selectors.framework_with_count(slug=slug)
    if framework is None:
        raise Http404("No such framework.")
    upload = FrameworkCSVForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and upload.is_valid():
        data = upload.cleaned_data["file"].read(2 * 1024 * 1024 + 1)
        report = services.framework_load_csv(framework=framework, data=data)
        if not report["errors"]:
            messages.success(
                request,
                f"Loaded: {report['added']} added, {report['updated']} updated, {report['unchanged']} unchanged.",
            )
            return redirect("library:framework", slug=framework.slug)
    return render(
        request,
        "library/framework.html",
        {
            "section": "library",
            "framework": framework,
            "items": selectors.framework_items(framework=framework),
            "retired": selectors.framework_retired_items(framework=framework),
            "upload": upload,
            "report": report,
            "item_form": FrameworkItemForm(framework=framework),
        },
    )


@curator_required
def framework_item(request: HttpRequest, slug: str, item_id: int | None = None) -> HttpResponse:
    framework = get_object_or_404(Framework, slug=slug)
    item = get_object_or_404(FrameworkItem, pk=item_id, framework=framework) if item_id else None
    data = request.POST if request.method == "POST" else None  # an empty POST is still an answer
    form = FrameworkItemForm(data, instance=item, framework=framework)
    if request.method == "POST" and form.is_valid():
        try:
            services.framework_item_save(framework=framework, item=item, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Item saved.")
            return redirect("library:framework", slug=framework.slug)
    return render(
        request,
        "library/framework_item.html",
        {
            "section": "library",
            "framework": framework,
            "item": item,
            "form": form,
            "retire_form": ItemRetireForm(),
            "history": selectors.framework_item_history(item=item) if item else [],
        },
    )


@curator_required
@require_POST
def framework_item_move(request: HttpRequest, slug: str, item_id: int) -> HttpResponse:
    item = get_object_or_404(FrameworkItem, pk=item_id, framework__slug=slug)
    try:
        services.framework_item_move(item=item, direction=request.POST.get("direction", ""), by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Item {item.number} moved {request.POST['direction']}.")
    return redirect(reverse("library:framework", args=[slug]) + f"#item-{item.pk}")


@curator_required
@require_POST
def framework_item_retire(request: HttpRequest, slug: str, item_id: int) -> HttpResponse:
    framework = get_object_or_404(Framework, slug=slug)
    item = get_object_or_404(FrameworkItem, pk=item_id, framework=framework)
    if item.is_retired:
        try:
            services.framework_item_restore(item=item, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Item {item.number} is back in the framework.")
        return redirect("library:framework_item", slug=slug, item_id=item.pk)
    retire_form = ItemRetireForm(request.POST)
    if retire_form.is_valid():
        try:
            services.framework_item_retire(item=item, note=retire_form.cleaned_data["note"], by=request.user)
        except ValidationError as error:
            add_service_errors(retire_form, error)
        else:
            messages.success(
                request,
                f"Item {item.number} retired. Cities' statuses on it are kept; you can bring it back.",
            )
            return redirect("library:framework", slug=slug)
    return render(
        request,
        "library/framework_item.html",
        {
            "section": "library",
            "framework": framework,
            "item": item,
            "form": FrameworkItemForm(instance=item, framework=framework),
            "retire_form": retire_form,
            "history": selectors.framework_item_history(item=item),
        },
        status=400,
    )


@curator_required
def framework_matrix(request: HttpRequest, slug: str) -> HttpResponse:
    framework = selectors.framework_with_count(slug=slug)
    if framework is None:
        raise Http404("No such framework.")
    cities, items_page, cells = selectors.framework_matrix(
        framework=framework, page=request.GET.get("page", 1)
    )
    rows = [(item, [cells.get((item.pk, c.pk)) for c in cities]) for item in items_page.object_list]
    return render(
        request,
        "library/framework_matrix.html",
        {"section": "library", "framework": framework, "cities": cities, "rows": rows, "page": items_page},
    )


# City pages -------------------------------------------------------------------------------


@city_view()
def city_library(request: CityRequest) -> HttpResponse:
    city = request.city
    return render(
        request,
        "library/city_library.html",
        {
            "section": "library",
            "city": city,
            "adoptions": selectors.city_adoptions(city=city),
            "submissions": selectors.city_submissions(city=city)[:50],
            "frameworks": selectors.framework_list(),
            "can_edit": may(request.membership, "can_edit"),
        },
    )


def _summary_text(counts: dict[str, int]) -> str:
    return ", ".join(
        f"{counts[value]} {label.lower()}"
        for value, label in FrameworkStatusChoice.choices
        if counts.get(value)
    )


@city_view()
def city_framework(request: CityRequest, slug: str) -> HttpResponse:
    city = request.city
    framework = selectors.framework_with_count(slug=slug)
    if framework is None:
        raise Http404("No such framework.")
    return render(
        request,
        "library/city_framework.html",
        {
            "section": "library",
            "city": city,
            "framework": framework,
            "rows": selectors.city_framework_rows(city=city, framework=framework),
            "summary": _summary_text(selectors.city_status_summary(city=city, framework=framework)),
            "statuses": FrameworkStatusChoice.choices,
            "can_edit": may(request.membership, "can_edit"),
        },
    )


def _city_item_post(
    request: CityRequest, item: FrameworkItem, record, forms: CityItemForms
) -> HttpResponse | None:
    """Save the item's status, add evidence or remove it; None when the form is invalid."""
    city = request.city
    if "save_status" in request.POST and forms.status.is_valid():
        services.city_framework_status_set(city=city, item=item, by=request.user, **forms.status.cleaned_data)
        messages.success(request, f"Status of {item.number} saved.")
        return redirect("library:city_framework", city_slug=city.slug, slug=item.framework.slug)
    here = reverse("library:city_framework_item", args=[city.slug, item.framework.slug, item.pk])
    if "add_link" in request.POST and forms.link.is_valid():
        try:
            services.item_evidence_add(
                city=city, item=item, record=record, by=request.user, **forms.link.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(forms.link, error)
        else:
            messages.success(request, "Evidence added.")
            return redirect(here)
    if "remove_link" in request.POST:
        link_id = request.POST.get("remove_link", "")
        if int_param(link_id) is not None:
            services.evidence_link_remove(city=city, link_id=int(link_id))
            messages.success(request, "Evidence removed.")
        return redirect(here)
    return None


@city_view(roles=EDITOR_ROLES)
def city_framework_item(request: CityRequest, slug: str, item_id: int) -> HttpResponse:
    city = request.city
    item = get_object_or_404(
        FrameworkItem.objects.select_related("framework"), pk=item_id, framework__slug=slug
    )
    record = selectors.city_framework_record(city=city, item=item)
    forms = CityItemForms.build(request.POST, record=record)
    if request.method == "POST":
        if done := _city_item_post(request, item, record, forms):
            return done
        record = selectors.city_framework_record(city=city, item=item)  # evidence may have started it
    context = {"section": "library", "city": city, "item": item, "record": record}
    return render(
        request,
        "library/city_framework_item.html",
        {**context, "form": forms.status, "link_form": forms.link},
    )


@city_view(roles=EDITOR_ROLES)
def city_adopt(request: CityRequest, resource_slug: str) -> HttpResponse:
    city = request.city
    resource = get_object_or_404(Resource.objects.published(), slug=resource_slug)
    adoption = selectors.city_adoption(city=city, resource=resource)
    initial = (
        {"status": adoption.status, "notes": adoption.notes, "outcome": adoption.outcome}
        if adoption
        else {"status": AdoptionStatus.CONSIDERING}
    )
    form = AdoptionForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if "remove" in request.POST:
            services.adoption_remove(city=city, resource=resource)
            messages.success(request, f"{resource.title} is no longer listed for {city.name}.")
            return redirect("library:resource", slug=resource.slug)
        if form.is_valid():
            try:
                services.adoption_set(city=city, resource=resource, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Saved: {city.name} — {resource.title}.")
                return redirect("library:resource", slug=resource.slug)
    return render(
        request,
        "library/city_adopt.html",
        {"section": "library", "city": city, "resource": resource, "adoption": adoption, "form": form},
    )


@city_view(roles=EDITOR_ROLES)
def city_submit(request: CityRequest) -> HttpResponse:
    city = request.city
    form = SubmissionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        submission = services.submission_create(city=city, by=request.user, **form.cleaned_data)
        messages.success(request, "Thank you. A curator will read it and answer here.")
        return redirect("library:city_submission", city_slug=city.slug, submission_id=submission.pk)
    return render(request, "library/city_submit.html", {"section": "library", "city": city, "form": form})


@city_view(roles=EDITOR_ROLES)
def city_story(request: CityRequest) -> HttpResponse:
    """One action from a piece of the city's work: a story pre-filled with what the app knows, for the
    city to edit and send (`?source=<story key>`, see cities/stories.py)."""
    city = request.city
    key = (request.POST.get("source") or request.GET.get("source") or "").strip()[:120]
    try:
        facts = services.story_draft(city=city, key=key)
    except ValidationError:
        raise Http404("This cannot be told as a story.") from None
    form = SubmissionForm(request.POST or None, initial=services.story_initial(facts))
    if request.method == "POST" and form.is_valid():
        try:
            submission = services.story_submit(city=city, by=request.user, key=key, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your story is with the league. A curator will read it and answer here.")
            return redirect("library:city_submission", city_slug=city.slug, submission_id=submission.pk)
    return render(
        request,
        "library/city_story.html",
        {"section": "library", "city": city, "form": form, "facts": facts, "key": key},
    )


@city_view()
def city_stories(request: CityRequest) -> HttpResponse:
    city = request.city
    return render(
        request,
        "library/city_stories.html",
        {
            "section": "library",
            "city": city,
            "page": Paginator(selectors.city_stories(city=city), 30).get_page(request.GET.get("page", 1)),
        },
    )


@city_view()
def city_submission(request: CityRequest, submission_id: int) -> HttpResponse:
    city = request.city
    submission = get_object_or_404(
        Submission.objects.for_city(city).select_related("submitted_by", "decided_by", "resource"),
        pk=submission_id,
    )
    can_change = (
        may(request.membership, "can_edit") and submission.status == SubmissionStatus.CHANGES_REQUESTED
    )
    form = SubmissionForm(request.POST or None, instance=submission) if can_change else None
    if request.method == "POST":
        if form is None:
            raise Http404("This submission cannot be changed.")
        if form.is_valid():
            try:
                services.submission_update(submission=submission, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Sent back to the curators.")
                return redirect("library:city_submission", city_slug=city.slug, submission_id=submission.pk)
    return render(
        request,
        "library/city_submission.html",
        {"section": "library", "city": city, "submission": submission, "form": form},
    )


# The league's view across cities (curators only) ------------------------------------------


def _network_filters(request: HttpRequest) -> dict[str, str]:
    size = request.GET.get("size", "")
    return {
        "state": request.GET.get("state", "")[:2].upper(),
        "size": size if size in selectors.SIZE_BANDS else "",
        "chart": request.GET.get("chart", "")[:40],
    }


@curator_required
def network(request: HttpRequest) -> HttpResponse:
    filters = _network_filters(request)
    view = selectors.network_view(**filters, page=request.GET.get("page", 1))
    return render(
        request,
        "library/network.html",
        {
            "section": "library",
            "view": view,
            "filters": filters,
            "sizes": [(k, label) for k, (label, _lo, _hi) in selectors.SIZE_BANDS.items()],
            "news": selectors.network_news(since=timezone.now() - dt.timedelta(days=30))[:20],
        },
    )


@curator_required
def network_csv(request: HttpRequest) -> HttpResponse:
    view = selectors.network_view(**_network_filters(request))
    return csv_response(selectors.network_csv_rows(view), filename="realcities-network.csv")


class NetworkFeed(Feed):
    """New stories published in the library and the cities' published milestones (curators only)."""

    feed_type = Atom1Feed
    title = "REAL Cities network: new stories and milestones"
    subtitle = "Stories cities told the league, once published, and what cities published."

    def link(self):
        return reverse("library:network")

    def items(self):
        return selectors.network_news(since=timezone.now() - dt.timedelta(days=90))[:50]

    def item_title(self, item: dict) -> str:
        return item["title"]

    def item_description(self, item: dict) -> str:
        return item["title"]

    def item_link(self, item: dict) -> str:
        return item["url"] or reverse("library:network")

    def item_guid(self, item: dict) -> str:
        return f"{item['kind']}:{item['url']}:{item['date'].isoformat()}"

    def item_pubdate(self, item: dict):
        return item["date"]


network_feed = curator_required(NetworkFeed())
