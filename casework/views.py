"""Team economie's case work: the case list, the case page and every owner action on it.

Each action is a thin view: it validates one small form, calls one service (intake's for the case itself,
routing's for hand-offs and closing) and redirects back to the case.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from intake import selectors as intake_selectors
from intake import services as intake_services
from intake.forms import NoteForm
from intake.views import attachment_response
from intake.workflow import TransitionNotAllowed
from routing import services as routing_services
from routing.forms import HandOffForm, SetTopicForm
from teams.access import case_directors_only, roles_for, staff_member_required
from teams.selectors import display_name, staff_users

from .filters import CaseFilter
from .forms import AnswerForm, AssignOwnerForm, CancelForm, ReferForm, ReopenForm, RequestInformationForm


@login_required
def staff_home(request):
    roles = roles_for(request.user)
    if roles.starts_at_kcc_screen:
        return redirect("kcc:workstation")
    if roles.sees_all_cases:
        return redirect("casework:case-list")
    if roles.is_department:
        return redirect("routing:inbox")
    return render(request, "casework/no_role.html", status=403)


# Sortable columns of the case list: `?sort=<key>` or `?sort=-<key>`; anything else keeps the default order.
CASE_SORTS = {
    "reference": ("reference",),
    "deadline": ("deadline", "-created_at"),
    "status": ("status", "-created_at"),
    "created": ("created_at",),
}


def _case_sort(value: str) -> tuple[str, tuple[str, ...] | None]:
    key = value.removeprefix("-")
    if key not in CASE_SORTS:
        return "", None
    descending = value.startswith("-")
    fields = CASE_SORTS[key]
    if descending:
        fields = (f"-{fields[0]}", *fields[1:])
    return value, fields


@case_directors_only
def case_list(request):
    queryset = intake_selectors.case_list_for(request.user)
    case_filter = CaseFilter(request.GET or None, queryset=queryset, owners=staff_users())
    sort, order = _case_sort(request.GET.get("sort", ""))
    page = Paginator(case_filter.qs.order_by(*order) if order else case_filter.qs, 25).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("sort", None)
    return render(
        request,
        "casework/case_list.html",
        {
            "filter": case_filter,
            "page": page,
            "query": query.urlencode(),  # without page and sort: the column headers add their own sort
            "sort": sort,
            "sort_query": f"{query.urlencode()}&sort={sort}" if sort else query.urlencode(),
            "counts": intake_selectors.case_counts(request.user),
        },
    )


def _case_page(request, case, **forms):
    roles = roles_for(request.user)
    context = {
        "case": case,
        "timeline": intake_selectors.case_timeline(case),
        "roles": roles,
        "note_form": forms.get("note_form") or NoteForm(),
        "info_form": forms.get("info_form") or RequestInformationForm(),
        "answer_form": forms.get("answer_form") or AnswerForm(),
        "refer_form": forms.get("refer_form") or ReferForm(initial=_referral_initial(case)),
        "cancel_form": forms.get("cancel_form") or CancelForm(),
        "reopen_form": forms.get("reopen_form") or ReopenForm(),
        "assign_form": forms.get("assign_form") or AssignOwnerForm(owners=staff_users()),
        "topic_form": forms.get("topic_form") or SetTopicForm(initial={"topic": case.topic}),
        "handoff_form": forms.get("handoff_form") or HandOffForm(case=case),
    }
    return render(request, "casework/case_detail.html", context, status=400 if forms else 200)


def _referral_initial(case):
    if case.topic and case.topic.referral_organisation:
        return {"organisation": case.topic.referral_organisation, "url": case.topic.referral_url}
    return {}


@case_directors_only
def case_detail(request, pk: int):
    return _case_page(request, intake_selectors.case_detail_for(request.user, pk))


def case_action(form_class, form_name: str, *, form_kwargs=None):
    """Wrap a POST-only action: validate the form, call the service, or re-render the case with the errors."""

    def decorator(run):
        @wraps(run)
        @require_POST
        @case_directors_only
        def view(request, pk: int):
            case = intake_selectors.case_detail_for(request.user, pk)
            form = form_class(request.POST, **(form_kwargs(case) if form_kwargs else {}))
            if not form.is_valid():
                messages.error(request, _("Controleer de velden van het formulier."))
                return _case_page(request, case, **{form_name: form})
            try:
                text = run(request, case, form.cleaned_data)
            except (TransitionNotAllowed, routing_services.HandoffNotAllowed) as error:
                messages.error(request, str(error))
            else:
                messages.success(request, text)
            return HttpResponseRedirect(reverse("casework:case-detail", args=[case.pk]))

        return view

    return decorator


@case_action(AssignOwnerForm, "assign_form", form_kwargs=lambda case: {"owners": staff_users()})
def case_assign(request, case, data):
    owner = data["owner"] or request.user
    intake_services.case_take_ownership(case=case, actor=request.user, owner=owner)
    return _("Accountmanager is nu %(name)s.") % {"name": display_name(owner)}


@case_action(NoteForm, "note_form")
def case_note(request, case, data):
    intake_services.case_add_note(case=case, actor=request.user, body=data["body"])
    return _("Notitie toegevoegd.")


@case_action(RequestInformationForm, "info_form")
def case_request_info(request, case, data):
    intake_services.case_request_information(case=case, actor=request.user, body=data["body"])
    return _("De vraag om informatie is verstuurd. De termijn staat stil tot de ondernemer reageert.")


@case_action(AnswerForm, "answer_form")
def case_answer(request, case, data):
    routing_services.case_close_with_answer(
        case=case, actor=request.user, body=data["body"], resolution=data["resolution"]
    )
    return _("Het antwoord is verstuurd en de vraag is afgesloten.")


@case_action(ReferForm, "refer_form")
def case_refer(request, case, data):
    routing_services.case_close_with_referral(
        case=case, actor=request.user, organisation=data["organisation"], url=data["url"], body=data["body"]
    )
    return _("De ondernemer is doorverwezen en de vraag is afgesloten.")


@case_action(CancelForm, "cancel_form")
def case_cancel(request, case, data):
    routing_services.case_close_cancelled(
        case=case, actor=request.user, resolution=data["resolution"], reason=data["reason"]
    )
    return _("De vraag is afgesloten.")


@case_action(ReopenForm, "reopen_form")
def case_reopen(request, case, data):
    intake_services.case_reopen(case=case, actor=request.user, reason=data["reason"])
    return _("De vraag is heropend met een nieuwe termijn.")


@case_action(SetTopicForm, "topic_form")
def case_set_topic(request, case, data):
    routing_services.case_correct_topic(case=case, topic=data["topic"], actor=request.user)
    return _("Onderwerp opgeslagen.")


@case_action(HandOffForm, "handoff_form", form_kwargs=lambda case: {"case": case})
def case_hand_off(request, case, data):
    handoffs = routing_services.case_hand_off(
        case=case, teams=list(data["teams"]), request_text=data["request_text"], actor=request.user
    )
    return _("Uitgezet naar %(teams)s.") % {"teams": ", ".join(h.team.name for h in handoffs)}


@staff_member_required
def staff_attachment(request, pk: int):
    return attachment_response(intake_selectors.attachment_for_staff(request.user, pk))
