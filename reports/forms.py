from django import forms
from django.utils.translation import gettext_lazy as _

from intake.models import Case, Channel
from teams.models import Team, Topic

from .models import SuccessStory
from .selectors import PERIOD_KINDS, account_managers


class FigureFilterForm(forms.Form):
    periode = forms.ChoiceField(label=_("Periode"), choices=list(PERIOD_KINDS.items()), required=False)
    datum = forms.DateField(
        label=_("Peildatum"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    van = forms.DateField(label=_("Van"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    tot = forms.DateField(
        label=_("Tot en met"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)
    onderwerp = forms.ModelChoiceField(label=_("Onderwerp"), queryset=Topic.objects.none(), required=False)
    kanaal = forms.ChoiceField(label=_("Kanaal"), required=False)
    accountmanager = forms.TypedChoiceField(
        label=_("Accountmanager"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(is_active=True).order_by("name")
        self.fields["onderwerp"].queryset = Topic.objects.order_by("name")
        self.fields["kanaal"].choices = [("", _("Alle kanalen")), *Channel.choices]
        self.fields["accountmanager"].choices = [("", _("Alle accountmanagers")), *account_managers()]


class SuccessStoryForm(forms.ModelForm):
    cases = forms.CharField(
        label=_("Kenmerken van vragen (optioneel)"),
        required=False,
        help_text=_("Gescheiden door spaties of komma's, bijvoorbeeld OND-2026-00012."),
    )

    class Meta:
        model = SuccessStory
        fields = ["title", "text", "teams"]
        widgets = {"teams": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teams"].queryset = Team.objects.filter(
            kind=Team.Kind.DEPARTMENT, is_active=True
        ).order_by("name")

    def clean_cases(self):
        references = [r for r in self.cleaned_data["cases"].replace(",", " ").split() if r]
        cases = list(Case.objects.filter(reference__in=references))
        missing = sorted(set(references) - {c.reference for c in cases})
        if missing:
            raise forms.ValidationError(_("Onbekende kenmerken: %(refs)s") % {"refs": ", ".join(missing)})
        return cases


class AgreementForm(forms.Form):
    team = forms.ModelChoiceField(
        queryset=Team.objects.filter(kind=Team.Kind.DEPARTMENT), widget=forms.HiddenInput
    )
    case = forms.ModelChoiceField(queryset=Case.objects.all(), widget=forms.HiddenInput)
    text = forms.CharField(label=_("Afspraak"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
