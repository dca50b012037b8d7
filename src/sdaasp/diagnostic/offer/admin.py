from django.contrib import admin

from sdaasp.diagnostic.offer.models import Basket, ImportBatch, ServicePoint, ServiceType


@admin.register(ServiceType)
class ServiceTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "libelle", "domaine", "gamme", "panier", "annees", "origine"]
    list_filter = ["origine", "domaine", "gamme", "panier"]
    search_fields = ["code", "libelle"]


@admin.register(Basket)
class BasketAdmin(admin.ModelAdmin):
    list_display = ["code", "nom", "builtin"]
    filter_horizontal = ["types"]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["source", "dataset", "departement", "year", "file_name", "imported_at",
                    "points_count", "border_points", "excluded_count", "active"]
    list_filter = ["source", "active", "departement"]
    readonly_fields = [f.name for f in ImportBatch._meta.fields]


@admin.register(ServicePoint)
class ServicePointAdmin(admin.ModelAdmin):
    list_display = ["nom", "type", "commune_code", "source", "approximate", "hors_departement",
                    "active"]
    list_filter = ["source", "active", "hors_departement", "approximate", "type"]
    search_fields = ["nom", "point_id", "commune_code"]
