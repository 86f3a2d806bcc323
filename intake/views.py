"""Intake entry points: the public form, the tracking page, the KCC form and team economie's case pages.

Views are entry points: they validate, call services (of any app, in flow order: docs/decisions/0001) and
render. Case querysets always come from intake.selectors.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from routing import services as routing_services
from routing.forms import HandOffForm, SetTopicForm
from teams.access import case_directors_only, staff_member_required
from teams.models import Team
from teams.selectors import roles_for

from . import selectors, services
from .filters import CaseFilter
from .forms import (
    AnswerForm,
    AssignOwnerForm,
    CancelForm,
    KccQuestionForm,
    NoteForm,
    PublicQuestionForm,
    ReferForm,
    ReopenForm,
    ReplyForm,
    RequestInformationForm,
)
from .models import Case
from .staging import StagingArea
from .workflow import TransitionNotAllowed


def home(request):
    return render(request, "intake/home.html")


# ----------------------------------------------------------------------------------------------------------
# Public


def _submit_question(request, form, *, channel: str, created_by=None):
    """Create the case and route it in one transaction; returns the SubmittedCase."""
    data = form.cleaned_data
    with transaction.atomic():
        submitted = services.case_submit(
            question=data["question"],
            subject=data["subject"],
            topic=data["topic"],
            company_name=data["company_name"],
            kvk_number=data["kvk_number"],
            contact_name=data["contact_name"],
            email=data["email"],
            phone=data["phone"],
            preferred_contact=data["preferred_contact"],
            channel=channel,
            attachments=form.all_uploads(),
            created_by=created_by,
        )
        routing_services.route_case(case=submitted.case)
    form.staging.clear([s.id for s in form.staged_uploads()])
    return submitted


def _form_with_staging(form_class, request, **kwargs):
    staging = StagingArea(request)
    if request.method == "POST":
        return form_class(request.POST, request.FILES, staging=staging, **kwargs)
    return form_class(staging=staging, initial=kwargs.pop("initial", None), **kwargs)


def _rerender_with_staged(form):
    """Keep the files that passed the check for the next try; the template lists them."""
    form.staged_token = form.stage_valid_uploads()
    return form


def ask(request):
    initial = {}
    if topic_slug := request.GET.get("onderwerp"):
        initial["topic"] = selectors.public_topic_by_slug(topic_slug)
    form = _form_with_staging(PublicQuestionForm, request, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            submitted = _submit_question(request, form, channel="web")
            request.session["submitted_case"] = {"id": submitted.case.pk, "token": submitted.tracking_token}
            return redirect("intake:ask-done")
        _rerender_with_staged(form)
    return render(request, "intake/ask.html", {"form": form}, status=400 if form.errors else 200)


def ask_done(request):
    submitted = request.session.get("submitted_case")
    if not submitted:
        return redirect("intake:ask")
    case = Case.objects.select_related("contact").get(pk=submitted["id"])
    return render(
        request,
        "intake/ask_done.html",
        {
            "case": case,
            "tracking_url": services.tracking_url(submitted["token"]),
            "token": submitted["token"],
        },
    )


def track(request, token: str):
    case = selectors.case_by_token(token)
    form = _form_with_staging(ReplyForm, request)
    if request.method == "POST":
        if not case.is_open:
            messages.error(
                request, _("Deze vraag is afgesloten. Heeft u een nieuwe vraag? Stel die dan opnieuw.")
            )
            return redirect("intake:track", token=token)
        if form.is_valid():
            services.case_add_entrepreneur_reply(
                case=case, body=form.cleaned_data["body"], attachments=form.all_uploads()
            )
            form.staging.clear([s.id for s in form.staged_uploads()])
            messages.success(request, _("Dank u. Uw reactie is toegevoegd aan uw vraag."))
            return redirect("intake:track", token=token)
        _rerender_with_staged(form)
    timeline = selectors.case_timeline(case, public_only=True)
    return render(
        request,
        "intake/track.html",
        {
            "case": case,
            "timeline": timeline,
            "form": form,
            "token": token,
            "expected_date": selectors.expected_answer_date(case),
        },
        status=400 if form.errors else 200,
    )


def track_attachment(request, token: str, pk: int):
    attachment = selectors.attachment_for_token(token, pk)
    return _file_response(attachment)


def _file_response(attachment):
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )


# ----------------------------------------------------------------------------------------------------------
# Staff


@login_required
def staff_home(request):
    roles = roles_for(request.user)
    if roles.is_kcc and not roles.is_owner:
        return redirect("kcc:workstation")  # the KCC starts at the screen built for a call in progress
    if roles.sees_all_cases:
        return redirect("intake:case-list")
    if roles.is_department:
        return redirect("routing:inbox")
    return render(request, "intake/no_role.html", status=403)


def _staff_users():
    return (
        get_user_model()
        .objects.filter(is_active=True, memberships__team__kind=Team.Kind.OWNER)
        .distinct()
        .order_by("first_name")
    )


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
    queryset = selectors.case_list_for(request.user)
    case_filter = CaseFilter(request.GET or None, queryset=queryset, owners=_staff_users())
    sort, order = _case_sort(request.GET.get("sort", ""))
    page = Paginator(case_filter.qs.order_by(*order) if order else case_filter.qs, 25).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("sort", None)
    return render(
        request,
        "intake/case_list.html",
        {
            "filter": case_filter,
            "page": page,
            "query": query.urlencode(),  # without page and sort: the column headers add their own sort
            "sort": sort,
            "sort_query": f"{query.urlencode()}&sort={sort}" if sort else query.urlencode(),
            "counts": selectors.case_counts(request.user),
        },
    )


def _case_page(request, case, **forms):
    roles = roles_for(request.user)
    context = {
        "case": case,
        "timeline": selectors.case_timeline(case),
        "roles": roles,
        "note_form": forms.get("note_form") or NoteForm(),
        "info_form": forms.get("info_form") or RequestInformationForm(),
        "answer_form": forms.get("answer_form") or AnswerForm(),
        "refer_form": forms.get("refer_form") or ReferForm(initial=_referral_initial(case)),
        "cancel_form": forms.get("cancel_form") or CancelForm(),
        "reopen_form": forms.get("reopen_form") or ReopenForm(),
        "assign_form": forms.get("assign_form") or AssignOwnerForm(owners=_staff_users()),
        "topic_form": forms.get("topic_form") or SetTopicForm(initial={"topic": case.topic}),
        "handoff_form": forms.get("handoff_form") or HandOffForm(case=case),
    }
    return render(request, "intake/case_detail.html", context, status=400 if forms else 200)


def _referral_initial(case):
    if case.topic and case.topic.referral_organisation:
        return {"organisation": case.topic.referral_organisation, "url": case.topic.referral_url}
    return {}


@case_directors_only
def case_detail(request, pk: int):
    return _case_page(request, selectors.case_detail_for(request.user, pk))


def case_action(form_class, form_name: str, *, form_kwargs=None):
    """Wrap a POST-only action: validate the form, call the service, or re-render the case with the errors."""

    def decorator(run):
        @wraps(run)
        @require_POST
        @case_directors_only
        def view(request, pk: int):
            case = selectors.case_detail_for(request.user, pk)
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
            return HttpResponseRedirect(reverse("intake:case-detail", args=[case.pk]))

        return view

    return decorator


@case_action(AssignOwnerForm, "assign_form", form_kwargs=lambda case: {"owners": _staff_users()})
def case_assign(request, case, data):
    owner = data["owner"] or request.user
    services.case_take_ownership(case=case, actor=request.user, owner=owner)
    return _("Accountmanager is nu %(name)s.") % {"name": owner.get_full_name() or owner.get_username()}


@case_action(NoteForm, "note_form")
def case_note(request, case, data):
    services.case_add_note(case=case, actor=request.user, body=data["body"])
    return _("Notitie toegevoegd.")


@case_action(RequestInformationForm, "info_form")
def case_request_info(request, case, data):
    services.case_request_information(case=case, actor=request.user, body=data["body"])
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
    services.case_reopen(case=case, actor=request.user, reason=data["reason"])
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
def kcc_new(request):
    form = _form_with_staging(KccQuestionForm, request)
    if request.method == "POST":
        if form.is_valid():
            submitted = _submit_question(
                request, form, channel=form.cleaned_data["channel"], created_by=request.user
            )
            messages.success(
                request,
                _("Vraag %(ref)s is vastgelegd. Verwachte antwoorddatum: %(date)s.")
                % {"ref": submitted.case.reference, "date": f"{submitted.case.deadline:%d-%m-%Y}"},
            )
            if roles_for(request.user).sees_all_cases:
                return redirect("intake:case-detail", pk=submitted.case.pk)
            return redirect("intake:kcc-new")
        _rerender_with_staged(form)
    return render(request, "intake/kcc_new.html", {"form": form}, status=400 if form.errors else 200)


@staff_member_required
def staff_attachment(request, pk: int):
    return _file_response(selectors.attachment_for_staff(request.user, pk))
