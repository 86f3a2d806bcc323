"""Apply the retention periods now, or with --dry-run only show per kind what is due and what would happen."""

from django.core.management.base import BaseCommand
from tqdm import tqdm

from privacy import retention


class Command(BaseCommand):
    help = "Anonymise or delete personal data whose retention period has passed (docs/privacy.md)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only show what is due; change nothing.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar (e.g. in cron logs).")

    def handle(self, *args, dry_run=False, no_progress=False, **options):
        if dry_run:
            rows = retention.plan()
        else:

            def progress(items, total):
                return tqdm(items, total=total, desc="cases", unit="case", disable=no_progress or total < 2)

            rows = retention.apply(progress=progress)
        width = max(len(row.label) for row in rows)
        done_column = "" if dry_run else f"  {'done':>6}"
        self.stdout.write(f"{'kind':<{width}}  {'rows due':>8}{done_column}  action")
        self.stdout.write(f"{'-' * width}  {'-' * 8}{'' if dry_run else '  ' + '-' * 6}  {'-' * 30}")
        for row in rows:
            done = "" if dry_run else f"  {'' if row.done is None else row.done:>6}"
            self.stdout.write(f"{row.label:<{width}}  {row.due:>8}{done}  {row.action}")
        if dry_run:
            self.stdout.write(self.style.WARNING("Dry run: nothing was changed."))
