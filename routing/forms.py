from django import forms
from django.utils.translation import gettext_lazy as _

from teams.models import Team
from teams.selectors import active_topics, department_teams


class SetTopicForm(forms.Form):
    prefix = "topic"

    topic = forms.ModelChoiceField(
        label=_("Onderwerp"), queryset=None, error_messages={"required": _("Kies een onderwerp.")}
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = active_topics()


class TeamMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Team) -> str:
        return obj.name


class HandOffForm(forms.Form):
    """Hand off to one or more departments; the router's proposed team(s) are ticked already."""

    prefix = "handoff"

    teams = TeamMultipleChoiceField(
        label=_("Naar welk(e) team(s)?"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Kies ten minste één team.")},
    )
    request_text = forms.CharField(
        label=_("Verzoek aan het team"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text=_("Wat moet het team beantwoorden? Schrijf het verzoek zo dat het zonder navragen kan."),
        error_messages={"required": _("Schrijf wat het team moet beantwoorden.")},
    )

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teams"].queryset = department_teams().order_by("name")
        if case is not None and not self.is_bound:
            # The router's team and any extra teams it proposed for a split question are ticked already.
            proposed = {s["team"] for s in case.routing_suggestions if s.get("split")}
            if case.proposed_team_id:
                proposed.add(case.proposed_team.slug)
            self.initial["teams"] = [t for t in self.fields["teams"].queryset if t.slug in proposed]
            self.initial["request_text"] = case.question


class HandoffAnswerForm(forms.Form):
    prefix = "answer"

    answer = forms.CharField(
        label=_("Antwoord aan team economie"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20000,
        help_text=_("Team economie stuurt het eindantwoord aan de ondernemer."),
        error_messages={"required": _("Schrijf uw antwoord.")},
    )


class HandoffReturnForm(forms.Form):
    prefix = "return"

    reason = forms.CharField(
        label=_("Waarom stuurt u dit terug?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Bijvoorbeeld: dit hoort bij team Omgeving."),
        error_messages={"required": _("Geef een reden.")},
    )


class HandoffQuestionForm(forms.Form):
    prefix = "question"

    question = forms.CharField(
        label=_("Welke informatie heeft u nodig?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Schrijf uw vraag aan team economie.")},
    )


class HandoffInformationForm(forms.Form):
    prefix = "info"

    body = forms.CharField(
        label=_("Aanvulling voor het team"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": _("Schrijf de aanvulling.")},
    )
