"""Knowledge base pages: staff list/search/edit, the knowledge-gap report and the public FAQ."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from teams.access import roles_for
from teams.access import staff_member_required as staff_only
from teams.selectors import public_topics

from . import selectors, services
from .forms import ArticleFilterForm, ArticleForm


@staff_only
def article_list(request):
    roles = roles_for(request.user)
    initial_team = None
    if not roles.edits_all_articles and len(roles.department_team_ids) == 1:
        initial_team = next(iter(roles.department_team_ids))
    data = request.GET.copy() if request.GET else None
    if data is None and initial_team:
        data = {"team": initial_team}
    form = ArticleFilterForm(data)
    articles = selectors.articles_for(request.user)
    hits = None
    if form.is_valid():
        cleaned = form.cleaned_data
        if cleaned["team"]:
            articles = articles.filter(owner_team=cleaned["team"])
        if cleaned["status"]:
            articles = articles.filter(status=cleaned["status"])
        if cleaned["te_herzien"]:
            articles = articles.filter(last_reviewed__lt=selectors.review_due_before())
        if cleaned["q"]:
            hits = selectors.search(cleaned["q"], queryset=articles, limit=25, topic_boost=[])
    page = (
        None
        if hits is not None
        else Paginator(articles.order_by("title"), 25).get_page(request.GET.get("page"))
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "knowledge/list.html",
        {
            "form": form,
            "page": page,
            "hits": hits,
            # One list for the table: the search hits' articles, or this page of the list.
            "rows": [hit.article for hit in hits] if hits is not None else page.object_list,
            "query": query.urlencode(),
            "review": selectors.review_list_for(request.user).order_by("last_reviewed")[:20],
            "can_create": selectors.can_edit(request.user),
        },
    )


@staff_only
def article_detail(request, pk: int):
    article = selectors.article_for(request.user, pk)
    return render(
        request,
        "knowledge/detail.html",
        {"article": article, "can_edit": selectors.can_edit(request.user, article)},
    )


def _save(request, form, article=None):
    data = form.cleaned_data
    return services.article_save(
        actor=request.user,
        article=article,
        **{field: data[field] for field in services.ARTICLE_FIELDS},
    )


@staff_only
def article_new(request):
    if not selectors.can_edit(request.user):
        raise Http404
    initial = {}
    if request.GET.get("onderwerp", "").isdigit():
        initial["topic"] = int(request.GET["onderwerp"])
    form = ArticleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        article = _save(request, form)
        messages.success(request, _("Kennisartikel opgeslagen."))
        return redirect("knowledge:detail", pk=article.pk)
    return render(request, "knowledge/form.html", {"form": form}, status=400 if form.errors else 200)


@staff_only
def article_edit(request, pk: int):
    article = selectors.article_for(request.user, pk)
    if not selectors.can_edit(request.user, article):
        raise Http404
    form = ArticleForm(request.POST or None, instance=article)
    if request.method == "POST" and form.is_valid():
        _save(request, form, article)
        messages.success(request, _("Kennisartikel opgeslagen."))
        return redirect("knowledge:detail", pk=article.pk)
    return render(
        request, "knowledge/form.html", {"form": form, "article": article}, status=400 if form.errors else 200
    )


@require_POST
@staff_only
def article_reviewed(request, pk: int):
    article = selectors.article_for(request.user, pk)
    if not selectors.can_edit(request.user, article):
        raise Http404
    services.article_mark_reviewed(article=article, actor=request.user)
    messages.success(request, _("Gemarkeerd als gecontroleerd op vandaag."))
    return redirect("knowledge:detail", pk=pk)


@staff_only
def gap_report(request):
    return render(request, "knowledge/gaps.html", {"rows": selectors.gap_report_for(request.user)})


def faq(request):
    """Public: the published answers, searchable, each with a button to ask a question on that topic."""
    text = request.GET.get("zoek", "")[:200]
    topic_slug = request.GET.get("onderwerp", "")[:120]
    articles = selectors.public_faq(text, topic_slug)
    return render(
        request,
        "public/faq.html",
        {"articles": articles, "query": text, "topic_slug": topic_slug, "topics": public_topics()},
    )
