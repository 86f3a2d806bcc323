"""Topic classifier for entrepreneurs' questions (Dutch).

Pure Python + numpy at prediction time; scikit-learn (and scipy) are only imported
while training. Features:

* word features: lowercased, accent-folded tokens, stop words removed, Snowball Dutch
  stems (PyStemmer), unigrams and bigrams;
* character n-grams inside word boundaries (like scikit-learn's ``char_wb``), which
  catch Dutch compounds such as "terrasvergunning" or "bedrijfsafvalcontract".

Both blocks are tf-idf weighted (sublinear tf), L2-normalised per block and
concatenated. A multinomial logistic regression gives topic probabilities; a single
temperature, fitted on held-out phrasings by cross-validation during ``fit``, calibrates
them. The weights are stored sparsely (per feature the median over topics is removed,
which leaves the softmax unchanged, and tiny weights are dropped), so the model is
small and prediction is a few sparse row look-ups.
"""

from __future__ import annotations

import functools
import io
import itertools
import json
import math
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from intake.normalise import ENGLISH_FUNCTION_WORDS, normalize, tokenize

FORMAT_VERSION = 2
READABLE_FORMATS = (1, 2)


@dataclass(frozen=True)
class TrainingExample:
    text: str
    topic: str  # topic slug
    weight: float = 1.0  # a person's correction counts more than one catalogue phrasing


@dataclass(frozen=True)
class Prediction:
    topic: str
    probability: float


GLOSSARY_PATH = Path(__file__).resolve().parent / "data" / "glossary_en.json"
COMPOUND_MIN = 8  # shorter words are not split
PART_MIN = 3  # nor into parts shorter than this
LINKS = ("s", "e", "en")  # Dutch linking sounds: bedrijf-s-afval, bestemming-s-plan


@functools.cache
def english_glossary() -> dict[str, tuple[str, ...]]:
    """English word -> Dutch words, so an English question meets the Dutch catalogue (shipped as JSON)."""
    raw = json.loads(GLOSSARY_PATH.read_text(encoding="utf-8"))
    return {normalize(k): tuple(tokenize(v)) for k, v in raw.items()}


def _english_stem(word: str, glossary: Mapping[str, tuple[str, ...]]) -> str | None:
    if word in glossary:
        return word
    for suffix in ("es", "s", "ing", "ed"):
        if word.endswith(suffix) and word[: -len(suffix)] in glossary:
            return word[: -len(suffix)]
    return None


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


class _Featurizer:
    """Turns a text into named feature counts (word, bigram and char n-gram).

    Before the features are made, the tokens are read as a forgiving person would: English words are looked
    up in a small glossary and replaced by their Dutch counterparts (an English question is then scored
    with the same Dutch weights), and against the training lexicon (the words of the training texts) long
    Dutch compounds are split into known parts ("waterschapslasten" -> waterschap + lasten) and unknown
    words are mapped to a known word one typing slip away ("vergunnig" -> vergunning).
    """

    def __init__(
        self, char_min: int = 3, char_max: int = 5, lexicon: Mapping[str, int] | None = None
    ) -> None:
        self.char_min = char_min
        self.char_max = char_max
        self._stemmer = None
        self.set_lexicon(lexicon or {})

    def set_lexicon(self, lexicon: Mapping[str, int]) -> None:
        self.lexicon = dict(lexicon)
        # Symmetric delete index (edit distance about 1): a word and each of its one-letter deletions.
        index: dict[str, str] = {}
        for word, _count in sorted(self.lexicon.items(), key=lambda kv: (-kv[1], kv[0])):
            if len(word) < 5 or word.isdigit():
                continue
            for key in (word, *_deletes(word)):
                index.setdefault(key, word)
        self._typo_index = index

    def _stem(self, words: list[str]) -> list[str]:
        if self._stemmer is None:
            import Stemmer

            self._stemmer = Stemmer.Stemmer("dutch")
        return self._stemmer.stemWords(words)

    def _known_part(self, part: str) -> bool:
        return len(part) >= PART_MIN and self.lexicon.get(part, 0) >= 2

    def split_compound(self, word: str) -> list[str]:
        """The two known parts of a compound (longest head first), or [] when it is not one."""
        if len(word) < COMPOUND_MIN or not self.lexicon:
            return []
        for i in range(len(word) - PART_MIN, PART_MIN - 1, -1):
            head, tail = word[:i], word[i:]
            if not self._known_part(tail):
                continue
            if self._known_part(head):
                return [head, tail]
            for link in LINKS:
                if head.endswith(link) and self._known_part(head[: -len(link)]):
                    return [head[: -len(link)], tail]
        return []

    def correct(self, word: str) -> str | None:
        """A known word one slip away from an unknown one (deleted, added, swapped or wrong letter)."""
        if len(word) < 5 or word in self.lexicon or word.isdigit():
            return None
        index = self._typo_index
        hit = index.get(word)
        if hit is None:
            candidates = [index[d] for d in _deletes(word) if d in index]
            if not candidates:
                return None
            hit = max(candidates, key=lambda w: (self.lexicon.get(w, 0), w))
        return hit if hit != word else None

    def read(self, text: str) -> tuple[list[str], list[str]]:
        """(tokens as typed after the glossary, extra tokens from compounds and spelling)."""
        glossary = english_glossary()
        tokens: list[str] = []
        for tok in tokenize(text):
            if tok in ENGLISH_FUNCTION_WORDS and tok not in self.lexicon:
                continue
            key = None if tok in self.lexicon else _english_stem(tok, glossary)
            tokens.extend(glossary[key] if key else (tok,))
        extra: list[str] = []
        if self.lexicon:
            for tok in tokens:
                parts = self.split_compound(tok)
                if parts:
                    extra.extend(parts)
                    continue
                fixed = self.correct(tok)
                if fixed:
                    extra.append(fixed)
                    extra.extend(self.split_compound(fixed))
        return tokens, extra

    def features(self, text: str) -> tuple[Counter, Counter]:
        tokens, extra = self.read(text)
        stems = self._stem(tokens)
        words: Counter = Counter("w " + s for s in stems)
        words.update("b " + a + " " + b for a, b in itertools.pairwise(stems))
        words.update("w " + s for s in self._stem(extra))
        chars: Counter = Counter()
        for tok in tokens:
            padded = " " + tok + " "
            n_max = min(self.char_max, len(padded))
            for n in range(self.char_min, n_max + 1):
                for i in range(len(padded) - n + 1):
                    chars["c" + padded[i : i + n]] += 1
        return words, chars


class TopicClassifier:
    """Multiclass topic classifier with calibrated probabilities."""

    def __init__(
        self,
        *,
        version: str = "",
        C: float = 30.0,
        char_weight: float = 0.45,  # word features carry the glossary, compound parts and corrections
        calibrate: bool = True,
        prune: float = 1e-3,
        random_state: int = 0,
    ) -> None:
        self.version = version
        self.C = C
        self.char_weight = char_weight
        self.calibrate = calibrate
        self.prune = prune
        self.random_state = random_state
        self.temperature = 1.0
        # Per team: the lowest team probability at which a question is routed without a person
        # (chosen on labelled questions after training, see routing.training); empty = the global setting.
        self.team_thresholds: dict[str, float] = {}
        self._featurizer = _Featurizer()
        self._topics: list[str] = []
        self._vocab: dict[str, int] = {}
        self._idf = np.zeros(0, dtype=np.float32)
        # Weights as CSR over features: row j holds (topic index, weight) pairs.
        self._indptr = np.zeros(1, dtype=np.int64)
        self._indices = np.zeros(0, dtype=np.int32)
        self._data = np.zeros(0, dtype=np.float32)
        self._intercept = np.zeros(0, dtype=np.float64)

    # ------------------------------------------------------------------ properties
    @property
    def topics(self) -> list[str]:
        return list(self._topics)

    @property
    def is_fitted(self) -> bool:
        return bool(self._topics)

    # ------------------------------------------------------------------ vectorising
    def _sparse_vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Feature indices and tf-idf values of one text (known features only)."""
        words, chars = self._featurizer.features(text)
        out_idx: list[np.ndarray] = []
        out_val: list[np.ndarray] = []
        for counts, weight in ((words, 1.0 - self.char_weight), (chars, self.char_weight)):
            idx = []
            tf = []
            for feat, count in counts.items():
                j = self._vocab.get(feat)
                if j is not None:
                    idx.append(j)
                    tf.append(count)
            if not idx:
                continue
            ia = np.asarray(idx, dtype=np.int64)
            va = (1.0 + np.log(np.asarray(tf, dtype=np.float64))) * self._idf[ia]
            norm = float(np.sqrt(np.dot(va, va)))
            if norm > 0:
                out_idx.append(ia)
                out_val.append(va * (math.sqrt(weight) / norm))
        if not out_idx:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
        return np.concatenate(out_idx), np.concatenate(out_val)

    def _build_vocab(self, texts: Sequence[str]) -> None:
        self._featurizer.set_lexicon({})
        lexicon: Counter = Counter()
        for text in texts:
            lexicon.update(self._featurizer.read(text)[0])
        self._featurizer.set_lexicon(lexicon)
        df: Counter = Counter()
        for text in texts:
            words, chars = self._featurizer.features(text)
            df.update(words.keys())
            df.update(chars.keys())
        terms = sorted(df)
        self._vocab = {t: i for i, t in enumerate(terms)}
        n = len(texts)
        self._idf = np.asarray([math.log((1 + n) / (1 + df[t])) + 1.0 for t in terms], dtype=np.float64)

    def _matrix(self, texts: Sequence[str]):
        from scipy import sparse

        rows, cols, vals = [], [], []
        for r, text in enumerate(texts):
            idx, val = self._sparse_vector(text)
            rows.append(np.full(len(idx), r, dtype=np.int64))
            cols.append(idx)
            vals.append(val)
        return sparse.csr_matrix(
            (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
            shape=(len(texts), len(self._vocab)),
        )

    # ------------------------------------------------------------------ training
    def _fit_lr(self, X, y: np.ndarray, n_classes: int, weights: np.ndarray | None = None):
        """Fit a multinomial logistic regression; returns (coef K x F, intercept K)."""
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.linear_model import LogisticRegression

        present = np.unique(y)
        model = LogisticRegression(
            C=self.C, solver="sag", max_iter=300, tol=1e-3, random_state=self.random_state
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X, y, sample_weight=weights)
        coef = np.full((n_classes, X.shape[1]), 0.0)
        intercept = np.full(n_classes, -1e3)  # topics unseen in this fold: never predicted
        if len(present) == 2:  # binary: sklearn gives one weight row for the second class
            coef[present[1]] = model.coef_[0]
            intercept[present[0]] = 0.0
            intercept[present[1]] = model.intercept_[0]
        else:
            coef[present] = model.coef_
            intercept[present] = model.intercept_
        return coef, intercept

    def fit(
        self,
        examples: Sequence[TrainingExample],
        progress: Callable[[int, int], None] | None = None,
    ) -> TopicClassifier:
        # A text without a content word (only stop words) would only move a topic's prior: leave it out.
        examples = [e for e in examples if e.text and tokenize(e.text)]
        if not examples:
            raise ValueError("no training examples")
        topics = sorted({e.topic for e in examples})
        if len(topics) < 2:
            raise ValueError("need at least two topics to train")
        folds = self._calibration_folds(examples) if self.calibrate else []
        total = len(folds) + 2
        step = 0

        def tick() -> None:
            nonlocal step
            step += 1
            if progress is not None:
                progress(step, total)

        texts = [e.text for e in examples]
        self._topics = topics
        t_index = {t: i for i, t in enumerate(topics)}
        y = np.asarray([t_index[e.topic] for e in examples])
        w = np.asarray([e.weight for e in examples], dtype=np.float64)
        self._build_vocab(texts)
        X = self._matrix(texts)
        tick()

        # Temperature from held-out phrasings (vocabulary of the full set is used in
        # the folds; that is only a slight optimism for the unseen-feature case).
        held_logits: list[np.ndarray] = []
        held_y: list[np.ndarray] = []
        for test_idx in folds:
            mask = np.ones(len(examples), dtype=bool)
            mask[test_idx] = False
            coef, intercept = self._fit_lr(X[mask], y[mask], len(topics), w[mask])
            held_logits.append(np.asarray(X[test_idx] @ coef.T) + intercept)
            held_y.append(y[test_idx])
            tick()
        self.temperature = 1.0
        if held_logits:
            self.temperature = _fit_temperature(np.vstack(held_logits), np.concatenate(held_y))

        coef, intercept = self._fit_lr(X, y, len(topics), w)
        self._store_weights(coef, intercept)
        tick()
        return self

    def _calibration_folds(self, examples: Sequence[TrainingExample], n_folds: int = 3) -> list[np.ndarray]:
        """Held-out sets for calibration: per topic with enough examples, spread its
        examples round-robin over the folds (after a fixed shuffle)."""
        rng = np.random.RandomState(self.random_state)
        by_topic: dict[str, list[int]] = {}
        for i, e in enumerate(examples):
            by_topic.setdefault(e.topic, []).append(i)
        folds: list[list[int]] = [[] for _ in range(n_folds)]
        for topic in sorted(by_topic):
            idx = by_topic[topic]
            if len(idx) < n_folds + 2:
                continue
            idx = list(rng.permutation(idx))
            for k, i in enumerate(idx):
                folds[k % n_folds].append(int(i))
        return [np.asarray(sorted(f), dtype=np.int64) for f in folds if f]

    def _store_weights(self, coef: np.ndarray, intercept: np.ndarray) -> None:
        # Removing a per-feature constant from every topic's weight leaves the softmax
        # unchanged; using the median makes most weights ~0 so they can be dropped.
        coef = coef - np.median(coef, axis=0, keepdims=True)
        coef[np.abs(coef) < self.prune] = 0.0
        wt = coef.T  # features x topics
        nz_rows, nz_cols = np.nonzero(wt)
        counts = np.bincount(nz_rows, minlength=wt.shape[0])
        self._indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        self._indices = nz_cols.astype(np.int32)
        self._data = wt[nz_rows, nz_cols].astype(np.float32)
        self._intercept = intercept.astype(np.float64)

    # ------------------------------------------------------------------ prediction
    def _logits(self, text: str) -> np.ndarray:
        if not self.is_fitted:
            raise RuntimeError("classifier is not trained")
        idx, val = self._sparse_vector(text)
        logits = self._intercept.copy()
        if len(idx):
            starts = self._indptr[idx]
            ends = self._indptr[idx + 1]
            lengths = ends - starts
            if lengths.sum():
                # All weight positions of the features at once: start of each run plus offset in the run.
                offsets = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
                pos = np.repeat(starts, lengths) + offsets
                weights = self._data[pos] * np.repeat(val, lengths)
                logits += np.bincount(self._indices[pos], weights=weights, minlength=len(logits))
        return logits

    def _proba(self, text: str) -> np.ndarray:
        z = self._logits(text) / self.temperature
        z -= z.max()
        p = np.exp(z)
        return p / p.sum()

    def predict_proba_all(self, text: str) -> dict[str, float]:
        """Probability of every topic (sums to 1)."""
        p = self._proba(text)
        return {t: float(v) for t, v in zip(self._topics, p, strict=True)}

    def predict(self, text: str, k: int = 3) -> list[Prediction]:
        p = self._proba(text)
        k = max(0, min(k, len(p)))
        top = np.argsort(-p, kind="stable")[:k]
        return [Prediction(self._topics[i], float(p[i])) for i in top]

    def predict_many(self, texts: Sequence[str], k: int = 3) -> list[list[Prediction]]:
        return [self.predict(t, k) for t in texts]

    def language(self, text: str) -> str:
        """ "en" or "nl": which language the question is in (the glossary counts as English evidence)."""
        from intake.normalise import detect_language

        return detect_language(
            text, english_words=frozenset(english_glossary()) - set(self._featurizer.lexicon)
        )

    def explain(self, text: str, topics: Sequence[str], k: int = 3) -> dict[str, list[str]]:
        """Per topic, the words of the text that speak most for it (as typed; a corrected or translated word
        is shown as the catalogue word it was read as), strongest first."""
        if not self.is_fitted:
            raise RuntimeError("classifier is not trained")
        idx, val = self._sparse_vector(text)
        value = dict(zip(idx.tolist(), val.tolist(), strict=True))
        featurizer = self._featurizer
        tokens, _extra = featurizer.read(text)
        t_index = {t: i for i, t in enumerate(self._topics)}
        wanted = [t_index[t] for t in topics if t in t_index]
        # The features each typed word brings: its stem, its character n-grams and the stems of the known
        # words it was read as (compound parts, a spelling correction). A corrected word shows both.
        word_feats: dict[str, set[int]] = {}
        for word in dict.fromkeys(tokens):
            fixed = featurizer.correct(word) if featurizer.lexicon else None
            parts = featurizer.split_compound(word) if featurizer.lexicon else []
            if fixed:
                parts = [fixed, *featurizer.split_compound(fixed)]
            feats = {"w " + stem for stem in featurizer._stem([word, *parts])}
            padded = " " + word + " "
            for n in range(featurizer.char_min, min(featurizer.char_max, len(padded)) + 1):
                feats.update("c" + padded[i : i + n] for i in range(len(padded) - n + 1))
            label = f"{word} ({fixed})" if fixed else word
            word_feats[label] = {self._vocab[f] for f in feats if f in self._vocab}
        out: dict[str, list[str]] = {}
        for ti in wanted:
            scores = []
            for word, ids in word_feats.items():
                total = 0.0
                for j in ids:
                    start, end = self._indptr[j], self._indptr[j + 1]
                    hit = np.nonzero(self._indices[start:end] == ti)[0]
                    if len(hit):
                        total += float(self._data[start + hit[0]]) * value.get(j, 0.0)
                if total > 0:
                    scores.append((total, word))
            scores.sort(key=lambda item: (-item[0], item[1]))
            out[self._topics[ti]] = [word for _s, word in scores[:k]]
        return out

    # ------------------------------------------------------------------ serialisation
    def to_bytes(self) -> bytes:
        """Serialise to a compressed ``.npz`` blob (no pickle)."""
        if not self.is_fitted:
            raise RuntimeError("classifier is not trained")
        meta = {
            "format": FORMAT_VERSION,
            "version": self.version,
            "C": self.C,
            "char_weight": self.char_weight,
            "prune": self.prune,
            "calibrate": self.calibrate,
            "random_state": self.random_state,
            "temperature": self.temperature,
            "char_min": self._featurizer.char_min,
            "char_max": self._featurizer.char_max,
            "topics": self._topics,
            "team_thresholds": self.team_thresholds,
            "lexicon": self._featurizer.lexicon,
        }
        terms = [""] * len(self._vocab)
        for t, i in self._vocab.items():
            terms[i] = t
        buf = io.BytesIO()
        np.savez_compressed(
            buf,
            meta=np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8),
            terms=np.frombuffer("\n".join(terms).encode("utf-8"), dtype=np.uint8),
            idf=self._idf,
            indptr=self._indptr,
            indices=self._indices,
            data=self._data,
            intercept=self._intercept,
        )
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> TopicClassifier:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            meta = json.loads(npz["meta"].tobytes().decode("utf-8"))
            if meta.get("format") not in READABLE_FORMATS:
                raise ValueError(f"unsupported model format {meta.get('format')!r}")
            obj = cls(
                version=meta["version"],
                C=meta["C"],
                char_weight=meta["char_weight"],
                calibrate=meta["calibrate"],
                prune=meta["prune"],
                random_state=meta["random_state"],
            )
            obj.temperature = float(meta["temperature"])
            obj._featurizer = _Featurizer(meta["char_min"], meta["char_max"], meta.get("lexicon"))
            obj.team_thresholds = {k: float(v) for k, v in (meta.get("team_thresholds") or {}).items()}
            obj._topics = list(meta["topics"])
            terms = npz["terms"].tobytes().decode("utf-8").split("\n")
            obj._vocab = {t: i for i, t in enumerate(terms)}
            obj._idf = npz["idf"]
            obj._indptr = npz["indptr"]
            obj._indices = npz["indices"]
            obj._data = npz["data"]
            obj._intercept = npz["intercept"]
        return obj


def _fit_temperature(logits: np.ndarray, y: np.ndarray) -> float:
    """Temperature minimising the negative log-likelihood (golden-section on log T)."""

    def nll(log_t: float) -> float:
        z = logits / math.exp(log_t)
        z = z - z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        return float(-logp[np.arange(len(y)), y].mean())

    lo, hi = math.log(0.05), math.log(20.0)
    g = (math.sqrt(5) - 1) / 2
    a, b = hi - g * (hi - lo), lo + g * (hi - lo)
    fa, fb = nll(a), nll(b)
    for _ in range(60):
        if fa < fb:
            hi, b, fb = b, a, fa
            a = hi - g * (hi - lo)
            fa = nll(a)
        else:
            lo, a, fa = a, b, fb
            b = lo + g * (hi - lo)
            fb = nll(b)
    return float(math.exp((lo + hi) / 2))


# ---------------------------------------------------------------------- helpers
def examples_from_catalogue(topics: Iterable[Mapping]) -> list[TrainingExample]:
    """Training texts of each topic: name, description, phrasings and UPL names."""
    out: list[TrainingExample] = []
    for topic in topics:
        slug = topic["slug"]
        texts: list[str] = []
        if topic.get("name"):
            texts.append(topic["name"])
        if topic.get("description"):
            texts.append(topic["description"])
        texts.extend(topic.get("phrasings") or [])
        texts.extend(topic.get("upl_names") or [])
        seen: set[str] = set()
        for text in texts:
            key = text.strip().lower()
            if key and key not in seen:
                seen.add(key)
                out.append(TrainingExample(text=text.strip(), topic=slug))
    return out


def team_ranking(
    predictions_all_topics: Mapping[str, float] | Iterable[Prediction] | Iterable[tuple[str, float]],
    topic_team: Mapping[str, str],
) -> list[tuple[str, float]]:
    """Sum topic probabilities per team, sorted by probability (desc), then team name.

    Accepts the dict of ``predict_proba_all`` or a list of ``Prediction``/(topic, p).
    Topics without a team are ignored.
    """
    if isinstance(predictions_all_topics, Mapping):
        items = list(predictions_all_topics.items())
    else:
        items = [
            (p.topic, p.probability) if isinstance(p, Prediction) else (p[0], p[1])
            for p in predictions_all_topics
        ]
    totals: dict[str, float] = {}
    for topic, prob in items:
        team = topic_team.get(topic)
        if team is not None:
            totals[team] = totals.get(team, 0.0) + float(prob)
    return sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))
