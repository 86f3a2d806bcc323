"""Reading mail without a server: forwarded originals, quoted replies, authentication results, the demo folder."""

from email.message import EmailMessage

import pytest
from django.core.management import call_command

from intake.models import Case
from mail import parse
from mail.fetch import fetch_mail
from mail.models import InboundMail

from .conftest import make_mail


def _parsed(message) -> parse.ParsedMail:
    return parse.parse(bytes(message))


def test_gmail_forward_in_english():
    mail = _parsed(
        make_mail(
            subject="Fwd: question",
            body="FYI\n\n---------- Forwarded message ---------\nFrom: Ann Smit <ann@shop.test>\n"
            "Date: Mon, 30 Nov 2026\nSubject: question\nTo: <info@gemeente.test>\n\nCan I open on Sunday?\n",
        )
    )
    original = parse.forwarded_original(mail)
    assert (original.name, original.email) == ("Ann Smit", "ann@shop.test")
    assert original.text == "Can I open on Sunday?"


def test_outlook_forward_with_mailto():
    mail = _parsed(
        make_mail(
            subject="Doorst: vraag",
            body="Van: Kees Bakker [mailto:kees@bakker.test]\nVerzonden: maandag\nOnderwerp: vraag\n\nHallo",
        )
    )
    assert parse.forwarded_original(mail).email == "kees@bakker.test"


def test_forward_as_attached_message():
    inner = make_mail(sender="Lisa de Boer <lisa@kapper.test>", subject="Parkeervergunning", body="Mag dat?")
    outer = EmailMessage()
    outer["From"] = "collega@gemeente.test"
    outer["Subject"] = "FW: Parkeervergunning"
    outer["Message-ID"] = "<outer@gemeente.test>"
    outer.set_content("Zie bijlage.")
    outer.add_attachment(inner)
    original = parse.forwarded_original(_parsed(outer))
    assert (original.email, original.subject, original.text) == (
        "lisa@kapper.test",
        "Parkeervergunning",
        "Mag dat?",
    )


def test_not_a_forward():
    assert parse.forwarded_original(_parsed(make_mail())) is None


def test_only_the_topmost_authentication_results_counts():
    message = make_mail()
    message["Authentication-Results"] = "mx.gemeente.example; spf=pass; dkim=pass; dmarc=pass"
    message["Authentication-Results"] = "evil.example; spf=pass; dkim=pass; dmarc=pass"
    assert parse.parse(bytes(message)).auth == {"spf": "pass", "dkim": "pass", "dmarc": "pass"}
    message.replace_header("Authentication-Results", "mx.gemeente.example; spf=softfail; dmarc=fail")
    assert parse.parse(bytes(message)).auth_failed == ["dmarc", "spf"]
    assert parse.parse(bytes(message), authserv_id="other.example").auth == {}


def test_a_mail_without_message_id_gets_a_stable_one():
    message = make_mail()
    del message["Message-ID"]
    raw = bytes(message)
    assert parse.parse(raw).message_id == parse.parse(raw).message_id
    assert parse.parse(raw).message_id.startswith("<sha256-")


def test_our_own_mail_coming_back_is_automatic():
    assert _parsed(make_mail(headers={"X-Voordeur-Key": "receipt:1"})).automatic == "loop"
    assert _parsed(make_mail()).automatic == ""


def test_english_quote_is_cut_too():
    text = "Thanks, that helps.\n\nOn Mon, 30 Nov 2026 at 10:00, Gemeente <loket@gemeente.example> wrote:\n> Dear Ann"
    assert parse.latest_reply(text) == "Thanks, that helps."


@pytest.mark.django_db(transaction=True)
def test_the_demo_folder_can_be_read_twice_without_duplicates(teams, settings, tmp_path):
    call_command("mail_fetch", url="mail/demo", keep=True)
    assert Case.objects.count() == 2  # the third example is an out-of-office reply
    assert InboundMail.objects.filter(outcome=InboundMail.Outcome.AUTOMATIC).count() == 1
    terras = Case.objects.get(subject__startswith="Vergunning voor terras")
    assert sorted(terras.attachments.values_list("original_name", flat=True)) == [
        "oorspronkelijke-e-mail.eml",
        "schets-terras.pdf",
    ]
    assert terras.messages.filter(
        data__event="mail_attachment_refused", data__name="kassa-update.exe"
    ).exists()
    html = Case.objects.get(subject__startswith="Subsidie")
    assert "zonnepanelen" in html.question and "<b>" not in html.question
    result = fetch_mail("mail/demo", keep=True)
    assert (result.stored, result.already_stored) == (0, 3)
    assert Case.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_maildir_is_read_and_processed_mail_moves_to_its_folder(teams, settings, tmp_path):
    import mailbox as std_mailbox

    box = std_mailbox.Maildir(tmp_path / "Maildir", create=True)
    box.add(bytes(make_mail()))
    box.add(bytes(make_mail(subject="Afwezig")))
    result = fetch_mail(f"maildir://{tmp_path / 'Maildir'}")
    assert (result.stored, result.automatic) == (2, 1)
    assert Case.objects.count() == 1
    assert len(box) == 0 and len(box.get_folder("Verwerkt")) == 2
    assert fetch_mail(f"maildir://{tmp_path / 'Maildir'}").read == 0
