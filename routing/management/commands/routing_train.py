from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from tqdm import tqdm

from routing.training import retrain


class Command(BaseCommand):
    help = _("Train het routeringsmodel opnieuw en activeer het als het minstens zo goed is als het huidige.")

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help=_("Activeer het nieuwe model altijd."))

    def handle(self, *args, force: bool, **options):
        bar = tqdm(desc=_("Trainen"), unit=_("stap"), disable=options["verbosity"] == 0)

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()

        result = retrain(progress=progress, force=force)
        bar.close()
        old = _("geen") if result.old_score is None else f"{result.old_score:.3f}"
        self.stdout.write(
            _(
                "Model %(version)s: %(size)d voorbeelden, %(holdout)d apart gehouden; "
                "score nieuw %(new).3f, huidig %(old)s."
            )
            % {
                "version": result.version,
                "size": result.training_size,
                "holdout": result.holdout_size,
                "new": result.new_score,
                "old": old,
            }
        )
        if result.activated:
            self.stdout.write(self.style.SUCCESS(_("Nieuw model geactiveerd.")))
        else:
            self.stdout.write(self.style.WARNING(_("Nieuw model is slechter en is niet geactiveerd.")))
