from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import CallbackAttempt, CallbackRequest, FollowupAction, SatisfactionRating


class CallbackAttemptInline(admin.TabularInline):
    model = CallbackAttempt
    extra = 0
    readonly_fields = ["outcome", "note", "actor", "created_at"]


@admin.register(CallbackRequest)
class CallbackRequestAdmin(SimpleHistoryAdmin):
    list_display = ["name", "phone", "case", "team", "assignee", "due_at", "status"]
    list_filter = ["status", "team"]
    search_fields = ["name", "phone", "subject", "case__reference"]
    raw_id_fields = ["case", "assignee", "created_by"]
    # The status changes only through followup.services (followup.workflow's table), never by hand here.
    readonly_fields = ["status", "result", "failed_attempts", "closed_at"]
    inlines = [CallbackAttemptInline]


@admin.register(FollowupAction)
class FollowupActionAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "key", "case"]
    list_filter = ["kind"]
    search_fields = ["key"]
    readonly_fields = [f.name for f in FollowupAction._meta.fields]


@admin.register(SatisfactionRating)
class SatisfactionRatingAdmin(admin.ModelAdmin):
    list_display = ["created_at", "case", "score", "reopened_at"]
    list_filter = ["score"]
    readonly_fields = [f.name for f in SatisfactionRating._meta.fields]
