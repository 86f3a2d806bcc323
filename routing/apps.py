from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoutingConfig(AppConfig):
    name = "routing"
    verbose_name = _("Routering en uitzettingen")

    def ready(self) -> None:
        # Every question that comes in through an intake entry point is routed in the same transaction.
        from intake.services import register_after_submit, register_proposer

        from .services import propose_for_new_case, route_new_case

        register_proposer(propose_for_new_case)
        register_after_submit(route_new_case)

        # routing.router.active_rules is cached per worker process (teams.refdata).
        from teams.refdata import invalidate_on_change

        invalidate_on_change("routing.RoutingRule")
