from django.contrib import admin

from .models import Dataset, SavedMapping


@admin.register(Dataset)
class DatasetAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "kind", "status", "rows_imported", "uploaded_at"]
    list_filter = ["kind", "status", "city"]
    search_fields = ["name", "source_agency", "original_filename"]
    readonly_fields = [
        "sha256", "file_format", "mapping", "rows_read", "rows_imported", "rows_rejected", "values_missing",
        "progress_rows", "progress_bytes", "started_at", "heartbeat_at", "finished_at", "attempts", "imported_at",
    ]  # fmt: skip
    raw_id_fields = ["replaces"]


@admin.register(SavedMapping)
class SavedMappingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "city", "kind", "updated_at"]
    list_filter = ["kind", "city"]
