from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from teams.audit import Action
from teams.forms import UserChoiceField

from .models import ErasureRequest
from .subject import recognise


class SubjectForm(forms.Form):
    query = forms.CharField(
        label=_("E-mailadres, telefoonnummer of KVK-nummer"),
        max_length=254,
        help_text=_("Een persoon vindt u op e-mailadres of telefoonnummer, een bedrijf op KVK-nummer."),
    )

    def clean_query(self):
        query = self.cleaned_data["query"].strip()
        if recognise(query) is None:
            raise forms.ValidationError(
                _("Vul een e-mailadres, een geldig telefoonnummer of een KVK-nummer (8 cijfers) in.")
            )
        return query


class ExportForm(SubjectForm):
    format = forms.ChoiceField(choices=[("html", "HTML"), ("json", "JSON")], widget=forms.HiddenInput)


class ErasureForm(SubjectForm):
    ground = forms.ChoiceField(label=_("Grond"), choices=ErasureRequest.Ground.choices)
    note = forms.CharField(
        label=_("Toelichting"),
        max_length=200,
        required=False,
        help_text=_("Bijvoorbeeld het zaaknummer van het verzoek. Geen naam, e-mailadres of telefoonnummer."),
    )
    confirm = forms.BooleanField(
        label=_(
            "Ik heb het verzoek beoordeeld: wis alles wat hierboven is gevonden. Dit kan niet ongedaan worden gemaakt."
        ),
    )


class AuditFilterForm(forms.Form):
    user = UserChoiceField(  # full names, and a bad id is a form error (teams.forms)
        label=_("Medewerker"),
        queryset=get_user_model().objects.order_by("first_name", "last_name", "username"),
        required=False,
    )
    action = forms.ChoiceField(label=_("Handeling"), choices=[("", "—"), *Action.choices], required=False)
    date_from = forms.DateField(
        label=_("Vanaf"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Tot en met"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    object_type = forms.CharField(
        label=_("Soort object"), required=False, help_text=_("Bijvoorbeeld intake.case of intake.company.")
    )
    object_id = forms.CharField(label=_("Object-id"), required=False)
