"""The KCC screen's form: who called, what about, and the outcome."""

from django import forms
from django.utils.translation import gettext_lazy as _

from intake.forms import TopicChoiceField, normalise_phone
from teams.models import Team
from teams.selectors import active_topics

from .models import KccCall


class TeamChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Team) -> str:
        return f"{obj.name} – {obj.phone}" if obj.phone else obj.name


class KccCallForm(forms.Form):
    """One call: who, what, and the outcome (the button pressed)."""

    prefix = "call"

    question = forms.CharField(
        label=_("Vraag van de beller"),
        widget=forms.Textarea(attrs={"rows": 4, "data-kcc-question": ""}),
        max_length=5000,
        error_messages={"required": _("Typ de vraag van de beller.")},
    )
    contact_name = forms.CharField(label=_("Naam beller"), max_length=200, required=False)
    phone = forms.CharField(
        label=_("Telefoonnummer"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    email = forms.EmailField(
        label=_("E-mailadres"),
        required=False,
        error_messages={"invalid": _("Vul een geldig e-mailadres in, bijvoorbeeld naam@bedrijf.nl.")},
    )
    topic = TopicChoiceField(
        label=_("Onderwerp"),
        queryset=None,
        required=False,
        empty_label=_("Weet ik niet (voorstel van Voordeur)"),
    )
    article = forms.IntegerField(required=False, widget=forms.HiddenInput)
    team = TeamChoiceField(
        label=_("Team (doorverbinden of terugbellen)"),
        queryset=None,
        required=False,
        empty_label=_("Kies een team"),
    )
    callback_moment = forms.CharField(
        label=_("Voorkeursmoment terugbellen"),
        max_length=120,
        required=False,
        help_text=_("Bijvoorbeeld: morgenochtend."),
    )
    could_not_answer = forms.BooleanField(
        label=_("Ik kon deze vraag niet zelf beantwoorden (kennis ontbreekt)"), required=False
    )
    company = forms.IntegerField(required=False, widget=forms.HiddenInput)
    contact = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = active_topics()
        self.fields["team"].queryset = Team.objects.filter(
            is_active=True, kind__in=[Team.Kind.DEPARTMENT, Team.Kind.OWNER]
        ).order_by("name")

    def clean_phone(self) -> str:
        return normalise_phone(self.cleaned_data.get("phone", ""))

    def check_outcome(self, outcome: str, *, contact_phone: str = "", contact_name: str = "") -> bool:
        """Outcome-specific checks, with a Dutch message on the field to fix."""
        data = self.cleaned_data
        if outcome == KccCall.Outcome.ANSWERED and not data.get("article"):
            self.add_error(None, _("Kies het kennisartikel waarmee u de vraag heeft beantwoord."))
        if outcome == KccCall.Outcome.TRANSFERRED and not data.get("team"):
            self.add_error("team", _("Kies het team waarmee u doorverbindt."))
        if outcome == KccCall.Outcome.CALLBACK:
            if not (data.get("phone") or contact_phone):
                self.add_error("phone", _("Vul het telefoonnummer in waarop we terugbellen."))
            if not (data.get("contact_name") or contact_name):
                self.add_error("contact_name", _("Vul de naam in van wie we terugbellen."))
        return not self.errors
