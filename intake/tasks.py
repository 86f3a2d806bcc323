"""The outbox's delivery tasks. This module imports only the outbox, so every layer can queue e-mail."""

from celery import shared_task

from . import outbox


@shared_task(bind=True, max_retries=None, acks_late=True)
def deliver_outbox_message(self, message_id: int) -> bool:
    try:
        return outbox.deliver(message_id)
    except Exception as exc:
        delay = outbox.retry_delay(message_id)
        if delay:
            raise self.retry(exc=exc, countdown=delay) from exc
        return False


@shared_task
def requeue_stuck_outbox(max_batches: int = 200) -> int:
    """Hand every due row to a worker, 500 at a time (the sweep can queue many at once)."""
    total, last = 0, 0
    for _ in range(max_batches):
        ids = outbox.due_message_ids(after=last)
        for message_id in ids:
            deliver_outbox_message.delay(message_id)
        total += len(ids)
        if len(ids) < 500:
            break
        last = ids[-1]
    return total
