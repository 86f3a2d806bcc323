from django import forms
from django.utils.translation import gettext_lazy as _

from teams.forms import IdChoiceField, TopicChoiceField
from teams.models import Team
from teams.selectors import active_topics

from .models import KnowledgeArticle


class ArticleForm(forms.ModelForm):
    class Meta:
        model = KnowledgeArticle
        fields = [
            "title",
            "topic",
            "keywords",
            "public_answer",
            "internal_notes",
            "links",
            "owner_team",
            "status",
            "last_reviewed",
        ]
        field_classes = {"topic": TopicChoiceField, "owner_team": IdChoiceField}
        widgets = {
            "keywords": forms.Textarea(attrs={"rows": 2}),
            "public_answer": forms.Textarea(attrs={"rows": 8}),
            "internal_notes": forms.Textarea(attrs={"rows": 4}),
            "links": forms.Textarea(attrs={"rows": 3}),
            "last_reviewed": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        error_messages = {
            "title": {"required": _("Vul de titel in.")},
            "public_answer": {"required": _("Vul het publieke antwoord in.")},
            "topic": {"required": _("Kies het onderwerp.")},
            "owner_team": {"required": _("Kies het team dat eigenaar is.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = active_topics()
        self.fields["owner_team"].queryset = Team.objects.filter(is_active=True).exclude(
            kind=Team.Kind.EXTERNAL
        )

    def clean_links(self) -> str:
        bad = [
            line
            for line in self.cleaned_data.get("links", "").splitlines()
            if line.strip() and not line.rpartition("|")[2].strip().startswith(("http://", "https://"))
        ]
        if bad:
            raise forms.ValidationError(
                _("Elke link moet eindigen op een adres dat begint met https://. Controleer: %(line)s"),
                params={"line": bad[0]},
            )
        return self.cleaned_data["links"]


class ArticleFilterForm(forms.Form):
    q = forms.CharField(label=_("Zoeken"), required=False)
    team = IdChoiceField(label=_("Eigenaar"), queryset=None, required=False, empty_label=_("Alle teams"))
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Alle")), *list(KnowledgeArticle.Status.choices)]
    )
    te_herzien = forms.BooleanField(label=_("Alleen te herzien"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(is_active=True).exclude(kind=Team.Kind.EXTERNAL)
