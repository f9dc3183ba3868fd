"""Keywords of groups of passages: class-based TF-IDF over spaCy tokens, per language.

Words come from spaCy's blank tokenizer for the passage's language (`spacy.blank(lang)`,
no model download), lower-cased, without that language's stop words (spaCy's lists for
en, fr, pt, es; none for other languages), numbers, punctuation, single letters, elided
articles (`l'`, `d'`) or transcriber notes in brackets (`[inaudible]`, `(rires)`).

Within one language, a word's weight in a group is how often the group's passages use it
(each passage counts once), as a share of the group's words, times log(1 + A / f) where f
is how often all groups use it and A the average size of a group: BERTopic's c-TF-IDF.
Words used by one passage only are dropped when the group has four passages or more
in that language, so one talkative passage cannot name a theme."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from brightspots.vocabulary import segmenter_language

if TYPE_CHECKING:
    from spacy.language import Language

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_NOTE = re.compile(r"\[[^\]]{0,40}\]|\([^)]{0,40}\)")
_PIPELINES: dict[str, Language] = {}


@dataclass(frozen=True)
class Keyword:
    word: str
    weight: float  # c-TF-IDF; comparable within one theme and language


def pipeline(language: str) -> Language:
    """spaCy's blank pipeline for a language (cached): its tokenizer and stop words."""
    code = segmenter_language(language)
    if code not in _PIPELINES:
        import spacy  # heavy: imported on first use only

        _PIPELINES[code] = spacy.blank(code)
    return _PIPELINES[code]


def without_notes(text: str) -> str:
    """`text` without transcriber notes in brackets ("[inaudible]", "(rires)")."""
    return _NOTE.sub(" ", text)


def words(texts: Sequence[str], language: str) -> list[set[str]]:
    """The distinct keyword candidates of each text."""
    nlp = pipeline(language)
    stop = {w.replace("’", "'") for w in nlp.Defaults.stop_words}
    found: list[set[str]] = []
    cleaned = (without_notes(text) for text in texts)
    tokenizer: Any = nlp.tokenizer  # typed upstream as a plain callable; it has pipe()
    for doc in tokenizer.pipe(cleaned, batch_size=1000):
        kept: set[str] = set()
        for token in doc:
            word = token.lower_
            if len(word) < 2 or token.like_num or not _WORD.fullmatch(word):
                continue
            if word.replace("’", "'") in stop:
                continue
            kept.add(word)
        found.append(kept)
    return found


def class_keywords(
    texts: Sequence[str],
    labels: npt.NDArray[np.int64],
    languages: Sequence[str],
    top: int = 10,
) -> list[dict[str, tuple[Keyword, ...]]]:
    """For each group 0..max(labels), its best `top` keywords in each language its
    passages use. Passages labelled -1 (outliers) count in the word statistics of their
    language but get no keywords."""
    groups = int(labels.max()) + 1 if len(labels) else 0
    result: list[dict[str, tuple[Keyword, ...]]] = [{} for _ in range(groups)]
    for language in sorted(set(languages)):
        rows = [i for i, lang in enumerate(languages) if lang == language]
        tokens = words([texts[i] for i in rows], language)
        counts: dict[int, Counter[str]] = {}
        sizes: Counter[int] = Counter()
        for row, found in zip(rows, tokens, strict=True):
            group = int(labels[row])
            counts.setdefault(group, Counter()).update(found)
            sizes[group] += 1
        overall: Counter[str] = Counter()
        for counter in counts.values():
            overall.update(counter)
        totals = {group: sum(counter.values()) for group, counter in counts.items()}
        average = float(np.mean([t for t in totals.values() if t])) if any(totals.values()) else 0
        for group, counter in counts.items():
            if group < 0 or not totals[group]:
                continue
            least = 2 if sizes[group] >= 4 else 1
            scored = [
                (count / totals[group] * math.log(1 + average / overall[word]), word)
                for word, count in counter.items()
                if count >= least
            ]
            scored.sort(key=lambda pair: (-pair[0], pair[1]))
            if scored:
                result[group][language] = tuple(
                    Keyword(word, round(weight, 4)) for weight, word in scored[:top]
                )
    return result


def merge_keywords(
    by_language: Mapping[str, Sequence[Keyword]], members: Mapping[str, int], top: int = 10
) -> tuple[Keyword, ...]:
    """One list from per-language keywords: each language's weights scaled so its best
    word weighs 1, then by the share of the group's passages in that language."""
    total = sum(members.get(language, 0) for language in by_language) or 1
    scores: dict[str, float] = {}
    for language, keywords in by_language.items():
        if not keywords:
            continue
        best = max(k.weight for k in keywords) or 1.0
        share = members.get(language, 0) / total
        for keyword in keywords:
            scores[keyword.word] = scores.get(keyword.word, 0.0) + keyword.weight / best * share
    ranked = sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))
    return tuple(Keyword(word, round(weight, 4)) for word, weight in ranked[:top])


__all__ = ["Keyword", "class_keywords", "merge_keywords", "pipeline", "words"]
