"""Team economie's actions on a case: small forms, one per service."""

from django import forms
from django.utils.translation import gettext_lazy as _

from intake.forms import SubmissionKeyField, normalise_phone
from intake.models import Channel, ContactPreference, Resolution
from intake.selectors import Delivery, answer_delivery
from teams.forms import UserChoiceField


class RequestInformationForm(forms.Form):
    prefix = "info"

    body = forms.CharField(
        label=_("Welke informatie heeft u nodig van de ondernemer?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": _("Schrijf welke informatie u nodig heeft.")},
    )


class CloseConfirmation(forms.Form):
    """Closing a case with unfinished hand-offs (routing.selectors.unfinished_handoffs) needs a tick on
    "Toch afsluiten" and a reason; without unfinished parts the two fields are not there."""

    def __init__(self, *args, unfinished=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.unfinished = list(unfinished)
        if not self.unfinished:
            return
        parts = ", ".join(f"{h.team.name} ({h.get_status_display().lower()})" for h in self.unfinished)
        self.fields["confirm"] = forms.BooleanField(
            label=_("Toch afsluiten"),
            help_text=_("Nog niet afgerond: %(parts)s. Open uitzettingen worden ingetrokken.")
            % {"parts": parts},
            error_messages={
                "required": _(
                    "Nog niet alles is afgerond: %(parts)s. Vink “Toch afsluiten” aan als u de vraag toch wilt "
                    "afsluiten."
                )
                % {"parts": parts}
            },
        )
        self.fields["confirm_reason"] = forms.CharField(
            label=_("Waarom sluit u toch af?"),
            widget=forms.Textarea(attrs={"rows": 2}),
            max_length=500,
            help_text=_("De reden komt op de tijdlijn."),
            error_messages={"required": _("Geef een reden om toch af te sluiten.")},
        )

    def clean(self):
        cleaned = super().clean()
        cleaned["override_reason"] = (cleaned.get("confirm_reason") or "").strip() if self.unfinished else ""
        return cleaned


class AnswerForm(CloseConfirmation):
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

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        if case is not None:  # say how this answer will reach the entrepreneur
            self.fields["body"].help_text = answer_delivery_text(case)


class ConfirmKvkForm(forms.Form):
    """Confirm the KVK number the entrepreneur typed (the case page's button; no fields)."""

    prefix = "kvk"


def answer_delivery_text(case) -> str:
    """How the answer will be delivered (intake.selectors.answer_delivery decides), in words for the owner."""
    contact = case.contact
    delivery = answer_delivery(case)
    if delivery == Delivery.EMAIL:
        text = _("Dit antwoord wordt gemaild naar %(email)s en is zichtbaar op de volgpagina.") % {
            "email": contact.email
        }
    elif delivery == Delivery.PHONE and case.preferred_contact == ContactPreference.PHONE:
        text = _(
            "De ondernemer wil telefonisch antwoord (%(phone)s): na verzenden komt er een terugbelverzoek om "
            "het antwoord door te geven. De vraag sluit zodra de ondernemer is bereikt."
        ) % {"phone": contact.phone}
    elif delivery == Delivery.PHONE:
        text = _(
            "Er is geen e-mailadres bekend. Het antwoord wordt telefonisch doorgegeven (%(phone)s): na "
            "verzenden komt er een terugbelverzoek. De vraag sluit zodra de ondernemer is bereikt."
        ) % {"phone": contact.phone}
    else:
        text = _(
            "Er is geen e-mailadres of telefoonnummer bekend: het antwoord is alleen zichtbaar op de volgpagina."
        )
    return f"{text} {_('Geen interne informatie.')}"


class ReferForm(CloseConfirmation):
    prefix = "refer"

    organisation = forms.CharField(label=_("Naar welke organisatie?"), max_length=120)
    url = forms.URLField(label=_("Website van die organisatie"), required=False, assume_scheme="https")
    body = forms.CharField(
        label=_("Uitleg aan de ondernemer"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )


class CancelForm(CloseConfirmation):
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

    owner = UserChoiceField(label=_("Accountmanager"), queryset=None, required=False, empty_label=_("Ikzelf"))

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners


class ForwardForm(forms.Form):
    """A question that reached any colleague by mistake, forwarded to team economie (`/doorsturen/`)."""

    channel = forms.ChoiceField(
        label=_("Hoe kwam de vraag binnen?"),
        choices=[(c.value, c.label) for c in (Channel.PHONE, Channel.EMAIL, Channel.COUNTER)],
        initial=Channel.PHONE,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies hoe de vraag binnenkwam.")},
    )
    question = forms.CharField(
        label=_("Vraag van de ondernemer"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        error_messages={
            "required": _("Vul de vraag van de ondernemer in."),
            "max_length": _("De vraag is te lang: maximaal %(limit_value)d tekens (nu %(show_value)d)."),
        },
    )
    contact_name = forms.CharField(
        label=_("Naam van de ondernemer"),
        max_length=200,
        error_messages={"required": _("Vul de naam van de ondernemer in.")},
    )
    email = forms.EmailField(
        label=_("E-mailadres"),
        required=False,
        error_messages={"invalid": _("Vul een geldig e-mailadres in, bijvoorbeeld naam@bedrijf.nl.")},
    )
    phone = forms.CharField(
        label=_("Telefoonnummer"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    company_name = forms.CharField(label=_("Bedrijfsnaam (niet verplicht)"), max_length=200, required=False)
    submission_key = SubmissionKeyField()

    def clean_phone(self) -> str:
        return normalise_phone(self.cleaned_data.get("phone", ""))

    def clean(self):
        cleaned = super().clean()
        missing = not cleaned.get("email") and not cleaned.get("phone")
        if missing and not self.has_error("email") and not self.has_error("phone"):
            self.add_error(
                "email",
                _(
                    "Vul het e-mailadres of telefoonnummer van de ondernemer in, zodat team economie kan antwoorden."
                ),
            )
        return cleaned
