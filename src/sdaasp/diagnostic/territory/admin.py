from django.contrib import admin

from sdaasp.diagnostic.territory import models


@admin.register(models.Departement)
class DepartementAdmin(admin.ModelAdmin):
    list_display = ["code", "nom", "crs", "source", "built_at"]


@admin.register(models.Scot)
class ScotAdmin(admin.ModelAdmin):
    list_display = ["nom", "code", "departement", "communes_count", "population"]
    list_filter = ["departement"]
    exclude = ["geometry_wkb", "geojson"]


@admin.register(models.Epci)
class EpciAdmin(admin.ModelAdmin):
    list_display = ["nom", "siren", "nature", "scot", "communes_count", "population"]
    list_filter = ["departement", "scot"]
    search_fields = ["nom", "siren"]
    exclude = ["geometry_wkb", "geojson"]


@admin.register(models.Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["nom", "code", "epci", "population"]
    list_filter = ["departement", "epci__scot"]
    search_fields = ["nom", "code"]
    exclude = ["geometry_wkb", "geojson"]


@admin.register(models.Mairie)
class MairieAdmin(admin.ModelAdmin):
    list_display = ["nom", "commune", "telephone"]
    search_fields = ["nom", "commune__code"]
