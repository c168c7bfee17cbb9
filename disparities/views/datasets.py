"""Police data pages: list, upload, mapping, progress and result, reports. Thin: parse, call, render."""

import csv
import json

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from cities.audit import audit_record
from cities.decorators import city_view
from cities.models import EDITOR_ROLES, AuditAction

from ..files import mapping as m
from ..forms.datasets import MappingForm, MappingImportForm, UploadForm, canonical_label
from ..models import Dataset, ProblemKind, Status
from ..reports import safe_cell
from ..selectors import datasets as selectors
from ..services import datasets as services


def audit(request: HttpRequest, action: str, dataset: Dataset, summary: str) -> None:
    """One entry in the city's audit log for an act on a police dataset (see SECURITY.md)."""
    audit_record(
        action=action, object_type="police dataset", object_id=dataset.pk, summary=summary, request=request
    )


def _dataset(request: HttpRequest, pk: int) -> Dataset:
    try:
        return selectors.dataset_get(city=request.city, pk=pk)  # type: ignore[attr-defined]
    except Dataset.DoesNotExist:
        raise Http404("No such dataset.") from None


def _can_edit(request: HttpRequest) -> bool:
    membership = getattr(request, "membership", None)
    return membership is not None and membership.role in EDITOR_ROLES


@city_view()
def index(request: HttpRequest) -> HttpResponse:
    page = selectors.dataset_list(city=request.city, page=request.GET.get("page"))  # type: ignore[attr-defined]
    return render(
        request,
        "disparities/index.html",
        {"city": request.city, "section": "disparities", "page": page, "can_edit": _can_edit(request)},  # type: ignore[attr-defined]
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
def upload(request: HttpRequest) -> HttpResponse:
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


def _replacing(request: HttpRequest) -> Dataset | None:
    pk = request.GET.get("replaces") or request.POST.get("replaces")
    if not pk:
        return None
    try:
        return _dataset(request, int(pk))
    except ValueError:
        raise Http404("No such dataset.") from None


def _render_upload(
    request: HttpRequest, form: UploadForm, *, replacing=None, error: str = "", status: int = 200
) -> HttpResponse:
    context = {
        "city": request.city,
        "section": "disparities",
        "form": form,
        "replacing": replacing,
        "error": error,
    }  # type: ignore[attr-defined]
    return render(request, "disparities/upload.html", context, status=status)


@csrf_protect
def _upload(request: HttpRequest, handler: SizeLimitUploadHandler | None) -> HttpResponse:
    if request.method != "POST":
        replacing = _replacing(request)
        return _render_upload(request, UploadForm(replacing=replacing), replacing=replacing)
    replacing = _replacing(request)
    form = UploadForm(request.POST, request.FILES, replacing=replacing)
    if handler is not None and handler.too_large:
        return _render_upload(
            request,
            UploadForm(replacing=replacing),
            replacing=replacing,
            error=_too_large_message(),
            status=413,
        )
    if not form.is_valid():
        return _render_upload(request, form, replacing=replacing, status=400)
    try:
        dataset = services.dataset_upload(
            city=request.city,  # type: ignore[attr-defined]
            kind=replacing.kind if replacing else form.cleaned_data["kind"],
            file=form.cleaned_data["file"],
            name=form.cleaned_data["name"],
            source_agency=form.cleaned_data["source_agency"],
            uploaded_by=request.user,  # type: ignore[arg-type]
            replaces=replacing,
            allow_duplicate=request.POST.get("allow_duplicate") == "1",
        )
    except services.DuplicateDataset as duplicate:
        return render(
            request,
            "disparities/duplicate.html",
            {"city": request.city, "section": "disparities", "earlier": duplicate.earlier, "form": form},  # type: ignore[attr-defined]
            status=409,
        )
    except ValidationError as error:
        form.add_error("file", error.messages)
        return _render_upload(request, form, replacing=replacing, status=400)
    audit(
        request,
        AuditAction.CREATE,
        dataset,
        f"Uploaded “{dataset.name}” ({dataset.get_kind_display().lower()}, {dataset.original_filename or 'file'})"
        + (f", a new version of dataset {replacing.pk}" if replacing else ""),
    )
    return redirect("disparities:mapping", request.city.slug, dataset.pk)  # type: ignore[attr-defined]


@city_view()
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    dataset = _dataset(request, pk)
    if dataset.status in {Status.UPLOADED, Status.MAPPING} and _can_edit(request):
        return redirect("disparities:mapping", request.city.slug, dataset.pk)  # type: ignore[attr-defined]
    return render(request, "disparities/dataset.html", _detail_context(request, dataset))


def _detail_context(request: HttpRequest, dataset: Dataset) -> dict:
    context = {
        "city": request.city,  # type: ignore[attr-defined]
        "section": "disparities",
        "dataset": dataset,
        "can_edit": _can_edit(request),
        "progress": selectors.dataset_progress(dataset=dataset),
        "new_versions": selectors.dataset_new_versions(dataset=dataset),
    }
    if dataset.status == Status.IMPORTED:
        context["summary"] = selectors.dataset_summary(dataset=dataset)
        context["problems"] = selectors.problem_list(dataset=dataset)
    return context


@city_view()
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    dataset = _dataset(request, pk)
    template = "disparities/dataset.html#status" if request.htmx else "disparities/dataset.html"  # type: ignore[attr-defined]
    return render(request, template, _detail_context(request, dataset))


@city_view(roles=EDITOR_ROLES)
def mapping_page(request: HttpRequest, pk: int) -> HttpResponse:
    dataset = _dataset(request, pk)
    if dataset.status not in {Status.UPLOADED, Status.MAPPING, Status.FAILED}:
        return redirect("disparities:detail", request.city.slug, dataset.pk)  # type: ignore[attr-defined]
    preview = selectors.dataset_mapping_preview(dataset=dataset, mapping=dataset.mapping)
    if preview["error"]:
        messages.error(request, preview["error"])
        return redirect("disparities:detail", request.city.slug, dataset.pk)  # type: ignore[attr-defined]
    mapping = preview["mapping"]
    personal = mapping.get("personal_columns", [])
    if request.method == "GET":
        # The page shows the file's first rows as uploaded, names and addresses included.
        audit(
            request,
            AuditAction.VIEW,
            dataset,
            f"Viewed the first {len(preview['sample'])} rows of the file to map it",
        )
    form = MappingForm(
        request.POST or None, kind=dataset.kind, header=preview["header"], mapping=mapping, personal=personal
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            new = form.to_mapping()
            changed = new["columns"] != mapping.get("columns") or new["date_format"] != mapping.get(
                "date_format"
            )
            new = m.complete(new, preview["header"], preview["sample"])
            if request.POST.get("action") == "import" and not changed:
                try:
                    services.dataset_confirm(dataset=dataset, mapping=new)
                except ValidationError as error:
                    services.dataset_set_mapping(dataset=dataset, mapping=new)
                    for message in error.messages:
                        form.add_error(None, message)
                    status = 400
                else:
                    audit(
                        request, AuditAction.CHANGE, dataset, "Confirmed the mapping and started the import"
                    )
                    messages.success(
                        request,
                        "The mapping is saved for the next file of this kind; the import has started.",
                    )
                    return redirect("disparities:detail", request.city.slug, dataset.pk)  # type: ignore[attr-defined]
            else:
                services.dataset_set_mapping(dataset=dataset, mapping=new)
                if changed and request.POST.get("action") == "import":
                    messages.warning(
                        request, "You changed the columns: check the values proposed for them, then import."
                    )
                else:
                    messages.success(request, "Mapping saved.")
                return redirect("disparities:mapping", request.city.slug, dataset.pk)  # type: ignore[attr-defined]
        else:
            status = 400
    value_sections = []
    for field, rows in ((f, form.value_rows(f)) for f in m.fields_for(dataset.kind)):
        if rows:
            counts = preview["counts"].get(field, {})
            value_sections.append(
                {
                    "field": field,
                    "label": m.LABELS[field],
                    "rows": [(bf, raw, counts.get(raw, 0)) for bf, raw in rows],
                }
            )
    return render(
        request,
        "disparities/mapping.html",
        {
            "city": request.city,  # type: ignore[attr-defined]
            "section": "disparities",
            "dataset": dataset,
            "form": form,
            "preview": preview,
            "value_sections": value_sections,
            "personal": personal,
            "problems": m.problems(mapping, preview["header"]),
            "import_form": MappingImportForm(),
            "canonical_label": canonical_label,
        },
        status=status,
    )


@city_view(roles=EDITOR_ROLES)
@require_POST
def mapping_import(request: HttpRequest, pk: int) -> HttpResponse:
    dataset = _dataset(request, pk)
    form = MappingImportForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["mapping_file"]
        try:
            if upload.size > 1024 * 1024:
                raise ValidationError("A mapping file is small; this one is over 1 MB.")
            data = json.loads(upload.read().decode("utf-8-sig"))
            services.mapping_load(dataset=dataset, data=data)
        except (ValueError, UnicodeDecodeError):
            messages.error(request, "This file is not a mapping exported as JSON from REAL Cities.")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Mapping loaded. Check it, then import.")
    else:
        messages.error(request, "Choose a mapping file (JSON) to load.")
    return redirect("disparities:mapping", request.city.slug, dataset.pk)  # type: ignore[attr-defined]


@city_view(roles=EDITOR_ROLES)
def mapping_json(request: HttpRequest, pk: int) -> HttpResponse:
    dataset = _dataset(request, pk)
    response = JsonResponse(services.mapping_export(dataset=dataset), json_dumps_params={"indent": 2})
    response["Content-Disposition"] = f'attachment; filename="mapping-{dataset.kind}-{dataset.pk}.json"'
    return response


@city_view(roles=EDITOR_ROLES)
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    dataset = _dataset(request, pk)
    if dataset.is_running:
        services.dataset_cancel(dataset=dataset)
        audit(request, AuditAction.CHANGE, dataset, "Cancelled the import")
        messages.success(request, "Cancelling: the import stops and nothing of it is kept.")
    return redirect("disparities:detail", request.city.slug, dataset.pk)  # type: ignore[attr-defined]


@city_view(roles=EDITOR_ROLES)
@require_POST
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    dataset = _dataset(request, pk)
    try:
        services.dataset_retry(dataset=dataset)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        audit(request, AuditAction.CHANGE, dataset, "Started the import again")
    return redirect("disparities:detail", request.city.slug, dataset.pk)  # type: ignore[attr-defined]


@city_view(roles=EDITOR_ROLES)
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    dataset = _dataset(request, pk)
    if request.method == "POST":
        try:
            services.dataset_delete(dataset=dataset)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("disparities:detail", request.city.slug, dataset.pk)  # type: ignore[attr-defined]
        audit(request, AuditAction.DELETE, dataset, f"Deleted “{dataset.name}”, its records and its figures")
        messages.success(request, f"“{dataset.name}” and all its figures are deleted.")
        return redirect("disparities:index", request.city.slug)  # type: ignore[attr-defined]
    return render(
        request,
        "disparities/delete.html",
        {"city": request.city, "section": "disparities", "dataset": dataset},  # type: ignore[attr-defined]
    )


class _Echo:
    def write(self, value):
        return value


@city_view(roles=EDITOR_ROLES)
def problems_csv(request: HttpRequest, pk: int) -> HttpResponse:
    dataset = _dataset(request, pk)
    writer = csv.writer(_Echo())
    labels = dict(ProblemKind.choices)

    def lines():
        yield writer.writerow(["line", "problem", "column", "value", "reason"])
        for line, kind, column, value, reason in selectors.problem_rows(dataset=dataset):
            yield writer.writerow(
                [
                    "" if line is None else line,
                    labels.get(kind, kind),
                    safe_cell(column),
                    safe_cell(value),
                    safe_cell(reason),
                ]
            )

    audit(
        request, AuditAction.EXPORT, dataset, "Exported the lines the import could not read (CSV, raw values)"
    )
    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="problems-dataset-{dataset.pk}.csv"'
    return response
