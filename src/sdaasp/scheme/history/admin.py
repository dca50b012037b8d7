from django.contrib import admin

from sdaasp.scheme.history.models import ChangeLog


@admin.register(ChangeLog)
class ChangeLogAdmin(admin.ModelAdmin):
    list_display = ("at", "username", "verb", "object_type", "object_label")
    list_filter = ("departement", "object_type", "verb")
    readonly_fields = [f.name for f in ChangeLog._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
