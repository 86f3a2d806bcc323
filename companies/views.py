"""Company pages (CRM): list and lookup, the company page with one timeline, KVK lookup, notes and visits.

Team economie and the KCC see every company; a department member only what was handed to their team(s).
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from followup.models import CallbackRequest
from intake import normalise
from intake import selectors as intake_selectors
from intake.models import AccountManagerProfile, Company
from teams import audit
from teams.access import case_directors_only as kcc_only
from teams.access import staff_member_required

from . import kvk, selectors, services, workflow
from .forms import CompanyForm, CompanyNoteForm, KvkLookupForm, VisitActionForm, VisitForm
from .models import CompanyVisit


@staff_member_required
def company_list(request):
    text = request.GET.get("zoek", "").strip()
    page = Paginator(selectors.company_list(request.user, text), 25).get_page(request.GET.get("page"))
    return render(request, "companies/list.html", {"page": page, "query": text})


@staff_member_required
@audit.logged(audit.Action.VIEW, "intake.company")
def company_detail(request, pk: int):
    company = intake_selectors.company_for(request.user, pk)
    full = intake_selectors.sees_full_company(request.user)
    callbacks = (
        list(CallbackRequest.objects.filter(case__company=company).select_related("team", "case", "assignee"))
        if full
        else []
    )
    return render(
        request,
        "companies/detail.html",
        {
            "company": company,
            "full": full,
            "account_manager": intake_selectors.account_manager_for(company) if full else None,
            "contacts": selectors.company_contacts(request.user, company),
            "timeline": selectors.company_timeline(request.user, company, callbacks=callbacks),
            "note_form": CompanyNoteForm(),
        },
    )


def _kvk_initial(request) -> tuple[dict, list]:
    """Look up a KVK number or name; on trouble a clear message and an empty result (the form still works)."""
    lookup = KvkLookupForm(request.GET or None)
    if not lookup.is_valid():
        return {}, []
    query = lookup.cleaned_data["query"]
    try:
        if number := normalise.kvk_number(query):
            profile = kvk.basisprofiel(number)
            if profile is None:
                messages.warning(
                    request, _("KVK kent dit nummer niet. Controleer het nummer of vul de gegevens zelf in.")
                )
                return {"kvk_number": number}, []
            return {
                "kvk_number": profile.kvk_number,
                "branch_number": profile.branch_number,
                "name": profile.name,
                "sbi_codes": ", ".join(profile.sbi_codes),
                "address": profile.address,
                "postcode": profile.postcode,
                "city": profile.city,
            }, []
        results = kvk.search(name=query)
        if not results:
            messages.warning(request, _("Geen bedrijf gevonden in het KVK Handelsregister."))
        return {"name": query}, results
    except kvk.KvkUnavailable as error:
        messages.warning(request, str(error))
        return {}, []


@kcc_only
def company_new(request):
    if request.method == "POST":
        form = CompanyForm(request.POST)
        if form.is_valid():
            if (
                form.cleaned_data["kvk_number"]
                and Company.objects.filter(kvk_number=form.cleaned_data["kvk_number"]).exists()
            ):
                form.add_error("kvk_number", _("Er is al een bedrijf met dit KVK-nummer."))
            else:
                company = services.company_save(actor=request.user, **form.cleaned_data)
                messages.success(request, _("Bedrijf opgeslagen."))
                return redirect("companies:company-detail", pk=company.pk)
        results = []
    else:
        initial, results = _kvk_initial(request)
        form = CompanyForm(initial=initial)
    return render(
        request,
        "companies/form.html",
        {"form": form, "lookup": KvkLookupForm(request.GET or None), "results": results, "company": None},
        status=400 if form.errors else 200,
    )


@kcc_only
def company_edit(request, pk: int):
    company = intake_selectors.company_for(request.user, pk)
    if request.method == "POST":
        form = CompanyForm(request.POST)
        if form.is_valid():
            number = form.cleaned_data["kvk_number"]
            if number and Company.objects.filter(kvk_number=number).exclude(pk=company.pk).exists():
                form.add_error("kvk_number", _("Er is al een ander bedrijf met dit KVK-nummer."))
            else:
                services.company_save(actor=request.user, company=company, **form.cleaned_data)
                messages.success(request, _("Bedrijf opgeslagen."))
                return redirect("companies:company-detail", pk=company.pk)
    else:
        form = CompanyForm(
            initial={f: getattr(company, f) or "" for f in services.COMPANY_FIELDS}
            | {"account_manager": company.account_manager}
        )
    return render(
        request,
        "companies/form.html",
        {"form": form, "company": company, "lookup": None, "results": []},
        status=400 if form.errors else 200,
    )


@require_POST
@kcc_only
def company_refresh_from_kvk(request, pk: int):
    company = intake_selectors.company_for(request.user, pk)
    if not company.kvk_number:
        messages.error(request, _("Dit bedrijf heeft geen KVK-nummer."))
        return redirect("companies:company-detail", pk=pk)
    try:
        profile = kvk.basisprofiel(company.kvk_number)
    except kvk.KvkUnavailable as error:
        messages.warning(request, str(error))
        return redirect("companies:company-detail", pk=pk)
    if profile is None:
        messages.warning(request, _("KVK kent dit nummer niet."))
    else:
        services.company_fill_from_kvk(company=company, profile=profile, actor=request.user)
        messages.success(request, _("Gegevens bijgewerkt uit het KVK Handelsregister."))
    return redirect("companies:company-detail", pk=pk)


@require_POST
@kcc_only
def company_note(request, pk: int):
    company = intake_selectors.company_for(request.user, pk)
    form = CompanyNoteForm(request.POST)
    if form.is_valid():
        services.company_add_note(company=company, actor=request.user, body=form.cleaned_data["body"])
        messages.success(request, _("Notitie toegevoegd."))
    else:
        messages.error(request, _("Vul de notitie in."))
    return redirect("companies:company-detail", pk=pk)


@kcc_only
def visit_new(request, pk: int):
    company = intake_selectors.company_for(request.user, pk)
    form = VisitForm(request.POST or None, initial={"visitors": [request.user]})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        visit = services.visit_plan(
            company=company,
            actor=request.user,
            planned_for=data["planned_for"],
            purpose=data["purpose"],
            visitors=data["visitors"],
            alderman=data["alderman"],
        )
        messages.success(request, _("Bedrijfsbezoek gepland."))
        return redirect("companies:visit-detail", pk=visit.pk)
    return render(
        request,
        "companies/visit_form.html",
        {"form": form, "company": company, "visit": None},
        status=400 if form.errors else 200,
    )


@kcc_only
def visit_detail(request, pk: int):
    visit = selectors.visit_for(request.user, pk)
    if request.method == "POST":
        form = VisitForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.visit_update(visit=visit, actor=request.user, **data)
            except workflow.VisitTransitionNotAllowed as error:
                form.add_error("status", str(error))
            else:
                messages.success(request, _("Bedrijfsbezoek opgeslagen."))
                return redirect("companies:visit-detail", pk=visit.pk)
    else:
        form = VisitForm(
            initial={
                "planned_for": visit.planned_for,
                "purpose": visit.purpose,
                "visitors": list(visit.visitors.all()),
                "alderman": visit.alderman,
                "status": visit.status,
                "notes": visit.notes,
            }
        )
    return render(
        request,
        "companies/visit_form.html",
        {
            "form": form,
            "company": visit.company,
            "visit": visit,
            "actions": visit.actions.select_related("case"),
            "action_form": VisitActionForm(),
        },
        status=400 if form.errors else 200,
    )


@require_POST
@kcc_only
def visit_action(request, pk: int):
    visit = selectors.visit_for(request.user, pk)
    form = VisitActionForm(request.POST)
    if form.is_valid():
        action = services.visit_add_action(
            visit=visit, actor=request.user, description=form.cleaned_data["description"]
        )
        messages.success(
            request, _("Vervolgactie is vraag %(ref)s geworden.") % {"ref": action.case.reference}
        )
    else:
        messages.error(request, _("Beschrijf de vervolgactie."))
    return redirect("companies:visit-detail", pk=pk)


@kcc_only
def visit_list(request):
    visits = selectors.visits_for(request.user).order_by("-planned_for")
    status = request.GET.get("status", "")
    if status in CompanyVisit.Status.values:
        visits = visits.filter(status=status)
    page = Paginator(visits, 25).get_page(request.GET.get("page"))
    return render(request, "companies/visit_list.html", {"page": page, "status": status})


def account_manager_photo(request, pk: int):
    """Public: the photo of an account manager shown on the start page (only for public profiles)."""
    profile = AccountManagerProfile.objects.filter(pk=pk, is_public=True).exclude(photo="").first()
    if profile is None:
        raise Http404
    try:
        handle = profile.photo.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    content_type = "image/png" if profile.photo.name.lower().endswith(".png") else "image/jpeg"
    return FileResponse(handle, content_type=content_type)
