from django.contrib import admin

from sdaasp.scheme.strategy.models import Finding, Lever, StrategicOrientation, SubObjective


class SubObjectiveInline(admin.TabularInline):
    model = SubObjective
    extra = 0


@admin.register(StrategicOrientation)
class StrategicOrientationAdmin(admin.ModelAdmin):
    list_display = ("position", "title", "scheme")
    inlines = [SubObjectiveInline]


admin.site.register(Finding)
admin.site.register(Lever)
