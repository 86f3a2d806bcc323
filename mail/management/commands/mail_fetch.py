from django.core.management.base import BaseCommand

from mail.fetch import fetch_mail


class Command(BaseCommand):
    help = "Read the loket mailbox once (MAIL_INBOX_URL, or --url): new messages become cases or replies."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="", help="imaps://…, maildir:///path or a folder of .eml files")
        parser.add_argument("--limit", type=int, default=None, help="at most this many messages")
        parser.add_argument(
            "--keep",
            action="store_true",
            help="leave the messages where they are (e.g. the demo's .eml files)",
        )

    def handle(self, *args, url="", limit=None, keep=False, **options):
        result = fetch_mail(url, limit=limit, keep=keep)
        self.stdout.write(str(result))
        if result.failed:
            self.stderr.write(f"{result.failed} message(s) failed; they stay in the mailbox (see the log)")
