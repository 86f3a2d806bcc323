from django.apps import AppConfig


class ApiConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "api"
    verbose_name = "API"

    def ready(self) -> None:
        # The outbox delivers e-mail itself; the channels of this app are registered here, so intake's outbox
        # never imports api (docs/decisions/0009-events.md).
        from intake.outbox import register_sender

        from . import events, openklant, webhooks

        register_sender("webhook", webhooks.send)
        register_sender("openklant", openklant.send)
        events.connect()
