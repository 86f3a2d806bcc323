from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ClassifierModel, Handoff, LabelledExample, RoutingRule


@admin.register(RoutingRule)
class RoutingRuleAdmin(SimpleHistoryAdmin):
    list_display = ["position", "name", "topic", "team", "channel", "sbi_prefix", "is_active"]
    list_editable = ["is_active"]
    list_display_links = ["name"]
    autocomplete_fields = ["topic", "if_topic"]


@admin.register(Handoff)
class HandoffAdmin(SimpleHistoryAdmin):
    list_display = ["case", "team", "status", "deadline", "claimed_by"]
    list_filter = ["status", "team"]
    readonly_fields = [f.name for f in Handoff._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(LabelledExample)
class LabelledExampleAdmin(admin.ModelAdmin):
    list_display = ["text", "topic", "predicted_topic", "source", "created_at"]
    list_filter = ["source"]


@admin.register(ClassifierModel)
class ClassifierModelAdmin(admin.ModelAdmin):
    list_display = ["version", "created_at", "is_active", "training_size"]
    exclude = ["data"]
    readonly_fields = ["version", "training_size", "metrics"]
