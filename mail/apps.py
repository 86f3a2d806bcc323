from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailConfig(AppConfig):
    name = "mail"
    verbose_name = _("Inkomende e-mail")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (remembers the Message-ID of every outgoing e-mail)
