from django import forms
from django.utils.translation import gettext_lazy as _

from teams.forms import IdMultipleChoiceField, TopicChoiceField, use_choice_list
from teams.models import Team
from teams.selectors import active_topics, department_teams


class SetTopicForm(forms.Form):
    prefix = "topic"

    topic = TopicChoiceField(
        label=_("Onderwerp"), queryset=None, error_messages={"required": _("Kies een onderwerp.")}
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = active_topics()


class TeamMultipleChoiceField(IdMultipleChoiceField):
    def label_from_instance(self, obj: Team) -> str:
        return obj.name


class HandOffForm(forms.Form):
    """Hand off to one or more departments, each with its own request text (one textarea per department;
    only those of ticked teams are used, so the form works without JavaScript).

    Ticked already: the router's main team and the extra teams it proposed for a split question, unless the
    router was not confident (the case waits for triage).
    """

    prefix = "handoff"

    teams = TeamMultipleChoiceField(
        label=_("Naar welk(e) team(s)?"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Kies ten minste één team.")},
    )

    def __init__(self, *args, case=None, departments: list | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        queryset = department_teams().order_by("name")
        self.fields["teams"].queryset = queryset
        # `departments`: the list already loaded for the page (teams.selectors.choice_lists), else one query.
        self.department_list = list(queryset) if departments is None else departments
        use_choice_list(self.fields["teams"], self.department_list)
        for team in self.department_list:
            self.fields[self.request_field(team)] = forms.CharField(
                label=_("Verzoek aan %(team)s") % {"team": team.name},
                widget=forms.Textarea(attrs={"rows": 3, "data-handoff-team": team.pk}),
                max_length=5000,
                required=False,
                help_text=_(
                    "Alleen als u %(team)s hierboven aanvinkt. Schrijf het zo dat het zonder navragen kan."
                )
                % {"team": team.name},
            )
        if case is not None and not self.is_bound:
            for team in self.department_list:
                self.initial[self.request_field(team)] = case.question
            if not case.needs_triage:
                main = case.proposed_team.slug if case.proposed_team_id else None
                split = [s["team"] for s in case.routing_suggestions if s.get("split")]
                self.initial["teams"] = [t for t in self.department_list if t.slug == main or t.slug in split]
                names = {t.slug: t.name for t in self.department_list}
                hints = [_("%(team)s (hoofdteam)") % {"team": names[main]}] if main in names else []
                hints += [
                    _("%(team)s (tweede deel van de vraag)") % {"team": names[s]} for s in split if s in names
                ]
                if hints:
                    self.fields["teams"].help_text = _("Voorstel van de router: %(teams)s.") % {
                        "teams": ", ".join(str(h) for h in hints)
                    }

    @staticmethod
    def request_field(team: Team) -> str:
        return f"request_{team.slug}"

    def clean(self):
        cleaned = super().clean()
        requests = {}
        for team in cleaned.get("teams") or []:
            name = self.request_field(team)
            text = (cleaned.get(name) or "").strip()
            if not text and name not in self.errors:
                self.add_error(name, _("Schrijf wat %(team)s moet beantwoorden.") % {"team": team.name})
            requests[team] = text
        cleaned["requests"] = requests
        return cleaned


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
