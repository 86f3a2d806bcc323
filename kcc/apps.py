from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KccConfig(AppConfig):
    name = "kcc"
    verbose_name = _("KCC")
