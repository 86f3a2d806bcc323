"""Admin: the audit trail (read-only, with filters), erasure requests, and Case deletion through case_erase.

The Case admin itself is intake's; deleting a case there must also remove its files, history rows and outbox
rows, which only this top app can reach (it knows every app). So the Case admin is re-registered here as a
subclass whose delete goes through privacy.anonymise.case_erase.
"""

from django.contrib import admin

from intake.models import Case
from teams.audit import Action, AuditEvent, record

from .anonymise import case_erase
from .models import AnonymisedCase, ErasureRequest


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "username", "action", "object_type", "object_id", "detail"]
    list_filter = ["action", "object_type", ("user", admin.RelatedOnlyFieldListFilter), "at"]
    search_fields = ["username", "object_type", "object_id", "detail"]
    date_hierarchy = "at"


@admin.register(ErasureRequest)
class ErasureRequestAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "ground", "note"]
    list_filter = ["ground"]


@admin.register(AnonymisedCase)
class AnonymisedCaseAdmin(ReadOnlyAdmin):
    list_display = ["case", "reason", "anonymised_at"]
    list_filter = ["reason"]


def erase_cases(request, cases) -> None:
    for case in cases:
        pk = case.pk
        case_erase(case)
        record(user=request.user, action=Action.DELETE, object_type="intake.case", object_id=pk)


BaseCaseAdmin = type(admin.site.get_model_admin(Case))
admin.site.unregister(Case)


@admin.register(Case)
class CaseAdmin(BaseCaseAdmin):
    """intake's Case admin; deleting erases the case completely (privacy.anonymise.case_erase)."""

    def delete_model(self, request, obj):
        erase_cases(request, [obj])

    def delete_queryset(self, request, queryset):
        erase_cases(request, list(queryset))
