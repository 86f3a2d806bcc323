from django.contrib import admin

from .models import IdpGroupMapping


@admin.register(IdpGroupMapping)
class IdpGroupMappingAdmin(admin.ModelAdmin):
    list_display = ["group", "team", "role"]
    list_filter = ["team", "role"]
    search_fields = ["group", "team__name"]
    list_select_related = ["team"]
