from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoutingConfig(AppConfig):
    name = "routing"
    verbose_name = _("Routering en uitzettingen")

    def ready(self) -> None:
        # Every question that comes in through an intake entry point is routed in the same transaction.
        from intake.services import register_after_submit

        from .services import route_new_case

        register_after_submit(route_new_case)
