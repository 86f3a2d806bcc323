"""Thin Celery wrappers: load ids, call a service. Running a task twice changes nothing the second time."""

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
def requeue_stuck_outbox() -> int:
    ids = outbox.due_message_ids()
    for message_id in ids:
        deliver_outbox_message.delay(message_id)
    return len(ids)


@shared_task
def sweep_deadlines() -> dict:
    from .services import sweep

    return sweep().as_dict()
