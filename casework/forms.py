"""Team economie's actions on a case: small forms, one per service."""

from django import forms
from django.utils.translation import gettext_lazy as _

from intake.models import Resolution


class RequestInformationForm(forms.Form):
    prefix = "info"

    body = forms.CharField(
        label=_("Welke informatie heeft u nodig van de ondernemer?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": _("Schrijf welke informatie u nodig heeft.")},
    )


class AnswerForm(forms.Form):
    prefix = "answer"

    body = forms.CharField(
        label=_("Antwoord aan de ondernemer"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        help_text=_("Dit antwoord wordt gemaild en is zichtbaar op de volgpagina. Geen interne informatie."),
        error_messages={"required": _("Schrijf het antwoord.")},
    )
    resolution = forms.ChoiceField(
        label=_("Afhandeling"),
        choices=[(r.value, r.label) for r in (Resolution.ANSWERED, Resolution.NOT_POSSIBLE)],
        initial=Resolution.ANSWERED,
    )


class ReferForm(forms.Form):
    prefix = "refer"

    organisation = forms.CharField(label=_("Naar welke organisatie?"), max_length=120)
    url = forms.URLField(label=_("Website van die organisatie"), required=False, assume_scheme="https")
    body = forms.CharField(
        label=_("Uitleg aan de ondernemer"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )


class CancelForm(forms.Form):
    prefix = "cancel"

    resolution = forms.ChoiceField(
        label=_("Reden"), choices=[(r.value, r.label) for r in (Resolution.WITHDRAWN, Resolution.DUPLICATE)]
    )
    reason = forms.CharField(label=_("Toelichting"), max_length=500)


class ReopenForm(forms.Form):
    prefix = "reopen"

    reason = forms.CharField(
        label=_("Waarom heropent u deze vraag?"),
        max_length=500,
        error_messages={"required": _("Geef een reden om te heropenen.")},
    )


class AssignOwnerForm(forms.Form):
    prefix = "assign"

    owner = forms.ModelChoiceField(
        label=_("Accountmanager"), queryset=None, required=False, empty_label=_("Ikzelf")
    )

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
