"""Knowledge pages, review period, the knowledge-gap report, the KCC weekly report and the public FAQ."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from kcc import selectors as kcc_selectors
from kcc import services as kcc
from kcc.models import KccCall
from knowledge import demo as knowledge_demo
from knowledge.models import KnowledgeArticle, KnowledgeGap
from knowledge.selectors import gap_report, review_list_for

AMS = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def articles(catalogue):
    knowledge_demo.seed()
    return KnowledgeArticle.objects.all()


def test_staff_create_and_edit_with_history(client, owner, catalogue, teams):
    client.force_login(owner)
    topic = catalogue.get(slug="bodem")
    response = client.post(
        reverse("knowledge:new"),
        {
            "title": "Vervuilde grond",
            "topic": topic.pk,
            "keywords": "bodem, grond",
            "public_answer": "Meld het.",
            "internal_notes": "Omgeving toestel 500",
            "links": "Bodemloket | https://www.bodemloket.nl",
            "owner_team": teams["omgeving"].pk,
            "status": "published",
            "last_reviewed": "2026-01-05",
        },
    )
    article = KnowledgeArticle.objects.get(title="Vervuilde grond")
    assert response.status_code == 302 and article.search_text
    assert article.link_list() == [("Bodemloket", "https://www.bodemloket.nl")]
    assert article.history.first().history_user == owner


def test_bad_link_gets_a_dutch_message(client, owner, catalogue, teams):
    client.force_login(owner)
    response = client.post(
        reverse("knowledge:new"),
        {
            "title": "X",
            "topic": catalogue.first().pk,
            "public_answer": "Y",
            "links": "geen adres",
            "owner_team": teams["omgeving"].pk,
            "status": "draft",
            "last_reviewed": "2026-01-05",
        },
    )
    assert response.status_code == 400 and "https://" in response.content.decode()


def test_only_the_owner_team_may_edit_its_articles(client, vergunningen_member, belastingen_member, articles):
    terras = articles.get(title__startswith="Terras")
    client.force_login(vergunningen_member)
    assert client.get(reverse("knowledge:edit", args=[terras.pk])).status_code == 200
    assert client.get(reverse("knowledge:detail", args=[terras.pk])).status_code == 200
    client.force_login(belastingen_member)
    assert client.get(reverse("knowledge:edit", args=[terras.pk])).status_code == 404
    assert client.get(reverse("knowledge:new")).status_code == 404


def test_not_reviewed_for_the_review_period_shows_in_the_owner_teams_list(
    client, settings, vergunningen_member, belastingen_member, articles
):
    settings.KNOWLEDGE_REVIEW_DAYS = 365
    terras = articles.get(title__startswith="Terras")
    with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=AMS), tick=False):
        KnowledgeArticle.objects.filter(pk=terras.pk).update(last_reviewed=date(2025, 3, 1))
        assert terras in review_list_for(vergunningen_member)
        assert terras not in review_list_for(belastingen_member)
        client.force_login(vergunningen_member)
        page = client.get(reverse("knowledge:list")).content.decode()
        assert "Te herzien" in page and terras.title in page
        client.post(reverse("knowledge:reviewed", args=[terras.pk]))
        assert terras not in review_list_for(vergunningen_member)
        KnowledgeArticle.objects.filter(pk=terras.pk).update(last_reviewed=date(2026, 1, 30))
        assert terras not in review_list_for(vergunningen_member)
        settings.KNOWLEDGE_REVIEW_DAYS = 30  # configurable
        assert terras in review_list_for(vergunningen_member)


def test_knowledge_gap_report_counts_topics_and_says_missing_or_stale(articles, catalogue, kcc_agent):
    bodem, terras = catalogue.get(slug="bodem"), catalogue.get(slug="terrasvergunning")
    for _ in range(3):
        KnowledgeGap.objects.create(topic=bodem, question="Vervuilde grond?", created_by=kcc_agent)
    KnowledgeGap.objects.create(topic=terras, question="Terras op het water?", created_by=kcc_agent)
    KnowledgeArticle.objects.filter(topic=terras).update(last_reviewed=date.today() - timedelta(days=400))
    rows = gap_report()
    assert [(r.topic_name, r.gaps) for r in rows] == [(bodem.name, 3), (terras.name, 1)]
    assert rows[0].missing and not rows[1].missing and rows[1].needs_review


def test_gap_report_and_kcc_report_run_constant_queries(
    client, kcc_agent, articles, catalogue, teams, django_assert_max_num_queries
):
    for topic in catalogue[:20]:
        KnowledgeGap.objects.create(topic=topic, question="?", created_by=kcc_agent)
    for i in range(12):
        call = kcc.Call(question=f"Vraag {i}", contact_name="Beller", topic=catalogue[i])
        kcc.kcc_transfer(call=call, team=teams["vergunningen" if i % 2 else "belastingen"], actor=kcc_agent)
    client.force_login(kcc_agent)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("knowledge:gaps")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("kcc:report")).status_code == 200


def test_kcc_weekly_report(kcc_agent, articles, teams):
    article = KnowledgeArticle.objects.first()
    with time_machine.travel(datetime(2026, 3, 3, 10, tzinfo=AMS), tick=False):
        kcc.kcc_answer_on_the_spot(
            call=kcc.Call(question="a", topic=article.topic), actor=kcc_agent, article=article
        )
        kcc.kcc_answer_on_the_spot(
            call=kcc.Call(question="b", topic=article.topic), actor=kcc_agent, article=article
        )
        kcc.kcc_transfer(call=kcc.Call(question="c"), team=teams["vergunningen"], actor=kcc_agent)
        kcc.kcc_to_owner(call=kcc.Call(question="d", could_not_answer=True), actor=kcc_agent)
        rows = kcc_selectors.kcc_weekly_calls(weeks=2)
    week = rows[0]
    assert week.week == date(2026, 3, 2)
    assert (week.calls, week.answered, week.transferred, week.regie, week.could_not_answer) == (4, 2, 1, 1, 1)
    assert week.first_contact_rate == 0.5
    assert week.transfers_per_team == {"Vergunningen": 1}
    assert rows[1].calls == 0
    assert KccCall.objects.count() == 4


def test_public_faq_search_and_ask_link(client, articles):
    page = client.get(reverse("knowledge:faq"), {"zoek": "terras bij mijn cafe"}).content.decode()
    assert "Terras bij uw café of restaurant" in page
    assert "/vraag/?onderwerp=terrasvergunning" in page
    assert "terraszones" not in page  # internal notes never public
    all_page = client.get(reverse("knowledge:faq")).content.decode()
    assert (
        all_page.count('class="action faq-item"')
        == KnowledgeArticle.objects.filter(status="published").count()
    )


def test_kcc_report_draws_the_weeks_as_bars_scaled_to_the_busiest_week(client, kcc_agent, teams):
    for question in ("a", "b", "c"):
        kcc.kcc_transfer(call=kcc.Call(question=question), team=teams["vergunningen"], actor=kcc_agent)
    kcc.kcc_to_owner(call=kcc.Call(question="d"), actor=kcc_agent)
    client.force_login(kcc_agent)
    html = client.get(reverse("kcc:report")).content.decode()
    assert "Gesprekken per week, naar uitkomst" in html
    assert '<rect class="seg seg-transferred" x="0.0" width="75.0"' in html
    assert '<rect class="seg seg-regie" x="75.0" width="25.0"' in html
    assert "style=" not in html  # the Content-Security-Policy allows no inline style
