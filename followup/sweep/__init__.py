"""The periodic sweep: every reminder, escalation and notice happens once per deadline, however often it runs
and however many workers run it at once. Each action first claims a unique key in the action log (set-based
SQL, `engine.py`), and only the claimer writes the timeline entry and queues the e-mails.

Layout:

- `engine.py`: the machinery: `Action` and `Mail` describe an action; `run_action` claims and carries it out.
- `base.py`: what several actions share: the `Context` (today, now, calendar, tables, links), status sets,
  SQL joins, placeholder values, owner and entrepreneur mails.
- one module per action kind (`handoff_reminder.py`, ...), each with `build(ctx) -> Action`.

To add a reminder: add a module with `build(ctx)` and list it in `ACTIONS` below; add a field of the same name
to `SweepResult` (its count) and the e-mail template(s) it sends. Actions run in the order listed.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from intake.outbox import OutboxMessage, _enqueue_delivery
from teams.deadlines import get_calendar

from . import (
    callback_overdue,
    case_overdue,
    case_will_miss,
    delay_notice,
    handoff_overdue,
    handoff_reminder,
    waiting_expired,
    waiting_reminder,
)
from .base import Context
from .engine import Action, ActionResult, drop_todo, run_action

logger = logging.getLogger(__name__)

ENQUEUE_DIRECTLY = 1000  # more new e-mails than this go out through the periodic re-queue

# (SweepResult field, build function), in the order the sweep runs them.
ACTIONS: list[tuple[str, Callable[[Context], Action]]] = [
    ("handoff_reminders", handoff_reminder.build),
    ("handoffs_overdue", handoff_overdue.build),
    ("cases_will_miss", case_will_miss.build),
    ("cases_overdue", case_overdue.build),
    ("delay_notices", delay_notice.build),
    ("waiting_reminders", waiting_reminder.build),
    ("waiting_expired", waiting_expired.build),
    ("callbacks_overdue", callback_overdue.build),
]


@dataclass
class SweepResult:
    handoff_reminders: int = 0
    handoffs_overdue: int = 0
    cases_will_miss: int = 0
    cases_overdue: int = 0
    delay_notices: int = 0
    waiting_reminders: int = 0
    waiting_expired: int = 0
    callbacks_overdue: int = 0
    messages_queued: int = 0

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def actions(self) -> int:
        return sum(v for k, v in self.as_dict().items() if k != "messages_queued")


def sweep(
    today: date | None = None,
    *,
    now: datetime | None = None,
    enqueue: bool = True,
    on_action: Callable[[str, ActionResult], None] | None = None,
) -> SweepResult:
    """Run every action once. `on_action(name, result)` hears each action's counts and phase timings."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    ctx = Context.create(today=today, now=now, calendar=get_calendar())
    result = SweepResult()
    new_messages: list[int] = []
    # Build every action first (the builds read the state at the start of the sweep), then run them in order.
    built = []
    for name, build in ACTIONS:
        started = time.perf_counter()
        built.append((name, build(ctx), time.perf_counter() - started))
    for name, action, build_seconds in built:
        done = run_action(action, now=now, chunk=settings.FOLLOWUP_SWEEP_CHUNK, collect_ids=enqueue)
        done.seconds["build"] = build_seconds
        if on_action:
            on_action(name, done)
        setattr(result, name, done.actions)
        result.messages_queued += done.message_count
        new_messages += [pk for pk, status in done.messages if status == OutboxMessage.Status.QUEUED]
    drop_todo()
    if enqueue and new_messages:
        transaction.on_commit(lambda: _enqueue(new_messages))
    return result


def _enqueue(message_ids: list[int]) -> None:
    for message_id in message_ids[:ENQUEUE_DIRECTLY]:
        _enqueue_delivery(message_id)
    if len(message_ids) > ENQUEUE_DIRECTLY:
        from intake.tasks import requeue_stuck_outbox

        try:
            requeue_stuck_outbox.delay()
        except Exception:  # broker down: beat's re-queue picks them up
            logger.warning("Could not enqueue the outbox re-queue", exc_info=True)
