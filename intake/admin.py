from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Case, Company, Contact, Message, Portefeuillehouder
from .outbox import OutboxMessage


class ReadOnlyTimeline(admin.TabularInline):
    model = Message
    fields = ["created_at", "kind", "author_name", "is_public", "body"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(SimpleHistoryAdmin):
    """Read-mostly: statuses change only through the services (the case page), never by editing here."""

    list_display = ["reference", "status", "channel", "topic", "owner", "deadline", "created_at"]
    list_filter = ["status", "channel", "owner_team"]
    search_fields = ["reference", "question", "subject", "company__name", "contact__name"]
    list_select_related = ["topic", "owner"]
    readonly_fields = [f.name for f in Case._meta.fields]
    inlines = [ReadOnlyTimeline]

    def has_add_permission(self, request):
        return False


@admin.register(Company)
class CompanyAdmin(SimpleHistoryAdmin):  # the history shows who changed what
    list_display = ["name", "kvk_number", "postcode", "account_manager"]
    search_fields = ["name", "kvk_number"]
    autocomplete_fields = ["account_manager"]


@admin.register(Contact)
class ContactAdmin(SimpleHistoryAdmin):
    list_display = ["name", "email", "phone", "company"]
    search_fields = ["name", "email", "phone"]


@admin.register(Portefeuillehouder)
class PortefeuillehouderAdmin(admin.ModelAdmin):
    list_display = ["name", "portfolio", "email", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "portfolio", "email"]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "template", "to_email", "status", "attempts", "case"]
    list_filter = ["status", "template"]
    search_fields = ["to_email", "key", "subject"]
    # Never the (encrypted) tracking token; the bodies hold a placeholder instead of the link.
    readonly_fields = [f.name for f in OutboxMessage._meta.fields if f.name != "tracking_token_encrypted"]
    exclude = ["tracking_token_encrypted"]
