"""Laying out a reader's turns as one normalised document text.

The text of every document, whatever its format, has the same shape: one paragraph per
turn, `Speaker: words` when the speaker is known, paragraphs separated by a blank line.
Time codes go to the turns, not the text. Transcriber notes such as `[inaudible]` stay
in the text and are recorded as annotations so that they are never taken for speech."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable

from brightspots.models import Annotation, RawTurn, Turn

TURN_SEPARATOR = "\n\n"

# [anything short in square brackets], or well-known notes in round brackets.
_ANNOTATION = re.compile(
    r"\[[^\[\]\n]{1,80}\]"
    r"|\((?:inaudible|unclear|crosstalk|laughter|laughs|pause|silence|noise|interruption|"
    r"rires|rire|silence|bruit|inaudível|inaudivel|risos|pausa|barulho)[^()\n]{0,40}\)",
    re.IGNORECASE,
)
# Unicode category Cc (C0, DEL, C1) except the newline, plus the byte-order mark.
_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u3000]+")


def clean(text: str) -> str:
    """NFC, no control characters, single spaces, trimmed lines, no blank lines inside."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Control characters go (tabs become spaces) before composing, so that a stray one
    # cannot keep a letter from its accent; format characters such as ZWNJ stay.
    text = _CONTROL.sub("", text.replace("\t", " "))
    text = unicodedata.normalize("NFC", text)
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def lay_out(
    raw_turns: Iterable[RawTurn], role_of: Callable[[str | None], str | None]
) -> tuple[str, tuple[Turn, ...], tuple[Annotation, ...]]:
    """Render turns into (text, turns, annotations), offsets in code points."""
    parts: list[str] = []
    turns: list[Turn] = []
    annotations: list[Annotation] = []
    position = 0
    for raw in raw_turns:
        body = clean(raw.text)
        speaker = clean(raw.speaker) if raw.speaker else None
        if not body:
            continue
        if parts:
            parts.append(TURN_SEPARATOR)
            position += len(TURN_SEPARATOR)
        prefix = f"{speaker}: " if speaker else ""
        parts.append(prefix + body)
        start = position + len(prefix)
        end = start + len(body)
        position = end
        turns.append(
            Turn(
                index=len(turns),
                start=start,
                end=end,
                speaker=speaker,
                role=role_of(speaker) if raw.kind == "speech" else None,
                kind=raw.kind,
                time_start=raw.time_start,
                time_end=raw.time_end,
            )
        )
        annotations.extend(
            Annotation(start + m.start(), start + m.end(), m.group(0).strip("[]()").strip())
            for m in _ANNOTATION.finditer(body)
        )
    return "".join(parts), tuple(turns), tuple(annotations)
