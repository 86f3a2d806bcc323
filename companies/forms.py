"""Forms of the company pages: details, KVK lookup, notes, visits and their actions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from intake.forms import NoteForm, normalise_kvk, normalise_phone
from teams.forms import UserChoiceField, UserMultipleChoiceField
from teams.selectors import staff_users, team_members

from .models import CompanyVisit


class CompanyForm(forms.Form):
    kvk_number = forms.CharField(label=_("KVK-nummer"), max_length=20, required=False)
    branch_number = forms.CharField(label=_("Vestigingsnummer"), max_length=12, required=False)
    name = forms.CharField(
        label=_("Bedrijfsnaam"), max_length=200, error_messages={"required": _("Vul de bedrijfsnaam in.")}
    )
    sbi_codes = forms.CharField(
        label=_("SBI-code(s)"), max_length=100, required=False, help_text=_("Gescheiden door komma's.")
    )
    address = forms.CharField(label=_("Adres"), max_length=200, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=7, required=False)
    city = forms.CharField(label=_("Plaats"), max_length=100, required=False)
    email = forms.EmailField(label=_("Algemeen e-mailadres"), required=False)
    phone = forms.CharField(label=_("Algemeen telefoonnummer"), max_length=30, required=False)
    account_manager = UserChoiceField(
        label=_("Accountmanager"),
        queryset=None,
        required=False,
        empty_label=_("Volgens de regels (sector of gebied)"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account_manager"].queryset = staff_users()

    def clean_kvk_number(self) -> str:
        return normalise_kvk(self.cleaned_data.get("kvk_number", ""))

    def clean_phone(self) -> str:
        return normalise_phone(self.cleaned_data.get("phone", ""))


class KvkLookupForm(forms.Form):
    prefix = "kvk"

    query = forms.CharField(label=_("KVK-nummer of bedrijfsnaam"), max_length=200)


class CompanyNoteForm(NoteForm):
    """The case note form, for a note on the company itself."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].label = _("Notitie over het bedrijf")


class VisitForm(forms.Form):
    prefix = "visit"

    planned_for = forms.DateTimeField(
        label=_("Datum en tijd"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%d-%m-%Y %H:%M", "%Y-%m-%d %H:%M"],
        error_messages={
            "required": _("Vul datum en tijd in."),
            "invalid": _("Vul een geldige datum en tijd in."),
        },
    )
    purpose = forms.CharField(
        label=_("Doel van het bezoek"), max_length=200, error_messages={"required": _("Vul het doel in.")}
    )
    visitors = UserMultipleChoiceField(
        label=_("Wie gaan er mee?"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    alderman = forms.CharField(label=_("Wethouder (naam, als die meegaat)"), max_length=120, required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=CompanyVisit.Status.choices, initial=CompanyVisit.Status.PLANNED
    )
    notes = forms.CharField(label=_("Verslag"), widget=forms.Textarea(attrs={"rows": 5}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visitors"].queryset = team_members()


class VisitActionForm(forms.Form):
    prefix = "action"

    description = forms.CharField(
        label=_("Vervolgactie (wordt een vraag voor team economie)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": _("Beschrijf de vervolgactie.")},
    )
