"""Demo history for the figures (issue 17): a few hundred closed and open cases over the last six months, with
hand-offs, ratings, KCC calls and callbacks, written set-based (bulk_create) so `make demo` stays quick; then the
daily figures are computed for the whole period.

Historical cases get the reference OND-<year>-H<number>; their timelines hold only the status changes the
figures read (a reopening), not the full story of the cases `seed_demo` makes through the services.
"""

import random
import secrets
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from followup.models import CallbackRequest, SatisfactionRating
from intake.models import Case, Channel, Contact, Message, Resolution
from intake.workflow import Status
from kcc.models import KccCall
from reports.aggregate import catch_up
from routing.models import Handoff
from teams.deadlines import get_calendar
from teams.models import Team, Topic

DAYS = 182
CASES = 360
CHANNEL_WEIGHTS = [
    (Channel.WEB, 50),
    (Channel.PHONE, 25),
    (Channel.EMAIL, 15),
    (Channel.COUNTER, 6),
    (Channel.ADMINISTRATIVE, 4),
]


def _at(day, hour: int):
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


@transaction.atomic
def seed(*, seed: int = 17) -> int:
    rng = random.Random(seed)
    calendar = get_calendar()
    today = timezone.localdate()
    owner_team = Team.objects.get(kind=Team.Kind.OWNER)
    kcc_team = Team.objects.filter(kind=Team.Kind.KCC).first()
    topics = list(Topic.objects.filter(is_active=True).select_related("team").order_by("pk"))
    if not topics:
        return 0
    popular = topics[
        : max(len(topics) // 4, 8)
    ]  # a few topics get most questions, so "top topics" mean something
    User = get_user_model()
    managers = list(User.objects.filter(memberships__team=owner_team).distinct()) or [None]
    agents = list(User.objects.filter(memberships__team=kcc_team).distinct()) if kcc_team else []
    contact = Contact.objects.create(name="Historische ondernemer (demo)", email="historie@demo.example")
    channels = [c for c, _w in CHANNEL_WEIGHTS]
    weights = [w for _c, w in CHANNEL_WEIGHTS]

    cases, plans = [], []
    for n in range(CASES):
        # More questions lately: rising topics and a growing desk.
        age = int(DAYS * (1 - rng.random() ** 0.8))
        created_on = calendar.next_working_day(today - timedelta(days=max(age, 1)))
        if created_on >= today:
            created_on = calendar.subtract_working_days(today, 1)
        topic = rng.choice(popular) if rng.random() < 0.7 else rng.choice(topics)
        deadline = calendar.add_working_days(created_on, topic.deadline_days)
        lead = max(int(rng.gauss(topic.deadline_days * 0.7, topic.deadline_days * 0.4)), 0)
        closed_on = calendar.add_working_days(created_on, lead)
        is_open = closed_on >= today or rng.random() < 0.04
        roll = rng.random()
        status = (
            rng.choice([Status.IN_PROGRESS, Status.WAITING_DEPARTMENT, Status.WAITING_ENTREPRENEUR])
            if is_open
            else Status.ANSWERED
            if roll < 0.75
            else Status.REFERRED
            if roll < 0.9
            else Status.CANCELLED
        )
        resolution = {
            Status.ANSWERED: Resolution.ANSWERED_FIRST_CONTACT
            if rng.random() < 0.15
            else Resolution.ANSWERED,
            Status.REFERRED: Resolution.REFERRED,
            Status.CANCELLED: Resolution.WITHDRAWN,
        }.get(status, "")
        cases.append(
            Case(
                reference=f"OND-{created_on.year}-H{n + 1:04d}",
                channel=rng.choices(channels, weights)[0],
                status=status,
                subject=f"{topic.name} (historie)",
                question=f"Vraag over {topic.name.lower()}.",
                contact=contact,
                topic=topic,
                owner_team=owner_team,
                owner=rng.choice(managers),
                deadline=deadline,
                deadline_policy=f"onderwerp {topic.slug}: {topic.deadline_days} werkdagen",
                resolution=resolution,
                tracking_token_hash=Case.hash_token(secrets.token_urlsafe(24)),
                closed_at=None if is_open else _at(closed_on, rng.randint(9, 16)),
            )
        )
        plans.append((created_on, closed_on, topic, is_open))
    Case.objects.bulk_create(cases)
    for case, (created_on, _closed_on, _topic, _open) in zip(cases, plans, strict=True):
        case.created_at = _at(created_on, rng.randint(8, 12))
    Case.objects.bulk_update(cases, ["created_at"], batch_size=200)

    handoffs, ratings, messages = [], [], []
    for case, (created_on, closed_on, topic, is_open) in zip(cases, plans, strict=True):
        if topic.team.kind == Team.Kind.DEPARTMENT and rng.random() < 0.6:
            returned = rng.random() < 0.08
            answered_on = calendar.add_working_days(created_on, max(int(rng.gauss(4, 2)), 1))
            handoff_done = not is_open or answered_on < today
            handoffs.append(
                Handoff(
                    case=case,
                    team=topic.team,
                    request_text="Graag uw antwoord op deze vraag (demo-historie).",
                    status=(Handoff.Status.RETURNED if returned else Handoff.Status.ANSWERED)
                    if handoff_done
                    else Handoff.Status.CLAIMED,
                    deadline=calendar.add_working_days(created_on, topic.team.handoff_deadline_days),
                    return_reason="Dit is geen vraag voor ons team." if returned else "",
                    answer="" if returned else "Antwoord van de afdeling (demo).",
                    closed_at=_at(min(answered_on, today - timedelta(days=1)), 14) if handoff_done else None,
                    # routing.selectors.asks_attention: a return of an open case (the only hand-off: not followed up)
                    asks_attention=returned and handoff_done and is_open,
                )
            )
        if case.status in (Status.ANSWERED, Status.REFERRED) and rng.random() < 0.45:
            score = rng.choices([1, 2, 3, 4, 5], [5, 7, 15, 40, 33])[0]
            rated_on = min(closed_on + timedelta(days=1), today - timedelta(days=1))
            ratings.append(
                SatisfactionRating(
                    case=case,
                    case_closed_at=case.closed_at,
                    score=score,
                    comment="" if score > 2 else "Het duurde te lang.",
                    created_at=_at(rated_on, 20),
                    reopened_at=_at(rated_on + timedelta(days=1), 10)
                    if score <= 2 and rng.random() < 0.5
                    else None,
                )
            )
        if case.status in (Status.ANSWERED, Status.REFERRED) and rng.random() < 0.05:
            reopened = calendar.add_working_days(created_on, 1)
            if reopened < closed_on:
                messages.append(
                    Message(
                        case=case,
                        kind=Message.Kind.STATUS,
                        data={"from": Status.ANSWERED, "to": Status.IN_PROGRESS},
                    )
                )
                messages[-1].planned = _at(reopened, 11)
    Handoff.objects.bulk_create(handoffs)
    SatisfactionRating.objects.bulk_create(ratings)
    Message.objects.bulk_create(messages)
    for message in messages:
        message.created_at = message.planned
    Message.objects.bulk_update(messages, ["created_at"])
    for handoff in handoffs:
        handoff.created_at = handoff.case.created_at + timedelta(hours=2)
    Handoff.objects.bulk_update(handoffs, ["created_at"], batch_size=200)

    calls, callbacks = [], []
    departments = list(Team.objects.filter(kind=Team.Kind.DEPARTMENT))
    for _ in range(DAYS * 2 if agents else 0):
        day = calendar.next_working_day(today - timedelta(days=rng.randint(1, DAYS)))
        if day >= today:
            continue
        outcome = rng.choices(list(KccCall.Outcome), [60, 20, 12, 8])[0]
        topic = rng.choice(topics)
        calls.append(
            KccCall(
                agent=rng.choice(agents),
                question=f"Telefonische vraag over {topic.name.lower()} (demo-historie).",
                topic=topic,
                team=rng.choice(departments)
                if outcome == KccCall.Outcome.TRANSFERRED and departments
                else None,
                outcome=outcome,
                could_not_answer=outcome != KccCall.Outcome.ANSWERED and rng.random() < 0.3,
            )
        )
        calls[-1].planned = _at(day, rng.randint(9, 16))
    KccCall.objects.bulk_create(calls)
    for call in calls:
        call.created_at = call.planned
    KccCall.objects.bulk_update(calls, ["created_at"], batch_size=200)
    callback_team = kcc_team or owner_team
    for case, (created_on, _closed, _topic, _open) in list(zip(cases, plans, strict=True))[::6]:
        due = _at(calendar.add_working_days(created_on, 1), 17)
        if due >= timezone.now():
            continue
        on_time = rng.random() < 0.8
        callbacks.append(
            CallbackRequest(
                case=case,
                name=contact.name,
                phone="0201234567",
                subject=case.subject,
                team=callback_team,
                due_at=due,
                created_at=case.created_at,
                status=CallbackRequest.Status.DONE,
                result=CallbackRequest.Result.REACHED,
                closed_at=due - timedelta(hours=3) if on_time else due + timedelta(hours=20),
            )
        )
    CallbackRequest.objects.bulk_create(callbacks)
    return len(cases)


def compute_figures() -> int:
    """The daily figures from the first day of the history up to yesterday (what the beat task does nightly)."""
    return len(catch_up(since=timezone.localdate() - timedelta(days=DAYS + 1)))
