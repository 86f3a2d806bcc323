"""Follow-up entry points: callback requests, the overviews, rating an answer and the owner's decisions.

Thin: validate, call one service, render. Reads come from the selectors (scoped to the user).
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from intake import selectors as intake_selectors
from intake.workflow import TransitionNotAllowed
from teams import audit
from teams.access import role_required, roles_for, sees_overviews
from teams.access import staff_member_required as staff_only

from . import selectors, services
from .forms import AttemptForm, CallbackCancelForm, CallbackForm, RatingForm, WaitingDecisionForm
from .models import SatisfactionRating

overview_only = role_required(sees_overviews)


def _visible_case(user, pk: int):
    case = intake_selectors.cases_for(user).filter(pk=pk).first()
    if case is None:
        raise Http404
    return case


def _back_to_case(request, case):
    if roles_for(request.user).sees_all_cases:
        return redirect("casework:case-detail", pk=case.pk)
    return redirect("followup:callbacks-mine")


# ----------------------------------------------------------------------------------------------------------
# Callback requests


@staff_only
def callback_new(request, case_pk: int):
    case = _visible_case(request.user, case_pk)
    if request.method == "POST":
        form = CallbackForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            services.callback_create(
                case=case,
                name=data["name"],
                phone=data["phone"],
                subject=data["subject"],
                team=data["team"],
                assignee=data["assignee"],
                preferred_moment=data["preferred_moment"],
                actor=request.user,
            )
            messages.success(request, _("Het terugbelverzoek is vastgelegd."))
            return _back_to_case(request, case)
    else:
        form = CallbackForm(initial={"name": case.contact.name, "phone": case.contact.phone})
    return render(
        request,
        "followup/callback_new.html",
        {"case": case, "form": form},
        status=400 if form.errors else 200,
    )


@staff_only
@audit.logged(audit.Action.VIEW, "followup.callbackrequest")
def callback_detail(request, pk: int):
    callback = selectors.callback_for(request.user, pk)
    form = AttemptForm()
    if request.method == "POST":
        form = AttemptForm(request.POST)
        if form.is_valid():
            try:
                services.callback_log_attempt(
                    callback=callback,
                    outcome=form.cleaned_data["outcome"],
                    note=form.cleaned_data["note"],
                    actor=request.user,
                )
            except services.FollowupNotAllowed as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("De belpoging is vastgelegd."))
            return redirect("followup:callback-detail", pk=callback.pk)
    return render(
        request,
        "followup/callback_detail.html",
        {
            "callback": callback,
            "form": form,
            "cancel_form": CallbackCancelForm(),
            "sees_case": roles_for(request.user).sees_all_cases,
            "now": timezone.now(),
        },
        status=400 if form.errors else 200,
    )


@require_POST
@staff_only
def callback_cancel(request, pk: int):
    callback = selectors.callback_for(request.user, pk)
    form = CallbackCancelForm(request.POST)
    if form.is_valid():
        try:
            services.callback_cancel(
                callback=callback, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except services.FollowupNotAllowed as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Het terugbelverzoek is vervallen."))
        return redirect("followup:callback-detail", pk=callback.pk)
    return render(
        request,
        "followup/callback_detail.html",
        {
            "callback": callback,
            "form": AttemptForm(),
            "cancel_form": form,
            "sees_case": roles_for(request.user).sees_all_cases,
            "now": timezone.now(),
        },
        status=400,
    )


@staff_only
def callbacks_mine(request):
    """Open callbacks for the user's teams (or assigned to them): a department member's list."""
    return render(
        request,
        "followup/callbacks_mine.html",
        {
            "callbacks": selectors.open_callbacks_for(request.user)[: selectors.OVERVIEW_LIMIT],
            "now": timezone.now(),
        },
    )


@overview_only
def callback_overview(request):
    return render(request, "followup/callbacks.html", {"groups": selectors.callback_overview(request.user)})


@overview_only
def deadline_overview(request):
    return render(request, "followup/deadlines.html", {"buckets": selectors.deadline_overview(request.user)})


# ----------------------------------------------------------------------------------------------------------
# The owner's decisions: after a low rating, and after waiting on the entrepreneur too long


@require_POST
@staff_only
def rating_reopen(request, pk: int):
    if not roles_for(request.user).owns_cases:
        raise Http404
    rating = SatisfactionRating.objects.filter(pk=pk).select_related("case").first()
    if rating is None:
        raise Http404
    try:
        services.rating_reopen(rating=rating, actor=request.user)
    except (services.FollowupNotAllowed, TransitionNotAllowed) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("De vraag is heropend met een nieuwe termijn."))
    return redirect("casework:case-detail", pk=rating.case_id)


@require_POST
@staff_only
def waiting_decision(request, case_pk: int):
    if not roles_for(request.user).owns_cases:
        raise Http404
    case = intake_selectors.case_detail_for(request.user, case_pk)
    form = WaitingDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Kies: sluiten of weer in behandeling nemen."))
        return redirect("casework:case-detail", pk=case.pk)
    try:
        if form.cleaned_data["decision"] == "close":
            services.case_close_no_reply(case=case, actor=request.user)
            messages.success(request, _("De vraag is gesloten en de ondernemer krijgt een bericht."))
        else:
            services.case_resume_after_waiting(case=case, actor=request.user)
            messages.success(request, _("De vraag is weer in behandeling; de termijn loopt weer."))
    except (services.FollowupNotAllowed, TransitionNotAllowed) as exc:
        messages.error(request, str(exc))
    return redirect("casework:case-detail", pk=case.pk)


# ----------------------------------------------------------------------------------------------------------
# Public: the entrepreneur rates the answer


def rate(request, token: str):
    case = intake_selectors.case_by_token(token)
    form = RatingForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.rating_submit(
                    case=case, score=form.cleaned_data["score"], comment=form.cleaned_data["comment"]
                )
            except services.FollowupNotAllowed as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Dank u wel voor uw beoordeling."))
            return redirect("intake:track", token=token)
    elif not services.can_rate(case):
        return redirect("intake:track", token=token)
    return render(
        request,
        "followup/rate.html",
        {"case": case, "form": form, "token": token},
        status=400 if form.errors else 200,
    )
