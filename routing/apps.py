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

        # "Vraagt uw aandacht" holds for open cases only: the hand-offs' marker follows the case closing and
        # reopening (routing.services.case_saved).
        from django.db.models.signals import post_save

        from intake.models import Case

        from .services import case_saved

        post_save.connect(case_saved, sender=Case, dispatch_uid="routing.case_saved")

        # routing.router.active_rules is cached per worker process (teams.refdata).
        from teams.refdata import invalidate_on_change

        invalidate_on_change("routing.RoutingRule")
