"""Where inbound mail comes from: an IMAP mailbox (imapclient), a Maildir, or a folder of .eml files (the demo).

Each source lists the messages not yet done, gives one message's bytes (or only its headers, for a message over
the size limit), and marks a message done by moving it to a folder (or, without a folder, flagging it). The
caller marks a message done only after the transaction that stored it has committed.

MAIL_INBOX_URL:
- `imaps://user:password@host[:993]/INBOX` (TLS), `imap://user:password@host[:143]/INBOX` (STARTTLS when the
  server offers it; plain only on 127.0.0.1, for the test server);
- `maildir:///path/to/Maildir`;
- `file:///path/to/folder` or a plain path: a folder of .eml files.
"""

from __future__ import annotations

import contextlib
import mailbox as std_mailbox
import shutil
import ssl
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from imapclient import IMAPClient

PROCESSED_FLAG = "$VoordeurProcessed"
MAILDIR_PROCESSED = "v"  # a lower-case Maildir flag is a keyword: here, processed by Voordeur


@dataclass(frozen=True)
class Item:
    uid: str
    size: int


class Source:
    """The interface of a mailbox; `name` identifies it in InboundMail rows (without the password)."""

    name: str = ""
    uid_validity: str = ""

    def list_new(self) -> list[Item]:
        raise NotImplementedError

    def fetch(self, uid: str) -> bytes:
        raise NotImplementedError

    def fetch_headers(self, uid: str) -> bytes:
        return self.fetch(uid).split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0] + b"\r\n\r\n"

    def mark_done(self, uid: str, folder: str) -> None:
        raise NotImplementedError

    def mark_done_many(self, uids: list[str], folder: str) -> None:
        for uid in uids:
            self.mark_done(uid, folder)

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class ImapSource(Source):
    def __init__(self, url: str, *, timeout: float = 60) -> None:
        parts = urlsplit(url)
        self.folder = unquote(parts.path.lstrip("/")) or "INBOX"
        secure = parts.scheme == "imaps"
        port = parts.port or (993 if secure else 143)
        host = parts.hostname or "localhost"
        self.name = f"{parts.scheme}://{unquote(parts.username or '')}@{host}:{port}/{self.folder}"
        context = ssl.create_default_context()
        self.client = IMAPClient(host, port=port, ssl=secure, ssl_context=context, timeout=timeout)
        if not secure:
            if b"STARTTLS" in self.client.capabilities():
                self.client.starttls(context)
            elif host not in ("127.0.0.1", "localhost", "::1"):
                raise ValueError("Refusing to log in over plain IMAP to another host; use imaps://")
        self.client.login(unquote(parts.username or ""), unquote(parts.password or ""))
        selected = self.client.select_folder(self.folder)
        self.uid_validity = str(selected.get(b"UIDVALIDITY", ""))
        self._created: set[str] = set()

    def list_new(self) -> list[Item]:
        uids = self.client.search(["NOT", "KEYWORD", PROCESSED_FLAG, "NOT", "DELETED"])
        items = []
        for start in range(0, len(uids), 500):
            sizes = self.client.fetch(uids[start : start + 500], ["RFC822.SIZE"])
            items += [Item(uid=str(uid), size=int(data[b"RFC822.SIZE"])) for uid, data in sizes.items()]
        return sorted(items, key=lambda item: int(item.uid))

    def fetch(self, uid: str) -> bytes:
        data = self.client.fetch([int(uid)], ["BODY.PEEK[]"])  # PEEK: reading does not mark it \Seen
        return data[int(uid)][b"BODY[]"]

    def fetch_headers(self, uid: str) -> bytes:
        data = self.client.fetch([int(uid)], ["BODY.PEEK[HEADER]"])
        return data[int(uid)][b"BODY[HEADER]"]

    def fetch_many(self, uids: list[str]) -> dict[str, bytes]:
        data = self.client.fetch([int(u) for u in uids], ["BODY.PEEK[]"])
        return {str(uid): value[b"BODY[]"] for uid, value in data.items()}

    def mark_done(self, uid: str, folder: str) -> None:
        self.mark_done_many([uid], folder)

    def mark_done_many(self, uids: list[str], folder: str) -> None:
        numbers = [int(uid) for uid in uids]
        if not folder:
            self.client.add_flags(numbers, [PROCESSED_FLAG, b"\\Seen"])
            return
        if folder not in self._created:
            if not self.client.folder_exists(folder):
                self.client.create_folder(folder)
            self._created.add(folder)
        self.client.add_flags(numbers, [PROCESSED_FLAG])  # done even if the move below is cut off
        if self.client.has_capability("MOVE"):
            self.client.move(numbers, folder)
        else:
            self.client.copy(numbers, folder)
            self.client.delete_messages(numbers)
            if self.client.has_capability("UIDPLUS"):
                self.client.uid_expunge(numbers)
            else:
                self.client.expunge()

    def close(self) -> None:
        with contextlib.suppress(Exception):  # the connection may be gone already
            self.client.logout()


class MaildirSource(Source):
    def __init__(self, path: str) -> None:
        self.path = path
        self.name = f"maildir://{path}"
        self.box = std_mailbox.Maildir(path, factory=None, create=False)

    def list_new(self) -> list[Item]:
        items = []
        for key, message in self.box.iteritems():
            if MAILDIR_PROCESSED in message.get_flags():
                continue
            items.append(Item(uid=key, size=len(self.box.get_bytes(key))))
        return sorted(items, key=lambda item: item.uid)

    def fetch(self, uid: str) -> bytes:
        return self.box.get_bytes(uid)

    def mark_done(self, uid: str, folder: str) -> None:
        if not folder:
            message = self.box.get_message(uid)
            message.add_flag("S")
            message.add_flag(MAILDIR_PROCESSED)
            self.box[uid] = message
            return
        target = (
            self.box.add_folder(folder)
            if folder not in self.box.list_folders()
            else self.box.get_folder(folder)
        )
        target.add(self.box.get_message(uid))
        self.box.discard(uid)


class EmlFolderSource(Source):
    """A folder of .eml files, each one message; the file name is its UID. Without a processed folder the
    files stay where they are (the demo's shipped examples) and the database remembers what was read."""

    def __init__(self, path: str) -> None:
        self.path = Path(path)
        self.name = f"file://{self.path}"

    def list_new(self) -> list[Item]:
        return [
            Item(uid=p.name, size=p.stat().st_size) for p in sorted(self.path.glob("*.eml")) if p.is_file()
        ]

    def fetch(self, uid: str) -> bytes:
        return (self.path / uid).read_bytes()

    def mark_done(self, uid: str, folder: str) -> None:
        if not folder:
            return
        target = self.path / folder
        target.mkdir(exist_ok=True)
        source = self.path / uid
        if source.exists():
            shutil.move(str(source), str(target / uid))


def open_source(url: str, *, timeout: float = 60) -> Source:
    scheme = urlsplit(url).scheme
    if scheme in ("imap", "imaps"):
        return ImapSource(url, timeout=timeout)
    if scheme == "maildir":
        return MaildirSource(unquote(urlsplit(url).path))
    if scheme == "file":
        return EmlFolderSource(unquote(urlsplit(url).path))
    if scheme == "":
        return EmlFolderSource(url)
    raise ValueError(f"MAIL_INBOX_URL: unknown scheme {scheme!r}")
