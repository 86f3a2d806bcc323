from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = _("Vragen")

    def ready(self) -> None:
        from django.conf import settings

        from teams.refdata import invalidate_on_change

        # intake.selectors.active_account_manager_rules is cached per worker process (teams.refdata).
        invalidate_on_change("intake.AccountManagerRule", settings.AUTH_USER_MODEL)
