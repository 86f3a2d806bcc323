from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamsConfig(AppConfig):
    name = "teams"
    verbose_name = _("Teams en producten")

    def ready(self):
        from django.conf import settings
        from django.db.models.signals import post_delete, post_save

        from .selectors import forget_choice_lists

        for model in ("teams.Team", "teams.Topic", "teams.Membership", settings.AUTH_USER_MODEL):
            post_save.connect(forget_choice_lists, sender=model, dispatch_uid=f"choice-lists-save-{model}")
            post_delete.connect(
                forget_choice_lists, sender=model, dispatch_uid=f"choice-lists-delete-{model}"
            )
        # The reference data cached per worker process (teams.refdata): owner team, topics, closing days.
        from .refdata import invalidate_on_change

        invalidate_on_change("teams.Team", "teams.Topic", "teams.Membership", "teams.ClosingDay")
