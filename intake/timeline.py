"""What a timeline entry says, stored as what happened (a message id and its parameters) and rendered in the
reader's language when shown, so an English-speaking colleague never writes English into a Dutch timeline.

Writers pass `Text(gettext_noop("Opgepakt door %(name)s"), name=...)` as the body; `gettext_noop` only marks the
Dutch source text for `make messages`. Free text that people typed (a note, an answer) stays a plain string.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Model
from django.utils import translation
from django.utils.translation import gettext


class Text:
    """A translatable line with its parameters; parameters may be Texts themselves (a label, "geen team")."""

    def __init__(self, msgid: str, **params) -> None:
        self.msgid = msgid
        self.params = {key: _plain(value) for key, value in params.items()}

    def render(self) -> str:
        """In the active language (the reader's)."""
        params = {
            key: value.render() if isinstance(value, Text) else value for key, value in self.params.items()
        }
        return (gettext(self.msgid) % params if params else gettext(self.msgid)).strip()

    def render_stored(self) -> str:
        """In the site's language: what the `body` column keeps for search, the admin and exports."""
        with translation.override(settings.LANGUAGE_CODE):
            return self.render()

    def as_data(self) -> dict:
        return {
            "msgid": self.msgid,
            "params": {k: v.as_data() if isinstance(v, Text) else v for k, v in self.params.items()},
        }

    @classmethod
    def of_label(cls, label) -> Text:
        """A choice's label (a lazy translation, e.g. Resolution.ANSWERED.label) as a Text."""
        with translation.override(None):
            return cls(str(label))

    @classmethod
    def from_data(cls, data: dict) -> Text:
        params = {
            k: cls.from_data(v) if isinstance(v, dict) and "msgid" in v else v
            for k, v in (data.get("params") or {}).items()
        }
        return cls(data["msgid"], **params)

    def __str__(self) -> str:
        return self.render()


def _plain(value):
    """Names of teams, topics and people are stored as text: what they were called when it happened."""
    if isinstance(value, Text | str | int | float) or value is None:
        return value
    if isinstance(value, Model):
        return str(value)
    return str(value)


def render_entry(body: str, data: dict | None) -> str:
    """The line of a stored entry in the active language; entries without a stored Text show their body."""
    stored = (data or {}).get("text")
    if not stored:
        return body
    try:
        return Text.from_data(stored).render()
    except (KeyError, TypeError, ValueError):  # a text changed since: show what was stored
        return body
