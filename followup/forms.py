from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from intake.forms import normalise_phone
from teams.forms import IdChoiceField, UserChoiceField, use_choice_list
from teams.models import Team
from teams.selectors import team_members

from .models import CallbackAttempt


class CallbackForm(forms.Form):
    prefix = "terugbellen"

    name = forms.CharField(
        label=_("Wie moeten we terugbellen?"),
        max_length=200,
        error_messages={"required": _("Vul de naam in van wie teruggebeld wil worden.")},
    )
    phone = forms.CharField(
        label=_("Telefoonnummer"),
        max_length=30,
        error_messages={"required": _("Vul het telefoonnummer in.")},
    )
    subject = forms.CharField(
        label=_("Waarover?"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Schrijf kort waarover teruggebeld moet worden.")},
    )
    team = IdChoiceField(
        label=_("Team dat terugbelt"),
        queryset=Team.objects.none(),
        required=False,
        empty_label=_("– kies een team –"),
    )
    assignee = UserChoiceField(
        label=_("Of een medewerker"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=_("– geen persoon –"),
    )
    preferred_moment = forms.CharField(
        label=_("Voorkeursmoment (niet verplicht)"),
        max_length=120,
        required=False,
        help_text=_("Bijvoorbeeld: dinsdagochtend, of na 14.00 uur."),
    )

    def __init__(self, *args, lists=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(is_active=True).exclude(kind=Team.Kind.EXTERNAL)
        self.fields["assignee"].queryset = team_members()
        if lists is not None:  # the page's loaded choice lists (teams.selectors.choice_lists): no queries
            use_choice_list(self.fields["team"], lists.teams_except(Team.Kind.EXTERNAL))
            use_choice_list(self.fields["assignee"], lists.members)

    def clean_phone(self) -> str:
        return normalise_phone(self.cleaned_data["phone"])

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("team") and not cleaned.get("assignee") and not self.errors.get("team"):
            self.add_error("team", _("Kies het team of de medewerker die terugbelt."))
        return cleaned


class AttemptForm(forms.Form):
    prefix = "poging"

    outcome = forms.ChoiceField(
        label=_("Resultaat"),
        choices=CallbackAttempt.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Kies het resultaat van de belpoging."),
            "invalid_choice": _("Kies het resultaat van de belpoging."),
        },
    )
    note = forms.CharField(
        label=_("Notitie (niet verplicht)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CallbackCancelForm(forms.Form):
    prefix = "vervallen"

    reason = forms.CharField(
        label=_("Waarom vervalt dit terugbelverzoek?"),
        max_length=300,
        error_messages={"required": _("Geef een reden.")},
    )


class RatingForm(forms.Form):
    prefix = "beoordeling"

    score = forms.TypedChoiceField(
        label=_("Welk cijfer geeft u ons antwoord?"),
        choices=[
            (5, _("5 – heel goed")),
            (4, _("4 – goed")),
            (3, _("3 – redelijk")),
            (2, _("2 – matig")),
            (1, _("1 – slecht")),
        ],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Kies een cijfer van 1 tot en met 5."),
            "invalid_choice": _("Kies een cijfer van 1 tot en met 5."),
        },
    )
    comment = forms.CharField(
        label=_("Toelichting (niet verplicht)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Wat ging goed, wat kan beter? Zet hier geen persoonlijke gegevens."),
    )


class WaitingDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("close", "close"), ("resume", "resume")])
