import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intake import normalise
from intake.models import Case, Channel
from intake.workflow import Status, overdue_q
from teams.forms import IdChoiceField, TopicChoiceField, UserChoiceField
from teams.models import Team, Topic


class IdChoiceFilter(django_filters.ModelChoiceFilter):
    """A bad id ("999999", "-1", "abc") is a form error and the filter is ignored, never a database error."""

    field_class = IdChoiceField


class TopicChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = TopicChoiceField  # business topics per team first, then the other products


class UserChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = UserChoiceField  # full names, not usernames


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Zoeken"), method="filter_text")
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=Status.choices, widget=forms.CheckboxSelectMultiple
    )
    topic = TopicChoiceFilter(
        label=_("Onderwerp"), queryset=Topic.objects.filter(is_active=True), empty_label=_("Alle onderwerpen")
    )
    team = IdChoiceFilter(
        label=_("Team"),
        queryset=Team.objects.filter(is_active=True),
        method="filter_team",
        empty_label=_("Alle teams"),
    )
    owner = UserChoiceFilter(label=_("Accountmanager"), queryset=None, empty_label=_("Alle accountmanagers"))
    channel = django_filters.ChoiceFilter(label=_("Kanaal"), choices=Channel.choices)
    overdue = django_filters.BooleanFilter(label=_("Over de termijn"), method="filter_overdue")
    triage = django_filters.BooleanFilter(label=_("Wacht op triage"), field_name="needs_triage")

    class Meta:
        model = Case
        fields = ["q", "status", "topic", "team", "owner", "channel", "overdue", "triage"]

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["owner"].queryset = owners

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(reference__icontains=value)
            | Q(subject__icontains=value)
            | Q(question__icontains=value)
            | Q(company__name__icontains=value)
            | Q(company__kvk_number=normalise.kvk_number(value) or value)
            | Q(contact__name__icontains=value)
            | Q(contact__email__iexact=value)
        )

    def filter_team(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(Q(proposed_team=value) | Q(handoffs__team=value)).distinct()

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = overdue_q(timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)
