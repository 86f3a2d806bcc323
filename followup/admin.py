from django.contrib import admin

from .models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "template", "to_email", "status", "attempts", "case"]
    list_filter = ["status", "template"]
    search_fields = ["to_email", "key", "subject"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
