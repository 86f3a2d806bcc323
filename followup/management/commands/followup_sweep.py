"""Run the deadline sweep once, as Celery beat does every few minutes (handy in the demo, which has no beat)."""

from django.core.management.base import BaseCommand

from followup.services import sweep

LABELS = {
    "handoff_reminders": "herinneringen uitzetting",
    "handoffs_overdue": "uitzettingen te laat",
    "cases_will_miss": "vragen dreigen te laat",
    "cases_overdue": "vragen te laat",
    "delay_notices": "vertragingsberichten",
    "waiting_reminders": "herinneringen ondernemer",
    "waiting_expired": "wachttermijn verlopen",
    "callbacks_overdue": "terugbelverzoeken te laat",
    "messages_queued": "e-mails in de wachtrij",
}


class Command(BaseCommand):
    help = "Voer de termijnbewaking één keer uit en toon wat ze deed. Nog eens draaien doet niets dubbel."

    def handle(self, *args, **options):
        result = sweep().as_dict()
        width = max(len(label) for label in LABELS.values())
        for key, label in LABELS.items():
            self.stdout.write(f"{label:<{width}}  {result[key]:>7}")
