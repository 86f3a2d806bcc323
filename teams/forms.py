"""Choice fields for rows picked by id, shared by every app's forms and filters.

A tampered or stale id ("999999", "-1", "abc", or a number larger than the database can hold) must give the
ordinary Dutch "choose a valid option" error (or, in a list filter, be ignored), never a database error. Django
checks a single id well, but passes a list of ids straight to an `IN (...)` query, where a too-large number
crashes SQLite; these fields refuse anything that is not a positive 64-bit id before any query runs.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .selectors import display_name

MAX_ID = 2**63 - 1  # BigAutoField


def is_valid_id(value) -> bool:
    """True for a positive whole number that fits a BigAutoField, as text or int."""
    if isinstance(value, Model):
        return True
    if isinstance(value, bool):
        return False
    text = str(value).strip()
    return text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID


class IdChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField that rejects ids that cannot exist, with the normal invalid-choice message."""

    def to_python(self, value):
        if value not in self.empty_values and not self.to_field_name and not is_valid_id(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField that rejects ids that cannot exist, before the `IN (...)` query."""

    def _check_values(self, value):
        if not self.to_field_name and not isinstance(value, (str, bytes)):
            for item in value:
                if not is_valid_id(item):
                    raise ValidationError(
                        self.error_messages["invalid_choice"], code="invalid_choice", params={"value": item}
                    )
        return super()._check_values(value)


class UserChoiceField(IdChoiceField):
    """A staff member by full name (teams.selectors.display_name), never by username."""

    def label_from_instance(self, obj) -> str:
        return display_name(obj)


class UserMultipleChoiceField(IdMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return display_name(obj)


class ListedChoiceIterator(ModelChoiceIterator):
    """The choices of a list loaded before (teams.selectors.choice_lists) instead of a query per select."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.field.choice_objects:
            yield self.choice(obj)

    def __len__(self):
        return len(self.field.choice_objects) + (self.field.empty_label is not None)

    def __bool__(self):
        return self.field.empty_label is not None or bool(self.field.choice_objects)


class QuickSelect(forms.Select):
    """A select whose options are written in Python, not one template per option: the topic select has
    hundreds of options and was most of the case list's rendering time. Same HTML as forms.Select."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]

        def options(items):  # as format_html_join, without its per-option overhead (hundreds of options)
            return mark_safe(
                "".join(
                    f'<option value="{conditional_escape(o["value"])}"{" selected" if o["selected"] else ""}>'
                    f"{conditional_escape(o['label'])}</option>"
                    for o in items
                )
            )

        parts = [
            format_html('<optgroup label="{}">{}</optgroup>', group, options(items))
            if group
            else options(items)
            for group, items, _index in widget["optgroups"]
        ]
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            mark_safe("".join(parts)),
        )


def use_choice_list(field, objects: list) -> None:
    """Render `field` (a ModelChoiceField) from `objects`; its queryset still validates what is posted."""
    field.choice_objects = objects
    if not isinstance(field.iterator, type) or not issubclass(field.iterator, GroupedTopicIterator):
        field.iterator = ListedChoiceIterator
    if type(field.widget) is forms.Select:
        field.widget = QuickSelect(attrs=field.widget.attrs)
    field.widget.choices = field.choices


class GroupedTopicIterator(ModelChoiceIterator):
    """Business topics first, one group per handling team; then the other (UPL-only) products.

    The curated catalogue topics are the business topics (`Topic.is_public`, set by routing.catalogue's
    import); the UPL-only products (passport, cremation, ...) serve routing and come last.
    """

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        groups: dict[str, list] = {}
        other: list = []
        listed = getattr(self.field, "choice_objects", None)
        if listed is not None:
            topics = sorted(listed, key=lambda t: (t.team.name if t.team else "", t.name))
        else:
            topics = self.queryset.select_related("team").order_by("team__name", "name")
        for topic in topics:
            if topic.is_public:
                groups.setdefault(topic.team.name, []).append(self.choice(topic))
            else:
                other.append(self.choice(topic))
        yield from groups.items()
        if other:
            yield (_("Overige producten"), sorted(other, key=lambda choice: str(choice[1]).lower()))


class TopicChoiceField(IdChoiceField):
    """The staff topic select: grouped (GroupedTopicIterator) and searchable with a filter box (static/js)."""

    iterator = GroupedTopicIterator

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("data-topic-filter", _("Zoek een onderwerp"))

    def label_from_instance(self, obj) -> str:
        return obj.name
