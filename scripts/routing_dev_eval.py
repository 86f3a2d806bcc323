"""Train the router on the catalogue (+ UPL mapping) and evaluate it on dev.tsv.

Usage: python scripts/routing_dev_eval.py [--threshold 0.6] [--cv] [--errors 20]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from routing.classifier import TopicClassifier, examples_from_catalogue, team_ranking  # noqa: E402
from routing.evaluation import (  # noqa: E402
    cross_validate_catalogue,
    evaluate,
    format_report,
    load_training_topics,
    read_tsv,
    suggest_threshold,
)

DATA = ROOT / "routing" / "data"
SWEEP = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dev", nargs="+", default=["/work/shared/data/routing/dev.tsv"])
    parser.add_argument("--C", type=float, default=None, help="override the regularisation strength")
    parser.add_argument("--char-weight", type=float, default=None, help="override the char n-gram weight")
    parser.add_argument("--summary", action="store_true", help="only the headline figures per file")
    parser.add_argument("--threshold", type=float, default=0.5)
    parser.add_argument("--cv", action="store_true", help="also run 5-fold cross-validation on the catalogue")
    parser.add_argument("--errors", type=int, default=0, help="show this many misrouted questions")
    parser.add_argument("--no-upl", action="store_true", help="train on the catalogue only")
    args = parser.parse_args()

    topics = load_training_topics(DATA / "catalogue.json", None if args.no_upl else DATA / "upl_teams.json")
    topic_team = {t["slug"]: t["team"] for t in topics}
    examples = examples_from_catalogue(topics)
    start = time.perf_counter()
    overrides = {k: v for k, v in (("C", args.C), ("char_weight", args.char_weight)) if v is not None}
    clf = TopicClassifier(version="dev", **overrides).fit(examples)
    train_s = time.perf_counter() - start
    blob = clf.to_bytes()
    print(
        f"trained on {len(examples)} examples, {len(clf.topics)} topics in {train_s:.1f} s; "
        f"temperature {clf.temperature:.2f}; model {len(blob) / 1e6:.2f} MB"
    )

    for path in args.dev:
        rows = read_tsv(path)
        report = evaluate(rows, lambda q: team_ranking(clf.predict_proba_all(q), topic_team), args.threshold)
        print(f"\n== {path}")
        if args.summary:
            print(format_report(report).split("\n\n")[0])
            continue
        print(format_report(report, show_errors=args.errors, thresholds=SWEEP))
        print(f"lowest threshold with >= 95% of auto-routed right: {suggest_threshold(report)}")

    if args.cv:
        catalogue = [t for t in topics if not t["slug"].startswith("upl-")]
        extra = [t for t in topics if t["slug"].startswith("upl-")]
        cv = cross_validate_catalogue(catalogue, extra_topics=extra, n_folds=5, threshold=args.threshold)
        print("\n== 5-fold cross-validation over the catalogue phrasings")
        print(format_report(cv, show_errors=args.errors, thresholds=SWEEP))
        print(f"lowest threshold with >= 95% of auto-routed right: {suggest_threshold(cv)}")


if __name__ == "__main__":
    main()
