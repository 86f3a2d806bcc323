"""`{{ field|form_field }}`: a form field as crispy-forms' bootstrap5 `as_crispy_field` writes it, in Python.

The staff pages show many small forms at once (the case page: about thirty fields in its action panels), and
crispy renders each field through its generic template (a dozen includes, tags and filters per field): most of
the case page's rendering time. The common fields (text, e-mail, URL, number, date, textarea and select) are
written here with the same markup (tests/teams/test_form_field.py compares the two); any other field (checkbox,
checkboxes, radio buttons, file, multi-widget, hidden) still goes through crispy.
"""

from django import forms, template
from django.forms import boundfield
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()

_CRISPY_ONLY = (
    forms.CheckboxInput,
    forms.CheckboxSelectMultiple,
    forms.RadioSelect,
    forms.FileInput,
    forms.MultiWidget,
)


def is_quick(field: boundfield.BoundField) -> bool:
    widget = field.field.widget
    return not (
        field.is_hidden
        or isinstance(widget, _CRISPY_ONLY)
        or hasattr(widget, "widget")  # a wrapper such as the admin's RelatedFieldWidgetWrapper
        or field.use_fieldset
    )


def _add_classes(widget: forms.Widget, classes: str) -> None:
    """What crispy's `{% crispy_field field 'class' '…' %}` does to the widget: its own class name, then
    the bootstrap classes (the widget keeps them, as with crispy)."""
    name = widget.__class__.__name__.lower()
    css = widget.attrs.get("class", "")
    if css:
        if css.find(name) == -1:
            css += f" {name}"
    else:
        css = name
    for token in classes.split():
        if token not in css.split():
            css += f" {token}"
    widget.attrs["class"] = css


@register.filter
def form_field(field: boundfield.BoundField):
    if not is_quick(field):
        from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field

        return as_crispy_field(field)
    required = field.field.required
    _add_classes(
        field.field.widget,
        ("form-select" if isinstance(field.field.widget, forms.Select) else "form-control")
        + (" is-invalid" if field.errors else ""),
    )
    css_classes = field.css_classes()
    parts = [
        format_html(
            '<div id="div_{}" class="mb-3{}">', field.auto_id, f" {css_classes}" if css_classes else ""
        )
    ]
    if field.label:
        parts.append(
            format_html(
                '<label {}class="form-label{}">{}{}</label>',
                format_html('for="{}" ', field.id_for_label) if field.id_for_label else "",
                " requiredField" if required else "",
                field.label,
                mark_safe('<span class="asteriskField">*</span>') if required else "",
            )
        )
    parts.append(str(field))
    if field.errors:
        parts.append(
            format_html(
                '<div id="{}_error" class="invalid-feedback">{}</div>',
                field.errors.field_id,
                format_html_join(
                    "",
                    '<p id="error_{}_{}"><strong>{}</strong></p>',
                    ((n, field.auto_id, error) for n, error in enumerate(field.errors, start=1)),
                ),
            )
        )
    if field.help_text:
        parts.append(
            format_html(
                '<div {}class="form-text">{}</div>',
                format_html('id="{}_helptext" ', field.auto_id) if field.auto_id else "",
                mark_safe(field.help_text),  # as crispy's `|safe`: help texts are ours, never user input
            )
        )
    parts.append(mark_safe("</div>"))
    return mark_safe("".join(parts))
