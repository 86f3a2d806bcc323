from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from .models import ClosingDay, Membership, Team, Topic


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Team)
class TeamAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "kind", "email", "phone", "handoff_deadline_days", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "slug"]
    inlines = [MembershipInline]


@admin.register(Topic)
class TopicAdmin(SimpleHistoryAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}  # "www.kvk.nl" means https
    list_display = ["name", "team", "deadline_days", "answered_by_owner", "is_public", "is_active"]
    list_filter = ["team", "is_active", "is_public", "answered_by_owner"]
    search_fields = ["name", "upl_name", "phrasings", "description"]
    list_select_related = ["team"]


@admin.register(ClosingDay)
class ClosingDayAdmin(admin.ModelAdmin):
    list_display = ["date", "name"]
