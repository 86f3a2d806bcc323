"""Writes about companies: details (also from KVK), notes, visits and their follow-up actions."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from intake import normalise
from intake.models import Channel, Company
from intake.services import case_submit

from .kvk import KvkProfile
from .models import CompanyNote, CompanyVisit, VisitAction
from .workflow import check_visit_transition

User = AbstractBaseUser

COMPANY_FIELDS = (
    "kvk_number",
    "branch_number",
    "name",
    "sbi_codes",
    "address",
    "postcode",
    "city",
    "email",
    "phone",
)


@transaction.atomic
def company_save(*, actor: User, company: Company | None = None, **values) -> Company:
    company = company or Company()
    for key in COMPANY_FIELDS:
        if key in values:
            value = (values[key] or "").strip()
            setattr(company, key, normalise.postcode(value) if key == "postcode" and value else value)
    if "account_manager" in values:
        company.account_manager = values["account_manager"]
    if not company.kvk_number:
        company.kvk_number = None  # unique, so "no number" is NULL, not ""
    company._history_user = actor  # the change history says who changed what
    company.save()
    return company


@transaction.atomic
def company_fill_from_kvk(*, company: Company, profile: KvkProfile, actor: User | None) -> Company:
    """Take over what KVK knows; keep our own values where KVK has none."""
    company.kvk_number = profile.kvk_number or company.kvk_number
    company.name = profile.name or company.name
    company.branch_number = profile.branch_number or company.branch_number
    company.address = profile.address or company.address
    company.postcode = normalise.postcode(profile.postcode) if profile.postcode else company.postcode
    company.city = profile.city or company.city
    if profile.sbi_codes:
        company.sbi_codes = ", ".join(profile.sbi_codes)[:100]
    company.kvk_checked_at = timezone.now()
    company._history_user = actor
    company.save()
    return company


@transaction.atomic
def company_add_note(*, company: Company, actor: User, body: str) -> CompanyNote:
    return CompanyNote.objects.create(company=company, author=actor, body=body)


@transaction.atomic
def visit_plan(
    *, company: Company, actor: User, planned_for, purpose: str, visitors=(), alderman: str = ""
) -> CompanyVisit:
    visit = CompanyVisit(
        company=company, planned_for=planned_for, purpose=purpose, alderman=alderman, created_by=actor
    )
    visit._history_user = actor
    visit.save()
    visit.visitors.set(visitors)
    return visit


@transaction.atomic
def visit_update(
    *,
    visit: CompanyVisit,
    actor: User,
    planned_for,
    purpose: str,
    visitors,
    alderman: str,
    notes: str,
    status: str,
) -> CompanyVisit:
    """Edit a visit; a status change must be in `companies.workflow` (else `VisitTransitionNotAllowed`)."""
    visit = CompanyVisit.objects.select_for_update().get(pk=visit.pk)
    check_visit_transition(visit.status, status)
    visit.planned_for, visit.purpose, visit.alderman, visit.notes = planned_for, purpose, alderman, notes
    if status == CompanyVisit.Status.DONE and visit.status != CompanyVisit.Status.DONE:
        visit.done_at = timezone.now()
    visit.status = status
    visit._history_user = actor
    visit.save()
    visit.visitors.set(visitors)
    return visit


@transaction.atomic
def visit_add_action(*, visit: CompanyVisit, actor: User, description: str) -> VisitAction:
    """A follow-up action becomes a case for the company, owned by team economie like every question."""
    company = visit.company
    contact = company.contacts.order_by("-created_at").first()
    submitted = case_submit(
        question=description,
        subject=_("Actie uit bedrijfsbezoek %(date)s")
        % {"date": f"{timezone.localtime(visit.planned_for):%d-%m-%Y}"},
        contact_name=contact.name if contact else company.name or _("Bedrijf"),
        email=contact.email if contact else "",
        phone=contact.phone if contact else "",
        channel=Channel.ADMINISTRATIVE,
        company=company,
        created_by=actor,
    )
    return VisitAction.objects.create(
        visit=visit, description=description, case=submitted.case, created_by=actor
    )
