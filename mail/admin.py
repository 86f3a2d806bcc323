from django.contrib import admin

from .models import InboundMail


@admin.register(InboundMail)
class InboundMailAdmin(admin.ModelAdmin):
    list_display = ["received_at", "from_email", "subject", "outcome", "needs_check", "case", "done_at"]
    list_filter = ["outcome", "needs_check", "automatic"]
    search_fields = ["from_email", "subject", "message_id", "case__reference"]
    readonly_fields = [f.name for f in InboundMail._meta.fields]
    raw_id_fields = ["case"]

    def has_add_permission(self, request):
        return False
