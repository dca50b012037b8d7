from django.contrib import admin

from sdaasp.scheme.organisations.models import Organisation, Person


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "full_name", "kind", "collective", "departement", "epci")
    list_filter = ("departement", "kind", "collective")
    search_fields = ("name", "full_name", "key")


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "role", "job_title")
    list_filter = ("role",)
    autocomplete_fields = ("organisation",)
