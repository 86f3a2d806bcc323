from django.contrib import admin

from .models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "template", "to_email", "status", "attempts", "case"]
    list_filter = ["status", "template"]
    search_fields = ["to_email", "key", "subject"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]


from simple_history.admin import SimpleHistoryAdmin  # noqa: E402

from .models import CallbackAttempt, CallbackRequest, FollowupAction, SatisfactionRating  # noqa: E402


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
