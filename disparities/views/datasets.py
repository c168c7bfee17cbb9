"""Police data pages: list, upload, mapping, progress and result, reports. Thin: parse, call, render."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from cities.clientip import client_ip
from cities.csvsafe import csv_response
from cities.decorators import city_view
from cities.forms import add_service_errors
from cities.http import CityRequest
from cities.models import EDITOR_ROLES, may

from ..files import mapping as m
from ..forms.datasets import MappingForm, MappingImportForm, UploadForm, canonical_label
from ..models import Dataset, Status
from ..selectors import datasets as selectors
from ..services import datasets as services

MAPPABLE = {Status.UPLOADED, Status.MAPPING, Status.FAILED}


def _dataset(request: CityRequest, pk: int) -> Dataset:
    try:
        return selectors.dataset_get(city=request.city, pk=pk)
    except Dataset.DoesNotExist:
        raise Http404("No such dataset.") from None


def _who(request: CityRequest) -> dict:
    """Who acts, for the audit log the services write: the member and the address they came from."""
    return {"by": request.user, "ip_address": client_ip(request)}


@city_view()
def index(request: CityRequest) -> HttpResponse:
    page = selectors.dataset_list(city=request.city, page=request.GET.get("page"))
    return render(
        request,
        "disparities/index.html",
        {
            "city": request.city,
            "section": "disparities",
            "page": page,
            "can_edit": may(request.membership, "can_edit"),
        },
    )


class SizeLimitUploadHandler(FileUploadHandler):
    """Stops reading an upload as soon as it passes the limit (when no Content-Length told us before)."""

    def __init__(self, request, limit: int):
        super().__init__(request)
        self.limit = limit
        self.too_large = False

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            self.too_large = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None


def _too_large_message() -> str:
    return (
        f"The file is larger than {settings.POLICE_UPLOAD_MAX_BYTES // (1024 * 1024)} MB, the most this site accepts. "
        "Zip it (a zipped CSV is often ten times smaller) or split it by year, and upload it again."
    )


@city_view(roles=EDITOR_ROLES)
@csrf_exempt  # checked below, once the upload handlers are in place (reading the token reads the body)
def upload(request: CityRequest) -> HttpResponse:
    handler = None
    if request.method == "POST":
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.POLICE_UPLOAD_MAX_BYTES + 64 * 1024:
            return _render_upload(request, UploadForm(), error=_too_large_message(), status=413)
        handler = SizeLimitUploadHandler(request, settings.POLICE_UPLOAD_MAX_BYTES)
        request.upload_handlers.insert(0, handler)
    return _upload(request, handler)


def _replacing(request: CityRequest) -> Dataset | None:
    pk = request.GET.get("replaces") or request.POST.get("replaces")
    if not pk:
        return None
    try:
        return _dataset(request, int(pk))
    except ValueError:
        raise Http404("No such dataset.") from None


def _render_upload(
    request: CityRequest, form: UploadForm, *, replacing=None, error: str = "", status: int = 200
) -> HttpResponse:
    context = {
        "city": request.city,
        "section": "disparities",
        "form": form,
        "replacing": replacing,
        "error": error,
    }
    return render(request, "disparities/upload.html", context, status=status)


@csrf_protect
def _upload(request: CityRequest, handler: SizeLimitUploadHandler | None) -> HttpResponse:
    replacing = _replacing(request)
    if request.method != "POST":
        return _render_upload(request, UploadForm(replacing=replacing), replacing=replacing)
    if handler is not None and handler.too_large:
        form = UploadForm(replacing=replacing)
        return _render_upload(request, form, replacing=replacing, error=_too_large_message(), status=413)
    form = UploadForm(request.POST, request.FILES, replacing=replacing)
    if not form.is_valid():
        return _render_upload(request, form, replacing=replacing, status=400)
    try:
        dataset = services.dataset_upload(
            city=request.city,
            kind=replacing.kind if replacing else form.cleaned_data["kind"],
            file=form.cleaned_data["file"],
            name=form.cleaned_data["name"],
            source_agency=form.cleaned_data["source_agency"],
            uploaded_by=request.user,
            replaces=replacing,
            allow_duplicate=request.POST.get("allow_duplicate") == "1",
            ip_address=client_ip(request),
            encoding=form.cleaned_data["encoding"],
            defer_large=True,
        )
    except services.DuplicateDataset as duplicate:
        context = {"city": request.city, "section": "disparities", "earlier": duplicate.earlier, "form": form}
        return render(request, "disparities/duplicate.html", context, status=409)
    except ValidationError as error:
        add_service_errors(form, error)
        return _render_upload(request, form, replacing=replacing, status=400)
    if dataset.status == Status.UPLOADED:  # a large file, being read by the worker
        return redirect("disparities:detail", request.city.slug, dataset.pk)
    return redirect("disparities:mapping", request.city.slug, dataset.pk)


@city_view()
def detail(request: CityRequest, pk: int) -> HttpResponse:
    dataset = _dataset(request, pk)
    if dataset.status == Status.MAPPING and may(request.membership, "can_edit"):
        return redirect("disparities:mapping", request.city.slug, dataset.pk)
    return render(request, "disparities/dataset.html", _detail_context(request, dataset))


def _detail_context(request: CityRequest, dataset: Dataset) -> dict:
    context = {
        "city": request.city,
        "section": "disparities",
        "dataset": dataset,
        "can_edit": may(request.membership, "can_edit"),
        "progress": selectors.dataset_progress(dataset=dataset),
        "new_versions": selectors.dataset_new_versions(dataset=dataset),
    }
    if dataset.status == Status.IMPORTED:
        context["summary"] = selectors.dataset_summary(dataset=dataset)
        context["problems"] = selectors.problem_list(dataset=dataset)
    return context


@city_view()
def progress(request: CityRequest, pk: int) -> HttpResponse:
    dataset = _dataset(request, pk)
    template_name = "disparities/dataset.html"
    if request.htmx:
        template_name += "#status"
    return render(request, template_name, _detail_context(request, dataset))


@city_view(roles=EDITOR_ROLES)
def mapping_page(request: CityRequest, pk: int) -> HttpResponse:
    dataset = _dataset(request, pk)
    if dataset.status not in MAPPABLE or dataset.status == Status.UPLOADED or not dataset.file:
        # Still being read by the worker, being imported, or refused (its file was not kept).
        return redirect("disparities:detail", request.city.slug, dataset.pk)
    preview = selectors.dataset_mapping_preview(dataset=dataset, mapping=dataset.mapping)
    if preview["error"]:
        messages.error(request, preview["error"])
        return redirect("disparities:detail", request.city.slug, dataset.pk)
    mapping = preview["mapping"]
    form = MappingForm(
        request.POST or None,
        kind=dataset.kind,
        header=preview["header"],
        mapping=mapping,
        personal=mapping.get("personal_columns", []),
    )
    if request.method == "GET":  # the page shows the file's first rows as uploaded, names included
        services.dataset_file_viewed(dataset=dataset, rows=len(preview["sample"]), **_who(request))
    elif form.is_valid() and (saved := _mapping_save(request, dataset, form, preview)) is not None:
        return saved
    return _render_mapping(request, dataset, form, preview, status=200 if request.method == "GET" else 400)


def _mapping_save(
    request: CityRequest, dataset: Dataset, form: MappingForm, preview: dict
) -> HttpResponse | None:
    """Save the corrected mapping, or confirm it and start the import. None: the form shows why not."""
    new = form.to_mapping()
    changed = form.columns_changed(new)
    new = m.complete(new, preview["header"], preview["sample"])
    wants_import = request.POST.get("action") == "import"
    if wants_import and not changed:
        try:
            services.dataset_confirm(dataset=dataset, mapping=new, **_who(request))
        except ValidationError as error:
            services.dataset_set_mapping(dataset=dataset, mapping=new)
            add_service_errors(form, error)
            return None
        messages.success(
            request, "The mapping is saved for the next file of this kind; the import has started."
        )
        return redirect("disparities:detail", request.city.slug, dataset.pk)
    services.dataset_set_mapping(dataset=dataset, mapping=new)
    if changed and wants_import:
        messages.warning(request, "You changed the columns: check the values proposed for them, then import.")
    else:
        messages.success(request, "Mapping saved.")
    return redirect("disparities:mapping", request.city.slug, dataset.pk)


def _render_mapping(
    request: CityRequest, dataset: Dataset, form: MappingForm, preview: dict, *, status: int
) -> HttpResponse:
    mapping = preview["mapping"]
    context = {
        "city": request.city,
        "section": "disparities",
        "dataset": dataset,
        "form": form,
        "preview": preview,
        "value_sections": form.value_sections(preview["counts"]),
        "personal": mapping.get("personal_columns", []),
        "problems": m.problems(mapping, preview["header"]),
        # When a required field could not be proposed: the columns that could hold it, with values.
        "advice": m.missing_field_help(mapping, preview["header"], preview["sample"], dataset.kind),
        "not_recorded": selectors.mapping_not_recorded(kind=dataset.kind, mapping=mapping),
        "import_form": MappingImportForm(),
        "canonical_label": canonical_label,
    }
    return render(request, "disparities/mapping.html", context, status=status)


@city_view(roles=EDITOR_ROLES)
@require_POST
def mapping_import(request: CityRequest, pk: int) -> HttpResponse:
    dataset = _dataset(request, pk)
    form = MappingImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("mapping_file", [])))
        return redirect("disparities:mapping", request.city.slug, dataset.pk)
    try:
        services.mapping_load(dataset=dataset, data=form.cleaned_data["mapping_file"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Mapping loaded. Check it, then import.")
    return redirect("disparities:mapping", request.city.slug, dataset.pk)


@city_view(roles=EDITOR_ROLES)
def mapping_json(request: CityRequest, pk: int) -> HttpResponse:
    dataset = _dataset(request, pk)
    response = JsonResponse(services.mapping_export(dataset=dataset), json_dumps_params={"indent": 2})
    response["Content-Disposition"] = f'attachment; filename="mapping-{dataset.kind}-{dataset.pk}.json"'
    return response


@city_view(roles=EDITOR_ROLES)
@require_POST
def cancel(request: CityRequest, pk: int) -> HttpResponse:
    dataset = _dataset(request, pk)
    if dataset.is_running:
        services.dataset_cancel(dataset=dataset, **_who(request))
        messages.success(request, "Cancelling: the import stops and nothing of it is kept.")
    return redirect("disparities:detail", request.city.slug, dataset.pk)


@city_view(roles=EDITOR_ROLES)
@require_POST
def retry(request: CityRequest, pk: int) -> HttpResponse:
    dataset = _dataset(request, pk)
    try:
        services.dataset_retry(dataset=dataset, **_who(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("disparities:detail", request.city.slug, dataset.pk)


@city_view(roles=EDITOR_ROLES)
def delete(request: CityRequest, pk: int) -> HttpResponse:
    dataset = _dataset(request, pk)
    if request.method != "POST":
        return render(
            request,
            "disparities/delete.html",
            {"city": request.city, "section": "disparities", "dataset": dataset},
        )
    try:
        services.dataset_delete(dataset=dataset, **_who(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("disparities:detail", request.city.slug, dataset.pk)
    messages.success(request, f"“{dataset.name}” and all its figures are deleted.")
    return redirect("disparities:index", request.city.slug)


@city_view(roles=EDITOR_ROLES)
def problems_csv(request: CityRequest, pk: int) -> HttpResponse:
    dataset = _dataset(request, pk)
    what = "the lines the import could not read (CSV, raw values)"
    services.dataset_exported(dataset=dataset, what=what, **_who(request))
    return csv_response(
        selectors.problems_csv_rows(dataset=dataset), filename=f"problems-dataset-{dataset.pk}.csv"
    )
