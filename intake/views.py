"""Intake's public entry points: the start page, the question form and the tracking page; and the helpers
every other question form (the KCC's, later e-mail and API) uses to submit a question the same way.
"""

from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from . import crypto, selectors, services
from .forms import PublicQuestionForm, ReplyForm
from .models import Case
from .staging import StagingArea


def home(request):
    return render(request, "intake/home.html")


# ----------------------------------------------------------------------------------------------------------
# Public


def submit_question(form, *, channel: str, created_by=None) -> services.SubmittedCase:
    """Create the case and run the steps higher layers registered (the router) in one transaction."""
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
        services.after_submit(submitted.case)
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


def ask(request):
    initial = {}
    if topic_slug := request.GET.get("onderwerp"):
        initial["topic"] = selectors.public_topic_by_slug(topic_slug)
    form = form_with_staging(PublicQuestionForm, request, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            submitted = submit_question(form, channel="web")
            # The confirmation page shows the tracking link; the session (kept two weeks) holds it only
            # encrypted, and the page shows it for ASK_DONE_LINK_SECONDS (a reload still works).
            request.session["submitted_case"] = {
                "id": submitted.case.pk,
                "token": crypto.encrypt(submitted.tracking_token),
            }
            return redirect("intake:ask-done")
        rerender_with_staged(form)
    return render(request, "intake/ask.html", {"form": form}, status=400 if form.errors else 200)


ASK_DONE_LINK_SECONDS = 600


@never_cache  # the page holds the tracking link: no copy in the browser's or a proxy's cache
def ask_done(request):
    submitted = request.session.get("submitted_case")
    if not submitted:
        return redirect("intake:ask")
    case = Case.objects.select_related("contact").get(pk=submitted["id"])
    token = ""
    if submitted.get("token"):
        try:
            token = crypto.decrypt(submitted["token"], ttl=ASK_DONE_LINK_SECONDS)
        except crypto.InvalidToken:  # expired: forget it; the receipt e-mail has the link
            request.session["submitted_case"] = {"id": case.pk}
    return render(
        request,
        "intake/ask_done.html",
        {"case": case, "tracking_url": services.tracking_url(token) if token else "", "token": token},
    )


def track(request, token: str):
    case = selectors.case_by_token(token)
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
