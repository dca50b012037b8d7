from django.contrib import admin

from sdaasp.scheme.programme.models import (
    Action,
    ActionActor,
    BudgetLine,
    FollowUpNote,
    GroupParticipant,
    Indicator,
    IndicatorValue,
    ProgrammeOrientation,
    WorkingGroup,
)


class GroupInline(admin.TabularInline):
    model = WorkingGroup
    extra = 0


@admin.register(ProgrammeOrientation)
class OrientationAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "scheme")
    inlines = [GroupInline]


class ParticipantInline(admin.TabularInline):
    model = GroupParticipant
    extra = 0
    filter_horizontal = ("organisations",)


@admin.register(WorkingGroup)
class WorkingGroupAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "orientation")
    inlines = [ParticipantInline]


class ActorInline(admin.TabularInline):
    model = ActionActor
    extra = 0


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0


class BudgetInline(admin.TabularInline):
    model = BudgetLine
    extra = 0


class NoteInline(admin.TabularInline):
    model = FollowUpNote
    extra = 0


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    """Read-mostly: edits go through the web pages so that the change log sees them."""

    list_display = ("code", "title", "group", "status", "is_example", "last_update")
    list_filter = ("status", "is_example")
    search_fields = ("code", "title")
    inlines = [ActorInline, IndicatorInline, BudgetInline, NoteInline]


admin.site.register(IndicatorValue)
