"""Where a span of a source file's text lies in the document brightspots made of it.

A REFI-QDA selection is an offset range into the plain-text file as the other tool saw it.
brightspots stores the *laid-out* text instead (NFC, single spaces, `Speaker: words`
paragraphs, time codes and front matter gone; see corpus/layout.py), so a span must be
carried from one text to the other. Nearly every character of the laid-out text comes
from the source in order; what differs is whitespace, line ends, decomposed accents,
time codes and label punctuation. So the texts are aligned word by word (difflib over
whitespace-separated words: long identical runs, cheap even for long transcripts), and
character by character only inside the short stretches where words differ. A source
position then maps to the nearest aligned character: a start to the next one, an end to
just after the previous one, so a span never grows beyond what its text became."""

from __future__ import annotations

import bisect
import difflib
import re
import unicodedata
from collections.abc import Iterator

_WORD = re.compile(r"\S+")
# Character-level alignment of a stretch where words differ costs len(a) * len(b) at worst;
# beyond this, characters are matched greedily instead.
_CHAR_DIFF_LIMIT = 250_000


class TextAlignment:
    """Maps code-point offsets in `source` (as decoded, before NFC) to offsets in `target`."""

    def __init__(self, source: str, target: str) -> None:
        self.source = source
        self.target = target
        self.identical = source == target
        self._chunks = _NfcChunks(source)
        normalised = self._chunks.text
        # Runs of aligned characters: normalised[s : s + n] == target[t : t + n].
        runs = [(0, 0, len(target))] if normalised == target else list(_runs(normalised, target))
        self._sources = [s for s, _, _ in runs]
        self._targets = [t for _, t, _ in runs]
        self._lengths = [n for _, _, n in runs]

    def start(self, position: int) -> int:
        """Where a span starting at `position` of the source starts in the target."""
        if self.identical:
            return position
        p = self._chunks.start(position)
        i = bisect.bisect_right(self._sources, p) - 1
        if i >= 0 and p < self._sources[i] + self._lengths[i]:
            return self._targets[i] + p - self._sources[i]
        return self._targets[i + 1] if i + 1 < len(self._targets) else len(self.target)

    def end(self, position: int) -> int:
        """Where a span ending (exclusive) at `position` of the source ends in the target."""
        if self.identical:
            return position
        p = self._chunks.end(position)
        i = bisect.bisect_left(self._sources, p) - 1
        if i < 0:
            return 0
        last = min(p, self._sources[i] + self._lengths[i]) - 1
        return self._targets[i] + last - self._sources[i] + 1

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        """The target span of a source span, without surrounding whitespace; None when
        nothing of it is left in the target (it covered only what layout removes)."""
        low, high = self.start(start), self.end(end)
        while low < high and self.target[low].isspace():
            low += 1
        while high > low and self.target[high - 1].isspace():
            high -= 1
        return (low, high) if low < high else None


class _NfcChunks:
    """The NFC form of a text, with offsets between the two. The text is cut before every
    character that starts a new combining sequence; each piece is composed on its own, so
    an offset inside a piece rounds to the piece's edges."""

    def __init__(self, text: str) -> None:
        self.text = unicodedata.normalize("NFC", text)
        self._identity = self.text == text
        self._raw: list[int] = []
        self._nfc: list[int] = []
        if self._identity:
            return
        pieces = _pieces(text)
        if "".join(unicodedata.normalize("NFC", piece) for _, piece in pieces) != self.text:
            # Composition across pieces (Hangul jamo, say): align the text as it is.
            self.text, self._identity = text, True
            return
        position = 0
        for start, piece in pieces:
            self._raw.append(start)
            self._nfc.append(position)
            position += len(unicodedata.normalize("NFC", piece))
        self._raw.append(len(text))
        self._nfc.append(position)

    def start(self, position: int) -> int:
        if self._identity:
            return position
        return self._nfc[bisect.bisect_right(self._raw, position) - 1]

    def end(self, position: int) -> int:
        if self._identity:
            return position
        return self._nfc[bisect.bisect_left(self._raw, position)]


def _pieces(text: str) -> list[tuple[int, str]]:
    starts = [i for i, c in enumerate(text) if i == 0 or unicodedata.combining(c) == 0]
    bounds = [*starts, len(text)]
    return [(bounds[k], text[bounds[k] : bounds[k + 1]]) for k in range(len(starts))]


def _runs(source: str, target: str) -> Iterator[tuple[int, int, int]]:
    """Aligned runs (source start, target start, length), in order in both texts."""
    a = [(m.start(), m.group()) for m in _WORD.finditer(source)]
    b = [(m.start(), m.group()) for m in _WORD.finditer(target)]
    matcher = difflib.SequenceMatcher(None, [w for _, w in a], [w for _, w in b], autojunk=True)
    source_done = target_done = 0  # character offsets aligned up to here
    for i, j, n in matcher.get_matching_blocks():
        gap_source = a[i][0] if i < len(a) else len(source)
        gap_target = b[j][0] if j < len(b) else len(target)
        yield from _char_runs(source, target, source_done, gap_source, target_done, gap_target)
        if n == 0:
            break
        for k in range(n):  # equal words: their characters line up one to one
            yield a[i + k][0], b[j + k][0], len(a[i + k][1])
        source_done = a[i + n - 1][0] + len(a[i + n - 1][1])
        target_done = b[j + n - 1][0] + len(b[j + n - 1][1])


def _char_runs(
    source: str, target: str, s0: int, s1: int, t0: int, t1: int
) -> Iterator[tuple[int, int, int]]:
    """Aligned runs inside source[s0:s1] and target[t0:t1], where the words differ."""
    if s0 >= s1 or t0 >= t1:
        return
    a, b = source[s0:s1], target[t0:t1]
    if len(a) * len(b) <= _CHAR_DIFF_LIMIT:
        matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
        for i, j, n in matcher.get_matching_blocks():
            if n and not (a[i : i + n].isspace()):
                yield s0 + i, t0 + j, n
        return
    i = 0
    for j, char in enumerate(b):  # long and different: each character at its next occurrence
        if char.isspace():
            continue
        found = a.find(char, i, i + 200)
        if found != -1:
            yield s0 + found, t0 + j, 1
            i = found + 1
