"""The suggester: for passages not yet coded, the codebook's codes ranked with a calibrated
score (deductive suggestions; `suggestion.py` runs it on a project).

What a code's score is built from, by how much evidence there is:

1. **The codebook.** A code's name, definition and inclusion rule make its description;
   its examples are labelled passages; its exclusion rule (split into clauses) is a
   negative: a passage nearer an exclusion clause than the code itself is pushed down.
2. **What coders have coded.** Coded passages join the code's examples: its prototype
   is the sum of its examples plus its description, and once codes have examples a
   logistic regression over all of them (descriptions included, weighted) joins the
   prototypes, with a weight that grows with the examples per code.
3. **The corpus.** Scores are spread over a nearest-neighbour graph of the project's
   uncoded passages (label spreading), and prototypes are refined twice on the spread
   scores, so that passages that cluster together share evidence. Vectors are centred on
   the uncoded passages' mean first (sentence embeddings share a common direction).
4. **Feedback.** An accepted suggestion becomes a coding, hence an example; a rejected one
   is a negative for its code, like an exclusion clause (and `suggest_for_project` never
   shows that passage-code pair again).

The result, per passage, is a distribution over codes. A Platt calibration maps it to the
probability that the code is right, fitted by 3-fold cross-validation on the coded
passages and codebook examples when there are 30 or more; otherwise a default calibration
measured on BANKING77 with the packaged model is used, and `calibration_.method` says so.
Codes with fewer than five coded passages are flagged (`low_evidence`; `evidence` reads
"codebook only" or "3 coded passages").

Settings were tuned on a split of BANKING77's training set (benchmarks/bench_suggest.py);
the test set was used only to report figures."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from brightspots.embedding import Embedder, EmbeddingCancelled
from brightspots.models import Cancelled, Code, Progress
from brightspots.propagation import Graph, neighbour_average, spread

Matrix = npt.NDArray[np.float32]
Verdict = Literal["accepted", "rejected"]
VERDICTS: tuple[Verdict, ...] = ("accepted", "rejected")


@dataclass(frozen=True)
class Passage:
    """A passage to suggest codes for; where it lies, when it lies in a document."""

    text: str
    document: str | None = None
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True)
class Example:
    """A passage coded with a code (by id)."""

    code: str
    text: str


@dataclass(frozen=True)
class Feedback:
    """A coder's verdict on a suggestion."""

    code: str
    text: str
    verdict: Verdict


@dataclass(frozen=True)
class Suggestion:
    passage: Passage
    code: str  # the code's id
    name: str
    score: float  # calibrated: the estimated probability that the code is right
    rank: int  # 1 for the passage's best code
    evidence: str  # "codebook only", or how many coded passages the code has
    low_evidence: bool


@dataclass(frozen=True)
class Calibration:
    """P(right) = 1 / (1 + exp(-(slope * z + intercept))), z = the logit of the share."""

    slope: float
    intercept: float
    method: Literal["fitted", "default"]
    points: int = 0  # (passage, code) pairs it was fitted on

    def __call__(self, shares: Matrix) -> Matrix:
        z = logit(shares)
        result: Matrix = (1.0 / (1.0 + np.exp(-(self.slope * z + self.intercept)))).astype(
            np.float32
        )
        return result


# Measured on BANKING77 training passages with code names only and the packaged model
# (benchmarks/bench_suggest.py --fit-default-calibration): what a score means when a
# project has too few coded passages to fit its own calibration.
DEFAULT_CALIBRATION = Calibration(slope=0.915, intercept=-0.133, method="default")


@dataclass(frozen=True)
class SuggestSettings:
    """Tuned on a split of BANKING77's training set; see the module docstring."""

    neighbours: int = 5
    description_weight: float = 1.0  # the description, as a share of one example, in a prototype
    description_sample_weight: float = 3.0  # and as a training sample of the classifier
    temperature_codebook: float = 0.03  # softmax temperature of similarities, no examples
    temperature_examples: float = 0.1  # ... with examples (the classifier then leads)
    spread_codebook: float = 0.9  # label spreading's alpha, no examples
    spread_examples: float = 0.8
    classifier_weight: float = 2.0  # weight of the classifier's log-probabilities
    regularisation: float = 30.0  # the classifier's C
    # lbfgs stopping tolerance: 1e-3 fits 6x faster than sklearn's 1e-4 on the sample
    # (8 s vs 49 s, four fits with calibration) for the same BANKING77 accuracy
    classifier_tolerance: float = 1e-3
    examples_for_full_weight: float = 3.0  # examples per code at which examples weigh fully
    refinements: int = 2
    negative_weight: float = 1.0  # of the excess similarity to an exclusion or rejection
    min_pool: int = 50  # fewer uncoded passages: no centring, no spreading
    max_examples_per_code: int = 200
    low_evidence: int = 5  # coded passages below which a code is flagged
    calibration_folds: int = 3
    min_calibration_examples: int = 30
    calibration_top: int = 5  # codes per held-out passage used to fit the calibration
    seed: int = 0


@dataclass
class _State:
    """What scoring needs: learned from one set of examples."""

    prototypes: Matrix  # (codes, d)
    classifier: Any | None  # sklearn LogisticRegression over code indices
    classifier_codes: npt.NDArray[np.int64]  # the code index of each classifier class
    weight: float  # 0..1, how much the examples count
    pool_scores: Matrix | None  # (pool, codes) after spreading


@dataclass
class _Labelled:
    codes: npt.NDArray[np.int64]
    vectors: Matrix
    coded: npt.NDArray[np.bool_]  # a coder's passage (True) or a codebook example


class Suggester:
    """Fit on a codebook, the coded passages, feedback and the uncoded passages; then rank
    codes for any passage. `fit` returns self; learned state ends in `_`."""

    def __init__(self, embedder: Embedder, settings: SuggestSettings | None = None) -> None:
        self.embedder = embedder
        self.settings = settings or SuggestSettings()

    # --- fitting ---------------------------------------------------------------------

    def fit(
        self,
        codes: Sequence[Code],
        examples: Iterable[Example] = (),
        feedback: Iterable[Feedback] = (),
        pool: Sequence[str] = (),
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> Suggester:
        """Learn from the codebook `codes`, coded `examples`, `feedback`, and `pool`: the
        uncoded passages whose structure the scores are spread over."""
        if not codes:
            raise ValueError("a codebook with at least one code is needed for suggestions")
        s = self.settings
        self.codes_ = tuple(codes)
        index = {code.id: i for i, code in enumerate(self.codes_)}
        feedback = list(feedback)
        coded = _dedupe(
            [e for e in examples if e.code in index]
            + [Example(f.code, f.text) for f in feedback if f.verdict == "accepted"]
        )
        rejected = [f for f in feedback if f.verdict == "rejected" and f.code in index]
        counts = np.bincount([index[e.code] for e in coded], minlength=len(self.codes_))
        self.coded_counts_ = {code.id: int(n) for code, n in zip(self.codes_, counts, strict=True)}

        _check(cancelled)
        described = [description_parts(code) for code in self.codes_]
        book = [Example(code.id, text) for code in self.codes_ for text in code.examples]
        negatives = [(index[c.id], t) for c in self.codes_ for t in _clauses(c.exclusion)]
        negatives += [(index[f.code], f.text) for f in rejected]
        texts = _Texts()
        for parts in described:
            texts.add(parts)
        texts.add(e.text for e in book + coded)
        texts.add(t for _, t in negatives)
        texts.add(pool)
        vectors = texts.encode(self.embedder, progress, cancelled)

        pool_raw = vectors[texts.rows(pool)] if pool else np.zeros((0, vectors.shape[1]), "f4")
        self.centre_ = (
            pool_raw.mean(axis=0).astype(np.float32)
            if len(pool_raw) >= s.min_pool
            else np.zeros(vectors.shape[1], np.float32)
        )
        vectors = self._centred(vectors)
        self.descriptions_ = _normalise(
            np.stack([vectors[texts.rows(parts)].sum(axis=0) for parts in described])
        )
        labelled = _Labelled(
            np.array([index[e.code] for e in book + coded], np.int64),
            vectors[texts.rows([e.text for e in book + coded])],
            np.array([False] * len(book) + [True] * len(coded), dtype=bool),
        )
        self.labelled_ = _cap(labelled, s.max_examples_per_code, s.seed)
        self.negatives_ = (
            np.array([c for c, _ in negatives], np.int64),
            vectors[texts.rows([t for _, t in negatives])],
        )
        self.pool_ = vectors[texts.rows(pool)] if len(pool) >= s.min_pool else None
        self.graph_ = Graph.build(self.pool_, s.neighbours) if self.pool_ is not None else None
        _check(cancelled)
        self.state_ = self._learn(self.labelled_)
        _check(cancelled)
        self.calibration_ = self._calibrate(cancelled)
        return self

    def _centred(self, vectors: Matrix) -> Matrix:
        return _normalise(vectors - self.centre_)

    def _learn(self, labelled: _Labelled) -> _State:
        s = self.settings
        n_codes = len(self.codes_)
        sums = np.zeros((n_codes, self.descriptions_.shape[1]), np.float32)
        np.add.at(sums, labelled.codes, labelled.vectors)
        base = _normalise(sums + s.description_weight * self.descriptions_)
        weight = min(1.0, len(labelled.codes) / (s.examples_for_full_weight * n_codes))
        classifier, classes = self._classifier(labelled) if weight > 0 else (None, None)
        state = _State(
            base,
            classifier,
            classes if classes is not None else np.zeros(0, np.int64),
            weight,
            None,
        )
        if self.pool_ is None or self.graph_ is None:
            return state
        for step in range(s.refinements + 1):
            state.pool_scores = spread(
                self.graph_, self._prior(self.pool_, state), self._alpha(state)
            )
            if step == s.refinements:
                break
            mass = state.pool_scores.sum(axis=0)[:, None]
            centroids = _normalise(state.pool_scores.T @ self.pool_ / np.maximum(mass, 1e-12))
            state.prototypes = _normalise(centroids + base)
        return state

    def _classifier(self, labelled: _Labelled) -> tuple[Any, npt.NDArray[np.int64]]:
        s = self.settings
        n_codes = len(self.codes_)
        if n_codes < 2:  # one code: nothing to tell apart
            return None, np.zeros(0, np.int64)
        from sklearn.linear_model import LogisticRegression  # heavy: imported when used

        features = np.vstack([labelled.vectors, self.descriptions_])
        targets = np.concatenate([labelled.codes, np.arange(n_codes)])
        weights = np.concatenate(
            [np.ones(len(labelled.codes)), np.full(n_codes, s.description_sample_weight)]
        )
        model = LogisticRegression(C=s.regularisation, max_iter=3000, tol=s.classifier_tolerance)
        model.fit(features, targets, sample_weight=weights)
        return model, np.asarray(model.classes_, np.int64)

    def _alpha(self, state: _State) -> float:
        s = self.settings
        return s.spread_codebook + (s.spread_examples - s.spread_codebook) * state.weight

    def _prior(self, vectors: Matrix, state: _State) -> Matrix:
        """Each passage's distribution over codes before spreading."""
        s = self.settings
        temperature = s.temperature_codebook + state.weight * (
            s.temperature_examples - s.temperature_codebook
        )
        similarity = vectors @ state.prototypes.T
        logits = similarity / temperature
        if state.classifier is not None:
            log_proba = np.full(logits.shape, -30.0, np.float32)
            log_proba[:, state.classifier_codes] = state.classifier.predict_log_proba(vectors)
            logits = logits + s.classifier_weight * state.weight * np.maximum(log_proba, -30.0)
        codes, negatives = self.negatives_
        if len(codes):
            nearest = np.full(logits.shape, -1.0, np.float32)
            np.maximum.at(nearest.T, codes, (vectors @ negatives.T).T)
            excess = np.maximum(nearest - similarity, 0.0)
            logits = logits - s.negative_weight * excess / temperature
        return _softmax(logits)

    def _shares(self, vectors: Matrix, state: _State) -> Matrix:
        """Distribution over codes of centred passages: prior, then the inductive step of
        spreading (neighbours in the pool)."""
        prior = self._prior(vectors, state)
        if self.pool_ is None or state.pool_scores is None:
            return prior
        alpha = self._alpha(state)
        around = neighbour_average(vectors, self.pool_, state.pool_scores, self.settings.neighbours)
        mixed = (1 - alpha) * prior + alpha * around
        result: Matrix = (mixed / mixed.sum(axis=1, keepdims=True)).astype(np.float32)
        return result

    # --- calibration -------------------------------------------------------------------

    def _calibrate(self, cancelled: Cancelled | None) -> Calibration:
        """Platt scaling fitted on held-out labelled passages (k-fold: each fold is scored
        by a state learned without it), or the default when there are too few. Verdicts
        are left out: every one of them is also training data (an example or a negative),
        so their scores would flatter the fit."""
        s = self.settings
        labelled = self.labelled_
        if len(labelled.codes) < s.min_calibration_examples or len(set(labelled.codes)) < 2:
            return DEFAULT_CALIBRATION
        number = max(2, s.calibration_folds)
        folds = np.random.default_rng(s.seed).permutation(len(labelled.codes)) % number
        z: list[npt.NDArray[np.float64]] = []
        right: list[npt.NDArray[np.bool_]] = []
        for fold in range(number):
            _check(cancelled)
            held = folds == fold
            state = self._learn(
                _Labelled(labelled.codes[~held], labelled.vectors[~held], labelled.coded[~held])
            )
            shares = self._shares(labelled.vectors[held], state)
            top = np.argsort(-shares, axis=1)[:, : s.calibration_top]
            z.append(logit(np.take_along_axis(shares, top, axis=1)).ravel())
            right.append((top == labelled.codes[held][:, None]).ravel())
        return fit_calibration(np.concatenate(z), np.concatenate(right))

    # --- suggesting --------------------------------------------------------------------

    def shares(self, texts: Sequence[str], vectors: Matrix | None = None) -> Matrix:
        """Uncalibrated scores (passages x codes, in `codes_` order; rows sum to 1), from
        the texts or their precomputed `vectors`."""
        if vectors is None and texts:
            vectors = self.embedder.encode(list(texts))
        if vectors is None or len(vectors) == 0:
            return np.zeros((0, len(self.codes_)), np.float32)
        return self._shares(self._centred(vectors), self.state_)

    def scores(self, texts: Sequence[str], vectors: Matrix | None = None) -> Matrix:
        """Calibrated scores (passages x codes, in `codes_` order)."""
        return self.calibration_(self.shares(texts, vectors))

    def suggest(
        self,
        passages: Sequence[Passage],
        top_k: int = 3,
        threshold: float = 0.0,
        vectors: Matrix | None = None,
    ) -> list[tuple[Suggestion, ...]]:
        """For each passage (in order), its best `top_k` codes scoring at least
        `threshold`, best first."""
        scores = self.scores([p.text for p in passages], vectors)
        result = []
        for passage, row in zip(passages, scores, strict=True):
            order = np.argsort(-row, kind="stable")[:top_k]
            result.append(
                tuple(
                    self._suggestion(passage, int(i), float(row[i]), rank)
                    for rank, i in enumerate(order, start=1)
                    if row[i] >= threshold
                )
            )
        return result

    def review(
        self,
        code: str,
        passages: Sequence[Passage],
        limit: int = 50,
        vectors: Matrix | None = None,
    ) -> list[Suggestion]:
        """The passages most likely to carry `code` (its id), best first."""
        column = [c.id for c in self.codes_].index(code)
        scores = self.scores([p.text for p in passages], vectors)
        ranks = (scores > scores[:, [column]]).sum(axis=1) + 1
        order = np.argsort(-scores[:, column], kind="stable")[:limit]
        return [
            self._suggestion(passages[i], column, float(scores[i, column]), int(ranks[i]))
            for i in order
        ]

    def evidence(self, code: str) -> tuple[str, bool]:
        """("codebook only" | "N coded passages", whether that is too little)."""
        count = self.coded_counts_.get(code, 0)
        if count == 0:
            return "codebook only", True
        plural = "" if count == 1 else "s"
        return f"{count} coded passage{plural}", count < self.settings.low_evidence

    def _suggestion(self, passage: Passage, column: int, score: float, rank: int) -> Suggestion:
        code = self.codes_[column]
        evidence, low = self.evidence(code.id)
        return Suggestion(passage, code.id, code.name, score, rank, evidence, low)


def fit_calibration(z: npt.NDArray[np.float64], right: npt.NDArray[np.bool_]) -> Calibration:
    """Platt scaling of z = logit(share) against whether the code was right; the
    default calibration when the points cannot support a fit (one class only, or a fit
    that would not rise with the score)."""
    if right.all() or not right.any():
        return DEFAULT_CALIBRATION
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=100.0, max_iter=1000).fit(z.reshape(-1, 1), right)
    slope = float(model.coef_[0, 0])
    if not slope > 0 or not math.isfinite(slope):
        return DEFAULT_CALIBRATION
    return Calibration(slope, float(model.intercept_[0]), "fitted", len(z))


# --- helpers ------------------------------------------------------------------------------


class _Texts:
    """Distinct texts to embed once, and where each one's vector is."""

    def __init__(self) -> None:
        self._rows: dict[str, int] = {}

    def add(self, texts: Iterable[str]) -> None:
        for text in texts:
            self._rows.setdefault(text, len(self._rows))

    def rows(self, texts: Iterable[str]) -> list[int]:
        return [self._rows[t] for t in texts]

    def encode(
        self, embedder: Embedder, progress: Progress | None, cancelled: Cancelled | None
    ) -> Matrix:
        return embedder.encode(list(self._rows), progress, cancelled)


def description_parts(code: Code) -> list[str]:
    """The texts that describe a code, weighing alike: name, definition, inclusion. A
    code's description vector is the normalised sum of theirs (themes use it too)."""
    parts = [code.name.replace("_", " "), code.definition, code.inclusion]
    return [" ".join(p.split()) for p in parts if p and p.strip()]


_USE = re.compile(r"\(\s*(?:use|see|code)\b[^)]*\)", re.IGNORECASE)


def _clauses(exclusion: str) -> list[str]:
    """An exclusion rule as separate clauses, without "(use `other-code`)" pointers."""
    text = _USE.sub("", exclusion or "")
    clauses = (" ".join(c.split()).strip(" .,;") for c in re.split(r"[;\n]", text))
    return [c for c in clauses if len(c) > 3]


def _dedupe(examples: Sequence[Example]) -> list[Example]:
    return list(dict.fromkeys(examples))


def _cap(labelled: _Labelled, per_code: int, seed: int) -> _Labelled:
    """At most `per_code` examples of each code (coders' passages first), so that fitting
    stays quick on a project with tens of thousands of codings."""
    keep: list[int] = []
    rng = np.random.default_rng(seed)
    for code in np.unique(labelled.codes):
        rows = np.flatnonzero(labelled.codes == code)
        rows = rows[np.argsort(~labelled.coded[rows], kind="stable")]
        if len(rows) > per_code:
            rows = np.sort(rng.choice(rows, per_code, replace=False))
        keep += rows.tolist()
    chosen = np.array(sorted(keep), np.int64)
    return _Labelled(labelled.codes[chosen], labelled.vectors[chosen], labelled.coded[chosen])


def logit(shares: npt.NDArray[Any]) -> npt.NDArray[np.float64]:
    """log(p / (1 - p)), kept finite (shares of exactly 0 or 1 happen in float32)."""
    p = np.clip(shares.astype(np.float64), 1e-9, 1 - 1e-9)
    result: npt.NDArray[np.float64] = np.log(p) - np.log1p(-p)
    return result


def _normalise(vectors: Matrix) -> Matrix:
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    result: Matrix = (vectors / np.maximum(norms, 1e-12)).astype(np.float32)
    return result


def _softmax(logits: Matrix) -> Matrix:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    result: Matrix = (shifted / shifted.sum(axis=1, keepdims=True)).astype(np.float32)
    return result


def _check(cancelled: Cancelled | None) -> None:
    if cancelled is not None and cancelled():
        raise EmbeddingCancelled("suggestions were cancelled")


__all__ = [
    "VERDICTS",
    "Calibration",
    "Example",
    "Feedback",
    "Passage",
    "SuggestSettings",
    "Suggester",
    "Suggestion",
    "Verdict",
    "description_parts",
    "fit_calibration",
]
