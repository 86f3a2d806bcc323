"""Tests for the topic classifier and the evaluation helpers (pure Python, no Django)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from intake.normalise import normalize
from routing.classifier import (
    Prediction,
    TopicClassifier,
    TrainingExample,
    examples_from_catalogue,
    team_ranking,
)
from routing.evaluation import EvalRow, evaluate, format_report, read_tsv, upl_only_topics

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "routing" / "data"
TEAMS = {
    "economie",
    "vergunningen",
    "omgeving",
    "belastingen",
    "duurzaamheid",
    "zelfstandigen",
    "werkgevers",
    "markt",
    "parkeren",
    "afval",
    "extern",
}


def _catalogue() -> list[dict]:
    return json.loads((DATA / "catalogue.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def topics() -> list[dict]:
    catalogue = _catalogue()
    upl_teams = json.loads((DATA / "upl_teams.json").read_text(encoding="utf-8"))
    return catalogue + upl_only_topics(catalogue, upl_teams)


@pytest.fixture(scope="module")
def topic_team(topics) -> dict[str, str]:
    return {t["slug"]: t["team"] for t in topics}


@pytest.fixture(scope="module")
def model(topics) -> TopicClassifier:
    # calibrate=False keeps the suite fast; the calibration step only sets a temperature.
    return TopicClassifier(version="test", calibrate=False).fit(examples_from_catalogue(topics))


def _top_team(model, topic_team, text):
    return team_ranking(model.predict_proba_all(text), topic_team)[0][0]


# ---------------------------------------------------------------- catalogue


def test_catalogue_topics_are_valid():
    catalogue = _catalogue()
    slugs = [t["slug"] for t in catalogue]
    assert len(slugs) == len(set(slugs))
    assert 60 <= len(catalogue) <= 100
    per_team: dict[str, int] = {}
    for topic in catalogue:
        assert topic["team"] in TEAMS, topic["slug"]
        assert len(set(topic["phrasings"])) >= 8, topic["slug"]
        assert topic["name"] and topic["description"]
        assert isinstance(topic["answered_by_owner"], bool)
        assert isinstance(topic["deadline_days"], int) and topic["deadline_days"] > 0
        assert all(name == name.lower() for name in topic["upl_names"])
        if topic["team"] == "extern":
            assert topic["referral"]["organisation"] and topic["referral"]["url"].startswith("https://")
        per_team[topic["team"]] = per_team.get(topic["team"], 0) + 1
    assert set(per_team) == TEAMS
    assert min(per_team.values()) >= 3


def test_examples_from_catalogue_uses_all_texts():
    topic = {
        "slug": "t",
        "name": "Terras",
        "description": "Een terras.",
        "phrasings": ["terras plaatsen", "Terras"],
        "upl_names": ["terrasvergunning"],
    }
    texts = [e.text for e in examples_from_catalogue([topic])]
    assert texts == ["Terras", "Een terras.", "terras plaatsen", "terrasvergunning"]  # duplicates dropped


# ---------------------------------------------------------------- classifier


def test_normalize_folds_accents_and_case():
    assert normalize("Financiële Één") == "financiele een"


@pytest.mark.parametrize(
    "question, team",
    [
        ("terrasvergunning aanvragen", "vergunningen"),
        ("wanneer krijg ik de aanslag reclamebelasting", "belastingen"),
        ("Ik wil een evenementenvergunning voor een festival", "vergunningen"),
        ("Wie haalt mijn bedrijfsafval op? Ik zoek een bedrijfsafvalcontract", "afval"),
        ("Ik wil op de weekmarkt staan met mijn kaaskraam", "markt"),
        ("Moet mijn kantoor energielabel C hebben?", "duurzaamheid"),
        ("Kan ik hulp krijgen nu mijn zaak bijna failliet is?", "zelfstandigen"),
        ("Ik zoek personeel en wil iemand met een arbeidsbeperking aannemen", "werkgevers"),
        ("Hoe schrijf ik mijn bedrijf in bij de Kamer van Koophandel?", "extern"),
        ("Mag mijn bestelbus de milieuzone in?", "parkeren"),
        ("Heb ik een omgevingsvergunning nodig om mijn bedrijfshal te verbouwen?", "omgeving"),
        ("Welke bedrijfskavels zijn er te koop op het bedrijventerrein?", "economie"),
    ],
)
def test_routes_questions_to_the_right_team(model, topic_team, question, team):
    assert _top_team(model, topic_team, question) == team


def test_probabilities_sum_to_one(model):
    for text in ["terras", "Wat kost een parkeervergunning voor mijn bedrijf?", "xyzzy qwerty", ""]:
        probs = model.predict_proba_all(text)
        assert set(probs) == set(model.topics)
        assert sum(probs.values()) == pytest.approx(1.0, abs=1e-6)
        assert all(0.0 <= p <= 1.0 for p in probs.values())


def test_predict_returns_top_k_sorted(model):
    preds = model.predict("precariobelasting voor mijn terras", k=3)
    assert len(preds) == 3
    assert all(isinstance(p, Prediction) for p in preds)
    assert [p.probability for p in preds] == sorted((p.probability for p in preds), reverse=True)
    assert sum(p.probability for p in preds) <= 1.0 + 1e-9
    assert model.predict_many(["precariobelasting voor mijn terras"], k=3) == [preds]


def test_team_ranking_sums_over_all_topics(model, topic_team):
    probs = model.predict_proba_all("ik wil een terras")
    ranking = team_ranking(probs, topic_team)
    assert sum(p for _, p in ranking) == pytest.approx(1.0, abs=1e-6)
    assert [p for _, p in ranking] == sorted((p for _, p in ranking), reverse=True)
    expected = sum(p for t, p in probs.items() if topic_team[t] == ranking[0][0])
    assert ranking[0][1] == pytest.approx(expected)
    # also accepts a list of predictions
    assert team_ranking([Prediction("a", 0.2), Prediction("b", 0.5)], {"a": "x", "b": "y"}) == [
        ("y", 0.5),
        ("x", 0.2),
    ]


def test_serialisation_round_trip_gives_identical_predictions(model):
    blob = model.to_bytes()
    assert len(blob) < 15_000_000
    loaded = TopicClassifier.from_bytes(blob)
    assert loaded.version == "test"
    assert loaded.topics == model.topics
    for text in ["terrasvergunning aanvragen", "bezwaar tegen de WOZ-waarde", "loonkostensubsidie"]:
        assert loaded.predict(text, k=5) == model.predict(text, k=5)


def test_training_is_deterministic(topics):
    examples = examples_from_catalogue(topics[:25])
    a = TopicClassifier(calibrate=False).fit(examples)
    b = TopicClassifier(calibrate=False).fit(examples)
    assert a.to_bytes() == b.to_bytes()


def test_calibration_sets_a_temperature_and_reports_progress():
    examples = []
    words = {"a": ["terras", "stoel", "tafel", "parasol"], "b": ["afval", "container", "kliko", "papier"]}
    for topic, ws in words.items():
        for i, w in enumerate(ws * 3):
            examples.append(TrainingExample(f"{w} {ws[(i + 1) % 4]} vraag {i}", topic))
    calls = []
    clf = TopicClassifier(C=10.0).fit(examples, progress=lambda done, total: calls.append((done, total)))
    assert clf.temperature > 0
    assert calls and calls[-1][0] == calls[-1][1]
    assert clf.predict("nieuwe container voor papier", k=1)[0].topic == "b"


def test_untrained_model_refuses_to_predict():
    with pytest.raises(RuntimeError):
        TopicClassifier().predict("terras")


# ---------------------------------------------------------------- evaluation


def test_read_tsv_reads_rows(tmp_path):
    path = tmp_path / "dev.tsv"
    path.write_text("question\tteam\tkind\nWat is precario?\tbelastingen\tfaq\n\n", encoding="utf-8")
    assert read_tsv(path) == [EvalRow("Wat is precario?", "belastingen", None)]


def test_read_tsv_errors_on_missing_columns(tmp_path):
    path = tmp_path / "bad.tsv"
    path.write_text("vraag\tteam\nWat is precario?\tbelastingen\n", encoding="utf-8")
    with pytest.raises(ValueError, match="question"):
        read_tsv(path)


def test_evaluate_and_format_report():
    rows = [EvalRow("a", "x"), EvalRow("b", "y"), EvalRow("c", "y"), EvalRow("d", "z")]
    answers = {
        "a": [("x", 0.9), ("y", 0.1)],
        "b": [("y", 0.6), ("x", 0.4)],
        "c": [("x", 0.8), ("y", 0.2)],
        "d": [("x", 0.5), ("y", 0.3), ("z", 0.2)],
    }
    report = evaluate(rows, lambda q: answers[q], threshold=0.7)
    assert report.n == 4
    assert report.top1_accuracy == pytest.approx(0.5)
    assert report.top3_accuracy == pytest.approx(1.0)
    assert report.per_team["y"].n == 2 and report.per_team["y"].correct == 1
    assert report.confusion["y"] == {"y": 1, "x": 1}
    assert report.auto_routed_share == pytest.approx(0.5)  # a (0.9) and c (0.8)
    assert report.auto_routed_accuracy == pytest.approx(0.5)
    text = format_report(report, thresholds=[0.5, 0.9])
    assert "top-1 team accuracy" in text and "confusion" in text
