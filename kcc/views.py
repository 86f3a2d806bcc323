"""The KCC workstation: one screen for a call in progress, its suggestions endpoint and the weekly report.

Entry points (docs/decisions/0001): they call intake, routing (knowledge, router) and followup services.
"""

from datetime import timedelta

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from followup.models import CallbackRequest
from intake import selectors as intake_selectors
from intake.forms import KccQuestionForm
from intake.models import Contact
from intake.views import form_with_staging, rerender_with_staged, submit_question
from knowledge import selectors as knowledge_selectors
from routing import selectors as routing_selectors
from teams import audit
from teams.access import case_directors_only as kcc_only  # team economie takes calls too
from teams.access import roles_for

from . import selectors
from . import services as kcc
from .forms import KccCallForm
from .models import KccCall


def _caller_by_ids(user, company_id, contact_id) -> tuple:
    """The company and contact with these ids, scoped to the user; (None, None) for anything else."""
    company = contact = None
    try:
        if company_id:
            company = intake_selectors.company_for(user, int(company_id))
        if company and contact_id:
            contact = Contact.objects.filter(pk=int(contact_id), company=company).first()
    except (ValueError, TypeError, Http404):
        company = contact = None
    return company, contact


def _caller(request, form=None) -> tuple:
    """The selected company and contact: from the call form (POST) or the query string (a link to a new call)."""
    if form is not None:
        return _caller_by_ids(request.user, form["company"].data, form["contact"].data)
    return _caller_by_ids(request.user, request.GET.get("bedrijf"), request.GET.get("contact"))


def _matches(user, query: str) -> list:
    """The lookup's matches; a company found without a contact is followed by its contacts (one query), so the
    agent can pick the person on the line and have their name and phone filled in."""
    found = intake_selectors.lookup(user, query) if query else []
    if query:  # the trail keeps the searched value masked and fingerprinted, never in clear (teams.audit)
        audit.record(user=user, action=audit.Action.LOOKUP, searched=query, detail=f"found={len(found)}")
    companies = [m.company for m in found if m.company and m.contact is None]
    contacts: dict[int, list[Contact]] = {}
    for person in Contact.objects.filter(company__in=companies).order_by("name", "pk"):
        contacts.setdefault(person.company_id, []).append(person)
    rows = []
    for match in found:
        rows.append(match)
        if match.company and match.contact is None:
            rows += [
                intake_selectors.CompanyMatch(match.company, person, "company_contact")
                for person in contacts.get(match.company.pk, [])[:5]
            ]
    return rows


def _suggestions(text: str) -> dict:
    """Knowledge articles and the router's topic and team for what was typed so far."""
    if len(text.strip()) < 3:
        return {"hits": [], "hints": []}
    hints = routing_selectors.router_hints(text)
    boost = [(h.topic.slug, h.probability) for h in hints]
    hits = knowledge_selectors.search(text, limit=5, topic_boost=boost)
    return {"hits": hits, "hints": hints}


# Buttons of the call form that write nothing and keep everything typed (the caller lookup and its choices).
KEEP_TYPING = ("lookup", "pick", "clear_caller")


@kcc_only
def workstation(request):
    """One form for the whole call, so a lookup mid-call loses nothing that was typed.

    GET: a new call (from a company page: ?bedrijf=&contact=). POST: look up or pick the caller (no write),
    suggestions (no write) or one of the outcomes.
    """
    if request.method != "POST":
        company, contact = _caller(request)
        initial = {"company": company.pk if company else None, "contact": contact.pk if contact else None}
        if contact:
            initial.update(contact_name=contact.name, phone=contact.phone, email=contact.email)
        elif company:
            initial.update(phone=company.phone, email=company.email)
        return _render(
            request,
            KccCallForm(initial=initial),
            query=request.GET.get("zoek", ""),
            company=company,
            contact=contact,
        )
    form = KccCallForm(request.POST)
    action = "pick" if "pick" in request.POST else request.POST.get("action", "")
    if action in KEEP_TYPING:
        return _keep_typing(request, form, action)
    outcome = request.POST.get("outcome", "suggest")
    company, contact = _caller(request, form)
    if (
        form.is_valid()
        and outcome != "suggest"
        and form.check_outcome(outcome, contact=contact, company=company)
    ):
        call = _record_outcome(request, form, outcome, company, contact)
        if call is not None:
            return redirect(reverse("kcc:workstation") + f"?klaar={call.pk}")
    suggestions = _suggestions(request.POST.get("call-question", ""))
    if suggestions["hints"] and not form.errors:
        # Pre-select the router's topic and team (the agent can change them before choosing an outcome).
        data = request.POST.copy()
        _preselect(data, suggestions["hints"], prefix="call-")
        form = KccCallForm(data)
        form.is_valid()
    return _render(
        request,
        form,
        query=request.POST.get("zoek", ""),
        company=company,
        contact=contact,
        suggestions=suggestions,
        selected_article=request.POST.get("call-article", ""),
        status=400 if form.errors else 200,
    )


def _preselect(data, hints, prefix: str = "") -> None:
    """The router's first topic and team, where the agent chose none."""
    if not data.get(f"{prefix}topic"):
        data[f"{prefix}topic"] = str(hints[0].topic.pk)
    if not data.get(f"{prefix}team"):
        data[f"{prefix}team"] = str(hints[0].team.pk)


def _keep_typing(request, form: KccCallForm, action: str):
    """Look up or (un)pick the caller: everything typed comes back as it was, without error messages; picking
    a caller fills in their name, phone and e-mail."""
    typed = {name: form[name].data for name in form.fields}
    if action == "pick":
        company_id, _sep, contact_id = request.POST.get("pick", "").partition(":")
        company, contact = _caller_by_ids(request.user, company_id, contact_id)
        if contact:
            typed.update(
                contact_name=contact.name or typed["contact_name"],
                phone=contact.phone or typed["phone"],
                email=contact.email or typed["email"],
            )
        elif company:
            typed.update(phone=typed["phone"] or company.phone, email=typed["email"] or company.email)
    elif action == "clear_caller":
        company = contact = None
    else:
        company, contact = _caller(request, form)
    typed.update(company=company.pk if company else None, contact=contact.pk if contact else None)
    suggestions = _suggestions(typed["question"] or "")
    if suggestions["hints"]:
        _preselect(typed, suggestions["hints"])
    return _render(
        request,
        KccCallForm(initial=typed),
        query=request.POST.get("zoek", ""),
        company=company,
        contact=contact,
        suggestions=suggestions,
        selected_article=request.POST.get("call-article", ""),
    )


def _render(
    request, form, *, query, company, contact, suggestions=None, selected_article: str = "", status: int = 200
):
    query = query.strip()
    suggestions = suggestions or {"hits": [], "hints": []}
    open_cases, recent_cases = (
        intake_selectors.company_open_and_recent(request.user, company) if company else ([], [])
    )
    callbacks = (
        list(
            CallbackRequest.objects.filter(case__company=company)
            .select_related("team", "case")
            .order_by("-created_at")[:10]
        )
        if company
        else []
    )
    done = None
    if request.GET.get("klaar", "").isdigit():
        done = (
            KccCall.objects.filter(pk=int(request.GET["klaar"]), agent=request.user)
            .select_related("case", "team")
            .first()
        )
    return render(
        request,
        "kcc/workstation.html",
        {
            "form": form,
            "query": query,
            "matches": _matches(request.user, query),
            "company": company,
            "contact": contact,
            "open_cases": open_cases,
            "recent_cases": recent_cases,
            "callbacks": callbacks,
            "hits": suggestions["hits"],
            "hints": suggestions["hints"],
            "selected_article": selected_article,
            "done": done,
        },
        status=status,
    )


def _record_outcome(request, form, outcome, company, contact):
    """One service per outcome; the message tells the agent what to do next."""
    data = form.cleaned_data
    call = kcc.Call(
        question=data["question"],
        contact_name=data["contact_name"],
        email=data["email"],
        phone=data["phone"],
        company=company,
        contact=contact,
        topic=data["topic"],
        could_not_answer=data["could_not_answer"],
        channel=data["channel"],
        submission_key=data["submission_key"],
    )
    user = request.user
    if outcome == KccCall.Outcome.ANSWERED:
        article = knowledge_selectors.published_articles().filter(pk=data["article"]).first()
        if article is None:
            form.add_error(None, _("Dit kennisartikel bestaat niet (meer). Kies een ander artikel."))
            return None
        logged = kcc.kcc_answer_on_the_spot(call=call, actor=user, article=article)
        messages.success(
            request, _("Vastgelegd als direct beantwoord (%(ref)s).") % {"ref": logged.case.reference}
        )
    elif outcome == KccCall.Outcome.TRANSFERRED:
        logged = kcc.kcc_transfer(call=call, team=data["team"], actor=user)
        messages.success(
            request,
            _("Verbind door met %(team)s: %(phone)s. Het gesprek is vastgelegd.")
            % {"team": data["team"].name, "phone": data["team"].phone or "-"},
        )
    elif outcome == KccCall.Outcome.CALLBACK:
        logged = kcc.kcc_callback(
            call=call,
            team=data["team"],
            moment=data["callback_moment"],
            note=data["callback_note"],
            actor=user,
        )
        callback = logged.case.callbacks.order_by("-pk").first()
        messages.success(
            request,
            _("Terugbelverzoek vastgelegd (%(ref)s): terugbellen vóór %(due)s.")
            % {"ref": logged.case.reference, "due": f"{timezone.localtime(callback.due_at):%d-%m-%Y %H:%M}"},
        )
    elif outcome == KccCall.Outcome.REGIE:
        logged = kcc.kcc_to_owner(call=call, actor=user)
        messages.success(
            request, _("Doorgezet naar team economie (%(ref)s).") % {"ref": logged.case.reference}
        )
    else:
        form.add_error(None, _("Kies een uitkomst."))
        return None
    return logged


@kcc_only
def suggestions_json(request):
    """As-you-type suggestions for the KCC screen (static/js/kcc.js)."""
    text = request.GET.get("q", "")[:2000]
    found = _suggestions(text)
    return JsonResponse(
        {
            "articles": [
                {
                    "id": hit.article.pk,
                    "title": hit.article.title,
                    "topic": hit.article.topic.name,
                    "topic_id": hit.article.topic_id,
                    "team": hit.article.owner_team.name,
                    "public_answer": hit.article.public_answer,
                    "internal_notes": hit.article.internal_notes,
                    "needs_review": hit.article.needs_review,
                    "url": reverse("knowledge:detail", args=[hit.article.pk]),
                }
                for hit in found["hits"]
            ],
            "routing": [
                {
                    "topic_id": hint.topic.pk,
                    "topic": hint.topic.name,
                    "team_id": hint.team.pk,
                    "team": hint.team.name,
                    "phone": hint.team.phone,
                    "p": round(hint.probability, 2),
                }
                for hint in found["hints"]
            ],
        }
    )


@kcc_only
def report(request):
    """The KCC per week: calls, first-contact resolution, transfers per team, callbacks on time, gaps."""
    try:
        weeks = max(1, min(int(request.GET.get("weken", 8)), 52))
    except ValueError:
        weeks = 8
    rows = selectors.kcc_report_weeks(weeks=weeks)
    gap_rows = knowledge_selectors.gap_report(since=rows[-1].week)[:10]
    busiest = max((row.calls for row in rows), default=0)
    chart = [(row, row.bar_segments(busiest)) for row in reversed(rows)]  # oldest week first
    return render(
        request,
        "kcc/report.html",
        {"rows": rows, "weeks": weeks, "gap_rows": gap_rows, "week_end": timedelta(days=6), "chart": chart},
    )


@kcc_only  # the KCC and team economie; a department forwards a question with /doorsturen/
def new_question(request):
    """The full intake form for a phone, counter or administrative question (KCC and team economie)."""
    form = form_with_staging(KccQuestionForm, request)
    if request.method == "POST":
        if form.is_valid():
            submitted = submit_question(form, channel=form.cleaned_data["channel"], created_by=request.user)
            messages.success(
                request,
                _("Vraag %(ref)s is vastgelegd. Verwachte antwoorddatum: %(date)s.")
                % {"ref": submitted.case.reference, "date": f"{submitted.case.deadline:%d-%m-%Y}"},
            )
            if roles_for(request.user).sees_all_cases:
                return redirect("casework:case-detail", pk=submitted.case.pk)
            return redirect("kcc:new")
        rerender_with_staged(form)
    return render(request, "kcc/new.html", {"form": form}, status=400 if form.errors else 200)
