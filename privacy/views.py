"""The functional administrator's privacy pages (superuser only, with two-factor authentication, like /beheer/):
data subject requests (find, export, erase) and the audit trail. Personal data travel only in POST bodies,
never in a URL (URLs end up in logs and browser history)."""

import base64
import hashlib
import json
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from teams import audit

from . import subject as subjects
from .forms import AuditFilterForm, ErasureForm, ExportForm, SubjectForm

# The HTML export is one self-contained file (saved and handed to the data subject), so its style is inline;
# the Content-Security-Policy allows exactly this stylesheet by its hash, never 'unsafe-inline'.
EXPORT_CSS = (
    "body{font-family:sans-serif;max-width:60rem;margin:2rem auto;line-height:1.4}"
    "table{border-collapse:collapse;width:100%;margin-bottom:1rem}"
    "th,td{border:1px solid #999;padding:.25rem .5rem;text-align:left;vertical-align:top}"
    "h2{margin-top:2rem;border-bottom:2px solid #333}@media print{a{color:#000}}"
)
EXPORT_CSS_SOURCE = f"'sha256-{base64.b64encode(hashlib.sha256(EXPORT_CSS.encode()).digest()).decode()}'"


def functional_admin_only(view):
    """Superusers only (404 for everyone else), and only after two-factor verification."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not request.user.is_superuser:
            raise Http404
        if not getattr(request.user, "is_verified", lambda: False)():
            messages.info(request, _("Stel eerst tweestapsverificatie in. Dat is verplicht voor beheerders."))
            return redirect(f"{reverse('two-factor-setup')}?{urlencode({'next': request.get_full_path()})}")
        return view(request, *args, **kwargs)

    return wrapper


def _lookups_of(query: str):
    """Who looked this person up on the KCC screen: the trail keeps only the fingerprint (teams.audit)."""
    return audit.AuditEvent.objects.filter(
        action=audit.Action.LOOKUP, detail__contains=f"#{audit.fingerprint(query)}"
    ).select_related("user")[:50]


@functional_admin_only
def subject(request):
    form = SubjectForm(request.POST or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        query = form.cleaned_data["query"]
        found = subjects.find(query)
        audit.record(
            user=request.user,
            action=audit.Action.SUBJECT_SEARCH,
            searched=query,
            detail=f"cases={len(found.cases)}",
        )
        context.update(
            query=query,
            found=found,
            data=subjects.export(found),
            lookups=_lookups_of(query),
            erasure_form=ErasureForm(initial={"query": query}),
        )
    return render(request, "privacy/subject.html", context, status=400 if form.errors else 200)


@require_POST
@functional_admin_only
def export(request):
    form = ExportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Controleer de velden van het formulier."))
        return redirect("privacy:subject")
    query, kind = form.cleaned_data["query"], form.cleaned_data["format"]
    found = subjects.find(query)
    data = subjects.export(found)
    audit.record(user=request.user, action=audit.Action.EXPORT, searched=query, detail=f"format={kind}")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if kind == "json":
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="inzage-{stamp}.json"'
    else:
        response = render(
            request, "privacy/export.html", {"data": data, "found": found, "export_css": EXPORT_CSS}
        )
        response._csp_update = {"style-src": [EXPORT_CSS_SOURCE]}  # django-csp: this page's one <style>
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@functional_admin_only
def erase(request):
    form = ErasureForm(request.POST)
    if not form.is_valid():
        found = subjects.find(request.POST.get("query", "")) if form.has_error("confirm") else None
        context = {
            "form": SubjectForm(initial={"query": request.POST.get("query", "")}),
            "erasure_form": form,
        }
        if found is not None:
            context.update(
                query=request.POST["query"],
                found=found,
                data=subjects.export(found),
                lookups=_lookups_of(request.POST["query"]),
            )
        return render(request, "privacy/subject.html", context, status=400)
    found = subjects.find(form.cleaned_data["query"])
    request_row = subjects.erase(
        found, ground=form.cleaned_data["ground"], note=form.cleaned_data["note"], actor=request.user
    )
    total = sum(request_row.counts.values())
    messages.success(request, _("Gewist: %(n)s gegevens geanonimiseerd of verwijderd.") % {"n": total})
    return redirect("privacy:subject")


@functional_admin_only
def audit_trail(request):
    form = AuditFilterForm(request.GET or None)
    events = audit.AuditEvent.objects.select_related("user")
    if form.is_valid():
        data = form.cleaned_data
        if data["user"]:
            events = events.filter(user=data["user"])
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["date_from"]:
            events = events.filter(at__date__gte=data["date_from"])
        if data["date_to"]:
            events = events.filter(at__date__lte=data["date_to"])
        if data["object_type"]:
            events = events.filter(object_type=data["object_type"].strip().lower())
        if data["object_id"]:
            events = events.filter(object_id=data["object_id"].strip())
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "privacy/audit.html", {"form": form, "page": page, "query": query.urlencode()})
