from django.contrib import admin

from sdaasp.diagnostic.zones import models


@admin.register(models.NeedsSource)
class NeedsSourceAdmin(admin.ModelAdmin):
    list_display = ["label", "file_name", "departement", "kind", "level", "vintage", "rows",
                    "imported_at"]
    list_filter = ["departement", "kind", "level"]


@admin.register(models.ZonesRun)
class ZonesRunAdmin(admin.ModelAdmin):
    list_display = ["__str__", "params_version", "access_method", "digest"]
    readonly_fields = ["inputs", "not_assessed", "summary"]


@admin.register(models.Qpv)
class QpvAdmin(admin.ModelAdmin):
    list_display = ["nom", "code", "communes", "source__departement"]
    list_filter = ["source__departement"]
    search_fields = ["nom", "code"]
    exclude = ["geometry_wkb", "geojson"]
