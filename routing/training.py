"""Training the classifier from the catalogue and from people's corrections, and activating it only when
it is at least as good as the active model on held-out labelled questions.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from teams.models import Topic

from .classifier import TopicClassifier, TrainingExample, examples_from_catalogue
from .models import ClassifierModel, LabelledExample
from .router import reset_classifier_cache

HOLDOUT_EVERY = 5  # one labelled example in five is held out to compare models


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
        (holdout if _is_holdout(text) else train).append(TrainingExample(text=text, topic=slug))
    return train, holdout


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
            metrics={"holdout_size": len(holdout), "new_score": new_score, "old_score": old_score},
        )
    if activate:
        reset_classifier_cache()
    return RetrainResult(version, activate, new_score, old_score, len(examples), len(holdout))
