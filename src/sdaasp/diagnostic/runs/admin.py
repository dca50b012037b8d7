from django.contrib import admin

from sdaasp.diagnostic.runs.models import AccessSummary, DiagnosticRun


@admin.register(DiagnosticRun)
class DiagnosticRunAdmin(admin.ModelAdmin):
    list_display = ("id", "departement", "created_at", "travel_kind", "origins_kind",
                    "code_version")
    list_filter = ("departement", "travel_kind", "origins_kind")
    readonly_fields = ("created_at",)


@admin.register(AccessSummary)
class AccessSummaryAdmin(admin.ModelAdmin):
    list_display = ("run", "niveau", "code", "type_code", "moyenne_min", "part_plus_20")
    list_filter = ("niveau", "type_code")
    search_fields = ("code",)
