from django.contrib import admin

from .models import CensusFile, LocalIndicator


@admin.register(CensusFile)
class CensusFileAdmin(admin.ModelAdmin):
    list_display = ("city", "table", "race", "vintage", "form", "uploaded_at")
    list_filter = ("table", "vintage")
    readonly_fields = ("sha256", "report")


@admin.register(LocalIndicator)
class LocalIndicatorAdmin(admin.ModelAdmin):
    list_display = ("city", "title", "milestone", "period")
