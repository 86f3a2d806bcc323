from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KccConfig(AppConfig):
    name = "kcc"
    verbose_name = _("KCC")

    def ready(self):
        # The figures (reports, a sibling app) count KCC calls with the KCC report's own definitions.
        from followup.figures import register_daily_source

        from .selectors import daily_call_counts

        register_daily_source("kcc_calls", daily_call_counts)
