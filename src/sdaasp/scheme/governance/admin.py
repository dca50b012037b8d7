from django.contrib import admin

from sdaasp.scheme.governance.models import Body, Meeting, MeetingDecision


class DecisionInline(admin.TabularInline):
    model = MeetingDecision
    extra = 0


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "scheme")
    filter_horizontal = ("members",)


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("date", "title", "body")
    filter_horizontal = ("attendees",)
    inlines = [DecisionInline]
