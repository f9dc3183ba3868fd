"""The theme clusterer: groups passages by their embeddings into candidate themes, on any
corpus (`themes.py` runs it on a project).

The pipeline, for n unit vectors:

1. **Centre** them on their mean (sentence embeddings share a common direction that
   hides the differences between passages) and re-normalise. With several languages,
   each language with enough passages is centred on its own mean (`centre_by_language`):
   a model puts the passages of one language near one another whatever they say (the
   packaged English model most of all), and without this the sample corpus's French and
   Portuguese passages came back as two themes of 600 passages each, "French" and
   "Portuguese"; with it they split by what is said, some themes across languages.
2. **Smooth** over the k-nearest-neighbour graph: each vector moves towards its
   neighbours (`smoothing_steps` times, neighbours weighted by exp((cos - 1) / T)).
   Passages about the same thing draw together and the gaps between topics widen, which
   is the work UMAP does in BERTopic, at a fraction of its cost and with no random state.
   Given the texts, each vector also moves towards the `wording_neighbours` (5) passages
   whose wording is nearest (`wording_neighbours()`: TF-IDF over words and pairs of
   words), weighted the same way times `wording` (1.0). A model's neighbours blur
   near-twins ("card arrival" and "card delivery estimate"); shared wording tells them
   apart. On BANKING77's training samples this raised NMI by 0.004 (higher on 11 of 12
   samples). Weights 0.5-1.5, 10 neighbours, words alone or character n-grams all helped
   (+0.002 to +0.005); leaving stop words out did not.
3. **Reduce** to a few dimensions with PCA (or TruncatedSVD, or not at all), where
   HDBSCAN's trees are fast.
4. **HDBSCAN** finds dense groups; `min_cluster_size` follows the corpus size unless set.
5. **Assign** the passages HDBSCAN left out by label spreading over the neighbour graph
   of the smoothed vectors: a passage joins a theme only when most of the spread mass that
   reaches it comes from that theme (`min_confidence`); the others stay outliers. Members
   are re-assigned the same way, so a theme's border follows its neighbourhoods.
6. **Refine** (`refine`): the themes found say which directions of the embedding tell
   passages apart in this corpus. A linear discriminant analysis fitted on them (centred
   vectors, Ledoit-Wolf shrinkage) gives a space where those directions count and the
   rest is damped; steps 2-5 run once more on the centred vectors joined to their image
   there (that image weighs `refine`, 0.75). On BANKING77's training samples this raised
   NMI by 0.006 on average (higher on 11 of 12 samples, 0.0003 lower on the other) for
   ~1.7x the clustering time; weights from 0.6 to 0.9 did as well, a third pass added
   nothing. The refined themes replace the first ones only when the refined pass finds
   at least two.

Themes are numbered by size (largest first). Nothing here is random but the PCA/SVD
solvers, which take `seed` (the discriminant analysis is an eigen-decomposition): the
same vectors and settings always give the same themes. Settings were tuned on
BANKING77's training set (benchmarks/bench_themes.py --split dev);
its test set was used only to report figures."""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from brightspots.embedding import EmbeddingCancelled
from brightspots.keywords import Keyword, class_keywords, without_notes
from brightspots.models import Cancelled, Progress
from brightspots.propagation import nearest

Matrix = npt.NDArray[np.float32]
Labels = npt.NDArray[np.int64]
Reduction = Literal["pca", "svd", "none"]
REDUCTIONS: tuple[Reduction, ...] = ("pca", "svd", "none")


@dataclass(frozen=True)
class ThemeSettings:
    """How themes are found. Tuned on a split of BANKING77's training set."""

    seed: int = 0
    min_cluster_size: int | None = None  # None: `min_cluster_size_for(n)`
    min_samples: int = 5  # HDBSCAN's density estimate; lower finds more, smaller themes
    reduction: Reduction = "pca"
    dimensions: int = 10
    neighbours: int = 10  # of the graph used to smooth and to assign
    smoothing_steps: int = 5
    smoothing_temperature: float = 0.2
    spread: float = 0.9  # label spreading's alpha
    spread_steps: int = 30
    # Share of a passage's spread mass its theme must hold. 0.2 and 0.3 score the same on
    # BANKING77 (dev); 0.3 left 5.7% of the sample corpus out once its languages were
    # centred apart, 0.2 leaves 0.9%.
    min_confidence: float = 0.2
    # Weight of the space that separates the first themes in a second pass (0: one pass).
    refine: float = 0.75
    # Weight, beside the nearest in meaning, of the passages whose wording is nearest when
    # smoothing (0: meaning only; needs the texts), and how many of those.
    wording: float = 1.0
    wording_neighbours: int = 5
    centre_by_language: bool = True  # each language on its own mean (step 1)
    keywords: int = 10
    quotes: int = 5
    # A theme whose centroid is nearer no code's description than this (cosine, the
    # packaged model) is "new". On BANKING77 (dev) 2% of themes whose intent is a code
    # fall below it; intents there have near-twins, so themes whose code was removed
    # reach 0.5 at a sibling ~85% of the time: the similarity shown says more than the flag.
    new_below: float = 0.5
    max_segments: int = 10_000  # a project's segments beyond this are sampled (seeded)
    min_words: int = 3  # shorter segments ("Yes.", "Okay.") are left out of themes

    def __post_init__(self) -> None:
        if not 0 <= self.refine <= 1:
            raise ValueError(f"refine is a weight from 0 to 1, not {self.refine}")
        if self.wording < 0:
            raise ValueError(f"wording is a weight of 0 or more, not {self.wording}")


def min_cluster_size_for(n: int) -> int:
    """The smallest theme worth naming in a corpus of n passages: it grows a little slower
    than the corpus (12 for 3,000 passages, 28 for 10,000), and is never below 5."""
    return max(5, round(1.1 * math.pow(n / 100, 0.7)))


class ThemeClusterer:
    """Fit on passage vectors (and, for keywords and quotes, their texts); learned state
    ends in `_`. `labels_[i]` is the theme of passage i (0 = the largest) or -1."""

    def __init__(self, settings: ThemeSettings | None = None) -> None:
        self.settings = settings or ThemeSettings()

    def fit(
        self,
        vectors: Matrix,
        texts: Sequence[str] | None = None,
        languages: Sequence[str] | None = None,
        groups: Sequence[tuple[Hashable, ...]] | None = None,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> ThemeClusterer:
        """Cluster `vectors` (one row per passage). With `texts`, also learn each theme's
        keywords (per language: `languages`, English by default) and representative
        passages, chosen to spread over `groups` (per passage, e.g. (country, document):
        a new first value is preferred, then a new second value)."""
        s = self.settings
        raw = np.asarray(vectors, dtype=np.float32)
        n = len(raw)
        if texts is not None and len(texts) != n:
            raise ValueError(f"{len(texts)} texts for {n} vectors")
        self.min_cluster_size_ = s.min_cluster_size or min_cluster_size_for(n)
        steps = _Steps(progress, cancelled)
        labels = np.full(n, -1, np.int64)
        confidence = np.zeros(n, np.float32)
        self.hdbscan_labels_ = labels.copy()
        if n >= max(2 * self.min_cluster_size_, s.min_samples + 1, 3):
            labels, confidence = self._cluster(raw, texts, languages, steps)
        self.labels_, order = _by_size(labels)
        self.confidence_ = confidence
        self.n_themes_ = len(order)
        self.centroids_ = _centroids(raw, self.labels_, self.n_themes_)
        steps("keywords")
        self.keywords_: list[dict[str, tuple[Keyword, ...]]] = [{} for _ in order]
        self.representatives_: list[Labels] = [np.zeros(0, np.int64) for _ in order]
        self.members_ = [self._members(raw, theme) for theme in range(self.n_themes_)]
        if texts is not None:
            languages = languages if languages is not None else ["en"] * n
            self.keywords_ = class_keywords(texts, self.labels_, languages, s.keywords)
            self.representatives_ = [
                _spread_pick(members, groups, s.quotes) for members in self.members_
            ]
        return self

    @property
    def outliers_(self) -> int:
        return int((self.labels_ < 0).sum())

    def _cluster(
        self,
        raw: Matrix,
        texts: Sequence[str] | None,
        languages: Sequence[str] | None,
        steps: _Steps,
    ) -> tuple[Labels, Matrix]:
        s = self.settings
        wording = None
        if texts is not None and s.wording:
            steps("comparing wording")
            wording = wording_neighbours(texts, s.wording_neighbours)
        by_language = languages if s.centre_by_language else None
        centred = normalise(_centre(raw, by_language, 2 * self.min_cluster_size_))
        seeds, labels, confidence = self._pass(centred, steps, wording)
        self.hdbscan_labels_ = seeds
        if not s.refine:
            return labels, confidence
        steps("refining")
        separated = _discriminant_space(centred, labels, s.refine)
        if separated is None:
            return labels, confidence
        seeds, refined, refined_confidence = self._pass(separated, steps, wording, second=True)
        if refined.max() < 1:  # fewer than two themes: the first pass says more
            return labels, confidence
        self.hdbscan_labels_ = seeds
        return refined, refined_confidence

    def _pass(
        self,
        vectors: Matrix,
        steps: _Steps,
        wording: tuple[Labels, Matrix] | None = None,
        second: bool = False,
    ) -> tuple[Labels, Labels, Matrix]:
        """Steps 2-5 on unit `vectors`: (HDBSCAN's labels, assigned labels, confidence).
        `wording`: each passage's neighbours by wording and how much wording they share."""
        s = self.settings
        k = min(s.neighbours, len(vectors) - 1)
        steps("neighbours", second)
        index, sims = nearest(vectors, vectors, k, exclude_self=True)
        steps("smoothing", second)
        weights = np.exp((sims - 1.0) / s.smoothing_temperature)
        if wording is not None:  # weighted by closeness in meaning, as the others are
            near, shared = wording
            closeness = np.einsum("nd,nkd->nk", vectors, vectors[near])
            closeness = np.exp((closeness - 1.0) / s.smoothing_temperature)
            index = np.hstack([index, near])
            weights = np.hstack([weights, np.where(shared > 0, s.wording * closeness, 0.0)])
        weights = weights[..., None].astype(np.float32)
        smooth = vectors
        for _ in range(s.smoothing_steps):
            smooth = normalise(smooth + (weights * smooth[index]).sum(axis=1))
        steps("reducing", second)
        reduced = self._reduce(smooth)
        steps("clustering", second)
        import hdbscan  # heavy (scikit-learn): imported when used

        found = hdbscan.HDBSCAN(
            min_cluster_size=self.min_cluster_size_,
            min_samples=min(s.min_samples, len(vectors) - 1),
            cluster_selection_method="eom",
        ).fit(reduced)
        seeds = np.asarray(found.labels_, np.int64)
        steps("assigning", second)
        labels, confidence = _assign(smooth, seeds, k, s)
        return seeds, labels, confidence

    def _reduce(self, vectors: Matrix) -> Matrix:
        s = self.settings
        dimensions = min(s.dimensions, vectors.shape[1], len(vectors) - 1)
        if s.reduction == "none" or dimensions >= vectors.shape[1]:
            return vectors
        if s.reduction == "svd":
            from sklearn.decomposition import TruncatedSVD

            model: Any = TruncatedSVD(dimensions, random_state=s.seed)
        elif s.reduction == "pca":
            from sklearn.decomposition import PCA

            model = PCA(dimensions, random_state=s.seed)
        else:
            raise ValueError(f"unknown reduction {s.reduction!r}; one of {REDUCTIONS}")
        return np.asarray(model.fit_transform(vectors), dtype=np.float32)

    def _members(self, raw: Matrix, theme: int) -> Labels:
        """A theme's passages, the most typical (nearest its centroid) first."""
        rows = np.flatnonzero(self.labels_ == theme)
        closeness = raw[rows] @ self.centroids_[theme]
        return rows[np.argsort(-closeness, kind="stable")].astype(np.int64)


def cluster_texts(
    texts: Sequence[str],
    vectors: Matrix,
    languages: Sequence[str] | None = None,
    settings: ThemeSettings | None = None,
    groups: Sequence[tuple[Hashable, ...]] | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> ThemeClusterer:
    """Candidate themes of any corpus: a fitted `ThemeClusterer` (labels, keywords per
    language, representative passages, centroids)."""
    return ThemeClusterer(settings).fit(vectors, texts, languages, groups, progress, cancelled)


# --- the steps ----------------------------------------------------------------------------


class _Steps:
    """Progress over the clustering's steps (the pass's steps twice when refining), and a
    cancel check before each."""

    PASS = ("neighbours", "smoothing", "reducing", "clustering", "assigning")
    NAMES = (
        "comparing wording",
        *PASS,
        "refining",
        *(f"refined {name}" for name in PASS),
        "keywords",
    )

    def __init__(self, progress: Progress | None, cancelled: Cancelled | None) -> None:
        self.progress = progress
        self.cancelled = cancelled

    def __call__(self, name: str, second: bool = False) -> None:
        if self.cancelled is not None and self.cancelled():
            raise EmbeddingCancelled("finding themes was cancelled")
        name = f"refined {name}" if second else name
        if self.progress is not None:
            self.progress(self.NAMES.index(name), len(self.NAMES), f"themes: {name}")


def _centre(raw: Matrix, languages: Sequence[str] | None, enough: int) -> Matrix:
    """`raw` less its mean; passages of a language with at least `enough` passages less
    that language's mean instead (when there is more than one language)."""
    centred: Matrix = (raw - raw.mean(axis=0)).astype(np.float32)
    if languages is None or len(set(languages)) < 2:
        return centred
    tags = np.asarray(languages)
    for language in np.unique(tags):
        rows = tags == language
        if rows.sum() >= enough:
            centred[rows] = raw[rows] - raw[rows].mean(axis=0)
    return centred


def wording_neighbours(texts: Sequence[str], k: int) -> tuple[Labels, Matrix] | None:
    """Each passage's `k` others of nearest wording, with their similarity: the cosine of
    TF-IDF vectors over words and pairs of words ("top up", "my card": stop words kept)
    used by at least two passages, transcriber notes left out; 0 when no word is shared.
    None when no word is used twice."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(
        preprocessor=lambda text: without_notes(text).lower(),
        ngram_range=(1, 2),
        min_df=2,
        sublinear_tf=True,
        dtype=np.float32,
    )
    try:
        tfidf = vectorizer.fit_transform(texts)
    except ValueError:  # an empty vocabulary: no word used twice
        return None
    near, shared = nearest(tfidf, tfidf, k, exclude_self=True)
    return near, np.maximum(shared, 0.0)


def _discriminant_space(centred: Matrix, labels: Labels, weight: float) -> Matrix | None:
    """Unit vectors that join the centred ones (weight 1 - `weight`) to their image in the
    space of a linear discriminant analysis fitted on the passages with a theme (`weight`;
    Ledoit-Wolf shrinkage, so it holds with few passages per theme). None when there are
    too few themes or passages to fit one. Keeping the original vectors beside the
    discriminant ones matters with few themes, whose discriminant space has too few
    dimensions to hold a theme together (4 clear blobs came back as 8 without them)."""
    known = labels >= 0
    themes = len(np.unique(labels[known]))
    if themes < 2 or known.sum() <= themes:
        return None
    from sklearn.discriminant_analysis import LinearDiscriminantAnalysis

    model = LinearDiscriminantAnalysis(solver="eigen", shrinkage="auto")
    model.fit(centred[known], labels[known])
    separated = np.asarray(model.transform(centred), dtype=np.float32)
    separated = normalise(separated - separated.mean(axis=0))
    return normalise(np.hstack([centred * math.sqrt(1 - weight), separated * math.sqrt(weight)]))


def _assign(smooth: Matrix, seeds: Labels, k: int, s: ThemeSettings) -> tuple[Labels, Matrix]:
    """Label spreading of HDBSCAN's themes over the neighbour graph of the smoothed
    vectors: each passage's theme is the one holding most of the mass reaching it, if that
    is at least `min_confidence`; (labels, that share)."""
    themes = int(seeds.max()) + 1
    if themes == 0:
        return seeds, np.zeros(len(seeds), np.float32)
    from scipy import sparse  # with scikit-learn; imported when used

    index, sims = nearest(smooth, smooth, k, exclude_self=True)
    n = len(smooth)
    rows = np.repeat(np.arange(n), index.shape[1])
    graph = sparse.csr_matrix((np.maximum(sims, 0).ravel(), (rows, index.ravel())), shape=(n, n))
    graph = (graph + graph.T) * 0.5
    degree = np.asarray(graph.sum(axis=1)).ravel()
    scale = sparse.diags(1.0 / np.sqrt(np.maximum(degree, 1e-12)))
    normalised = (scale @ graph @ scale).astype(np.float32).tocsr()
    prior = np.zeros((n, themes), np.float32)
    known = seeds >= 0
    prior[known, seeds[known]] = 1.0
    scores = prior
    for _ in range(s.spread_steps):
        scores = s.spread * (normalised @ scores) + (1 - s.spread) * prior
    total = scores.sum(axis=1)
    share = (scores.max(axis=1) / np.maximum(total, 1e-12)).astype(np.float32)
    labels = scores.argmax(axis=1).astype(np.int64)
    labels[(total <= 1e-9) | (share < s.min_confidence)] = -1
    return labels, np.where(labels >= 0, share, 0.0).astype(np.float32)


def _by_size(labels: Labels) -> tuple[Labels, list[int]]:
    """Themes renumbered 0.. by size, largest first (ties: the one met first); empty
    themes dropped. Returns (labels, old number of each new theme)."""
    found = labels[labels >= 0]
    if not len(found):
        return labels.copy(), []
    sizes = np.bincount(found)
    first = {int(t): i for i, t in reversed(list(enumerate(labels))) if t >= 0}
    order = sorted((t for t in range(len(sizes)) if sizes[t]), key=lambda t: (-sizes[t], first[t]))
    mapping = np.full(len(sizes), -1, np.int64)
    mapping[order] = np.arange(len(order))
    renumbered = np.where(labels >= 0, mapping[np.maximum(labels, 0)], -1).astype(np.int64)
    return renumbered, order


def _centroids(raw: Matrix, labels: Labels, themes: int) -> Matrix:
    """Each theme's mean vector (uncentred, normalised): comparable with any other
    vector of the same model, such as a code's description."""
    sums = np.zeros((themes, raw.shape[1]), np.float32)
    known = labels >= 0
    np.add.at(sums, labels[known], raw[known])
    return normalise(sums)


def _spread_pick(
    members: Labels, groups: Sequence[tuple[Hashable, ...]] | None, count: int
) -> Labels:
    """Up to `count` of `members` (most typical first), spread over groups: first those
    bringing a new value at every level (a new country and a new document), then a new
    value at the last level (a new document), then the most typical of the rest."""
    if groups is None or not len(members):
        return members[:count]
    chosen: list[int] = []
    seen: dict[int, set[Hashable]] = {}

    def new_everywhere(values: tuple[Hashable, ...]) -> bool:
        return all(v not in seen.get(level, ()) for level, v in enumerate(values))

    def new_last(values: tuple[Hashable, ...]) -> bool:
        return not values or values[-1] not in seen.get(len(values) - 1, ())

    for rule in (new_everywhere, new_last, lambda values: True):
        for row in members.tolist():
            if len(chosen) >= count:
                break
            if row not in chosen and rule(groups[row]):
                chosen.append(row)
                for level, value in enumerate(groups[row]):
                    seen.setdefault(level, set()).add(value)
    return np.array(chosen, np.int64)


def normalise(vectors: Matrix) -> Matrix:
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    result: Matrix = (vectors / np.maximum(norms, 1e-12)).astype(np.float32)
    return result


__all__ = [
    "REDUCTIONS",
    "Reduction",
    "ThemeClusterer",
    "ThemeSettings",
    "cluster_texts",
    "min_cluster_size_for",
]
