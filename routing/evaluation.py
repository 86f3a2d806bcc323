"""Evaluation of the router: team accuracy, auto-routing share, latency.

Pure Python (numpy only through the classifier); no Django imports.
"""

from __future__ import annotations

import csv
import random
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path

RankTeams = Callable[[str], list[tuple[str, float]]]


@dataclass
class EvalRow:
    question: str
    team: str
    topic: str | None = None
    extra: tuple[str, ...] = ()  # further teams a two-part question needs (column ``extra``, comma-separated)


@dataclass
class TeamScore:
    n: int = 0
    correct: int = 0

    @property
    def accuracy(self) -> float:
        return self.correct / self.n if self.n else 0.0


@dataclass
class EvalReport:
    n: int
    top1_accuracy: float
    top3_accuracy: float
    per_team: dict[str, TeamScore]
    confusion: dict[str, dict[str, int]]  # true team -> predicted team -> count
    threshold: float
    auto_routed_share: float
    auto_routed_accuracy: float
    p50_ms: float
    p95_ms: float
    errors: list[tuple[EvalRow, str, float]] = field(default_factory=list)  # row, predicted, prob
    top_probabilities: list[float] = field(default_factory=list)
    top1_correct: list[bool] = field(default_factory=list)
    predicted: list[str] = field(default_factory=list)
    team_thresholds: dict[str, float] = field(default_factory=dict)  # per team ("*": other teams)
    per_language: dict[str, TeamScore] = field(default_factory=dict)

    def threshold_for(self, team: str) -> float:
        return self.team_thresholds.get(team, self.team_thresholds.get("*", self.threshold))

    def auto_routed(self) -> list[tuple[str, bool]]:
        """(predicted team, right?) of the questions routed without a person (per-team thresholds)."""
        return [
            (team, ok)
            for team, p, ok in zip(self.predicted, self.top_probabilities, self.top1_correct, strict=True)
            if p >= self.threshold_for(team)
        ]

    def at_threshold(self, threshold: float) -> tuple[float, float]:
        """(share auto-routed, accuracy of those) at another threshold."""
        picked = [c for p, c in zip(self.top_probabilities, self.top1_correct, strict=True) if p >= threshold]
        if not self.n:
            return 0.0, 0.0
        share = len(picked) / self.n
        return share, (sum(picked) / len(picked) if picked else 0.0)


def read_tsv(path: str | PathLike[str]) -> list[EvalRow]:
    """Read a tab-separated file with a header row and columns ``question``, ``team``
    and optionally ``topic`` (other columns are ignored)."""
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        columns = [c.strip() for c in (reader.fieldnames or [])]
        missing = [c for c in ("question", "team") if c not in columns]
        if missing:
            raise ValueError(
                f"{path}: missing required column(s) {', '.join(missing)}; "
                f"expected a header row with 'question' and 'team' (found: {', '.join(columns) or 'nothing'})"
            )
        rows = []
        for raw in reader:
            row = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if k is not None}
            if not row.get("question"):
                continue
            extra = tuple(t.strip() for t in (row.get("extra") or "").split(",") if t.strip())
            rows.append(
                EvalRow(
                    question=row["question"], team=row["team"], topic=row.get("topic") or None, extra=extra
                )
            )
    return rows


def _percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def evaluate(
    rows: Sequence[EvalRow],
    rank_teams: RankTeams,
    threshold: float,
    *,
    team_thresholds: Mapping[str, float] | None = None,
    language: Callable[[str], str] | None = None,
) -> EvalReport:
    """Score ``rank_teams`` (question -> [(team, probability)] best first) on ``rows``.

    With ``team_thresholds`` a question is auto-routed when its probability reaches its predicted team's
    threshold; with ``language`` (question -> "nl"/"en") the top-1 accuracy is also given per language.
    """
    per_team: dict[str, TeamScore] = {}
    confusion: dict[str, dict[str, int]] = {}
    times: list[float] = []
    top1 = top3 = 0
    top_probs: list[float] = []
    correct_flags: list[bool] = []
    errors: list[tuple[EvalRow, str, float]] = []
    predicted_teams: list[str] = []
    per_language: dict[str, TeamScore] = {}
    for row in rows:
        start = time.perf_counter()
        ranking = rank_teams(row.question)
        times.append((time.perf_counter() - start) * 1000.0)
        predicted, prob = ranking[0] if ranking else ("", 0.0)
        ok = predicted == row.team
        top1 += ok
        top3 += row.team in [t for t, _ in ranking[:3]]
        score = per_team.setdefault(row.team, TeamScore())
        score.n += 1
        score.correct += ok
        confusion.setdefault(row.team, {}).setdefault(predicted, 0)
        confusion[row.team][predicted] += 1
        top_probs.append(prob)
        correct_flags.append(ok)
        predicted_teams.append(predicted)
        if language is not None:
            lang = per_language.setdefault(language(row.question), TeamScore())
            lang.n += 1
            lang.correct += ok
        if not ok:
            errors.append((row, predicted, prob))
    n = len(rows)
    report = EvalReport(
        n=n,
        top1_accuracy=top1 / n if n else 0.0,
        top3_accuracy=top3 / n if n else 0.0,
        per_team=dict(sorted(per_team.items())),
        confusion=confusion,
        threshold=threshold,
        auto_routed_share=0.0,
        auto_routed_accuracy=0.0,
        p50_ms=_percentile(times, 0.5),
        p95_ms=_percentile(times, 0.95),
        errors=errors,
        top_probabilities=top_probs,
        top1_correct=correct_flags,
        predicted=predicted_teams,
        team_thresholds=dict(team_thresholds or {}),
        per_language=dict(sorted(per_language.items())),
    )
    if team_thresholds:
        auto = report.auto_routed()
        report.auto_routed_share = len(auto) / n if n else 0.0
        report.auto_routed_accuracy = sum(ok for _t, ok in auto) / len(auto) if auto else 0.0
    else:
        report.auto_routed_share, report.auto_routed_accuracy = report.at_threshold(threshold)
    return report


@dataclass
class SplitScore:
    two_part: int = 0  # questions labelled with an extra team
    found: int = 0  # ... of which the router named (one of) the labelled extra team(s)
    one_part: int = 0  # questions without an extra team
    false_alarms: int = 0  # ... for which the router still named an extra team


def evaluate_splits(rows: Sequence[EvalRow], extra_teams: Callable[[str], list[str]]) -> SplitScore:
    """How well the router names the extra team(s) of two-part questions, and how rarely it invents one."""
    score = SplitScore()
    for row in rows:
        named = set(extra_teams(row.question))
        if row.extra:
            score.two_part += 1
            score.found += bool(named & set(row.extra))
        else:
            score.one_part += 1
            score.false_alarms += bool(named)
    return score


def suggest_threshold(
    report: EvalReport, min_accuracy: float = 0.95, grid: Iterable[float] | None = None
) -> float | None:
    """Lowest threshold whose auto-routed questions reach ``min_accuracy`` (None if none)."""
    grid = list(grid) if grid is not None else [i / 100 for i in range(10, 100)]
    for t in sorted(grid):
        share, acc = report.at_threshold(t)
        if share > 0 and acc >= min_accuracy:
            return t
    return None


def format_report(report: EvalReport, *, show_errors: int = 0, thresholds: Sequence[float] = ()) -> str:
    """A plain-text table of the report."""
    where = "at per-team thresholds" if report.team_thresholds else f"at {report.threshold:.2f}"
    lines = [
        f"questions            {report.n}",
        f"top-1 team accuracy  {report.top1_accuracy:6.1%}",
        f"top-3 team accuracy  {report.top3_accuracy:6.1%}",
        f"auto-routed {where}  {report.auto_routed_share:6.1%} of questions, "
        f"{report.auto_routed_accuracy:6.1%} of those right",
        f"prediction time      p50 {report.p50_ms:.2f} ms, p95 {report.p95_ms:.2f} ms",
    ]
    for lang, score in report.per_language.items():
        lines.append(f"top-1 in {lang:<12}{score.accuracy:6.1%} of {score.n}")
    header = f"{'team':<14}{'n':>5}{'right':>7}{'acc':>8}"
    if report.team_thresholds:
        header += f"{'thresh':>8}{'auto':>6}{'right':>7}"
    lines += ["", header]
    auto = report.auto_routed() if report.team_thresholds else []
    for team, score in report.per_team.items():
        line = f"{team:<14}{score.n:>5}{score.correct:>7}{score.accuracy:>8.1%}"
        if report.team_thresholds:
            mine = [ok for t, ok in auto if t == team]  # auto-routed *to* this team
            line += f"{report.threshold_for(team):>8.2f}{len(mine):>6}{sum(mine):>7}"
        lines.append(line)
    # Confusion table with abbreviated column headers.
    teams = sorted(set(report.confusion) | {p for row in report.confusion.values() for p in row if p})
    abbrev = {t: t[:4] for t in teams}
    lines += ["", "confusion (rows: true team, columns: predicted team)"]
    lines.append(f"{'':<14}" + "".join(f"{abbrev[t]:>5}" for t in teams))
    for true in teams:
        if true not in report.confusion:
            continue
        cells = []
        for pred in teams:
            count = report.confusion[true].get(pred, 0)
            cells.append(f"{(count if count else '.'):>5}")
        lines.append(f"{true:<14}" + "".join(cells))
    if thresholds:
        lines += ["", f"{'threshold':>9}{'auto':>8}{'acc':>8}"]
        for t in thresholds:
            share, acc = report.at_threshold(t)
            lines.append(f"{t:>9.2f}{share:>8.1%}{acc:>8.1%}")
    if show_errors and report.errors:
        lines += ["", "errors (true -> predicted, p):"]
        for row, pred, prob in report.errors[:show_errors]:
            lines.append(f"  {row.team:>13} -> {pred:<13} {prob:.2f}  {row.question[:90]}")
    return "\n".join(lines)


def cross_validate_catalogue(
    topics: Sequence[Mapping],
    *,
    extra_topics: Sequence[Mapping] = (),
    n_folds: int = 5,
    threshold: float = 0.5,
    seed: int = 0,
    classifier_factory: Callable[[], object] | None = None,
) -> EvalReport:
    """K-fold cross-validation over the catalogue's phrasings, scored on teams.

    Per topic the phrasings are shuffled (fixed seed) and spread round-robin over the
    folds, so every topic is in every training set; in each fold the held-out
    phrasings are removed from training while the topic's name, description and UPL
    names stay (they are not questions). ``extra_topics`` (e.g. UPL-only topics, dicts
    with ``slug``, ``team`` and ``phrasings``) are always in training. Held-out
    phrasings that are duplicated elsewhere in training are still scored.
    """
    from routing.classifier import TopicClassifier, TrainingExample, examples_from_catalogue, team_ranking

    factory = classifier_factory or TopicClassifier
    rng = random.Random(seed)
    topic_team = {t["slug"]: t["team"] for t in list(topics) + list(extra_topics)}
    fold_of: list[list[tuple[str, str]]] = [[] for _ in range(n_folds)]  # (text, slug)
    for topic in topics:
        phrasings = list(dict.fromkeys(topic.get("phrasings") or []))
        rng.shuffle(phrasings)
        for i, text in enumerate(phrasings):
            fold_of[i % n_folds].append((text, topic["slug"]))
    base = [dict(t, phrasings=[]) for t in topics]
    fixed = examples_from_catalogue(base) + examples_from_catalogue(extra_topics)

    rows: list[EvalRow] = []
    models: list = []
    for k in range(n_folds):
        train = list(fixed)
        for j in range(n_folds):
            if j != k:
                train += [TrainingExample(text=t, topic=s) for t, s in fold_of[j]]
        clf = factory().fit(train)
        for text, slug in fold_of[k]:
            rows.append(EvalRow(question=text, team=topic_team[slug], topic=slug))
            models.append(clf)
    model_for_row = iter(models)

    def rank(question: str) -> list[tuple[str, float]]:
        return team_ranking(next(model_for_row).predict_proba_all(question), topic_team)

    return evaluate(rows, rank, threshold)


def upl_only_topics(catalogue: Sequence[Mapping], upl_teams: Mapping[str, Mapping]) -> list[dict]:
    """Topics for UPL names no catalogue topic covers, as the Django import makes them:
    the UPL name is the topic's name and only phrasing."""
    covered = {name for topic in catalogue for name in topic.get("upl_names") or []}
    out = []
    for name in sorted(upl_teams):
        if name in covered or upl_teams[name].get("topic"):
            continue
        slug = "upl-" + "".join(ch if ch.isalnum() else "-" for ch in name.lower()).strip("-")
        out.append(
            {
                "slug": slug,
                "name": name,
                "team": upl_teams[name]["team"],
                "phrasings": [name],
                "upl_names": [name],
            }
        )
    return out


def load_training_topics(
    catalogue_path: str | PathLike[str], upl_teams_path: str | PathLike[str] | None = None
) -> list[dict]:
    """Catalogue topics plus the UPL-only topics (if a UPL mapping is given)."""
    import json

    catalogue = json.loads(Path(catalogue_path).read_text(encoding="utf-8"))
    if upl_teams_path is None:
        return catalogue
    upl_teams = json.loads(Path(upl_teams_path).read_text(encoding="utf-8"))
    return catalogue + upl_only_topics(catalogue, upl_teams)
