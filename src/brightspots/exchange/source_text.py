"""The text of a REFI-QDA plain-text source, on its way to a brightspots document.

- `decode`: the file's bytes as text (UTF-8 with or without BOM, UTF-16 with BOM, or an
  explicit encoding), before NFC, since positions count the file's own characters.
- `read_turns`: the transcript's turns. Sources written by brightspots hold our own layout
  (turns separated by a blank line, `Speaker: words`), so `unlay` splits them back exactly
  and the document's text comes out identical; any other tool's text goes through the same
  reader as a `.txt` transcript (labels, continuation lines, time codes, front matter).
- `choose_counting`: how the file counts positions (see positions.py), decided per source.
  Where the text has characters above U+FFFF or CRLF line ends, each candidate counting is
  tried on the selections whose `name` holds their quote (ATLAS.ti, QualCoder, MAXQDA and
  brightspots write one); the counting under which most quotes are found wins. Without
  such evidence, NVivo files count UTF-16 units and others code points."""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections import Counter
from collections.abc import Collection, Sequence
from pathlib import Path

from brightspots.corpus.text import read_text_transcript
from brightspots.errors import ReaderError
from brightspots.exchange.positions import COUNTINGS, Counting, PositionMap
from brightspots.exchange.qde import RefiSelection
from brightspots.models import RawTurn, Transcript
from brightspots.vocabulary import label_key

_PREFIX = re.compile(r"^([^\n:]{1,60}): (\S.*)$", re.DOTALL)
_TRUNCATION = ("…", "...")
_SAMPLED_SELECTIONS = 300


def decode(data: bytes, where: str, encoding: str | None = None) -> str:
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
        encoding = "utf-8"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16").removeprefix("\ufeff")
        except UnicodeDecodeError as error:
            raise ReaderError(f"is damaged UTF-16 text ({error.reason})", where) from None
    try:
        return data.decode(encoding or "utf-8").removeprefix("\ufeff")
    except (UnicodeDecodeError, LookupError) as error:
        hint = (
            "" if encoding else "; if it was saved as Windows-1252, import with --encoding cp1252"
        )
        raise ReaderError(f"is not {encoding or 'UTF-8'} text ({error}){hint}", where) from None


def read_turns(text: str, where: str, known_labels: Collection[str], ours: bool) -> Transcript:
    """The turns of an NFC text: our own layout split back exactly, or any other tool's
    text read as a plain-text transcript."""
    if ours:
        return unlay(text, known_labels)
    return read_text_transcript(text, Path(where), known_labels)


def unlay(text: str, known_labels: Collection[str]) -> Transcript:
    """Turns of a text in brightspots' layout: laying them out again gives the same text.

    A paragraph `Label: words` is a speaker's turn when the label is known (the alias
    table, the source's `speakers`) or starts two or more paragraphs; otherwise the
    paragraph is a turn without a speaker. Either way its text is unchanged."""
    blocks = [b for b in text.split("\n\n") if b.strip()]
    prefixes = [_PREFIX.match(b) for b in blocks]
    counts = Counter(m[1] for m in prefixes if m)
    turns = []
    for block, match in zip(blocks, prefixes, strict=True):
        if match and (label_key(match[1]) in known_labels or counts[match[1]] >= 2):
            turns.append(RawTurn(match[2], match[1]))
        else:
            turns.append(RawTurn(block))
    return Transcript(turns=tuple(turns))


def choose_counting(
    text: str,
    selections: Sequence[RefiSelection],
    origin: str,
    forced: bool | None = None,
) -> tuple[Counting, bool]:
    """(the counting to read this source's positions with, whether the choice mattered).
    `forced`: True for UTF-16 units, False for code points, None to find out."""
    astral = not text.isascii() and any(ord(c) > 0xFFFF for c in text)
    crlf = "\r\n" in text
    prefer_utf16 = forced if forced is not None else "nvivo" in origin.casefold()
    if not astral and not crlf:
        return Counting(utf16=prefer_utf16), False
    candidates = [
        c
        for c in COUNTINGS
        if (forced is None or c.utf16 == forced)
        and (astral or c.utf16 == prefer_utf16)
        and (crlf or not c.crlf_as_one)
    ]
    quoted = [s for s in selections if _quote(s.name)][:_SAMPLED_SELECTIONS]

    def score(counting: Counting) -> tuple[int, int, int]:
        positions = PositionMap(text, counting)
        found = fits = 0
        for selection in quoted:
            if 0 <= selection.start <= selection.end <= positions.units:
                fits += 1
                start = positions.to_code_points(selection.start)
                end = positions.to_code_points(selection.end, end=True)
                found += quote_matches(text[start:end], selection.name)
        preferred = (counting.utf16 == prefer_utf16) + (not counting.crlf_as_one)
        return found, fits, preferred

    return max(candidates, key=score), True


def _quote(name: str) -> str:
    clean = " ".join(unicodedata.normalize("NFC", name).split())
    for mark in _TRUNCATION:
        clean = clean.removesuffix(mark).rstrip()
    return clean if len(clean) >= 3 else ""


def quote_matches(text: str, name: str) -> bool:
    """Whether a selection's name is (the start of) the text it selects."""
    quote = _quote(name)
    selected = " ".join(unicodedata.normalize("NFC", text).split())
    return bool(quote) and selected.startswith(quote[:80])


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)
