from celery import shared_task
from django.conf import settings

from .fetch import fetch_mail as fetch


@shared_task(ignore_result=True)
def fetch_mail() -> str:
    """Beat task (MAIL_POLL_SECONDS): read the loket mailbox once. Does nothing without MAIL_INBOX_URL."""
    if not settings.MAIL_INBOX_URL:
        return "MAIL_INBOX_URL not set"
    return str(fetch())
