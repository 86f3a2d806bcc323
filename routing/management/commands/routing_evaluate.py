"""Measure the router on labelled questions: `manage.py routing_evaluate FILE.tsv [--learning-curve]`."""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from routing.evaluation import evaluate, evaluate_splits, format_report, read_tsv, suggest_threshold
from routing.router import active_rules, extra_teams_for_text, loaded_router, team_ranking_for_text


def rss_mb() -> float:
    """Resident memory of this process now (Linux), in MB."""
    try:
        with open(f"/proc/{os.getpid()}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


class Command(BaseCommand):
    help = _("Meet de router op een TSV-bestand met de kolommen question en team (en eventueel topic).")

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("TSV-bestand met kopregel: question, team[, topic]"))
        parser.add_argument(
            "--threshold", type=float, default=None, help=_("Drempel voor automatisch routeren")
        )
        parser.add_argument("--errors", type=int, default=0, help=_("Toon zoveel fout gerouteerde vragen"))
        parser.add_argument(
            "--learning-curve",
            action="store_true",
            help=_(
                "Verwerk de correcties van de helft van de vragen, train opnieuw en meet op de andere helft"
            ),
        )

    def handle(self, *args, file: str, threshold: float | None, errors: int, learning_curve: bool, **options):
        try:
            rows = read_tsv(file)
        except FileNotFoundError as exc:
            raise CommandError(_("Bestand niet gevonden: %(path)s") % {"path": file}) from exc
        except (ValueError, UnicodeDecodeError) as exc:
            raise CommandError(
                _("Kan %(path)s niet lezen: %(error)s") % {"path": file, "error": exc}
            ) from exc
        if not rows:
            raise CommandError(_("%(path)s bevat geen vragen.") % {"path": file})
        before = rss_mb()
        router = loaded_router()
        if router is None:
            raise CommandError(_("Er is nog geen actief model. Draai eerst: python manage.py routing_train"))
        rules = active_rules()
        # An explicit --threshold measures one threshold for all teams; otherwise the model's own.
        team_thresholds = None if threshold is not None else getattr(router.model, "team_thresholds", None)
        threshold = settings.ROUTING_AUTO_THRESHOLD if threshold is None else threshold
        language = getattr(router.model, "language", None)
        report = evaluate(
            rows,
            lambda text: team_ranking_for_text(text, rules=rules),
            threshold,
            team_thresholds=team_thresholds or None,
            language=language,
        )
        self.stdout.write(
            f"model                {router.version} ({len(router.topic_team)} topics, {len(rules)} rules)"
        )
        self.stdout.write(
            format_report(report, show_errors=errors, thresholds=(0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95))
        )
        suggested = suggest_threshold(report)
        self.stdout.write("")
        self.stdout.write(
            f"lowest threshold with >=95% right among auto-routed: {suggested if suggested is not None else '-'}"
        )
        splits = evaluate_splits(rows, extra_teams_for_text)
        if splits.two_part:
            self.stdout.write(
                f"two-part questions   extra team named for {splits.found} of {splits.two_part}; "
                f"an extra team named for {splits.false_alarms} of {splits.one_part} one-part questions"
            )
        self.stdout.write(
            f"process memory       {rss_mb():.0f} MB with the model loaded ({before:.0f} MB before)"
        )
        if learning_curve:
            from routing.training import learning_curve as curve

            self.stdout.write("")
            self.stdout.write(
                "learning curve (corrections from one half, top-1 team accuracy on the other half)"
            )
            for n, accuracy in curve(rows):
                self.stdout.write(f"  {n:>4} corrections  {accuracy:6.1%}")
