"""Search finds the right article for how an entrepreneur says it (SQLite fallback and PostgreSQL)."""

import pytest
from django.db import connection

from knowledge import demo as knowledge_demo
from knowledge.models import KnowledgeArticle
from knowledge.selectors import search

PHRASINGS = [
    ("terras bij mijn cafe", "Terras bij uw café of restaurant"),
    ("Mag ik tafels en stoelen buiten zetten voor mijn café?", "Terras bij uw café of restaurant"),
    ("terasvergunning", "Terras bij uw café of restaurant"),  # typo
    ("evenementenvergunning", "Evenement organiseren: evenementenvergunning"),  # compound
    ("vergunning voor een evenement", "Evenement organiseren: evenementenvergunning"),  # the parts
    ("wij organiseren een braderie in onze straat", "Evenement organiseren: evenementenvergunning"),
    ("mijn woz waarde is veel te hoog", "WOZ-waarde van uw bedrijfspand"),
    (
        "ik wil iemand met een arbeidsbeperking in dienst nemen",
        "Loonkostensubsidie bij personeel met een arbeidsbeperking",
    ),
    ("foodtruck neerzetten", "Standplaats buiten de markt (foodtruck, kraam)"),
    ("hoe laat mag mijn winkel op zondag open", "Openingstijden van uw winkel of horecazaak"),
    ("zonnepanelen op het dak van mijn loods", "Zonnepanelen op uw bedrijfsdak"),
    ("ik heb schulden met mijn zaak", "Ondernemer in financiële problemen"),
]


@pytest.fixture
def articles(catalogue):
    knowledge_demo.seed()
    return KnowledgeArticle.objects.all()


@pytest.mark.parametrize(("phrase", "expected"), PHRASINGS)
def test_the_right_article_comes_first(articles, phrase, expected):
    hits = search(phrase, topic_boost=[])
    assert hits, phrase
    assert hits[0].article.title == expected, [h.article.title for h in hits[:3]]


def test_the_router_boost_lifts_articles_of_its_top_topic(articles):
    plain = search("standplaats", topic_boost=[])
    runner_up = plain[1].article.topic.slug
    boosted = search("standplaats", topic_boost=[(runner_up, 0.9)])
    assert plain[0].article.topic.slug != runner_up
    assert boosted[0].article.topic.slug == runner_up


def test_search_with_the_router_blended_in(articles, active_model):
    hits = search("Ik wil een terras voor mijn café")
    assert hits[0].article.topic.slug == "terrasvergunning"


def test_drafts_are_not_found(articles):
    KnowledgeArticle.objects.filter(title__startswith="Terras").update(status=KnowledgeArticle.Status.DRAFT)
    titles = [h.article.title for h in search("terras bij mijn cafe", topic_boost=[])]
    assert "Terras bij uw café of restaurant" not in titles


def test_nothing_to_search_gives_nothing(articles):
    assert search("  de het een  ", topic_boost=[]) == []


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL full-text and trigram search")
def test_postgres_stores_the_weighted_dutch_vector(articles):
    article = KnowledgeArticle.objects.get(title="Terras bij uw café of restaurant")
    vector = KnowledgeArticle.objects.filter(pk=article.pk).values_list("search_vector", flat=True).get()
    assert "'terras':" in vector and "A" in vector  # title/keywords at weight A, Dutch stems
