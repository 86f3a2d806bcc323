"""The figures dashboard, its exports and monthly report, the results page, success stories and the agenda."""

from datetime import date

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from routing.models import Handoff
from teams.access import (
    handles_handoffs,
    owns_cases,
    role_required,
    roles_for,
    sees_figures,
    staff_member_required,
)
from teams.models import Team

from . import exports, services
from .agenda import agenda_for
from .charts import bar_chart
from .forms import AgreementForm, FigureFilterForm, SuccessStoryForm
from .models import SuccessStory
from .selectors import Filters, build_dashboard, default_anchor, period_for, quarter_of, summary

figures_only = role_required(sees_figures)


def _dashboard_from(request):
    form = FigureFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    kind = data.get("periode") or "month"
    period = period_for(kind, data.get("datum") or default_anchor(), data.get("van"), data.get("tot"))
    filters = Filters(
        team_id=data["team"].pk if data.get("team") else None,
        topic_id=data["onderwerp"].pk if data.get("onderwerp") else None,
        channel=data.get("kanaal") or "",
        account_manager_id=data.get("accountmanager"),
    )
    return form, build_dashboard(period, filters)


def _charts(dashboard):
    return [(table, bar_chart(table.chart, table.chart_unit)) for table in dashboard.tables.values()]


@figures_only
def dashboard(request):
    form, board = _dashboard_from(request)
    return render(
        request,
        "reports/dashboard.html",
        {
            "form": form,
            "board": board,
            "summary": summary(board),
            "tables": _charts(board),
            "query": request.GET.urlencode(),
        },
    )


@figures_only
def export(request):
    _form, board = _dashboard_from(request)
    key = request.GET.get("tabel") or "kanalen"
    table = board.tables.get(key)
    if table is None:
        raise Http404
    name = f"voordeur-{key}-{board.period.start:%Y%m%d}-{board.period.end:%Y%m%d}"
    if request.GET.get("formaat") == "xlsx":
        response = HttpResponse(exports.table_xlsx(board, table), content_type=exports.XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    else:
        response = HttpResponse(exports.table_csv(board, table), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@figures_only
def monthly(request):
    """The printable monthly report for the alderman (wethouder): one month, compared with the month before."""
    try:
        year, month = (int(x) for x in request.GET.get("maand", "").split("-"))
        anchor = date(year, month, 1)
    except ValueError:
        anchor = default_anchor()
    board = build_dashboard(period_for("month", anchor), Filters())
    return render(
        request,
        "reports/monthly.html",
        {"board": board, "summary": summary(board), "tables": _charts(board), "month": anchor},
    )


@staff_member_required
def results(request):
    """Resultaten: the quarter in plain words, the success stories and each department's own on-time figures."""
    period = quarter_of(default_anchor())
    board = build_dashboard(period, Filters())
    start, end = period.start, period.end
    stories = SuccessStory.objects.filter(
        created_at__date__gte=start, created_at__date__lte=end
    ).prefetch_related("teams", "cases")
    return render(
        request,
        "reports/results.html",
        {
            "board": board,
            "summary": summary(board),
            "stories": stories,
            "departments": board.tables["uitzettingen"],
            "may_write": owns_cases(roles_for(request.user)),
        },
    )


@role_required(owns_cases)
def story_new(request):
    form = SuccessStoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.story_create(
            title=form.cleaned_data["title"],
            text=form.cleaned_data["text"],
            teams=form.cleaned_data["teams"],
            cases=form.cleaned_data["cases"],
            actor=request.user,
        )
        messages.success(request, _("Het succesverhaal staat op de resultatenpagina."))
        return redirect("reports:results")
    return render(request, "reports/story_form.html", {"form": form})


def _agenda_teams(user):
    roles = roles_for(user)
    teams = Team.objects.filter(kind=Team.Kind.DEPARTMENT, is_active=True).order_by("name")
    return teams if roles.is_owner else teams.filter(pk__in=roles.department_team_ids)


@role_required(handles_handoffs)
def agenda(request):
    teams = list(_agenda_teams(request.user))
    chosen = next((t for t in teams if str(t.pk) == request.GET.get("team")), teams[0] if teams else None)
    return render(
        request,
        "reports/agenda.html",
        {
            "teams": teams,
            "team": chosen,
            "sections": agenda_for(chosen) if chosen else [],
            "today": timezone.localdate(),
        },
    )


@require_POST
@role_required(handles_handoffs)
def agenda_agree(request):
    form = AgreementForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Schrijf op wat er is afgesproken."))
        return redirect(reverse("reports:agenda") + f"?team={request.POST.get('team', '')}")
    team, case = form.cleaned_data["team"], form.cleaned_data["case"]
    if not _agenda_teams(request.user).filter(pk=team.pk).exists():
        raise Http404
    handoff = Handoff.objects.filter(team=team, case=case).order_by("-created_at").first()
    if handoff is None:
        raise Http404
    services.agreement_record(
        team=team, case=case, handoff=handoff, text=form.cleaned_data["text"], actor=request.user
    )
    messages.success(request, _("De afspraak staat op de tijdlijn van %(ref)s.") % {"ref": case.reference})
    return redirect(reverse("reports:agenda") + f"?team={team.pk}#case-{case.pk}")
