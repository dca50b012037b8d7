from django.contrib import admin

from sdaasp.scheme.convention.models import Commitment, Convention, Signatory


class SignatoryInline(admin.TabularInline):
    model = Signatory
    extra = 0


class CommitmentInline(admin.TabularInline):
    model = Commitment
    extra = 0


@admin.register(Convention)
class ConventionAdmin(admin.ModelAdmin):
    list_display = ("title", "signed_on", "scheme")
    inlines = [SignatoryInline, CommitmentInline]
