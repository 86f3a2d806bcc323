"""Retention on frozen time: a case closed 25 months ago is anonymised with everything on it; 23 months is not."""

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from followup.models import CallbackRequest
from intake.models import Attachment, Case, Contact, Message
from intake.outbox import OutboxMessage
from intake.workflow import Status
from kcc.models import KccCall
from knowledge.models import KnowledgeGap
from privacy import retention
from privacy.anonymise import ANONYMISED
from routing.models import Handoff, LabelledExample
from teams.audit import Action, AuditEvent
from tests.privacy.helpers import full_case, media_files

NOW = datetime(2025, 6, 16, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))


@pytest.fixture
def two_cases(teams, topics, owner):
    with time_machine.travel(retention.months_before(NOW, 25), tick=False):
        old, _token = full_case(
            owner=owner,
            teams=teams,
            topics=topics,
            name="Marco van Dijk",
            email="marco@cafe.test",
            phone="+31612345678",
            company_name="Café De Leeuw",
            kvk="12345678",
        )
    with time_machine.travel(retention.months_before(NOW, 23), tick=False):
        recent, _token = full_case(
            owner=owner,
            teams=teams,
            topics=topics,
            name="Sara Bakker",
            email="sara@bakkerij.test",
            phone="+31687654321",
            company_name="Bakkerij Bakker",
            kvk="87654321",
            attachment="plan.pdf",
        )
    return old, recent


def _texts(case) -> str:
    """Every text that hangs off a case, history rows included."""
    parts = [case.question, case.subject]
    parts += [f"{m.body} {m.data} {m.author_name}" for m in Message.objects.filter(case=case)]
    parts += [f"{h.question} {h.subject}" for h in Case.history.model.objects.filter(id=case.pk)]
    for h in Handoff.history.model.objects.filter(case_id=case.pk):
        parts.append(h.request_text)
    for h in CallbackRequest.history.model.objects.filter(case_id=case.pk):
        parts.append(f"{h.name} {h.phone} {h.subject}")
    parts += [
        f"{o.to_email} {o.subject} {o.body_text} {o.body_html}"
        for o in OutboxMessage.objects.filter(case=case)
    ]
    parts += [
        f"{k.question} {k.caller_name} {k.caller_phone} {k.caller_email}"
        for k in KccCall.objects.filter(case=case)
    ]
    parts += [g.question for g in KnowledgeGap.objects.filter(case=case)]
    parts += [e.text for e in LabelledExample.objects.filter(case=case)]
    contact = Contact.objects.get(pk=case.contact_id)
    parts += [contact.name, contact.email, contact.phone]
    parts += [f"{h.name} {h.email} {h.phone}" for h in Contact.history.model.objects.filter(id=contact.pk)]
    return "\n".join(parts)


@pytest.mark.django_db
def test_a_case_closed_25_months_ago_is_anonymised_and_one_of_23_months_is_not(two_cases, settings):
    old, recent = two_cases
    assert "Marco" in _texts(old) and "612345678" in _texts(old)
    assert Attachment.objects.filter(case=old).exists() and OutboxMessage.objects.filter(case=old).exists()
    files_before = media_files(settings)
    counts_before = {
        "cases": Case.objects.filter(status=Status.ANSWERED).count(),
        "messages": Message.objects.filter(case=old).count(),
        "outbox": OutboxMessage.objects.filter(case=old).count(),
        "history": Case.history.model.objects.filter(id=old.pk).count(),
        "handoffs": Handoff.objects.filter(case=old).count(),
    }
    fields_before = (
        Case.objects.filter(pk=old.pk)
        .values(
            "status", "closed_at", "created_at", "owner_team", "topic", "channel", "resolution", "deadline"
        )
        .get()
    )

    with time_machine.travel(NOW, tick=False):
        rows = {row.key: row for row in retention.apply()}

    assert rows["cases"].done == 1
    old.refresh_from_db()
    texts = _texts(old)
    for trace in ("Marco", "Dijk", "marco@cafe.test", "612345678", "terras"):
        assert trace not in texts, trace
    assert old.question == ANONYMISED
    # Rows stay countable: status, dates, team, topic and channel are as they were.
    assert Case.objects.filter(pk=old.pk).values(*fields_before).get() == fields_before
    assert Case.objects.filter(status=Status.ANSWERED).count() == counts_before["cases"]
    assert Message.objects.filter(case=old).count() == counts_before["messages"]
    assert OutboxMessage.objects.filter(case=old).count() == counts_before["outbox"]
    assert Case.history.model.objects.filter(id=old.pk).count() == counts_before["history"]
    assert Handoff.objects.filter(case=old).count() == counts_before["handoffs"]
    # Files and training texts are gone.
    assert not Attachment.objects.filter(case=old).exists()
    assert not LabelledExample.objects.filter(case=old).exists()
    remaining = media_files(settings)
    assert len(remaining) == len(files_before) - 1
    assert all("plan" not in p.name for p in files_before if p not in remaining)
    # The case closed 23 months ago keeps everything.
    recent_texts = _texts(recent)
    assert "Sara Bakker" in recent_texts and "sara@bakkerij.test" in recent_texts
    assert Attachment.objects.filter(case=recent).exists()
    assert LabelledExample.objects.filter(case=recent).exists()
    assert AuditEvent.objects.filter(action=Action.RETENTION).exists()


@pytest.mark.django_db
def test_a_timeline_entry_keeps_its_message_id_but_not_its_parameters(two_cases):
    old, _recent = two_cases
    with_text = [m for m in Message.objects.filter(case=old) if (m.data or {}).get("text", {}).get("params")]
    assert with_text, "expected timeline entries with stored parameters"
    msgids = {m.pk: m.data["text"]["msgid"] for m in with_text}
    with time_machine.travel(NOW, tick=False):
        retention.apply()
    for message in Message.objects.filter(pk__in=msgids):
        assert message.data["text"]["msgid"] == msgids[message.pk]
        for value in message.data["text"]["params"].values():
            assert not isinstance(value, str) or value == ANONYMISED


@pytest.mark.django_db
def test_retention_runs_once_per_case(two_cases):
    with time_machine.travel(NOW, tick=False):
        retention.apply()
        rows = {row.key: row for row in retention.plan()}
    assert rows["cases"].due == 0


@pytest.mark.django_db
def test_the_dry_run_prints_a_table_and_changes_nothing(two_cases):
    old, _recent = two_cases
    out = StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("privacy_retention", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "rows due" in text and "action" in text
    line = next(line for line in text.splitlines() if line.startswith("closed cases"))
    assert line.split()[-2:] == ["1", "anonymise"]
    assert "Dry run" in text
    old.refresh_from_db()
    assert "Marco" in old.question


@pytest.mark.django_db
def test_delivered_outbox_bodies_are_emptied_after_30_days(teams, topics, owner):
    with time_machine.travel(NOW, tick=False):
        row = OutboxMessage.objects.create(
            key="k",
            audience="entrepreneur",
            template="t",
            to_email="a@b.test",
            subject="s",
            body_text="Beste Marco",
            body_html="<p>Beste Marco</p>",
            status=OutboxMessage.Status.SENT,
            sent_at=NOW,
        )
    with time_machine.travel(NOW.replace(month=7, day=15), tick=False):
        retention.apply()
        row.refresh_from_db()
        assert row.body_text == "Beste Marco"  # 29 days
    with time_machine.travel(NOW.replace(month=7, day=17), tick=False):
        retention.apply()
    row.refresh_from_db()
    assert row.body_text == "" and row.body_html == "" and row.status == OutboxMessage.Status.SENT


@pytest.mark.django_db
def test_expired_sessions_are_cleared(client, owner):
    from django.contrib.sessions.models import Session

    client.force_login(owner)
    with time_machine.travel(NOW, tick=False):
        assert Session.objects.count() == 1
    Session.objects.update(expire_date=NOW)
    with time_machine.travel(NOW.replace(day=17), tick=False):
        retention.apply()
    assert Session.objects.count() == 0


def test_months_before_keeps_the_day_where_it_can():
    assert retention.months_before(datetime(2025, 3, 31, 12), 1) == datetime(2025, 2, 28, 12)
    assert retention.months_before(datetime(2025, 6, 16), 24) == datetime(2023, 6, 16)
    assert retention.months_before(datetime(2025, 1, 15), 13) == datetime(2023, 12, 15)
