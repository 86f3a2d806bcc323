"""The department inbox and the hand-off page."""

from functools import wraps

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from teams.access import handles_handoffs, role_required, roles_for

from . import selectors, services
from .forms import HandoffAnswerForm, HandoffInformationForm, HandoffQuestionForm, HandoffReturnForm
from .models import Handoff

handoff_staff_required = role_required(handles_handoffs)


@handoff_staff_required
def inbox(request):
    show = "closed" if request.GET.get("toon") == "afgerond" else "open"
    handoffs = _for_display(list(selectors.inbox_for(request.user, show=show)[:200]))
    return render(request, "routing/inbox.html", {"handoffs": handoffs, "show": show})


def _for_display(handoffs: list) -> list:
    """Each row's link, status, deadline and lateness, ready to print: the template then does no URL
    reversing, translation or date formatting per row (up to 200 rows)."""
    marker = "987654321"
    url = reverse("routing:handoff-detail", args=[int(marker)])
    statuses = {value: str(label) for value, label in Handoff.Status.choices}
    today = timezone.localdate()
    for handoff in handoffs:
        handoff.url = url.replace(marker, str(handoff.pk))
        handoff.status_label = statuses.get(handoff.status, handoff.status)
        handoff.deadline_text = handoff.deadline.strftime("%d-%m-%Y")
        handoff.late = handoff.is_open and handoff.deadline < today
    return handoffs


def _page(request, handoff, **forms):
    context = {
        "handoff": handoff,
        "case": handoff.case,
        "thread": selectors.handoff_thread(handoff),
        "attachments": selectors.handoff_attachments(handoff),
        "answer_form": forms.get("answer_form") or HandoffAnswerForm(),
        "return_form": forms.get("return_form") or HandoffReturnForm(),
        "question_form": forms.get("question_form") or HandoffQuestionForm(),
        "info_form": forms.get("info_form") or HandoffInformationForm(),
    }
    return render(request, "routing/handoff_detail.html", context, status=400 if forms else 200)


@handoff_staff_required
def handoff_detail(request, pk: int):
    return _page(request, selectors.handoff_for(request.user, pk))


def handoff_action(form_class, form_name: str | None):
    def decorator(run):
        @wraps(run)
        @require_POST
        @handoff_staff_required
        def view(request, pk: int):
            handoff = selectors.handoff_for(request.user, pk)
            data = {}
            if form_class is not None:
                form = form_class(request.POST)
                if not form.is_valid():
                    messages.error(request, _("Controleer de velden van het formulier."))
                    return _page(request, handoff, **{form_name: form})
                data = form.cleaned_data
            try:
                text = run(request, handoff, data)
            except services.HandoffNotAllowed as error:
                messages.error(request, str(error))
            else:
                messages.success(request, text)
            return redirect("routing:handoff-detail", pk=handoff.pk)

        return view

    return decorator


@handoff_action(None, None)
def handoff_claim(request, handoff, data):
    services.handoff_claim(handoff=handoff, actor=request.user)
    return _("U heeft deze uitzetting opgepakt.")


@handoff_action(HandoffAnswerForm, "answer_form")
def handoff_answer(request, handoff, data):
    services.handoff_answer(handoff=handoff, actor=request.user, answer=data["answer"])
    return _("Uw antwoord is naar team economie gestuurd.")


@handoff_action(HandoffReturnForm, "return_form")
def handoff_return(request, handoff, data):
    services.handoff_return(handoff=handoff, actor=request.user, reason=data["reason"])
    return _("De uitzetting is teruggestuurd naar team economie.")


@handoff_action(HandoffQuestionForm, "question_form")
def handoff_ask_owner(request, handoff, data):
    services.handoff_request_information(handoff=handoff, actor=request.user, question=data["question"])
    return _("Uw vraag is naar team economie gestuurd.")


@handoff_action(HandoffInformationForm, "info_form")
def handoff_provide_information(request, handoff, data):
    if not roles_for(request.user).is_owner:
        raise Http404
    services.handoff_provide_information(handoff=handoff, actor=request.user, body=data["body"])
    return _("De aanvulling is naar het team gestuurd.")
