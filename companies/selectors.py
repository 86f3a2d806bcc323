"""Reads about companies, always scoped to the requesting user.

Team economie and the KCC see every company. A department member sees a company only through the cases
handed to their team, and then only those cases: no contacts beyond those cases, no visits, no notes.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from intake.models import Company, Contact, Message
from intake.selectors import cases_for, companies_for, company_cases, lookup, sees_full_company
from intake.workflow import OPEN

from .models import CompanyNote, CompanyVisit, VisitAction

# ----------------------------------------------------------------------------------------------------------
# The company page


@dataclass(frozen=True)
class CompanyEvent:
    at: datetime
    kind: str  # case, note, case_note, visit, callback, call (a KCC transfer)
    obj: object


def company_timeline(user, company: Company, callbacks=()) -> list[CompanyEvent]:
    """Every case, callback, visit and note across all channels, newest first, in a fixed number of queries.

    A department member gets only the cases handed to their team(s).
    """
    events = [CompanyEvent(c.created_at, "case", c) for c in company_cases(user, company)]
    if sees_full_company(user):
        notes = Message.objects.filter(case__company=company, kind=Message.Kind.NOTE).select_related(
            "case", "author"
        )
        events += [CompanyEvent(m.created_at, "case_note", m) for m in notes]
        events += [
            CompanyEvent(n.created_at, "note", n)
            for n in CompanyNote.objects.filter(company=company).select_related("author")
        ]
        visits = CompanyVisit.objects.filter(company=company).prefetch_related(
            "visitors", Prefetch("actions", queryset=company_visit_actions())
        )
        events += [CompanyEvent(v.planned_for, "visit", v) for v in visits]
        events += [CompanyEvent(cb.created_at, "callback", cb) for cb in callbacks]
        # KCC calls without a case (warm transfers). `kcc_calls` is the reverse relation of kcc.KccCall, read
        # without importing the kcc app (a top app, like this one); calls with a case show as that case.
        transfers = company.kcc_calls.filter(case__isnull=True).select_related("team", "agent")
        events += [CompanyEvent(call.created_at, "call", call) for call in transfers]
    return sorted(events, key=lambda e: e.at, reverse=True)


def company_visit_actions():

    return VisitAction.objects.select_related("case")


def company_contacts(user, company: Company) -> QuerySet[Contact]:
    """A department sees only the contacts of the cases handed to it, and counts only those cases."""
    if sees_full_company(user):
        return company.contacts.annotate(case_count=Count("cases")).order_by("name")
    visible = cases_for(user).values("pk")
    return (
        company.contacts.filter(cases__in=visible)
        .annotate(case_count=Count("cases", filter=Q(cases__in=visible), distinct=True))
        .order_by("name")
    )


def company_list(user, text: str = "") -> QuerySet[Company]:
    companies = companies_for(user).select_related("account_manager")
    if text:
        ids = [m.company.pk for m in lookup(user, text, limit=50) if m.company]
        companies = companies.filter(pk__in=ids)
    return companies.annotate(
        open_cases=Count("cases", filter=Q(cases__status__in=OPEN), distinct=True),
    ).order_by("name")


def visits_for(user) -> QuerySet[CompanyVisit]:
    if not sees_full_company(user):
        return CompanyVisit.objects.none()
    return CompanyVisit.objects.select_related("company").prefetch_related("visitors")


def visit_for(user, pk: int) -> CompanyVisit:
    try:
        return visits_for(user).get(pk=pk)
    except CompanyVisit.DoesNotExist as exc:
        raise Http404 from exc
