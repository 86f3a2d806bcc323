"""The KCC workstation: one screen for a call in progress, its suggestions endpoint and the weekly report.

Entry points (docs/decisions/0001): they call intake, routing (knowledge, router) and followup services.
"""

from datetime import timedelta

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from followup.models import CallbackRequest
from intake import selectors as intake_selectors
from intake.forms import KccQuestionForm
from intake.models import Contact
from intake.views import form_with_staging, rerender_with_staged, submit_question
from knowledge import selectors as knowledge_selectors
from routing import selectors as routing_selectors
from teams.access import case_directors_only as kcc_only  # team economie takes calls too
from teams.access import roles_for, staff_member_required

from . import selectors
from . import services as kcc
from .forms import KccCallForm
from .models import KccCall


def _caller(request, data) -> tuple:
    """The selected company and contact (from the form or the query string), scoped to the user."""
    company_id = data.get("company") or request.GET.get("bedrijf")
    contact_id = data.get("contact") or request.GET.get("contact")
    company = contact = None
    try:
        if company_id:
            company = intake_selectors.company_for(request.user, int(company_id))
        if contact_id:
            contact = Contact.objects.filter(pk=int(contact_id), company=company).first() if company else None
    except (ValueError, TypeError, Http404):
        company = contact = None
    return company, contact


def _suggestions(text: str) -> dict:
    """Knowledge articles and the router's topic and team for what was typed so far."""
    if len(text.strip()) < 3:
        return {"hits": [], "hints": []}
    hints = routing_selectors.router_hints(text)
    boost = [(h.topic.slug, h.probability) for h in hints]
    hits = knowledge_selectors.search(text, limit=5, topic_boost=boost)
    return {"hits": hits, "hints": hints}


@kcc_only
def workstation(request):
    """GET: find the caller, type the question. POST: suggestions (no write) or one of the outcomes."""
    query = request.GET.get("zoek", "").strip()
    matches = intake_selectors.lookup(request.user, query) if query else []
    if request.method == "POST":
        form = KccCallForm(request.POST)
        outcome = request.POST.get("outcome", "suggest")
        valid = form.is_valid()
        company, contact = _caller(request, form.cleaned_data if valid else {})
        if (
            valid
            and outcome != "suggest"
            and form.check_outcome(
                outcome,
                contact_phone=contact.phone if contact else "",
                contact_name=contact.name if contact else "",
            )
        ):
            call = _record_outcome(request, form, outcome, company, contact)
            if call is not None:
                return redirect(reverse("kcc:workstation") + f"?klaar={call.pk}")
        question = request.POST.get("call-question", "")
        status = 400 if form.errors else 200
    else:
        company, contact = _caller(request, {})
        initial = {"company": company.pk if company else None, "contact": contact.pk if contact else None}
        if contact:
            initial.update(contact_name=contact.name, phone=contact.phone, email=contact.email)
        form = KccCallForm(initial=initial)
        question, status = "", 200
    suggestions = _suggestions(question)
    if request.method == "POST" and suggestions["hints"] and not form.errors:
        # Pre-select the router's topic and team (the agent can change them before choosing an outcome).
        top = suggestions["hints"][0]
        data = request.POST.copy()
        data.setdefault("call-topic", "")
        if not data.get("call-topic"):
            data["call-topic"] = str(top.topic.pk)
        if not data.get("call-team"):
            data["call-team"] = str(top.team.pk)
        form = KccCallForm(data)
        form.is_valid()
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
            "matches": matches,
            "company": company,
            "contact": contact,
            "open_cases": open_cases,
            "recent_cases": recent_cases,
            "callbacks": callbacks,
            "hits": suggestions["hits"],
            "hints": suggestions["hints"],
            "selected_article": form.data.get("call-article") if form.is_bound else "",
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
            _("Verbind door met %(team)s: %(phone)s. Vastgelegd als %(ref)s.")
            % {"team": data["team"].name, "phone": data["team"].phone or "-", "ref": logged.case.reference},
        )
    elif outcome == KccCall.Outcome.CALLBACK:
        logged = kcc.kcc_callback(call=call, team=data["team"], moment=data["callback_moment"], actor=user)
        messages.success(request, _("Terugbelverzoek vastgelegd (%(ref)s).") % {"ref": logged.case.reference})
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


@staff_member_required
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
