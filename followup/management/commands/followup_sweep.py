"""Run the deadline sweep once, as Celery beat does every few minutes (handy in the demo, which has no beat)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from followup.sweep import sweep

LABELS = {
    "handoff_reminders": gettext_lazy("herinneringen uitzetting"),
    "handoffs_overdue": gettext_lazy("uitzettingen te laat"),
    "cases_will_miss": gettext_lazy("vragen dreigen te laat"),
    "cases_overdue": gettext_lazy("vragen te laat"),
    "delay_notices": gettext_lazy("vertragingsberichten"),
    "waiting_reminders": gettext_lazy("herinneringen ondernemer"),
    "waiting_expired": gettext_lazy("wachttermijn verlopen"),
    "callbacks_overdue": gettext_lazy("terugbelverzoeken te laat"),
    "messages_queued": gettext_lazy("e-mails in de wachtrij"),
}


class Command(BaseCommand):
    help = _("Voer de termijnbewaking één keer uit en toon wat ze deed. Nog eens draaien doet niets dubbel.")

    def handle(self, *args, **options):
        result = sweep().as_dict()
        width = max(len(str(label)) for label in LABELS.values())
        for key, label in LABELS.items():
            self.stdout.write(f"{label!s:<{width}}  {result[key]:>7}")
