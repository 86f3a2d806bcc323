"""The KCC screen's form: who called, what about, and the outcome."""

from django import forms
from django.utils.translation import gettext_lazy as _

from intake.forms import SubmissionKeyField, normalise_phone
from intake.models import Channel
from teams.deadlines import CallbackMoment
from teams.forms import IdChoiceField, TopicChoiceField
from teams.models import Team
from teams.selectors import active_topics

from .models import KccCall


class TeamChoiceField(IdChoiceField):
    def label_from_instance(self, obj: Team) -> str:
        return f"{obj.name} – {obj.phone}" if obj.phone else obj.name


class KccCallForm(forms.Form):
    """One call: who, what, and the outcome (the button pressed)."""

    prefix = "call"

    submission_key = SubmissionKeyField()  # one outcome per form, however often it is posted

    # A counter visit is logged like a call: same screen, same buttons. Not sent counts as a phone call.
    channel = forms.ChoiceField(
        label=_("Kanaal"),
        choices=[(c.value, c.label) for c in (Channel.PHONE, Channel.COUNTER)],
        initial=Channel.PHONE,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Kies telefoon of balie.")},
    )

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
    callback_moment = forms.ChoiceField(
        label=_("Voorkeursmoment terugbellen"),
        choices=CallbackMoment.choices,
        initial=CallbackMoment.ASAP,
        required=False,
        help_text=_("We bellen terug vóór het einde van dit dagdeel (ochtend tot 12.00 uur) op een werkdag."),
        error_messages={"invalid_choice": _("Kies een moment uit de lijst.")},
    )
    callback_note = forms.CharField(
        label=_("Toelichting moment"),
        max_length=100,
        required=False,
        help_text=_("Bij “anders”, bijvoorbeeld: maandag na 14 uur."),
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

    def clean_channel(self) -> str:
        return self.cleaned_data.get("channel") or Channel.PHONE

    def clean_phone(self) -> str:
        return normalise_phone(self.cleaned_data.get("phone", ""))

    def check_outcome(self, outcome: str, *, contact=None, company=None) -> bool:
        """Outcome-specific checks, with a Dutch message on the field to fix.

        Only a question answered on the spot may be logged without a way to reach the caller: every other
        outcome needs a name and a phone number or e-mail address, typed or from the chosen contact/company.
        """
        data = self.cleaned_data
        name = data.get("contact_name") or (contact.name if contact else "")
        phone = data.get("phone") or (contact.phone if contact else "") or (company.phone if company else "")
        email = data.get("email") or (contact.email if contact else "") or (company.email if company else "")
        if outcome == KccCall.Outcome.ANSWERED and not data.get("article"):
            self.add_error(None, _("Kies het kennisartikel waarmee u de vraag heeft beantwoord."))
        if outcome == KccCall.Outcome.TRANSFERRED and not data.get("team"):
            self.add_error("team", _("Kies het team waarmee u doorverbindt."))
        if outcome == KccCall.Outcome.CALLBACK:
            if not phone:
                self.add_error("phone", _("Vul het telefoonnummer in waarop we terugbellen."))
            if not name:
                self.add_error("contact_name", _("Vul de naam in van wie we terugbellen."))
            if data.get("callback_moment") == CallbackMoment.OTHER and not data.get("callback_note"):
                self.add_error("callback_note", _("Schrijf op wanneer de beller teruggebeld wil worden."))
        elif outcome != KccCall.Outcome.ANSWERED:
            if not name:
                self.add_error("contact_name", _("Vul de naam van de beller in."))
            if not (phone or email):
                self.add_error(
                    "phone",
                    _("Vul een telefoonnummer of e-mailadres in waarop we de beller kunnen bereiken."),
                )
        return not self.errors
