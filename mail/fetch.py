"""Read the loket mailbox: store each new message (mail.services), then mark it done in the mailbox.

Never twice, never lost:
- a message is moved (or flagged) only after the transaction that stored it has committed
  (`transaction.on_commit`); call `fetch_mail` outside a transaction;
- a worker killed between the commit and the move leaves the message in the inbox: the next run finds its row
  (by mailbox UID or Message-ID), stores nothing and moves it then;
- a message that fails to store stays in the inbox (logged) and is tried again on the next run.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import services
from .mailbox import Item, Source, open_source
from .models import InboundMail

logger = logging.getLogger(__name__)
PREFETCH_BYTES = 20 * 1024 * 1024  # the most message bytes fetched from IMAP in one round trip


@dataclass
class FetchResult:
    read: int = 0
    stored: int = 0
    already_stored: int = 0
    refused: int = 0
    automatic: int = 0
    failed: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        return (
            f"read {self.read}, stored {self.stored}, already stored {self.already_stored}, "
            f"refused {self.refused}, automatic {self.automatic}, failed {self.failed}"
        )


def fetch_mail(url: str = "", *, limit: int | None = None, keep: bool = False) -> FetchResult:
    """Read new messages from `url` (default MAIL_INBOX_URL). `keep`: leave them where they are (the demo's
    shipped .eml files); the database still remembers which were read."""
    url = url or settings.MAIL_INBOX_URL
    result = FetchResult()
    if not url:
        return result
    if transaction.get_connection().in_atomic_block:
        logger.warning("fetch_mail runs inside a transaction: messages are marked done only when it commits")
    with open_source(url) as source:
        items = source.list_new()[: limit or settings.MAIL_BATCH_SIZE]
        for batch in _batches(items):
            raws = _prefetch(source, batch)
            committed: list[tuple[str, InboundMail]] = []
            for item in batch:
                result.read += 1
                try:
                    _process(source, item, raws.pop(item.uid, None), result, committed)
                except Exception:
                    result.failed += 1
                    logger.exception(
                        "Inbound mail %s/%s not processed; it stays in the inbox", source.name, item.uid
                    )
            _mark_done(source, committed, result, keep=keep)
    return result


def _batches(items: list[Item]):
    batch, size = [], 0
    for item in items:
        if batch and (size + item.size > PREFETCH_BYTES or len(batch) >= 50):
            yield batch
            batch, size = [], 0
        batch.append(item)
        size += item.size
    if batch:
        yield batch


def _prefetch(source: Source, batch: list[Item]) -> dict[str, bytes]:
    wanted = [item.uid for item in batch if item.size <= settings.MAIL_MAX_BYTES]
    fetch_many = getattr(source, "fetch_many", None)
    if fetch_many is None or len(wanted) < 2:
        return {}
    return fetch_many(wanted)


def _process(
    source: Source,
    item: Item,
    raw: bytes | None,
    result: FetchResult,
    committed: list[tuple[str, InboundMail]],
) -> None:
    existing = InboundMail.objects.filter(
        mailbox=source.name, uid_validity=source.uid_validity, uid=item.uid
    ).first()
    if existing is not None:  # stored before, not marked done (a worker stopped in between): mark it now
        result.already_stored += 1
        committed.append((item.uid, existing))
        return
    if item.size > settings.MAIL_MAX_BYTES:
        inbound, created = services.store_too_large(
            mailbox=source.name,
            uid_validity=source.uid_validity,
            uid=item.uid,
            headers=source.fetch_headers(item.uid),
            size=item.size,
        )
    else:
        inbound, created = services.store_mail(
            mailbox=source.name,
            uid_validity=source.uid_validity,
            uid=item.uid,
            raw=raw if raw is not None else source.fetch(item.uid),
        )
    if created:
        result.stored += 1
        result.outcomes[inbound.outcome] = result.outcomes.get(inbound.outcome, 0) + 1
        result.refused += inbound.outcome in InboundMail.REFUSED
        result.automatic += inbound.outcome == InboundMail.Outcome.AUTOMATIC
    else:  # the same message under another UID (delivered twice), or stored by a parallel worker
        result.already_stored += 1
    # Marked done with the rest of the batch, and only once this transaction has committed.
    transaction.on_commit(lambda: committed.append((item.uid, inbound)))


def _mark_done(
    source: Source, committed: list[tuple[str, InboundMail]], result: FetchResult, *, keep: bool
) -> None:
    """Move (or flag) the batch's stored messages: one IMAP command per folder, not one per message."""
    by_folder: dict[str, list[tuple[str, InboundMail]]] = {}
    for uid, inbound in committed:
        refused = inbound.outcome in InboundMail.REFUSED
        folder = settings.MAIL_REFUSED_FOLDER if refused else settings.MAIL_PROCESSED_FOLDER
        by_folder.setdefault(folder, []).append((uid, inbound))
    for folder, rows in by_folder.items():
        try:
            if not keep:
                source.mark_done_many([uid for uid, _inbound in rows], folder)
        except Exception:  # stored but not marked: read again next time, found by its row, marked then
            result.failed += len(rows)
            logger.exception(
                "Inbound mail in %s stored but not marked done; it is marked on the next run", source.name
            )
            continue
        pending = [inbound.pk for _uid, inbound in rows if inbound.done_at is None]
        if pending:
            InboundMail.objects.filter(pk__in=pending, done_at__isnull=True).update(done_at=timezone.now())
