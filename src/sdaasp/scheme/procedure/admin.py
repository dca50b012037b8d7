from django.contrib import admin

from sdaasp.scheme.procedure.models import (
    ApprovalDecision,
    Consultation,
    ConsultationTally,
    Milestone,
    Phase,
    Scheme,
    SchemeVersion,
)


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(Scheme)
class SchemeAdmin(admin.ModelAdmin):
    list_display = ("title", "departement", "period_start_year", "period_end_year", "phase",
                    "visible_to_public")
    inlines = [PhaseInline, MilestoneInline]


class ConsultationInline(admin.TabularInline):
    model = Consultation
    extra = 0


class TallyInline(admin.TabularInline):
    model = ConsultationTally
    extra = 0


class ApprovalInline(admin.TabularInline):
    model = ApprovalDecision
    extra = 0


@admin.register(SchemeVersion)
class SchemeVersionAdmin(admin.ModelAdmin):
    list_display = ("scheme", "number", "kind", "label", "status", "arrete_date")
    inlines = [ConsultationInline, TallyInline, ApprovalInline]
