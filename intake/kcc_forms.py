"""Forms of the KCC screen and the company pages."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from teams.models import Team
from teams.selectors import active_topics

from .forms import KVK_PATTERN, NoteForm, TopicChoiceField, normalise_phone
from .models import CompanyVisit, KccCall


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
        value = self.cleaned_data.get("phone", "").strip()
        return normalise_phone(value) if value else ""

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
    account_manager = forms.ModelChoiceField(
        label=_("Accountmanager"),
        queryset=None,
        required=False,
        empty_label=_("Volgens de regels (sector of gebied)"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account_manager"].queryset = (
            get_user_model()
            .objects.filter(is_active=True, memberships__team__kind=Team.Kind.OWNER)
            .distinct()
        )

    def clean_kvk_number(self) -> str:
        value = self.cleaned_data.get("kvk_number", "").replace(" ", "").replace(".", "")
        if value and not KVK_PATTERN.match(value):
            raise forms.ValidationError(_("Een KVK-nummer bestaat uit 8 cijfers, bijvoorbeeld 12345678."))
        return value

    def clean_phone(self) -> str:
        value = self.cleaned_data.get("phone", "").strip()
        return normalise_phone(value) if value else ""


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
    visitors = forms.ModelMultipleChoiceField(
        label=_("Wie gaan er mee?"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    alderman = forms.CharField(label=_("Wethouder (naam, als die meegaat)"), max_length=120, required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=CompanyVisit.Status.choices, initial=CompanyVisit.Status.PLANNED
    )
    notes = forms.CharField(label=_("Verslag"), widget=forms.Textarea(attrs={"rows": 5}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visitors"].queryset = (
            get_user_model()
            .objects.filter(is_active=True, memberships__isnull=False)
            .distinct()
            .order_by("first_name")
        )


class VisitActionForm(forms.Form):
    prefix = "action"

    description = forms.CharField(
        label=_("Vervolgactie (wordt een vraag voor team economie)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": _("Beschrijf de vervolgactie.")},
    )
