"""`{{ field|form_field }}` (teams/templatetags/form_tags.py) writes the same HTML as crispy's `as_crispy_field`,
in a fraction of the time: every field of the case page's forms, empty and with errors."""

import re

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms

from casework.forms import (
    AnswerForm,
    AssignOwnerForm,
    CancelForm,
    ReferForm,
    ReopenForm,
    RequestInformationForm,
)
from followup.forms import CallbackForm
from intake.forms import NoteForm
from routing.forms import HandOffForm, HandoffInformationForm, SetTopicForm
from teams.forms import use_choice_list
from teams.selectors import choice_lists, staff_users
from teams.templatetags.form_tags import form_field, is_quick


def normalised(html: str) -> str:
    """Whitespace between and at the edges of tags does not show: crispy's template has plenty of it."""
    html = re.sub(r"\s+", " ", str(html)).strip()
    return re.sub(r"\s*(<|>)\s*", r"\1", html)


class Sample(forms.Form):
    name = forms.CharField(label="Naam <b>", help_text="Zoals in het <em>KVK</em>-register.")
    email = forms.EmailField(label="E-mail", required=False)
    number = forms.IntegerField(
        label="Aantal", required=False, widget=forms.NumberInput(attrs={"class": "narrow"})
    )
    when = forms.DateField(label="Datum", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label="Soort", choices=[("a", "A & B"), ("b", "C")])
    no_label = forms.CharField(label="", required=False)
    agree = forms.BooleanField(label="Akkoord", required=False)  # crispy renders it (a checkbox)
    secret = forms.CharField(widget=forms.HiddenInput, required=False)


def forms_to_compare():
    lists = choice_lists()
    data = {"terugbellen-name": "", "answer-body": "", "x": "y"}
    for bound in (None, data):
        yield Sample(bound, initial={"name": "Jan & Piet"})
        yield RequestInformationForm(bound)
        yield NoteForm(bound)
        yield ReopenForm(bound)
        yield AnswerForm(bound, initial={"body": "Vergunningen: <ja>"})
        yield ReferForm(bound)
        yield CancelForm(bound)
        yield AssignOwnerForm(bound, owners=staff_users())
        assign = AssignOwnerForm(bound, owners=staff_users())
        use_choice_list(assign.fields["owner"], lists.staff)  # as the case page: a QuickSelect
        yield assign
        yield SetTopicForm(bound)
        topic = SetTopicForm(bound)
        use_choice_list(topic.fields["topic"], lists.topics)
        yield topic
        yield HandOffForm(bound, departments=lists.departments)
        yield HandoffInformationForm(bound, prefix="reply-7")
        yield CallbackForm(bound, initial={"name": "Jan", "phone": "+31 6 1234"}, lists=choice_lists())


@pytest.mark.django_db
def test_form_field_writes_what_crispy_writes(teams, owner):
    made = list(zip(forms_to_compare(), forms_to_compare(), strict=True))
    quick = 0
    for ours, theirs in made:
        ours.is_bound and ours.is_valid()
        theirs.is_bound and theirs.is_valid()
        for name in ours.fields:
            quick += is_quick(ours[name])
            assert normalised(form_field(ours[name])) == normalised(as_crispy_field(theirs[name])), (
                f"{type(ours).__name__}.{name}"
            )
    assert quick > 30  # most fields take the quick way


def test_errors_and_help_texts_are_shown_and_escaped():
    form = Sample({"name": "", "kind": "zz"})
    form.is_valid()
    html = str(form_field(form["name"]))
    assert 'class="textinput form-control is-invalid"' in html and 'aria-invalid="true"' in html
    assert "Naam &lt;b&gt;" in html and "<em>KVK</em>" in html and 'class="invalid-feedback"' in html
    assert 'class="select form-select is-invalid"' in str(form_field(form["kind"]))
