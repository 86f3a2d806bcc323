from django.core.management.base import BaseCommand
from tqdm import tqdm

from routing.training import retrain


class Command(BaseCommand):
    help = "Train het routeringsmodel opnieuw en activeer het als het minstens zo goed is als het huidige."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Activeer het nieuwe model altijd.")

    def handle(self, *args, force: bool, **options):
        bar = tqdm(desc="Trainen", unit="stap", disable=options["verbosity"] == 0)

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()

        result = retrain(progress=progress, force=force)
        bar.close()
        old = "geen" if result.old_score is None else f"{result.old_score:.3f}"
        self.stdout.write(
            f"Model {result.version}: {result.training_size} voorbeelden, {result.holdout_size} apart gehouden; "
            f"score nieuw {result.new_score:.3f}, huidig {old}."
        )
        if result.activated:
            self.stdout.write(self.style.SUCCESS("Nieuw model geactiveerd."))
        else:
            self.stdout.write(self.style.WARNING("Nieuw model is slechter en is niet geactiveerd."))
