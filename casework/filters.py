import django_filters
from django import forms
from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intake import normalise
from intake.models import Case, Channel, Company, Contact
from intake.search import SEARCH_CONFIG
from intake.workflow import Status, overdue_q
from routing.models import Handoff
from teams.forms import IdChoiceField, TopicChoiceField, UserChoiceField
from teams.models import Team, Topic

# A name that matches more companies or contacts than this searches the first ones only (a name that common
# is no search: the reference, KVK number or e-mail address finds the case).
TEXT_MATCH_LIMIT = 1000


def _looks_like_a_code(value: str) -> bool:
    """One token with a digit in it ("OND-2026-00042", "00042", a KVK number): no words to stem."""
    return not any(ch.isspace() for ch in value) and any(ch.isdigit() for ch in value)


class IdChoiceFilter(django_filters.ModelChoiceFilter):
    """A bad id ("999999", "-1", "abc") is a form error and the filter is ignored, never a database error."""

    field_class = IdChoiceField


class TopicChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = TopicChoiceField  # business topics per team first, then the other products


class UserChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = UserChoiceField  # full names, not usernames


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Zoeken"), method="filter_text")
    # distinct=False: a status filter joins nothing, and SELECT DISTINCT over every column costs seconds at 1M.
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"),
        choices=Status.choices,
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
        method="filter_status",
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
        kvk = normalise.kvk_number(value) or value
        if connection.vendor != "postgresql":  # SQLite (demo, tests): a plain scan is fast enough there
            return queryset.filter(
                Q(reference__icontains=value)
                | Q(subject__icontains=value)
                | Q(question__icontains=value)
                | Q(company__name__icontains=value)
                | Q(company__kvk_number=kvk)
                | Q(contact__name__icontains=value)
                | Q(contact__email__iexact=value)
            )
        # PostgreSQL: every part is answered by an index (Dutch full text, trigram, KVK, e-mail), and the
        # matching companies and contacts are looked up first, so the case query is one OR of index scans.
        companies = Company.objects.filter(Q(name__icontains=value) | Q(kvk_number=kvk))
        contacts = Contact.objects.filter(Q(name__icontains=value) | Q(email__iexact=value))
        condition = Q(reference__icontains=value)
        if not _looks_like_a_code(value):  # words: Dutch full text; a reference or number: the trigram index
            condition |= Q(search_document=SearchQuery(value, config=SEARCH_CONFIG, search_type="websearch"))
        if company_ids := list(companies.order_by().values_list("pk", flat=True)[:TEXT_MATCH_LIMIT]):
            condition |= Q(company_id__in=company_ids)
        if contact_ids := list(contacts.order_by().values_list("pk", flat=True)[:TEXT_MATCH_LIMIT]):
            condition |= Q(contact_id__in=contact_ids)
        return queryset.filter(condition)

    def filter_status(self, queryset, name, value):
        # One `status IN (...)`, which an index answers; the default ORs one condition per status.
        return queryset.filter(status__in=value) if value else queryset

    def filter_team(self, queryset, name, value):
        if not value:
            return queryset
        # Exists, not a join: a join on hand-offs repeats a case per hand-off and needed DISTINCT.
        handed_off = Exists(Handoff.objects.filter(case=OuterRef("pk"), team=value))
        return queryset.filter(Q(proposed_team=value) | handed_off)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = overdue_q(timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)
