"""Remember the Message-ID of every outgoing e-mail that belongs to a case (see OutgoingMessageId)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from intake.outbox import OutboxMessage, message_id_for

from .models import OutgoingMessageId


@receiver(post_save, sender=OutboxMessage, dispatch_uid="mail.remember_message_id")
def remember_message_id(sender, instance: OutboxMessage, created: bool, raw: bool = False, **kwargs) -> None:
    if (
        not created
        or raw
        or instance.case_id is None
        or instance.audience != OutboxMessage.Audience.ENTREPRENEUR
    ):
        return
    # One INSERT … ON CONFLICT DO NOTHING (a redelivered key keeps its first row): no look-up, no savepoint.
    OutgoingMessageId.objects.bulk_create(
        [
            OutgoingMessageId(
                message_id=message_id_for(instance.key), outbox=instance, case_id=instance.case_id
            )
        ],
        ignore_conflicts=True,
    )
