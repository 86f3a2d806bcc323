"""Intake's public entry points: the start page, the question form and the tracking page; and the helpers
every other question form (the KCC's, later e-mail and API) uses to submit a question the same way.
"""

import functools
import logging

from django.conf import settings
from django.contrib import messages
from django.db import InterfaceError, OperationalError
from django.forms.utils import ErrorDict
from django.http import FileResponse, Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache

from teams import refdata

from . import crypto, ratelimits, selectors, services
from .forms import PublicQuestionForm, ReplyForm, new_submission_key
from .models import Case
from .staging import StagingArea

logger = logging.getLogger(__name__)


def home(request):
    return render(request, "intake/home.html")


# ----------------------------------------------------------------------------------------------------------
# Public


def submit_question(form, *, channel: str, created_by=None) -> services.SubmittedCase:
    """Create the case and run the steps higher layers registered (the router) in one transaction. A form
    posted before (its submission key) gives the earlier case and stores nothing (`created` is False)."""
    data = form.cleaned_data
    submitted = services.case_submit(
        submission_key=data.get("submission_key"),
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
        administrative_recipient=data.get("administrative_recipient"),
        attachments=form.all_uploads(),
        created_by=created_by,
        propose=True,  # routed in the INSERT (intake.services.register_proposer)
        run_after_submit=True,
    )
    form.staging.clear([s.id for s in form.staged_uploads()])
    return submitted


def form_with_staging(form_class, request, **kwargs):
    staging = StagingArea(request)
    if request.method == "POST":
        too_large = getattr(request, "uploads_too_large", False)  # set by intake.middleware
        return form_class(request.POST, request.FILES, staging=staging, uploads_too_large=too_large, **kwargs)
    return form_class(staging=staging, initial=kwargs.pop("initial", None), **kwargs)


def rerender_with_staged(form):
    """Keep the files that passed the check for the next try; the template lists them."""
    form.staged_token = form.stage_valid_uploads()
    return form


RATE_LIMITED_MESSAGE = _lazy(
    "U heeft in korte tijd veel vragen gesteld. Wacht een paar minuten en verstuur uw vraag dan opnieuw; wat u "
    "invulde, staat er nog. Haast? Bel ons."
)


def keeps_typing_when_database_down(form_class, template: str):
    """A POST that cannot be stored because the database is unreachable answers 503 with the form as it was
    typed (not_stored), instead of the 500 page that would lose it."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            try:
                return view(request, *args, **kwargs)
            except (OperationalError, InterfaceError):
                if request.method != "POST":
                    raise
                return not_stored(request, form_class(request.POST, staging=None), template)

        return wrapper

    return decorator


@keeps_typing_when_database_down(PublicQuestionForm, "intake/ask.html")
def ask(request):
    initial = {}
    if topic_slug := request.GET.get("onderwerp"):
        initial["topic"] = selectors.public_topic_by_slug(topic_slug)
    if request.method != "POST":
        return _empty_ask_page(request, initial)
    form = form_with_staging(PublicQuestionForm, request, initial=initial)
    if form.is_valid() and ratelimits.ask_rate_limited(request, form.cleaned_data["email"]):
        # Too many questions from this address or e-mail address: say so, keep what was typed.
        form.add_error(None, RATE_LIMITED_MESSAGE)
        rerender_with_staged(form)
        return render(request, "intake/ask.html", {"form": form}, status=429)
    if form.is_valid():
        submitted = submit_question(form, channel="web")
        return _remember_submitted(request, redirect("intake:ask-done"), submitted)
    rerender_with_staged(form)
    return render(request, "intake/ask.html", {"form": form}, status=400 if form.errors else 200)


# The empty question form is the same page for every visitor without a session or pending messages, except for
# the CSRF token and the submission key. It is rendered once per worker, language and preselected topic with
# these placeholders, which each request fills in (about a tenth of the cost of rendering the page).
_CSRF_HOLE = "csrf-token-per-request"
_SUBMISSION_KEY_HOLE = "submission-key-per-request"


def _empty_ask_page(request, initial: dict):
    topic = initial.get("topic")
    if not _same_page_for_everyone(request, topic):
        form = form_with_staging(PublicQuestionForm, request, initial=initial)
        return render(request, "intake/ask.html", {"form": form, "fields_html": _empty_form_fields(form)})

    def render_page() -> str:
        form = PublicQuestionForm(staging=None, initial={**initial, "submission_key": _SUBMISSION_KEY_HOLE})
        context = {"form": form, "fields_html": _empty_form_fields(form), "csrf_token": _CSRF_HOLE}
        return render_to_string("intake/ask.html", context, request=request)

    page = refdata.cached(f"ask_page:{get_language()}:{topic.pk if topic else ''}", render_page)
    return HttpResponse(
        page.replace(_CSRF_HOLE, get_token(request)).replace(_SUBMISSION_KEY_HOLE, new_submission_key())
    )


def _same_page_for_everyone(request, topic) -> bool:
    """No session (so no user, no staged files), no flash messages, and the URL is one of the few canonical
    ones (the language switch posts it back): /vraag/ or /vraag/?onderwerp=<a public topic's slug>."""
    if {settings.SESSION_COOKIE_NAME, "messages"} & request.COOKIES.keys():
        return False
    query = request.META.get("QUERY_STRING", "")
    return query == "" or (topic is not None and query == f"onderwerp={topic.slug}")


def _empty_form_fields(form) -> str:
    """The empty form's fields (intake/_ask_fields.html), rendered once per worker, language and preselected
    topic, until a topic or team changes (teams.refdata): crispy's field templates cost most of the page's
    time. The per-request parts (CSRF token, submission key) are outside this fragment."""
    topic = form.initial.get("topic")
    key = f"ask_fields:{get_language()}:{topic.pk if topic else ''}"
    return refdata.cached(key, lambda: render_to_string("intake/_ask_fields.html", {"form": form}))


def _empty_reply_fields(form) -> str:
    """The tracking page's empty reply form (includes/form_fields.html), rendered once per worker and language."""
    return refdata.cached(
        f"reply_fields:{get_language()}",
        lambda: render_to_string("includes/form_fields.html", {"form": form}),
    )


# The confirmation page's memory of what this browser just submitted: a signed cookie for that page only, not a
# session, so the public POST writes no session row. It holds the case id and the tracking token encrypted
# (intake.crypto); the page shows the link for ASK_DONE_LINK_SECONDS (a reload still works), the reference for
# as long as the cookie lives.
SUBMITTED_COOKIE = "voordeur_verstuurd"
SUBMITTED_COOKIE_SALT = "intake.ask-done"
SUBMITTED_COOKIE_SECONDS = 14 * 24 * 3600


def _submitted_cookie(request) -> dict:
    value = request.get_signed_cookie(
        SUBMITTED_COOKIE, default="", salt=SUBMITTED_COOKIE_SALT, max_age=SUBMITTED_COOKIE_SECONDS
    )
    case_id, _dot, token = value.partition(".")
    if not case_id.isdigit():
        return {}
    return {"id": int(case_id), "token": token} if token else {"id": int(case_id)}


def _set_submitted_cookie(response, data: dict):
    # "<case id>.<encrypted token>": only characters a cookie carries unquoted (a Fernet token is URL-safe
    # base64), so every browser and HTTP client sends it back exactly as set.
    response.set_signed_cookie(
        SUBMITTED_COOKIE,
        f"{data['id']}.{data.get('token') or ''}",
        salt=SUBMITTED_COOKIE_SALT,
        max_age=SUBMITTED_COOKIE_SECONDS,
        path=reverse("intake:ask-done"),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def _remember_submitted(request, response, submitted: services.SubmittedCase):
    """The confirmation page shows the tracking link (see SUBMITTED_COOKIE). A repeated post of the same form
    lands on the first case's page: with the link when this browser or the queued receipt still holds it."""
    if submitted.created:
        token = crypto.encrypt(submitted.tracking_token)
    else:
        earlier = _submitted_cookie(request)
        if earlier.get("id") == submitted.case.pk and earlier.get("token"):
            return response
        token = selectors.receipt_token_encrypted(submitted.case)
    return _set_submitted_cookie(response, {"id": submitted.case.pk, "token": token})


def not_stored(request, form, template: str):
    """The database cannot be reached: say the question was NOT sent, keep everything typed, give the phone
    number. 503, so nothing (a proxy, a monitor, the fault drill) mistakes it for a stored question."""
    logger.error("Question not stored: database unavailable", exc_info=True)
    message = _(
        "Uw vraag is nog NIET verstuurd: er is bij ons een storing. Alles wat u invulde staat hieronder nog. "
        "Probeer het over een paar minuten opnieuw, of bel ons op %(phone)s."
    ) % {"phone": settings.MUNICIPALITY["phone"]}
    if request.FILES:
        message += " " + _("Uw bijlagen moet u dan opnieuw kiezen.")
    if form._errors is None:
        form._errors = ErrorDict()  # not validated again: validating may need the database that is down
    response = render(request, template, {"form": form, "not_stored_message": message}, status=503)
    response["Retry-After"] = "120"
    return response


ASK_DONE_LINK_SECONDS = 600


@never_cache  # the page holds the tracking link: no copy in the browser's or a proxy's cache
def ask_done(request):
    submitted = _submitted_cookie(request)
    case = (
        Case.objects.select_related("contact").filter(pk=submitted.get("id")).first() if submitted else None
    )
    if case is None:
        return redirect("intake:ask")
    token, forget_token = "", False
    if submitted.get("token"):
        try:
            token = crypto.decrypt(submitted["token"], ttl=ASK_DONE_LINK_SECONDS)
        except crypto.InvalidToken:  # expired: forget it; the receipt e-mail has the link
            forget_token = True
    response = render(
        request,
        "intake/ask_done.html",
        {"case": case, "tracking_url": services.tracking_url(token) if token else "", "token": token},
    )
    return _set_submitted_cookie(response, {"id": case.pk}) if forget_token else response


def track(request, token: str):
    case = selectors.case_by_token(token, with_related=request.method == "POST")
    form = form_with_staging(ReplyForm, request)
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
        rerender_with_staged(form)
    timeline = selectors.case_timeline(case, public_only=True)
    return render(
        request,
        "intake/track.html",
        {
            "case": case,
            "timeline": timeline,
            "form": form,
            "fields_html": "" if form.is_bound else _empty_reply_fields(form),
            "token": token,
            "expected_date": selectors.expected_answer_date(case),
        },
        status=400 if form.errors else 200,
    )


def track_attachment(request, token: str, pk: int):
    attachment = selectors.attachment_for_token(token, pk)
    return attachment_response(attachment)


def attachment_response(attachment):
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )
