"""Reads about companies, always scoped to the requesting user.

Team economie and the KCC see every company. A department member sees a company only through the cases
handed to their team, and then only those cases: no contacts beyond those cases, no visits, no notes.
"""

import re
from dataclasses import dataclass
from datetime import datetime

import phonenumbers
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from teams.selectors import roles_for

from .models import (
    AccountManagerProfile,
    AccountManagerRule,
    Case,
    Company,
    CompanyNote,
    CompanyVisit,
    Contact,
    Message,
    postcode_digits,
    sbi_code_list,
)
from .selectors import cases_for
from .workflow import OPEN

KVK_RE = re.compile(r"^\d{8}$")
POSTCODE_RE = re.compile(r"^(\d{4})\s?([a-zA-Z]{2})$")


# ----------------------------------------------------------------------------------------------------------
# Account managers


def account_manager_for(company: Company | None, rules: list[AccountManagerRule] | None = None):
    """The company's own account manager; else a company rule, the longest SBI prefix, the narrowest area."""
    if company is None:
        return None
    if company.account_manager_id:
        return company.account_manager
    if rules is None:
        rules = list(AccountManagerRule.objects.filter(is_active=True).select_related("account_manager"))
    for rule in rules:
        if rule.kind == AccountManagerRule.Kind.COMPANY and rule.company_id == company.pk:
            return rule.account_manager
    codes = sbi_code_list(company)
    sector = [
        r
        for r in rules
        if r.kind == AccountManagerRule.Kind.SECTOR
        and r.sbi_prefix
        and any(code.startswith(r.sbi_prefix.strip()) for code in codes)
    ]
    if sector:
        return max(sector, key=lambda r: len(r.sbi_prefix.strip())).account_manager
    digits = postcode_digits(company.postcode)
    if digits is not None:
        area = [
            r
            for r in rules
            if r.kind == AccountManagerRule.Kind.AREA
            and r.postcode_from is not None
            and r.postcode_to is not None
            and r.postcode_from <= digits <= r.postcode_to
        ]
        if area:
            return min(area, key=lambda r: r.postcode_to - r.postcode_from).account_manager
    return None


@dataclass(frozen=True)
class PublicAccountManager:
    profile: AccountManagerProfile
    covers: list[str]  # sectors and areas, in words


def public_account_managers() -> list[PublicAccountManager]:
    """For the start page: two queries (profiles, rules)."""
    profiles = list(
        AccountManagerProfile.objects.filter(is_public=True, user__is_active=True).select_related("user")
    )
    rules = AccountManagerRule.objects.filter(
        is_active=True,
        kind__in=[AccountManagerRule.Kind.SECTOR, AccountManagerRule.Kind.AREA],
        account_manager_id__in=[p.user_id for p in profiles],
    )
    covers: dict[int, list[str]] = {}
    for rule in rules:
        covers.setdefault(rule.account_manager_id, []).append(rule.describe())
    return [PublicAccountManager(p, covers.get(p.user_id, [])) for p in profiles]


# ----------------------------------------------------------------------------------------------------------
# Scoping


def companies_for(user) -> QuerySet[Company]:
    roles = roles_for(user)
    if roles.sees_all_cases:
        return Company.objects.all()
    if roles.department_team_ids:
        return Company.objects.filter(cases__in=cases_for(user)).distinct()
    return Company.objects.none()


def company_for(user, pk: int) -> Company:
    try:
        return companies_for(user).select_related("account_manager").get(pk=pk)
    except Company.DoesNotExist as exc:
        raise Http404 from exc


def sees_full_company(user) -> bool:
    return roles_for(user).sees_all_cases


# ----------------------------------------------------------------------------------------------------------
# Lookup (KCC screen, company list)


def normalise_query_phone(text: str) -> str | None:
    try:
        number = phonenumbers.parse(text, "NL")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@dataclass(frozen=True)
class CompanyMatch:
    company: Company | None
    contact: Contact | None
    matched_on: str


def lookup(user, text: str, limit: int = 10) -> list[CompanyMatch]:
    """Find a caller's company or contact by KVK number, postcode, e-mail, phone or name.

    The kind of query is recognised from its shape, so each lookup is one indexed query (plus one for
    contacts by name).
    """
    text = (text or "").strip()
    if len(text) < 2:
        return []
    companies = companies_for(user).select_related("account_manager")
    compact = re.sub(r"[\s.]", "", text)
    if KVK_RE.match(compact):
        return [CompanyMatch(c, None, "kvk") for c in companies.filter(kvk_number=compact)[:limit]]
    if match := POSTCODE_RE.match(text):
        digits, letters = match.group(1), match.group(2).upper()
        variants = [f"{digits}{letters}", f"{digits} {letters}"]
        return [CompanyMatch(c, None, "postcode") for c in companies.filter(postcode__in=variants)[:limit]]
    contacts = Contact.objects.filter(company__in=companies).select_related("company__account_manager")
    if "@" in text:
        return [
            CompanyMatch(c.company, c, "email")
            for c in contacts.filter(email__iexact=text).order_by("-created_at")[:limit]
        ]
    phone = normalise_query_phone(text) if sum(ch.isdigit() for ch in text) >= 6 else None
    if phone:
        found = [CompanyMatch(c.company, c, "phone") for c in contacts.filter(phone=phone)[:limit]]
        found += [CompanyMatch(c, None, "phone") for c in companies.filter(phone=phone)[: limit - len(found)]]
        return found
    by_name = [
        CompanyMatch(c, None, "name") for c in companies.filter(name__icontains=text).order_by("name")[:limit]
    ]
    if len(by_name) < limit:
        by_name += [
            CompanyMatch(c.company, c, "contact")
            for c in contacts.filter(name__icontains=text).order_by("name")[: limit - len(by_name)]
        ]
    return by_name


# ----------------------------------------------------------------------------------------------------------
# The company page


@dataclass(frozen=True)
class CompanyEvent:
    at: datetime
    kind: str  # case, note, case_note, visit, callback
    obj: object


def company_cases(user, company: Company) -> QuerySet[Case]:
    return (
        cases_for(user)
        .filter(company=company)
        .select_related("topic", "owner", "contact")
        .order_by("-created_at")
    )


def company_open_and_recent(user, company: Company, recent: int = 5) -> tuple[list[Case], list[Case]]:
    cases = list(company_cases(user, company)[:50])
    return [c for c in cases if c.status in OPEN], [c for c in cases if c.status not in OPEN][:recent]


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
    return sorted(events, key=lambda e: e.at, reverse=True)


def company_visit_actions():
    from .models import VisitAction

    return VisitAction.objects.select_related("case")


def company_contacts(user, company: Company) -> QuerySet[Contact]:
    contacts = company.contacts.annotate(case_count=Count("cases")).order_by("name")
    if sees_full_company(user):
        return contacts
    return contacts.filter(cases__in=cases_for(user)).distinct()


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
