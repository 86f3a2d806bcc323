"""The functional administrator manages API clients here: create (the token is shown once), rotate, revoke;
subscriptions with their delivery log (pause is automatic, resume is an action); the call log."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import ApiCall, ApiClient, Subscription, WebhookDelivery


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ["name", "team", "scope_list", "is_active", "token_hint", "rotated_at", "revoked_at"]
    list_filter = ["is_active", "team"]
    search_fields = ["name", "contact_email"]
    readonly_fields = ["token_hint", "rotated_at", "revoked_at", "created_at"]
    fields = ["name", "contact_email", "team", "scopes", "rate_limit", "is_active", *readonly_fields]
    actions = ["rotate_token", "revoke"]

    @admin.display(description=_("rechten"))
    def scope_list(self, obj: ApiClient) -> str:
        return ", ".join(obj.scopes)

    def save_model(self, request, obj, form, change):
        if not change:
            token = services.client_prepare(obj)
            super().save_model(request, obj, form, change)
            messages.warning(
                request,
                _("Het token van %(name)s (alleen nu zichtbaar, bewaar het veilig): %(token)s")
                % {"name": obj.name, "token": token},
            )
            return
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Token vernieuwen (het oude werkt direct niet meer)"))
    def rotate_token(self, request, queryset):
        for client in queryset:
            issued = services.client_rotate(client=client)
            messages.warning(
                request,
                _("Nieuw token van %(name)s (alleen nu zichtbaar, bewaar het veilig): %(token)s")
                % {"name": client.name, "token": issued.token},
            )

    @admin.action(description=_("Intrekken (token en abonnementen uit)"))
    def revoke(self, request, queryset):
        for client in queryset:
            services.client_revoke(client=client)
        count = queryset.count()
        messages.success(
            request,
            ngettext("%(n)d koppeling ingetrokken.", "%(n)d koppelingen ingetrokken.", count) % {"n": count},
        )


class DeliveryInline(admin.TabularInline):
    model = WebhookDelivery
    extra = 0
    can_delete = False
    ordering = ["-at", "-pk"]
    fields = ["at", "event_type", "event_id", "ok", "status_code", "error", "duration_ms"]
    readonly_fields = fields
    max_num = 0


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["client", "url", "is_active", "paused_at", "consecutive_failures", "created_at"]
    list_filter = ["is_active", ("paused_at", admin.EmptyFieldListFilter)]
    readonly_fields = ["paused_at", "consecutive_failures", "created_at"]
    fields = ["client", "url", "event_types", "is_active", *readonly_fields]
    inlines = [DeliveryInline]
    actions = ["resume"]

    def has_add_permission(self, request):
        return False  # a client subscribes through the API, which gives it the signing secret

    @admin.action(description=_("Hervatten (wachtende gebeurtenissen worden nu verstuurd)"))
    def resume(self, request, queryset):
        total = sum(services.subscription_resume(subscription=s) for s in queryset)
        messages.success(
            request, _("Hervat; %(n)d wachtende gebeurtenissen worden verstuurd.") % {"n": total}
        )


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["at", "subscription", "event_type", "ok", "status_code", "error"]
    list_filter = ["ok", "event_type"]
    list_select_related = ["subscription__client"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ApiCall)
class ApiCallAdmin(admin.ModelAdmin):
    list_display = ["at", "client", "method", "path", "status", "duration_ms"]
    list_filter = ["client", "method", "status"]
    list_select_related = ["client"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
