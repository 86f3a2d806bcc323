from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import CompanyVisit, VisitAction


class VisitActionInline(admin.TabularInline):
    model = VisitAction
    extra = 0
    readonly_fields = ["description", "case", "created_by"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CompanyVisit)
class CompanyVisitAdmin(SimpleHistoryAdmin):
    list_display = ["company", "planned_for", "status", "purpose"]
    list_filter = ["status"]
    search_fields = ["company__name", "company__kvk_number", "purpose"]
    raw_id_fields = ["company", "created_by"]
    filter_horizontal = ["visitors"]
    # The status changes only through companies.services (companies.workflow's table), never by hand here.
    readonly_fields = ["status", "done_at"]
    inlines = [VisitActionInline]
