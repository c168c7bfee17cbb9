from django.contrib import admin

from .models import Framework, FrameworkItem, Resource, Submission


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "status", "review_by"]
    list_filter = ["status", "kind"]
    search_fields = ["title"]
    readonly_fields = ["status", "body_html"]


admin.site.register(Framework)
admin.site.register(FrameworkItem)
admin.site.register(Submission)
