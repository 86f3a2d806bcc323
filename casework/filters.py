import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intake import normalise
from intake.models import Case, Channel
from intake.workflow import Status, overdue_q
from teams.models import Team, Topic


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Zoeken"), method="filter_text")
    status = django_filters.MultipleChoiceFilter(label=_("Status"), choices=Status.choices)
    topic = django_filters.ModelChoiceFilter(
        label=_("Onderwerp"), queryset=Topic.objects.filter(is_active=True)
    )
    team = django_filters.ModelChoiceFilter(
        label=_("Team"), queryset=Team.objects.filter(is_active=True), method="filter_team"
    )
    owner = django_filters.ModelChoiceFilter(label=_("Accountmanager"), queryset=None)
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
