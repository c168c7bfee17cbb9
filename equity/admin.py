from django.contrib import admin

from .models import Assessment, Template


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["title", "city", "kind", "status", "published_at"]
    list_filter = ["status", "kind"]
    raw_id_fields = ["owner", "created_by"]


@admin.register(Template)
class TemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "based_on"]
