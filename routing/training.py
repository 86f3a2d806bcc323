"""Training the classifier from the catalogue and from people's corrections, and activating it only when
it is at least as good as the active model on held-out labelled questions.
"""

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from teams.models import Topic

from .catalogue import DATA_DIR
from .classifier import TopicClassifier, TrainingExample, examples_from_catalogue, team_ranking
from .evaluation import EvalRow, read_tsv
from .models import ClassifierModel, LabelledExample
from .router import reset_classifier_cache

HOLDOUT_EVERY = 5  # one labelled example in five is held out to compare models
# A person's correction weighs as much as this many catalogue phrasings: one correction of a new kind of
# question must be able to move the next prediction for similar questions.
CORRECTION_WEIGHT = 3.0
# Labelled caller-style questions the model never trains on; the per-team thresholds are chosen on them.
THRESHOLD_SET = DATA_DIR / "callers_dev.tsv"
TARGET_PRECISION = 0.95  # of the questions routed without a person, at least this share must be right
THRESHOLD_MARGIN = 0.02  # aim a little higher on the tuning set: the next questions are new
THRESHOLD_FLOOR = 0.7  # never route on less: the tuning set is easier than the questions to come
MIN_TEAM_QUESTIONS = 6  # fewer labelled questions than this for a team: use the overall threshold


@dataclass(frozen=True)
class RetrainResult:
    version: str
    activated: bool
    new_score: float | None
    old_score: float | None
    training_size: int
    holdout_size: int


def catalogue_examples() -> list[TrainingExample]:
    topics = Topic.objects.filter(is_active=True).only("slug", "name", "description", "phrasings", "upl_name")
    return examples_from_catalogue(
        {
            "slug": t.slug,
            "name": t.name,
            "description": t.description,
            "phrasings": t.phrasing_list(),
            "upl_names": [t.upl_name] if t.upl_name else [],
        }
        for t in topics
    )


def _is_holdout(text: str) -> bool:
    # Stable across runs and machines, unlike hash().
    return int(hashlib.sha1(text.encode()).hexdigest(), 16) % HOLDOUT_EVERY == 0


def labelled_examples() -> tuple[list[TrainingExample], list[TrainingExample]]:
    rows = LabelledExample.objects.filter(topic__is_active=True).values_list("text", "topic__slug")
    train, holdout = [], []
    for text, slug in rows:
        if _is_holdout(text):
            holdout.append(TrainingExample(text=text, topic=slug))
        else:
            train.append(TrainingExample(text=text, topic=slug, weight=CORRECTION_WEIGHT))
    return train, holdout


def _team_predictions(
    model: TopicClassifier, rows: Sequence[EvalRow], topic_team: dict[str, str]
) -> list[tuple[str, float, bool]]:
    """(predicted team, its probability, right?) per labelled question."""
    out = []
    for row in rows:
        ranking = team_ranking(model.predict_proba_all(row.question), topic_team)
        team, p = ranking[0] if ranking else ("", 0.0)
        out.append((team, p, team == row.team))
    return out


def _lowest_threshold(predictions: list[tuple[float, bool]], precision: float) -> float | None:
    grid = [i / 100 for i in range(int(THRESHOLD_FLOOR * 100), 100)]
    for t in grid:
        picked = [ok for p, ok in predictions if p >= t]
        if picked and sum(picked) / len(picked) >= precision:
            return t
    return None


def choose_team_thresholds(
    model: TopicClassifier,
    rows: Sequence[EvalRow],
    topic_team: dict[str, str],
    *,
    precision: float = TARGET_PRECISION + THRESHOLD_MARGIN,
) -> dict[str, float]:
    """Per team, the lowest probability at which the questions the model sends to that team are at least
    ``precision`` right on ``rows`` (labelled questions the model did not train on). A team with too few
    such questions gets the overall threshold; "*" holds the overall one for teams not listed."""
    predictions = _team_predictions(model, rows, topic_team)
    overall = _lowest_threshold([(p, ok) for _t, p, ok in predictions], precision)
    overall = 0.99 if overall is None else overall
    out: dict[str, float] = {"*": overall}
    for team in sorted({t for t, _p, _ok in predictions if t}):
        mine = [(p, ok) for t, p, ok in predictions if t == team]
        if len(mine) < MIN_TEAM_QUESTIONS:
            out[team] = overall
            continue
        chosen = _lowest_threshold(mine, precision)
        out[team] = 0.99 if chosen is None else chosen
    return out


def threshold_rows(holdout: Sequence[TrainingExample], topic_team: dict[str, str]) -> list[EvalRow]:
    """The questions to choose thresholds on: the shipped caller-style set plus held-out corrections."""
    rows = read_tsv(THRESHOLD_SET) if THRESHOLD_SET.exists() else []
    rows += [EvalRow(e.text, topic_team[e.topic], e.topic) for e in holdout if e.topic in topic_team]
    return rows


def fit_with_corrections(
    corrections: Sequence[TrainingExample], *, version: str = "", calibrate: bool = True
) -> TopicClassifier:
    """A model trained as ``retrain`` would, on the catalogue plus these corrections (weighted)."""
    examples = catalogue_examples() + [
        TrainingExample(e.text, e.topic, CORRECTION_WEIGHT) for e in corrections
    ]
    return TopicClassifier(version=version, calibrate=calibrate).fit(examples)


def learning_curve(
    rows: Sequence[EvalRow], *, points: Sequence[float] = (0.0, 0.25, 0.5, 1.0)
) -> list[tuple[int, float]]:
    """Owners correct half of ``rows`` (a stable half), the model is retrained, the other half is scored.

    Returns (number of corrections applied, top-1 team accuracy on the other half) per point. A correction
    names a topic: the row's own, or (as an owner picking the team's most likely topic would) the most
    probable topic of the right team under the model without corrections.
    """
    topic_team = dict(Topic.objects.filter(is_active=True).values_list("slug", "team__slug"))
    halves: tuple[list[EvalRow], list[EvalRow]] = ([], [])
    for row in rows:
        halves[int(hashlib.sha1(row.question.encode()).hexdigest(), 16) % 2].append(row)
    learn, score = halves
    base = fit_with_corrections([], calibrate=False)
    corrections = []
    for row in learn:
        topic = row.topic if row.topic in topic_team else None
        if topic is None:
            ranked = sorted(base.predict_proba_all(row.question).items(), key=lambda kv: -kv[1])
            topic = next((s for s, _p in ranked if topic_team.get(s) == row.team), None)
        if topic:
            corrections.append(TrainingExample(row.question, topic))
    out = []
    for point in points:
        n = round(len(corrections) * point)
        model = base if n == 0 else fit_with_corrections(corrections[:n], calibrate=False)
        predictions = _team_predictions(model, score, topic_team)
        out.append((n, sum(ok for _t, _p, ok in predictions) / len(score) if score else 0.0))
    return out


def team_accuracy(
    model: TopicClassifier, examples: list[TrainingExample], topic_team: dict[str, str]
) -> float:
    """Top-1 team accuracy: what matters is that the question reaches the right desk."""
    if not examples:
        return 0.0
    hits = 0
    for example in examples:
        scores: dict[str, float] = {}
        for slug, p in model.predict_proba_all(example.text).items():
            team = topic_team.get(slug)
            if team:
                scores[team] = scores.get(team, 0.0) + p
        predicted = max(scores, key=scores.get) if scores else None
        hits += predicted == topic_team.get(example.topic)
    return hits / len(examples)


def retrain(*, progress: Callable[[int, int], None] | None = None, force: bool = False) -> RetrainResult:
    train, holdout = labelled_examples()
    examples = catalogue_examples() + train
    version = (
        timezone.now().strftime("%Y%m%d-%H%M%S%f-")
        + hashlib.sha1("\n".join(f"{e.topic}\t{e.text}" for e in examples).encode()).hexdigest()[:8]
    )
    model = TopicClassifier(version=version).fit(examples, progress=progress)
    topic_team = dict(Topic.objects.values_list("slug", "team__slug"))
    # Without held-out corrections yet, compare on the catalogue itself (both models saw it).
    evaluation = holdout or catalogue_examples()
    new_score = team_accuracy(model, evaluation, topic_team)
    model.team_thresholds = choose_team_thresholds(model, threshold_rows(holdout, topic_team), topic_team)
    active = ClassifierModel.objects.filter(is_active=True).first()
    old_score = None
    if active is not None:
        old_score = team_accuracy(TopicClassifier.from_bytes(bytes(active.data)), evaluation, topic_team)
    activate = force or old_score is None or new_score >= old_score
    with transaction.atomic():
        if activate:
            ClassifierModel.objects.filter(is_active=True).update(is_active=False)
        ClassifierModel.objects.create(
            version=version,
            is_active=activate,
            data=model.to_bytes(),
            training_size=len(examples),
            metrics={
                "holdout_size": len(holdout),
                "new_score": new_score,
                "old_score": old_score,
                "team_thresholds": model.team_thresholds,
            },
        )
    if activate:
        reset_classifier_cache()
    return RetrainResult(version, activate, new_score, old_score, len(examples), len(holdout))
