"""Reads of cases and companies, always scoped to what the requesting user may see. Views never build case
querysets. Also: who is a company's account manager, and the KCC's caller lookup."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from teams import refdata
from teams.access import roles_for

from . import normalise
from .models import (
    AccountManagerProfile,
    AccountManagerRule,
    Attachment,
    Case,
    Company,
    Contact,
    ContactPreference,
    Message,
    sbi_code_list,
)
from .outbox import OutboxMessage


def cases_for(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Case]:
    """Team economie and the KCC see every case; a department only cases handed to one of its teams."""
    roles = roles_for(user)
    base = Case.objects.select_related(
        "company", "contact", "topic", "owner", "owner_team", "proposed_team"
    ).defer("search_document")  # the search column is for WHERE only
    if roles.sees_all_cases:
        return base
    if roles.department_team_ids:
        return base.filter(handoffs__team_id__in=roles.department_team_ids).distinct()
    return base.none()


def case_list_for(user) -> QuerySet[Case]:
    """The dashboard's list: only for those who direct or log cases."""
    if not roles_for(user).sees_all_cases:
        return Case.objects.none()
    return cases_for(user)


def case_detail_for(user, pk: int) -> Case:
    """The full case page (with internal notes) is for team economie and the KCC; others get a 404."""
    try:
        return (
            case_list_for(user)
            .prefetch_related(
                Prefetch("attachments", queryset=Attachment.objects.order_by("uploaded_at")),
                # One query for the hand-offs with their team and people (routing.selectors.case_handoffs).
                Prefetch(
                    "handoffs",
                    queryset=Case._meta.get_field("handoffs")
                    .related_model.objects.select_related("team", "claimed_by", "created_by")
                    .order_by("created_at", "pk"),
                ),
            )
            .get(pk=pk)
        )
    except Case.DoesNotExist as exc:
        raise Http404 from exc


def case_by_token(token: str, *, with_related: bool = True) -> Case:
    """The case of a tracking link. `with_related=False`: the case row alone (the tracking page shows nothing of
    its contact, topic or company; a join of four wide tables cost a third of the page)."""
    cases = Case.objects.select_related("contact", "topic", "company") if with_related else Case.objects
    try:
        return cases.get(tracking_token_hash=Case.hash_token(token))
    except Case.DoesNotExist as exc:
        raise Http404 from exc


@dataclass(frozen=True)
class TimelineItem:
    at: datetime
    kind: str
    message: Message | None = None
    notification: OutboxMessage | None = None


def case_timeline(case: Case, *, public_only: bool = False) -> list[TimelineItem]:
    """Messages and (for staff) notifications sent, in time order, in two queries whatever their number."""
    messages = case.messages.prefetch_related("attachments")
    # The entrepreneur's view names no colleague (author_name is enough): no join of the users.
    messages = messages.filter(is_public=True) if public_only else messages.select_related("author")
    items = [TimelineItem(at=m.created_at, kind=m.kind, message=m) for m in messages]
    if not public_only:
        items += [
            TimelineItem(at=n.created_at, kind="notification", notification=n)
            for n in OutboxMessage.objects.filter(case=case).defer("body_html")
        ]
    return sorted(items, key=lambda item: item.at)


class Delivery:
    """How a final answer reaches the entrepreneur."""

    EMAIL = "email"
    PHONE = "phone"  # read out in a call: followup's callback request "antwoord telefonisch doorgeven"
    NONE = "none"  # neither an e-mail address nor a phone number (old cases): only on the tracking page


def answer_delivery(case: Case) -> str:
    """The one place that decides how the answer will be delivered: by phone when the entrepreneur asked for
    it (and gave a number) or when there is no e-mail address; else by e-mail."""
    contact = case.contact
    if contact.phone and (case.preferred_contact == ContactPreference.PHONE or not contact.email):
        return Delivery.PHONE
    if contact.email:
        return Delivery.EMAIL
    return Delivery.NONE


def attachment_for_staff(user, pk: int) -> Attachment:
    try:
        return Attachment.objects.select_related("case").get(pk=pk, case__in=cases_for(user))
    except Attachment.DoesNotExist as exc:
        raise Http404 from exc


def attachment_for_token(token: str, pk: int) -> Attachment:
    case = case_by_token(token)
    try:
        return case.attachments.get(Q(message__is_public=True) | Q(message__isnull=True), pk=pk)
    except Attachment.DoesNotExist as exc:
        raise Http404 from exc


def public_topic_by_slug(slug: str):
    from teams.selectors import public_topics

    return public_topics().filter(slug=slug).first()


COUNT_CAP = 10_000  # past this many, a tile says "meer dan 10.000": nobody needs the exact number


class CappedCount:
    """A count that stopped at `cap`: `int()` and comparisons use the number, the text says "meer dan …"."""

    def __init__(self, value: int, cap: int = COUNT_CAP):
        self.value, self.cap = min(value, cap + 1), cap

    @property
    def capped(self) -> bool:
        return self.value > self.cap

    def __int__(self) -> int:
        return self.value

    def __bool__(self) -> bool:
        return self.value > 0

    def __eq__(self, other) -> bool:
        return self.value == (other.value if isinstance(other, CappedCount) else other)

    def __hash__(self) -> int:
        return hash(self.value)

    def __lt__(self, other) -> bool:
        return self.value < int(other)

    def __gt__(self, other) -> bool:
        return self.value > int(other)

    def __str__(self) -> str:
        from django.utils.formats import number_format
        from django.utils.translation import gettext

        if self.capped:
            return gettext("meer dan %(count)s") % {"count": number_format(self.cap, force_grouping=True)}
        return number_format(self.value, force_grouping=True)

    __repr__ = __str__


def capped_counts(
    queryset: QuerySet, conditions: dict[str, Q], cap: int = COUNT_CAP
) -> dict[str, CappedCount]:
    """Count rows of `queryset` per condition in one query, each count stopping after `cap + 1` rows.

    Each counter is `(SELECT COUNT(*) FROM (SELECT id ... WHERE condition LIMIT cap + 1))`, so the database
    reads at most that many index entries per counter, whatever the size of the table.
    """
    from django.core.exceptions import EmptyResultSet
    from django.db import connections

    parts, params = [], []
    for position, condition in enumerate(conditions.values()):
        try:
            sql, condition_params = (
                queryset.filter(condition).order_by().values("pk")[: cap + 1].query.sql_with_params()
            )
        except EmptyResultSet:
            sql, condition_params = "SELECT 1 WHERE 1 = 0", ()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) counted_{position})")
        params.extend(condition_params)
    with connections[queryset.db].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return {name: CappedCount(value, cap) for name, value in zip(conditions, row, strict=True)}


def case_counts(user, *, extra: dict[str, Q] | None = None) -> dict[str, CappedCount]:
    """The dashboard's tiles in one query, each stopping at COUNT_CAP (served by the partial indexes on open
    cases); `extra` adds counters from higher layers (name -> condition)."""
    from django.utils import timezone

    from .workflow import OPEN, Status, overdue_q

    today = timezone.localdate()
    conditions = {
        "open": Q(status__in=OPEN),
        "new": Q(status=Status.NEW),
        "triage": Q(status__in=OPEN, needs_triage=True),
        "overdue": overdue_q(today),
        "waiting_department": Q(status=Status.WAITING_DEPARTMENT),
        **(extra or {}),
    }
    if not roles_for(user).sees_all_cases:
        return {name: CappedCount(0) for name in conditions}
    return capped_counts(Case.objects.all(), conditions)


def expected_answer_date(case: Case):
    """The date the entrepreneur may expect an answer: the deadline, or the later date a delay notice gave
    (``Case.expected_date``, set by followup.sweep.delay_notice). An older expected date (before a reopened
    case's new deadline) no longer counts."""
    if case.expected_date and (case.deadline is None or case.expected_date > case.deadline):
        return case.expected_date
    return case.deadline


# ----------------------------------------------------------------------------------------------------------
# Account managers


def active_account_manager_rules() -> list[AccountManagerRule]:
    """Cached per worker process until a rule or a user changes (teams.refdata, intake.apps)."""
    return refdata.cached(
        "account_manager_rules",
        lambda: list(AccountManagerRule.objects.filter(is_active=True).select_related("account_manager")),
    )


def account_manager_for(company: Company | None, rules: list[AccountManagerRule] | None = None):
    """The company's own account manager; else a company rule, the longest SBI prefix, the narrowest area."""
    if company is None:
        return None
    if company.account_manager_id:
        return company.account_manager
    if rules is None:
        rules = active_account_manager_rules()
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
    digits = normalise.postcode_digits(company.postcode)
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
    if kvk := normalise.kvk_number(text):
        return [CompanyMatch(c, None, "kvk") for c in companies.filter(kvk_number=kvk)[:limit]]
    if match := normalise.POSTCODE_PATTERN.match(text):
        digits, letters = match.group(1), match.group(2).upper()
        variants = [f"{digits}{letters}", f"{digits} {letters}"]
        return [CompanyMatch(c, None, "postcode") for c in companies.filter(postcode__in=variants)[:limit]]
    contacts = Contact.objects.filter(company__in=companies).select_related("company__account_manager")
    if "@" in text:
        return [
            CompanyMatch(c.company, c, "email")
            for c in contacts.filter(email__iexact=text).order_by("-created_at")[:limit]
        ]
    phone = normalise.phone_e164(text) if sum(ch.isdigit() for ch in text) >= 6 else None
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


def company_cases(user, company: Company) -> QuerySet[Case]:
    return (
        cases_for(user)
        .filter(company=company)
        .select_related("topic", "owner", "contact")
        .order_by("-created_at")
    )


def company_open_and_recent(user, company: Company, recent: int = 5) -> tuple[list[Case], list[Case]]:
    cases = list(company_cases(user, company)[:50])
    return [c for c in cases if c.is_open], [c for c in cases if not c.is_open][:recent]


def receipt_token_encrypted(case: Case) -> str:
    """The tracking token of a case's receipt while it waits in the outbox (encrypted, intake.crypto), for the
    confirmation page of a repeated post; "" once the receipt was sent (the e-mail has the link)."""
    row = OutboxMessage.objects.filter(key=f"receipt:{case.pk}").values("tracking_token_encrypted").first()
    return row["tracking_token_encrypted"] if row else ""
