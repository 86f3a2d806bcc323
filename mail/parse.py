"""Reading one raw e-mail: who sent it, what it says, what it carries and what kind of mail it is.

Pure functions on bytes (no database), so they are easy to test. The standard library's `email` package
(policy `default`) decodes headers and parts; `html2text` turns HTML-only mail into readable text;
`mailparser_reply` cuts quoted history and signatures off a reply (it knows Dutch "Op ... schreef ...").
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesHeaderParser, BytesParser
from email.utils import getaddresses, parseaddr

import html2text
from mailparser_reply import EmailReplyParser

REFERENCE = re.compile(r"\bOND-\d{4}-\d{5}\b")
MESSAGE_ID = re.compile(r"<[^<>\s]+>")

# Subjects of automatic replies (out of office, delivery failures), Dutch and English.
AUTO_SUBJECTS = re.compile(
    r"^\s*(afwezig|out of office|automatisch antwoord|automatic reply|auto[- ]?reply|autoreply|"
    r"niet aanwezig|vakantie ?melding|abwesenheit|undeliverable|onbestelbaar|niet bezorgd|"
    r"delivery status notification|mail delivery failed|returned mail|failure notice)",
    re.IGNORECASE,
)
BOUNCE_SENDERS = re.compile(r"^(mailer-daemon|postmaster)@", re.IGNORECASE)
FORWARD_SUBJECT = re.compile(r"^\s*(fwd?|fw|doorst|wg|tr)\s*:", re.IGNORECASE)
FORWARD_MARKERS = re.compile(
    r"^[\s>]*(-{2,}\s*(forwarded message|doorgestuurd bericht|oorspronkelijk bericht|original message)"
    r"\s*-{2,}|begin forwarded message:|begin doorgestuurd bericht:)",
    re.IGNORECASE | re.MULTILINE,
)
FORWARD_FROM = re.compile(r"^[\s>*]*(van|from)\s*:\s*\**\s*(?P<value>.+)$", re.IGNORECASE | re.MULTILINE)
FORWARD_HEADER_LINE = re.compile(
    r"^[\s>*]*(van|from|aan|to|cc|datum|date|sent|verzonden|onderwerp|subject)\s*:.*$", re.IGNORECASE
)
AUTH_RESULT = re.compile(r"\b(spf|dkim|dmarc)\s*=\s*([a-z]+)", re.IGNORECASE)
AUTH_FAILED = {"fail", "softfail", "permerror", "temperror"}


@dataclass
class MailPart:
    filename: str
    content_type: str
    content: bytes


@dataclass
class Forwarded:
    """The original of a forwarded message, as far as its quoted headers (or attached message) show."""

    name: str
    email: str
    subject: str = ""
    text: str = ""


@dataclass
class ParsedMail:
    message_id: str
    from_name: str
    from_email: str
    subject: str
    text: str  # the whole text: the plain part, else the HTML part as text
    in_reply_to: list[str]
    references: list[str]
    attachments: list[MailPart] = field(default_factory=list)
    automatic: str = ""  # why no one should answer this mail: "auto_reply", "bounce", "list"; "" for a person
    auth: dict[str, str] = field(default_factory=dict)  # {"spf": "pass", "dkim": "fail", "dmarc": "none"}
    attached_messages: list[EmailMessage] = field(default_factory=list)

    @property
    def auth_failed(self) -> list[str]:
        return sorted(name for name, result in self.auth.items() if result in AUTH_FAILED)

    @property
    def subject_reference(self) -> str:
        found = REFERENCE.search(self.subject)
        return found.group(0) if found else ""

    @property
    def thread_ids(self) -> list[str]:
        """In-Reply-To first, then References from the newest to the oldest."""
        seen, ids = set(), []
        for value in [*self.in_reply_to, *reversed(self.references)]:
            if value not in seen:
                seen.add(value)
                ids.append(value)
        return ids


def _parser() -> BytesParser:
    return BytesParser(policy=policy.default)


def message_id_of(message, raw: bytes) -> str:
    """The Message-ID header, or a stable one made from the content when the mail has none."""
    found = MESSAGE_ID.search(str(message.get("Message-ID", "") or ""))
    if found:
        return found.group(0)[:250]
    return f"<sha256-{hashlib.sha256(raw).hexdigest()}@voordeur.missing>"


def parse_headers(raw_headers: bytes) -> EmailMessage:
    return BytesHeaderParser(policy=policy.default).parsebytes(raw_headers)


def _header(message, name: str) -> str:
    try:
        return str(message.get(name, "") or "")
    except (ValueError, TypeError, IndexError):  # a malformed header: keep what can be read
        return str(message.get_all(name, [""])[0] if message.get_all(name) else "")


def sender_of(message) -> tuple[str, str]:
    name, address = parseaddr(_header(message, "From"))
    return name.strip(), address.strip().lower()


def html_to_text(html: str) -> str:
    converter = html2text.HTML2Text()
    converter.body_width = 0  # no hard line breaks
    converter.ignore_images = True
    converter.ignore_emphasis = True
    converter.ignore_tables = False
    return converter.handle(html).strip()


def _text_of(message) -> str:
    body = message.get_body(preferencelist=("plain", "html"))
    if body is None:
        return ""
    try:
        content = body.get_content()
    except (LookupError, UnicodeError, AssertionError):
        content = (body.get_payload(decode=True) or b"").decode("utf-8", "replace")
    if body.get_content_type() == "text/html":
        return html_to_text(content)
    return content.replace("\r\n", "\n").strip()


def automatic_kind(message) -> str:
    """Why this mail is automatic ("bounce", "auto_reply", "list"), or "" when a person wrote it."""
    content_type = message.get_content_type()
    if _header(message, "X-Voordeur-Key"):  # one of our own e-mails came back (a forward rule, a loop)
        return "loop"
    if content_type == "multipart/report" or BOUNCE_SENDERS.match(sender_of(message)[1]):
        return "bounce"
    if _header(message, "Return-Path").strip() == "<>" and content_type.startswith("multipart/"):
        return "bounce"
    auto_submitted = _header(message, "Auto-Submitted").strip().lower()
    if auto_submitted and auto_submitted != "no":
        return "auto_reply"
    if any(_header(message, name) for name in ("X-Autoreply", "X-Autorespond", "X-Autoresponder")):
        return "auto_reply"
    suppress = _header(message, "X-Auto-Response-Suppress").lower()
    if "oof" in suppress or "autoreply" in suppress or suppress.strip() == "all":
        return "auto_reply"
    precedence = _header(message, "Precedence").strip().lower()
    if precedence in {"bulk", "junk", "list", "auto_reply"}:
        return "list" if precedence in {"bulk", "list"} else "auto_reply"
    if _header(message, "List-Id") or _header(message, "List-Unsubscribe"):
        return "list"
    if AUTO_SUBJECTS.match(_header(message, "Subject")):
        return "auto_reply"
    return ""


def authentication_results(message, authserv_id: str = "") -> dict[str, str]:
    """SPF, DKIM and DMARC as our own mail server recorded them: the topmost Authentication-Results header (the
    last hop adds it on top), or only those of `authserv_id` when it is set. Headers further down may come
    from the sender and are not trusted."""
    headers = [str(value) for value in message.get_all("Authentication-Results", [])]
    if authserv_id:
        headers = [h for h in headers if h.strip().lower().startswith(authserv_id.lower())]
    if not headers:
        return {}
    results: dict[str, str] = {}
    for method, result in AUTH_RESULT.findall(headers[0]):
        results.setdefault(method.lower(), result.lower())
    return results


def _ids(value: str) -> list[str]:
    return [match[:250] for match in MESSAGE_ID.findall(value or "")]


def _attachments(message) -> tuple[list[MailPart], list[EmailMessage]]:
    files, messages = [], []
    for part in message.iter_attachments():
        content_type = part.get_content_type()
        if content_type == "message/rfc822":
            inner = part.get_payload()
            inner = inner[0] if isinstance(inner, list) and inner else inner
            if isinstance(inner, EmailMessage):
                messages.append(inner)
            continue
        if part.get_content_maintype() == "multipart":
            continue
        content = part.get_payload(decode=True) or b""
        filename = part.get_filename() or f"bijlage-{len(files) + 1}"
        files.append(MailPart(filename=filename, content_type=content_type, content=content))
    return files, messages


def parse(raw: bytes, *, authserv_id: str = "") -> ParsedMail:
    message = _parser().parsebytes(raw)
    name, address = sender_of(message)
    files, attached = _attachments(message)
    return ParsedMail(
        message_id=message_id_of(message, raw),
        from_name=name,
        from_email=address,
        subject=" ".join(_header(message, "Subject").split())[:200],
        text=_text_of(message),
        in_reply_to=_ids(_header(message, "In-Reply-To")),
        references=_ids(_header(message, "References")),
        attachments=files,
        automatic=automatic_kind(message),
        auth=authentication_results(message, authserv_id),
        attached_messages=attached,
    )


def latest_reply(text: str) -> str:
    """The new text of a reply, without the quoted history and the signature ("" when nothing is left)."""
    try:
        parsed = EmailReplyParser(languages=["nl", "en", "de", "fr"]).read(text)
        reply = parsed.replies[0].body if parsed.replies else ""
    except Exception:  # a parser error must not lose the mail: keep the whole text
        return text.strip()
    return (reply or "").strip()


def forwarded_original(mail: ParsedMail) -> Forwarded | None:
    """The original sender of a forwarded mail: an attached message, else the first "Van:/From:" line after a
    forward marker (Outlook, Gmail, Apple Mail; Dutch and English)."""
    for inner in mail.attached_messages:
        name, address = sender_of(inner)
        if address:
            return Forwarded(
                name=name,
                email=address,
                subject=" ".join(_header(inner, "Subject").split()),
                text=_text_of(inner),
            )
    marker = FORWARD_MARKERS.search(mail.text)
    if marker is None and not FORWARD_SUBJECT.match(mail.subject):
        return None
    rest = mail.text[marker.end() :] if marker else mail.text
    found = FORWARD_FROM.search(rest)
    if found is None:
        return None
    value = found.group("value").strip().strip("*").replace("[mailto:", "<").replace("]", ">")
    addresses = [(n, a) for n, a in getaddresses([value]) if "@" in a]
    if not addresses:
        bare = re.search(r"[\w.+'-]+@[\w-]+(\.[\w-]+)+", value)
        if not bare:
            return None
        addresses = [(value.split("<")[0].strip(" \"'"), bare.group(0))]
    name, address = addresses[0]
    lines = rest[found.start() :].splitlines()
    while lines and (FORWARD_HEADER_LINE.match(lines[0]) or not lines[0].strip()):
        lines.pop(0)
    return Forwarded(name=name.strip(" \"'"), email=address.lower(), text="\n".join(lines).strip())
