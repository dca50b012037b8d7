from django.contrib import admin

from sdaasp.scheme.reporting.models import Campaign, Report, ReportedResult


class ResultInline(admin.TabularInline):
    model = ReportedResult
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("scheme", "year", "opens_on", "closes_on", "status")


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("campaign", "action", "organisation", "status", "submitted_at")
    list_filter = ("status", "campaign")
    inlines = [ResultInline]
