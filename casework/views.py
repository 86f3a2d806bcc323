"""Team economie's case work: the case list, the case page and every owner action on it.

Each action is a thin view: it validates one small form, calls one service (intake's for the case itself,
routing's for hand-offs and closing) and redirects back to the case.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from followup import services as followup_services
from intake import outbox
from intake import selectors as intake_selectors
from intake import services as intake_services
from intake.forms import NoteForm
from intake.models import Channel
from intake.views import attachment_response
from intake.workflow import Status, TransitionNotAllowed
from routing import selectors as routing_selectors
from routing import services as routing_services
from routing.forms import HandOffForm, HandoffInformationForm, SetTopicForm
from teams import audit
from teams.access import case_directors_only, case_owners_only, roles_for, staff_member_required
from teams.forms import use_choice_list
from teams.selectors import choice_lists, display_name, staff_users

from .filters import CaseFilter
from .forms import (
    AnswerForm,
    AssignOwnerForm,
    CancelForm,
    ConfirmKvkForm,
    ForwardForm,
    ReferForm,
    ReopenForm,
    RequestInformationForm,
)
from .keyset import Keyset, capped_ids


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


# Sortable columns of the case list: `?sort=<key>` or `?sort=-<key>`; anything else keeps the default order
# (newest first). Each order ends in the id and runs in one direction, so pages are keyset pages
# (casework/keyset.py) read from the indexes on Case (intake/models.py).
CASE_SORTS = {
    "reference": ("reference", "pk"),
    "deadline": ("deadline", "pk"),
    "status": ("status", "created_at", "pk"),
    "created": ("created_at", "pk"),
}
DEFAULT_SORT = ("created_at", "pk")
PAGE_SIZE = 25
LIST_COUNT_CAP = 1_000  # "meer dan 1.000 vragen": counting further costs time and tells nobody anything
PAGING_PARAMETERS = ("page", "na", "voor", "laatste")


def _case_sort(value: str) -> tuple[str, tuple[str, ...], bool]:
    """(the sort as given or "", the keys, descending)."""
    key = value.removeprefix("-")
    if key not in CASE_SORTS:
        return "", DEFAULT_SORT, True
    return value, CASE_SORTS[key], value.startswith("-")


def _with_labels(cases: list) -> list:
    """Each row's channel and status as text (`channel_label`, `status_label`): `get_FOO_display` builds its
    choices dict again on every call, twice per row."""
    channels, statuses = dict(Channel.choices), dict(Status.choices)
    for case in cases:
        case.channel_label = channels.get(case.channel, case.channel)
        case.status_label = statuses.get(case.status, case.status)
    return cases


def dashboard_counts(user) -> dict:
    """The tiles above the case list: one query, each count capped (intake.selectors.case_counts)."""
    return intake_selectors.case_counts(user, extra={"attention": routing_selectors.needs_attention_q()})


@case_directors_only
def case_list(request):
    queryset = listed = intake_selectors.case_list_for(request.user)
    attention_only = request.GET.get("aandacht") == "1"
    if attention_only:
        queryset = queryset.filter(pk__in=routing_selectors.attention_case_ids())
    case_filter = CaseFilter(request.GET or None, queryset=queryset, owners=staff_users())
    lists = choice_lists()  # the filter's selects without a query each
    use_choice_list(case_filter.form.fields["owner"], lists.staff)
    use_choice_list(case_filter.form.fields["topic"], lists.topics)
    use_choice_list(case_filter.form.fields["team"], lists.teams)
    sort, keys, descending = _case_sort(request.GET.get("sort", ""))
    cases, branches = case_filter.qs, case_filter.branches
    matched = capped_ids(cases, LIST_COUNT_CAP, branches)  # the count, and for a rare filter its cases
    few = attention_only  # a list of ids already (routing.selectors.attention_case_ids)
    if len(matched) <= LIST_COUNT_CAP:  # read by id, not by walking an index in which they hardly occur
        cases, branches, few = listed.filter(pk__in=matched), (), True
    page = Keyset(
        cases,
        keys,
        descending=descending,
        nullable_first=keys[0] == "deadline",
        branches=branches,
        few=few,
        rows=routing_selectors.with_attention(listed),  # "vraagt uw aandacht" per row, in the rows' query
    ).page(
        PAGE_SIZE,
        after=request.GET.get("na", ""),
        before=request.GET.get("voor", ""),
        last=request.GET.get("laatste") == "1",
    )
    _with_labels(page.rows)
    query = request.GET.copy()
    for name in (*PAGING_PARAMETERS, "sort"):
        query.pop(name, None)
    return render(
        request,
        "casework/case_list.html",
        {
            "filter": case_filter,
            "page": page,
            "total": intake_selectors.CappedCount(len(matched), LIST_COUNT_CAP),
            "query": query.urlencode(),  # without paging and sort: the column headers add their own sort
            "sort": sort,
            "sort_query": f"{query.urlencode()}&sort={sort}" if sort else query.urlencode(),
            "counts": dashboard_counts(request.user),
            "attention_only": attention_only,
            # Team economie fixes e-mails that could not be delivered (the tile links to the overview).
            "undelivered": outbox.failed_count() if _sees_outbox(request.user) else None,
        },
    )


def _attention(handoffs, reply_forms: dict):
    """The hand-offs that ask for the owner's attention, each with its reply box (ask-backs only)."""
    return [(h, reply_forms.get(h.pk) or HandoffInformationForm(prefix=f"reply-{h.pk}")) for h in handoffs]


def _case_page(request, case, reply_forms=None, **forms):
    roles = roles_for(request.user)
    lists = choice_lists()
    handoffs = routing_selectors.case_handoffs(case)  # attention, unfinished and the draft: one list
    close = {"unfinished": handoffs.unfinished}
    context = {
        "attention": _attention(handoffs.attention, reply_forms or {}),
        "case": case,
        "timeline": intake_selectors.case_timeline(case),
        "roles": roles,
        "note_form": forms.get("note_form") or NoteForm(),
        "info_form": forms.get("info_form") or RequestInformationForm(),
        # The final answer starts from the departments' answers, ready to edit.
        "answer_form": forms.get("answer_form")
        or AnswerForm(initial={"body": handoffs.answer_draft}, case=case, **close),
        "refer_form": forms.get("refer_form") or ReferForm(initial=_referral_initial(case), **close),
        "cancel_form": forms.get("cancel_form") or CancelForm(**close),
        "reopen_form": forms.get("reopen_form") or ReopenForm(),
        "assign_form": forms.get("assign_form") or AssignOwnerForm(owners=staff_users()),
        "topic_form": forms.get("topic_form") or SetTopicForm(initial={"topic": case.topic}),
        "handoff_form": forms.get("handoff_form") or HandOffForm(case=case, departments=lists.departments),
        "choice_lists": lists,  # also for the follow-up section's callback form
    }
    # Every select on the page from the lists loaded once (teams.selectors.choice_lists), not a query each.
    use_choice_list(context["assign_form"].fields["owner"], lists.staff)
    use_choice_list(context["topic_form"].fields["topic"], lists.topics)
    return render(request, "casework/case_detail.html", context, status=400 if forms or reply_forms else 200)


def _referral_initial(case):
    if case.topic and case.topic.referral_organisation:
        return {"organisation": case.topic.referral_organisation, "url": case.topic.referral_url}
    return {}


@case_directors_only
@audit.logged(audit.Action.VIEW, "intake.case")
def case_detail(request, pk: int):
    return _case_page(request, intake_selectors.case_detail_for(request.user, pk))


def case_action(form_class, form_name: str, *, form_kwargs=None, allowed=case_owners_only):
    """Wrap a POST-only action: validate the form, call the service, or re-render the case with the errors.

    Owner actions are for team economie only (`case_owners_only`); the KCC reads the case and adds notes.
    """

    def decorator(run):
        @wraps(run)
        @require_POST
        @allowed
        def view(request, pk: int):
            case = intake_selectors.case_detail_for(request.user, pk)
            form = form_class(request.POST, **(form_kwargs(case) if form_kwargs else {}))
            if not form.is_valid():
                messages.error(request, _("Controleer de velden van het formulier."))
                return _case_page(request, case, **{form_name: form})
            try:
                text = run(request, case, form.cleaned_data)
            except (
                TransitionNotAllowed,
                routing_services.HandoffNotAllowed,
                followup_services.FollowupNotAllowed,
            ) as error:
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


@case_action(NoteForm, "note_form", allowed=case_directors_only)
def case_note(request, case, data):
    intake_services.case_add_note(case=case, actor=request.user, body=data["body"])
    return _("Notitie toegevoegd.")


@case_action(RequestInformationForm, "info_form")
def case_request_info(request, case, data):
    intake_services.case_request_information(case=case, actor=request.user, body=data["body"])
    return _(
        "De vraag om informatie staat in de wachtrij en wordt per e-mail verstuurd. De termijn staat stil tot de "
        "ondernemer reageert."
    )


def _close_kwargs(case):
    return {"unfinished": routing_selectors.unfinished_handoffs(case)}


@case_action(AnswerForm, "answer_form", form_kwargs=lambda case: {**_close_kwargs(case), "case": case})
def case_answer(request, case, data):
    if intake_selectors.answer_delivery(case) == intake_selectors.Delivery.PHONE:
        followup_services.case_answer_by_phone(
            case=case,
            actor=request.user,
            body=data["body"],
            resolution=data["resolution"],
            override_reason=data["override_reason"],
        )
        return _(
            "Er staat een terugbelverzoek klaar om het antwoord telefonisch door te geven. De vraag sluit zodra "
            "de ondernemer is bereikt."
        )
    routing_services.case_close_with_answer(
        case=case,
        actor=request.user,
        body=data["body"],
        resolution=data["resolution"],
        override_reason=data["override_reason"],
    )
    return _("De vraag is afgesloten; het antwoord staat in de wachtrij en wordt per e-mail verstuurd.")


@case_action(ConfirmKvkForm, "kvk_form")
def case_confirm_kvk(request, case, data):
    case = intake_services.case_confirm_kvk_claim(case=case, actor=request.user)
    return _("KVK-nummer bevestigd: de vraag hoort nu bij %(company)s.") % {"company": case.company}


@case_action(ReferForm, "refer_form", form_kwargs=_close_kwargs)
def case_refer(request, case, data):
    routing_services.case_close_with_referral(
        case=case,
        actor=request.user,
        organisation=data["organisation"],
        url=data["url"],
        body=data["body"],
        override_reason=data["override_reason"],
    )
    return _("De ondernemer is doorverwezen en de vraag is afgesloten.")


@case_action(CancelForm, "cancel_form", form_kwargs=_close_kwargs)
def case_cancel(request, case, data):
    routing_services.case_close_cancelled(
        case=case,
        actor=request.user,
        resolution=data["resolution"],
        reason=data["reason"],
        override_reason=data["override_reason"],
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
    handoffs = routing_services.case_hand_off(case=case, requests=data["requests"], actor=request.user)
    return _("Uitgezet naar %(teams)s.") % {"teams": ", ".join(h.team.name for h in handoffs)}


@require_POST
@case_owners_only
def case_handoff_reply(request, pk: int, handoff_pk: int):
    """The owner answers a department's ask-back from the case page itself."""
    case = intake_selectors.case_detail_for(request.user, pk)
    handoff = routing_selectors.handoff_for(request.user, handoff_pk)
    if handoff.case_id != case.pk:
        raise Http404
    form = HandoffInformationForm(request.POST, prefix=f"reply-{handoff.pk}")
    if not form.is_valid():
        messages.error(request, _("Controleer de velden van het formulier."))
        return _case_page(request, case, reply_forms={handoff.pk: form})
    try:
        routing_services.handoff_provide_information(
            handoff=handoff, actor=request.user, body=form.cleaned_data["body"]
        )
    except routing_services.HandoffNotAllowed as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Uw aanvulling is naar %(team)s gestuurd.") % {"team": handoff.team.name})
    return HttpResponseRedirect(reverse("casework:case-detail", args=[case.pk]))


@staff_member_required
def forward(request):
    """Any colleague forwards a question that reached them by mistake to team economie, who take it from there."""
    form = ForwardForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            submitted = intake_services.case_forward(
                question=data["question"],
                contact_name=data["contact_name"],
                email=data["email"],
                phone=data["phone"],
                company_name=data["company_name"],
                channel=data["channel"],
                actor=request.user,
                submission_key=data["submission_key"],
            )
            messages.success(
                request, _("Doorgestuurd naar team economie als %(ref)s.") % {"ref": submitted.case.reference}
            )
            if roles_for(request.user).sees_all_cases:
                return redirect("casework:case-detail", pk=submitted.case.pk)
            return redirect("casework:forward")
        messages.error(request, _("Controleer de velden van het formulier."))
    return render(request, "casework/forward.html", {"form": form}, status=400 if form.errors else 200)


@staff_member_required
@audit.logged(audit.Action.DOWNLOAD, "intake.attachment")
def staff_attachment(request, pk: int):
    return attachment_response(intake_selectors.attachment_for_staff(request.user, pk))


def _sees_outbox(user) -> bool:
    """Undelivered e-mails: team economie and the functional administrator (superuser)."""
    return user.is_authenticated and (user.is_superuser or roles_for(user).is_owner)


def outbox_staff_only(view):
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not _sees_outbox(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


@outbox_staff_only
def outbox_problems(request):
    """E-mails that failed, or are still waiting to be sent a quarter of an hour after they were queued."""
    page = Paginator(outbox.problem_messages(), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "casework/outbox_problems.html",
        {
            "page": page,
            "long_queued_minutes": outbox.LONG_QUEUED_MINUTES,
            "is_admin": request.user.is_superuser,
        },
    )


@require_POST
@outbox_staff_only
def outbox_resend(request, pk: int):
    try:
        row = outbox.requeue(message_id=pk)
    except outbox.NotResendable as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Het bericht aan %(to)s staat opnieuw in de wachtrij.") % {"to": row.to_email}
        )
    return redirect("casework:outbox")
