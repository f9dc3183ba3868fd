"""Code suggestions on a project: fit the suggester on its codebook, codings, verdicts and
uncoded segments; suggest codes for uncoded segments or review one code's best candidates;
accept a suggestion (a coding with origin "suggestion") or reject it (never shown again).

How the suggester scores, and what its score means, is in `suggester.py`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from brightspots import coding as coding_actions
from brightspots.embedding import CachedEmbedder, Embedder
from brightspots.errors import InputError, NotFoundError
from brightspots.models import Cancelled, Progress
from brightspots.store import Store
from brightspots.suggester import (
    Example,
    Feedback,
    Passage,
    Suggester,
    Suggestion,
    SuggestSettings,
    Verdict,
)

DEFAULT_POOL = 10_000  # uncoded passages the scores are spread over (a seeded sample)


def fit_for_project(
    store: Store,
    embedder: Embedder,
    coders: Sequence[str] | None = None,
    learn_from: Sequence[str] | None = None,
    pool_size: int = DEFAULT_POOL,
    settings: SuggestSettings | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> Suggester:
    """A `Suggester` fitted on the project's codebook, the codings of `learn_from` (everyone
    by default), every verdict on suggestions, and a sample of the segments `coders` (or
    anyone) have not coded. Embeddings go through the project's cache. Fit once and keep
    it while coding: `Suggester.suggest` is then quick."""
    codebook = store.load_codebook()
    if codebook is None or not codebook.codes:
        raise NotFoundError(
            "this project has no codebook, so there is nothing to suggest; load one with "
            "`brightspots codebook load`"
        )
    settings = settings or SuggestSettings()
    spans = store.uncoded_segments(coders)
    if len(spans) > pool_size:
        chosen = np.random.default_rng(settings.seed).choice(len(spans), pool_size, replace=False)
        spans = [spans[i] for i in sorted(chosen)]
    pool = [text for _, _, _, text in store.passages(spans)]
    examples = [Example(code, text) for code, text in store.coded_passages(learn_from)]
    # verdicts teach only when their coders' codings do (blind mode: the coder's own alone)
    verdicts = store.list_feedback(learn_from)
    feedback = [Feedback(f["code"], f["snippet"], f["verdict"]) for f in verdicts]
    return Suggester(_cached(store, embedder), settings).fit(
        codebook.codes, examples, feedback, pool, progress, cancelled
    )


def uncoded_passages(
    store: Store,
    coders: Sequence[str] | None = None,
    documents: Sequence[str] | None = None,
    limit: int | None = None,
) -> list[Passage]:
    """The segments not yet coded (by anyone, or by `coders`), in document order."""
    spans = store.uncoded_segments(coders, documents)[:limit]
    return [Passage(text, name, start, end) for name, start, end, text in store.passages(spans)]


def suggest_for_project(
    store: Store,
    embedder: Embedder,
    documents: Sequence[str] | None = None,
    coders: Sequence[str] | None = None,
    top_k: int = 3,
    threshold: float = 0.0,
    limit: int | None = None,
    suggester: Suggester | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> list[Suggestion]:
    """Suggestions for the uncoded segments (by anyone, or by `coders`) of `documents` (all
    by default; the first `limit` segments), best codes first within each segment, leaving
    out what `coders` (or anyone) rejected. Pass a fitted `suggester` to skip fitting."""
    suggester = suggester or fit_for_project(
        store, embedder, coders, progress=progress, cancelled=cancelled
    )
    passages = uncoded_passages(store, coders, documents, limit)
    rejected = store.rejected_pairs(coders)
    found: list[Suggestion] = []
    ranked = suggester.suggest(passages, top_k + 1 if rejected else top_k, threshold)
    for suggestions in ranked:
        kept = [s for s in suggestions if _pair(s) not in rejected][:top_k]
        found += kept
    return found


def review_code(
    store: Store,
    embedder: Embedder,
    code: str,
    coders: Sequence[str] | None = None,
    documents: Sequence[str] | None = None,
    limit: int = 50,
    suggester: Suggester | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> list[Suggestion]:
    """The uncoded segments most likely to carry `code` (id or name), best first, without
    those rejected for it."""
    suggester = suggester or fit_for_project(
        store, embedder, coders, progress=progress, cancelled=cancelled
    )
    key = _code_key(suggester, code)
    passages = uncoded_passages(store, coders, documents)
    rejected = store.rejected_pairs(coders)
    candidates = suggester.review(key, passages, limit + len(rejected))
    return [s for s in candidates if _pair(s) not in rejected][:limit]


def accept_suggestion(store: Store, suggestion: Suggestion, coder: str) -> dict[str, Any]:
    """Code the passage (a coding with origin "suggestion", undoable like any other) and
    remember the verdict; returns the coding."""
    document, start, end = _located(suggestion)
    with store.transaction():
        coding = coding_actions.apply_code(
            store, document, start, end, suggestion.code, coder, origin="suggestion"
        )
        _remember(store, suggestion, coder, "accepted")
    return coding


def reject_suggestion(store: Store, suggestion: Suggestion, coder: str) -> str:
    """Remember that `coder` rejected the code for this passage: it is not suggested there
    again, and teaches the suggester. Returns the verdict's uid."""
    with store.transaction():
        uid = _remember(store, suggestion, coder, "rejected")
    return uid


def _remember(store: Store, suggestion: Suggestion, coder: str, verdict: Verdict) -> str:
    document, start, end = _located(suggestion)
    try:
        num, _, text = store.get_document(document)
    except KeyError:
        raise NotFoundError(f"no document named {document!r}") from None
    code = store.get_code(suggestion.code)
    if code is None:
        raise NotFoundError(f"no code {suggestion.code!r} in the codebook")
    uid = store.add_feedback(
        num,
        start,
        end,
        text[start:end],
        code["num"],
        store.ensure_coder(coder),
        verdict,
        suggestion.score,
    )
    store.record(
        f"suggestion.{'accept' if verdict == 'accepted' else 'reject'}",
        {
            "uid": uid,
            "document": document,
            "start": start,
            "end": end,
            "code": suggestion.code,
            "score": round(suggestion.score, 4),
        },
        coder,
    )
    return uid


def _located(suggestion: Suggestion) -> tuple[str, int, int]:
    passage = suggestion.passage
    if passage.document is None or passage.start is None or passage.end is None:
        raise InputError("this suggestion is not for a passage of a document")
    return passage.document, passage.start, passage.end


def _pair(suggestion: Suggestion) -> tuple[str | None, int | None, int | None, str]:
    passage = suggestion.passage
    return passage.document, passage.start, passage.end, suggestion.code


def _code_key(suggester: Suggester, code: str) -> str:
    for known in suggester.codes_:
        if code in (known.id, known.name):
            return known.id
    raise NotFoundError(f"no code {code!r} in the codebook")


def _cached(store: Store, embedder: Embedder) -> Embedder:
    return embedder if isinstance(embedder, CachedEmbedder) else CachedEmbedder(store, embedder)


__all__ = [
    "DEFAULT_POOL",
    "Passage",
    "SuggestSettings",
    "Suggester",
    "Suggestion",
    "accept_suggestion",
    "fit_for_project",
    "reject_suggestion",
    "review_code",
    "suggest_for_project",
    "uncoded_passages",
]
