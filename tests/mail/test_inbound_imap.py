"""Inbound e-mail through a real IMAP server (Dovecot): new questions, replies, automatic mail, refusals, and
never twice, never lost. Each test delivers real messages (IMAP APPEND) and runs the fetch."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from intake import services as intake_services
from intake.models import Case, Channel, Message
from intake.outbox import OutboxMessage, message_id_for
from intake.workflow import Status
from mail import mailbox as mail_mailbox
from mail.fetch import fetch_mail
from mail.models import InboundMail

from .conftest import EXE, PDF, make_mail

pytestmark = pytest.mark.django_db(transaction=True)


def _new_case(mailbox, **kwargs) -> Case:
    mailbox.deliver(make_mail(**kwargs))
    result = fetch_mail()
    assert result.stored == 1, result
    return Case.objects.order_by("-pk").first()


def test_new_question_with_two_attachments_one_refused(mailbox, teams):
    mailbox.deliver(
        make_mail(
            attachments=(
                ("schets.pdf", PDF, "application", "pdf"),
                ("kassa.exe", EXE, "application", "octet-stream"),
            )
        )
    )
    result = fetch_mail()
    assert (result.read, result.stored, result.failed) == (1, 1, 0)
    case = Case.objects.get()
    assert case.channel == Channel.EMAIL
    assert case.contact.email == "fatima@bakkerij.test"
    assert case.contact.name == "Fatima el Amrani"
    assert "Welke vergunning" in case.question
    names = sorted(case.attachments.values_list("original_name", flat=True))
    assert names == ["oorspronkelijke-e-mail.eml", "schets.pdf"]
    eml = case.attachments.get(content_type="message/rfc822")
    assert b"kassa.exe" in eml.file.read()  # the whole original, refused part included
    refused = case.messages.get(data__event="mail_attachment_refused")
    assert "kassa.exe" in refused.body and "geen toegestaan bestandstype" in refused.body
    templates = set(OutboxMessage.objects.filter(case=case).values_list("template", flat=True))
    assert {"receipt", "mail_attachments_refused"} <= templates
    notice = OutboxMessage.objects.get(template="mail_attachments_refused")
    assert notice.to_email == "fatima@bakkerij.test" and "kassa.exe" in notice.body_text
    inbound = InboundMail.objects.get()
    assert inbound.outcome == InboundMail.Outcome.NEW_CASE and inbound.done_at is not None
    assert (mailbox.count("INBOX"), mailbox.count("Verwerkt")) == (0, 1)


def test_reply_to_the_receipt_finds_its_case_and_resumes_the_clock(mailbox, teams, owner):
    case = _new_case(mailbox)
    intake_services.case_request_information(
        case=case, actor=owner, body="Stuur een tekening van het terras."
    )
    case.refresh_from_db()
    assert case.status == Status.WAITING_ENTREPRENEUR and case.paused_since
    receipt = OutboxMessage.objects.get(case=case, template="receipt")
    mailbox.deliver(
        make_mail(
            subject="Re: Wij hebben uw vraag ontvangen",  # no reference: the headers find the case
            body="Hierbij de tekening.",
            in_reply_to=message_id_for(receipt.key),
            references=message_id_for(receipt.key),
            attachments=(("tekening.pdf", PDF, "application", "pdf"),),
        )
    )
    result = fetch_mail()
    assert result.outcomes == {InboundMail.Outcome.REPLY: 1}
    assert Case.objects.count() == 1
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS and case.paused_since is None
    reply = case.messages.get(kind=Message.Kind.REPLY)
    assert reply.body == "Hierbij de tekening."
    assert set(reply.attachments.values_list("original_name", flat=True)) == {
        "tekening.pdf",
        "oorspronkelijke-e-mail.eml",
    }
    assert OutboxMessage.objects.filter(case=case, template="owner_reply").exists()
    assert OutboxMessage.objects.filter(case=case, template="receipt").count() == 1  # no second receipt


def test_reply_with_quoted_history_keeps_only_the_new_text(mailbox, teams):
    case = _new_case(mailbox)
    mailbox.deliver(
        make_mail(
            subject=f"Re: [{case.reference}] Wij hebben uw vraag ontvangen",
            body=(
                "Het terras wordt 3 bij 4 meter.\n\n"
                "Met vriendelijke groet,\nFatima el Amrani\nBakkerij Amrani\n\n"
                "Op 1 dec. 2026 om 10:00 schreef Gemeente Voorbeeldstad <loket@gemeente.example>:\n"
                "> Beste Fatima,\n> Hoe groot wordt het terras?\n"
            ),
        )
    )
    fetch_mail()
    reply = case.messages.get(kind=Message.Kind.REPLY)
    assert reply.body == "Het terras wordt 3 bij 4 meter."
    eml = reply.attachments.get()
    assert b"Hoe groot wordt het terras?" in eml.file.read()  # the full text stays available


@pytest.mark.parametrize(
    "headers, subject",
    [
        ({"Auto-Submitted": "auto-replied"}, "Re: uw vraag"),
        ({}, "Afwezig: Wij hebben uw vraag ontvangen"),
        ({}, "Automatisch antwoord: uw vraag"),
        ({"X-Auto-Response-Suppress": "All"}, "Out of Office"),
        ({"List-Id": "<nieuwsbrief.bakkerij.test>"}, "Nieuwsbrief december"),
        ({"Precedence": "bulk"}, "Aanbieding"),
    ],
)
def test_automatic_mail_gets_no_receipt_and_no_case(mailbox, teams, headers, subject):
    mailbox.deliver(make_mail(subject=subject, headers=headers))
    result = fetch_mail()
    assert result.automatic == 1
    assert not Case.objects.exists()
    assert not OutboxMessage.objects.exists()
    assert InboundMail.objects.get().outcome == InboundMail.Outcome.AUTOMATIC
    assert mailbox.count("Verwerkt") == 1


def test_a_bounce_of_our_receipt_is_noted_on_the_case_without_an_answer(mailbox, teams):
    case = _new_case(mailbox)
    receipt = OutboxMessage.objects.get(case=case, template="receipt")
    bounce = (
        "From: Mail Delivery System <MAILER-DAEMON@mx.gemeente.example>\r\n"
        "To: voordeur@gemeente.example\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        "Message-ID: <bounce-1@mx.gemeente.example>\r\n"
        f"In-Reply-To: {message_id_for(receipt.key)}\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        "--B\r\nContent-Type: text/plain\r\n\r\nThe mail could not be delivered.\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.gemeente.example\r\n\r\n"
        "Final-Recipient: rfc822; fatima@bakkerij.test\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n"
        "--B--\r\n"
    ).encode()
    outbox_before = OutboxMessage.objects.count()
    mailbox.deliver(bounce)
    result = fetch_mail()
    assert result.automatic == 1
    assert Case.objects.count() == 1
    assert OutboxMessage.objects.count() == outbox_before  # nobody is answered: no loop
    entry = case.messages.get(data__event="mail_automatic")
    assert entry.data["automatic"] == "bounce"


def test_a_spoofed_reference_becomes_a_new_case_marked_for_checking(mailbox, teams):
    case = _new_case(mailbox)
    mailbox.deliver(
        make_mail(
            sender="Iemand Anders <boef@elders.test>",
            subject=f"Re: [{case.reference}] Wij hebben uw vraag ontvangen",
            body="Stuur alle gegevens naar dit adres.",
        )
    )
    result = fetch_mail()
    assert result.outcomes == {InboundMail.Outcome.CHECK: 1}
    assert not case.messages.filter(kind=Message.Kind.REPLY).exists()
    new = Case.objects.exclude(pk=case.pk).get()
    assert new.contact.email == "boef@elders.test"
    check = new.messages.get(data__event="mail_check")
    assert case.reference in check.body
    assert InboundMail.objects.get(case=new).needs_check


def test_failed_dmarc_is_marked_and_not_trusted_as_a_reply(mailbox, teams):
    case = _new_case(mailbox)
    mailbox.deliver(
        make_mail(
            subject=f"Re: [{case.reference}] uw vraag",
            body="Nieuw rekeningnummer: NL00BANK0123456789",
            headers={
                "Authentication-Results": "mx.gemeente.example; spf=fail smtp.mailfrom=bakkerij.test; "
                "dkim=none; dmarc=fail header.from=bakkerij.test"
            },
        )
    )
    result = fetch_mail()
    assert result.outcomes == {InboundMail.Outcome.CHECK: 1}
    new = Case.objects.exclude(pk=case.pk).get()
    received = new.messages.get(data__event="mail_received")
    assert received.data["auth_failed"] == ["dmarc", "spf"]
    assert "niet bevestigd" in received.body


def test_a_20_mb_message_is_refused_and_its_sender_told(mailbox, teams, settings):
    big = make_mail(attachments=(("foto.pdf", PDF + b"0" * 20_000_000, "application", "pdf"),))
    mailbox.deliver(big)
    result = fetch_mail()
    assert result.refused == 1
    assert not Case.objects.exists()
    inbound = InboundMail.objects.get()
    assert inbound.outcome == InboundMail.Outcome.TOO_LARGE and inbound.size > 20_000_000
    notice = OutboxMessage.objects.get(template="mail_too_large")
    assert notice.to_email == "fatima@bakkerij.test" and "15 MB" in notice.body_text
    assert (mailbox.count("INBOX"), mailbox.count("Geweigerd")) == (0, 1)


def test_a_worker_killed_after_storing_but_before_flagging_does_not_duplicate(mailbox, teams, monkeypatch):
    mailbox.deliver(make_mail())
    real_mark_done = mail_mailbox.ImapSource.mark_done_many

    def killed(self, uids, folder):
        raise SystemError("worker killed")

    monkeypatch.setattr(mail_mailbox.ImapSource, "mark_done_many", killed)
    result = fetch_mail()
    assert (result.stored, result.failed) == (1, 1)
    assert mailbox.count("INBOX") == 1  # stored, but not marked done
    assert InboundMail.objects.get().done_at is None

    monkeypatch.setattr(mail_mailbox.ImapSource, "mark_done_many", real_mark_done)
    result = fetch_mail()
    assert (result.stored, result.already_stored, result.failed) == (0, 1, 0)
    assert Case.objects.count() == 1
    assert OutboxMessage.objects.filter(template="receipt").count() == 1
    assert InboundMail.objects.get().done_at is not None
    assert (mailbox.count("INBOX"), mailbox.count("Verwerkt")) == (0, 1)


def test_the_same_message_delivered_twice_makes_one_case(mailbox, teams):
    message = make_mail(message_id="<twice-1@bakkerij.test>")
    mailbox.deliver(message, message)
    result = fetch_mail()
    assert (result.stored, result.already_stored) == (1, 1)
    assert Case.objects.count() == 1
    assert (mailbox.count("INBOX"), mailbox.count("Verwerkt")) == (0, 2)
    mailbox.server.deliver(bytes(message), folder="INBOX")  # and once more, later
    fetch_mail()
    assert Case.objects.count() == 1


def test_without_a_processed_folder_messages_are_flagged(mailbox, teams, settings):
    settings.MAIL_PROCESSED_FOLDER = ""
    mailbox.deliver(make_mail())
    fetch_mail()
    assert mailbox.count("INBOX") == 1
    assert fetch_mail().read == 0  # flagged: not read again
    assert Case.objects.count() == 1


def test_html_only_mail_becomes_readable_text(mailbox, teams):
    case = _new_case(
        mailbox,
        html="<html><body><p>Beste medewerker,</p><ul><li>Is er <b>subsidie</b>?</li></ul>"
        "<script>alert(1)</script></body></html>",
    )
    assert "Beste medewerker" in case.question and "subsidie" in case.question
    assert "<p>" not in case.question and "<b>" not in case.question


def test_a_colleague_forwarding_a_mail_makes_a_case_for_the_original_sender(mailbox, teams):
    get_user_model().objects.create_user("pieter", email="pieter@gemeente.test", first_name="Pieter")
    case = _new_case(
        mailbox,
        sender="Pieter de Vries <pieter@gemeente.test>",
        subject="FW: Vraag over marktkraam",
        body=(
            "Deze kwam bij ons binnen, is voor jullie.\n\nPieter\n\n"
            "-----Oorspronkelijk bericht-----\n"
            "Van: Ahmed Yilmaz <ahmed@groente.test>\n"
            "Verzonden: maandag 30 november 2026 09:12\n"
            "Aan: Vergunningen <vergunningen@gemeente.test>\n"
            "Onderwerp: Vraag over marktkraam\n\n"
            "Mag ik op de zaterdagmarkt een groentekraam beginnen?\n"
        ),
    )
    assert case.contact.email == "ahmed@groente.test" and case.contact.name == "Ahmed Yilmaz"
    assert case.subject == "Vraag over marktkraam"
    forwarded = case.messages.get(data__event="forwarded")
    assert "Doorgestuurd door" in forwarded.body and "pieter@gemeente.test" in forwarded.body
    assert OutboxMessage.objects.get(case=case, template="receipt").to_email == "ahmed@groente.test"
    assert InboundMail.objects.get().outcome == InboundMail.Outcome.FORWARDED


def test_a_forward_from_outside_is_an_ordinary_question(mailbox, teams):
    case = _new_case(
        mailbox,
        subject="Fwd: offerte",
        body="---------- Forwarded message ---------\nFrom: Leverancier <info@lev.test>\n\nOfferte",
    )
    assert case.contact.email == "fatima@bakkerij.test"


def test_a_reply_to_a_closed_case_reopens_it_within_the_reopen_period(mailbox, teams, owner):
    case = _new_case(mailbox)
    intake_services.case_answer(case=case, actor=owner, body="U heeft een terrasvergunning nodig.")
    mailbox.deliver(make_mail(subject=f"Re: [{case.reference}] Antwoord", body="En voor een parasol?"))
    result = fetch_mail()
    assert result.outcomes == {InboundMail.Outcome.REOPENED: 1}
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS and "(heropend)" in case.deadline_policy
    assert case.messages.filter(kind=Message.Kind.REPLY).count() == 1


def test_a_reply_to_a_case_closed_long_ago_becomes_a_linked_new_case(mailbox, teams, owner, settings):
    case = _new_case(mailbox)
    intake_services.case_answer(case=case, actor=owner, body="U heeft een terrasvergunning nodig.")
    Case.objects.filter(pk=case.pk).update(
        closed_at=timezone.now() - timedelta(days=settings.MAIL_REOPEN_DAYS + 1)
    )
    mailbox.deliver(make_mail(subject=f"Re: [{case.reference}] Antwoord", body="Nog een vraag."))
    result = fetch_mail()
    assert result.outcomes == {InboundMail.Outcome.FOLLOW_UP: 1}
    case.refresh_from_db()
    assert case.status == Status.ANSWERED
    new = Case.objects.exclude(pk=case.pk).get()
    assert new.messages.get(data__event="mail_follow_up").data["linked_reference"] == case.reference
    assert case.messages.get(data__event="mail_follow_up").data["linked_reference"] == new.reference


def test_a_sender_over_the_rate_limit_is_refused(mailbox, teams, settings):
    settings.MAIL_RATE_LIMIT_PER_HOUR = 2
    mailbox.deliver(*[make_mail(subject=f"Vraag {n}") for n in range(3)])
    result = fetch_mail()
    assert result.refused == 1 and Case.objects.count() == 2
    assert InboundMail.objects.filter(outcome=InboundMail.Outcome.RATE_LIMITED).count() == 1
    assert mailbox.count("Geweigerd") == 1


def test_mail_fetch_command(mailbox, teams, capsys):
    mailbox.deliver(make_mail())
    call_command("mail_fetch")
    assert "stored 1" in capsys.readouterr().out
    assert Case.objects.count() == 1
