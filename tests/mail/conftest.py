"""A real IMAP server for the inbound-mail tests: Debian's Dovecot, started once per session in a temporary
folder on 127.0.0.1 (mail/dovecot.py). Without /usr/sbin/dovecot the IMAP tests skip on a developer machine and
fail in CI (CI=true), like the browser tests without Chromium."""

import os
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import pytest
from django.utils import timezone

from mail import dovecot

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
EXE = b"MZ\x90\x00" + b"\x00" * 200


@pytest.fixture(scope="session")
def dovecot_server():
    if not dovecot.available():
        message = (
            f"{dovecot.DOVECOT} is missing: install it with `make browsers` (apt-get install dovecot-imapd)"
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    server = dovecot.start()
    yield server
    server.stop()


class Mailbox:
    """The test mailbox: deliver messages (IMAP APPEND) and count what is in each folder."""

    def __init__(self, server):
        self.server = server
        self.url = server.url

    def deliver(self, *messages) -> None:
        self.server.deliver(*[m if isinstance(m, bytes) else bytes(m) for m in messages])

    def count(self, folder: str = "INBOX") -> int:
        client = self.server.client()
        try:
            if not client.folder_exists(folder):
                return 0
            client.select_folder(folder, readonly=True)
            return len(client.search(["NOT", "DELETED"]))
        finally:
            client.logout()

    def empty(self) -> None:
        client = self.server.client()
        try:
            for _flags, _delimiter, name in client.list_folders():
                client.select_folder(name)
                uids = client.search()
                if uids:
                    client.delete_messages(uids)
                    client.expunge()
        finally:
            client.logout()


@pytest.fixture
def mailbox(dovecot_server, settings):
    box = Mailbox(dovecot_server)
    box.empty()
    settings.MAIL_INBOX_URL = box.url
    settings.MAIL_PROCESSED_FOLDER = "Verwerkt"
    settings.MAIL_REFUSED_FOLDER = "Geweigerd"
    yield box
    box.empty()


def make_mail(
    *,
    sender: str = "Fatima el Amrani <fatima@bakkerij.test>",
    subject: str = "Vergunning voor een terras",
    body: str = "Goedemorgen,\n\nWelke vergunning heb ik nodig voor een terras?\n\nFatima",
    html: str = "",
    message_id: str = "",
    in_reply_to: str = "",
    references: str = "",
    attachments: tuple = (),
    headers: dict | None = None,
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "ondernemersloket@gemeente.example"
    message["Subject"] = subject
    message["Date"] = format_datetime(timezone.now())
    message["Message-ID"] = message_id or make_msgid(domain="bakkerij.test")
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
    if references:
        message["References"] = references
    for name, value in (headers or {}).items():
        message[name] = value
    if html:
        message.set_content(html, subtype="html")
    else:
        message.set_content(body)
    for filename, content, maintype, subtype in attachments:
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return message
