"""Segmentation: sentences within the speech turns of a document.

The default `SpacySegmenter` uses spaCy's blank pipeline for the document's language plus
the rule-based `sentencizer` (no model download). Guarantees, property-tested: segments
lie inside speech turns, never overlap, are ordered, start and end on non-space
characters, and together with transcriber annotations cover every visible character
of the speech."""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from brightspots.models import Annotation, Segment, Turn
from brightspots.vocabulary import segmenter_language

if TYPE_CHECKING:
    from spacy.language import Language

_WORDLIKE = re.compile(r"\w")
_PARAGRAPH = re.compile(r"[^\n]+")
_OPENING = "([{«“‘¿¡"  # straight quotes are left alone: they close as often as they open


class Segmenter(Protocol):
    """Turns laid-out documents into segments; swappable (a test may use a simpler one)."""

    def segment(
        self,
        text: str,
        turns: Sequence[Turn],
        annotations: Sequence[Annotation],
        language: str,
    ) -> tuple[Segment, ...]: ...


class SpacySegmenter:
    """spaCy blank(lang) + sentencizer, one cached pipeline per language."""

    batch_size = 256

    def __init__(self) -> None:
        self._pipelines: dict[str, Language] = {}

    def pipeline(self, language: str) -> Language:
        code = segmenter_language(language)
        if code not in self._pipelines:
            import spacy  # heavy: imported on first use only

            nlp = spacy.blank(code)
            nlp.add_pipe("sentencizer")
            nlp.max_length = 50_000_000  # a turn can be long; blank pipelines use little memory
            self._pipelines[code] = nlp
        return self._pipelines[code]

    def segment(
        self,
        text: str,
        turns: Sequence[Turn],
        annotations: Sequence[Annotation],
        language: str,
    ) -> tuple[Segment, ...]:
        pieces = list(_paragraphs(text, turns))
        nlp = self.pipeline(language)
        docs = nlp.pipe((text[start:end] for start, end, _ in pieces), batch_size=self.batch_size)
        return _collect(text, pieces, docs, annotations)


def _paragraphs(text: str, turns: Sequence[Turn]) -> Iterable[tuple[int, int, Turn]]:
    """(start, end, turn) of each paragraph in each speech turn."""
    for turn in turns:
        if turn.kind != "speech":
            continue
        for match in _PARAGRAPH.finditer(text, turn.start, turn.end):
            yield match.start(), match.end(), turn


def _collect(
    text: str,
    pieces: Sequence[tuple[int, int, Turn]],
    docs: Iterable[Any],
    annotations: Sequence[Annotation],
) -> tuple[Segment, ...]:
    segments: list[Segment] = []
    notes = sorted((a.start, a.end) for a in annotations)
    for (offset, end_of_piece, turn), doc in zip(pieces, docs, strict=True):
        bounds = [offset + start for start in _sentence_starts(doc)[1:]]
        bounds = [_fix_boundary(text, b, notes) for b in bounds]
        edges = [offset, *sorted(set(bounds)), end_of_piece]
        for start, end in itertools.pairwise(edges):
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if start == end or not _has_speech(text, start, end, notes):
                continue
            segments.append(
                Segment(
                    index=len(segments),
                    start=start,
                    end=end,
                    turn_index=turn.index,
                    text=text[start:end],
                    speaker=turn.speaker,
                    role=turn.role,
                    time_start=turn.time_start,
                )
            )
    return tuple(segments)


def _sentence_starts(doc: Any) -> list[int]:
    """Character offsets where sentences start, read as one array: iterating `doc.sents`
    walks every token in Python and was the import's largest cost."""
    from spacy.attrs import IDX, SENT_START

    if len(doc) == 0:
        return []
    columns = doc.to_array([IDX, SENT_START])
    starts = columns[columns[:, 1] == 1, 0].tolist()
    return starts if starts and starts[0] == 0 else [0, *starts]


def _fix_boundary(text: str, boundary: int, notes: Sequence[tuple[int, int]]) -> int:
    """A sentence never ends inside a note like [inaudible], nor just after an opening
    bracket or quote (spaCy's sentencizer leaves `[` with the sentence before)."""
    index = bisect.bisect_right(notes, (boundary, len(text) + 1)) - 1
    if index >= 0 and notes[index][0] < boundary < notes[index][1]:
        return notes[index][0]
    while boundary > 0 and text[boundary - 1] in _OPENING:
        boundary -= 1
    return boundary


def _has_speech(text: str, start: int, end: int, notes: Sequence[tuple[int, int]]) -> bool:
    """True unless the span holds nothing but annotations and punctuation."""
    position = start
    # Notes are sorted and never overlap: begin with the last one starting before `start`.
    index = max(0, bisect.bisect_right(notes, (start, len(text) + 1)) - 1)
    for note_start, note_end in notes[index:]:
        if note_start >= end:
            break
        if note_end <= position:
            continue
        if _WORDLIKE.search(text, position, max(position, note_start)):
            return True
        position = max(position, note_end)
    return _WORDLIKE.search(text, position, end) is not None
