from django.contrib import admin
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from teams.models import Topic

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


def _corrections_per_topic():
    return (
        LabelledExample.objects.filter(source=LabelledExample.Source.CORRECTION)
        .values("topic")
        .annotate(n=Count("pk"))
        .order_by("-n", "topic")
    )


class MostCorrectedTopicFilter(admin.SimpleListFilter):
    """The topics people correct the router to most often, with their number of corrections."""

    title = _("meest gecorrigeerde onderwerpen")
    parameter_name = "corrected_topic"

    def lookups(self, request, model_admin):
        top = list(_corrections_per_topic()[:15])
        names = dict(Topic.objects.filter(pk__in=[row["topic"] for row in top]).values_list("pk", "name"))
        return [(str(row["topic"]), f"{names.get(row['topic'], row['topic'])} ({row['n']})") for row in top]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(topic_id=self.value())
        return queryset


@admin.register(LabelledExample)
class LabelledExampleAdmin(admin.ModelAdmin):
    list_display = ["text", "topic", "topic_corrections", "predicted_topic", "source", "created_at"]
    list_filter = ["source", MostCorrectedTopicFilter, "topic__team"]
    search_fields = ["text"]

    def get_queryset(self, request):
        corrections = (
            LabelledExample.objects.filter(topic=OuterRef("topic"), source=LabelledExample.Source.CORRECTION)
            .order_by()
            .values("topic")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            super()
            .get_queryset(request)
            .select_related("topic", "predicted_topic")
            .annotate(topic_corrections=Subquery(corrections, output_field=IntegerField()))
        )

    @admin.display(description=_("correcties op dit onderwerp"), ordering="-topic_corrections")
    def topic_corrections(self, obj):
        return obj.topic_corrections or 0


@admin.register(ClassifierModel)
class ClassifierModelAdmin(admin.ModelAdmin):
    list_display = ["version", "created_at", "is_active", "training_size"]
    exclude = ["data"]
    readonly_fields = ["version", "training_size", "metrics"]
