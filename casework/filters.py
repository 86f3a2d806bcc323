import django_filters
from django import forms
from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intake import normalise
from intake.forms import PlainSelect
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


class PlainNullBooleanSelect(PlainSelect, forms.NullBooleanSelect):
    """Yes / no / unknown, its options written in Python (intake.forms.PlainSelect)."""


class CaseFilterForm(forms.Form):
    """The filter form, drawn by templates/casework/includes/filter_fields.html without crispy-forms: crispy's
    templates per field and per checkbox were half the case list's rendering time. The classes crispy added
    are set here instead: Bootstrap's, and `is-invalid` on a field with an error (Django adds aria-invalid and
    aria-describedby itself)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_classes()

    def full_clean(self):
        super().full_clean()
        self._set_classes()

    def _set_classes(self):
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.CheckboxSelectMultiple):
                continue  # each checkbox is drawn by the template
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = f"{css} is-invalid" if self.errors and name in self.errors else css


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
    channel = django_filters.ChoiceFilter(label=_("Kanaal"), choices=Channel.choices, widget=PlainSelect)
    overdue = django_filters.BooleanFilter(
        label=_("Over de termijn"), method="filter_overdue", widget=PlainNullBooleanSelect
    )
    triage = django_filters.BooleanFilter(
        label=_("Wacht op triage"), field_name="needs_triage", widget=PlainNullBooleanSelect
    )

    class Meta:
        model = Case
        fields = ["q", "status", "topic", "team", "owner", "channel", "overdue", "triage"]
        form = CaseFilterForm

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["owner"].queryset = owners
        self.branches: tuple[QuerySet, ...] = ()  # see filter_queryset

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
        # Applied last, in filter_queryset: the other filters' result splits into the team's two branches.
        return queryset

    def filter_queryset(self, queryset):
        """The filters, then the team: a team's cases are those proposed to it or handed to it.

        No index answers that OR, and PostgreSQL guesses that it matches half of all cases: for a team with few
        or no cases it read the whole table looking for a page. Each side alone is one index read that the
        planner estimates well, so `branches` holds both sides (each with every other filter), and the case
        list reads its pages and count as their union (casework.keyset); `qs` keeps the OR for anything else.
        """
        self.branches = ()
        queryset = super().filter_queryset(queryset)
        team = self.form.cleaned_data.get("team")
        if not team:
            return queryset
        proposed = Q(proposed_team=team)
        # Exists, not a join: a join on hand-offs repeats a case per hand-off and needed DISTINCT.
        handed_off = Exists(Handoff.objects.filter(case=OuterRef("pk"), team=team))
        self.branches = (queryset.filter(proposed), queryset.filter(handed_off))
        return queryset.filter(proposed | handed_off)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = overdue_q(timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)
