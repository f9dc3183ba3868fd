"""Laying a transcript out as screen lines: pure Python, so it is tested without a terminal
and the widget draws only the lines that are visible.

Each speech segment starts on a line of its own (the cursor moves segment by segment);
a turn begins with a header line (speaker, role, time); notes and survey questions are
shown but hold no segments."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from brightspots.models import Segment, Turn

LineKind = Literal["header", "text", "note", "blank"]


@dataclass(frozen=True)
class Line:
    kind: LineKind
    start: int = 0  # code-point offsets of the text this line shows
    end: int = 0
    segment: int | None = None  # index of the segment a text line belongs to
    first: bool = False  # the first line of its segment (where the code margin goes)
    label: str = ""  # header text


@dataclass(frozen=True)
class Layout:
    lines: tuple[Line, ...]
    first_line: tuple[int, ...]  # segment index -> its first line
    width: int


def lay_out_lines(
    text: str, turns: Sequence[Turn], segments: Sequence[Segment], width: int
) -> Layout:
    width = max(width, 10)
    lines: list[Line] = []
    first_line: list[int] = [0] * len(segments)
    by_turn: dict[int, list[Segment]] = {}
    for segment in segments:
        by_turn.setdefault(segment.turn_index, []).append(segment)
    for turn in turns:
        if lines:
            lines.append(Line("blank"))
        if turn.kind != "speech":
            lines += [Line("note", a, b) for a, b in wrap(text, turn.start, turn.end, width)]
            continue
        lines.append(Line("header", turn.start, turn.start, label=_header(turn)))
        for segment in by_turn.get(turn.index, []):
            first_line[segment.index] = len(lines)
            pieces = wrap(text, segment.start, segment.end, width)
            lines += [
                Line("text", a, b, segment.index, first=i == 0) for i, (a, b) in enumerate(pieces)
            ]
    return Layout(tuple(lines), tuple(first_line), width)


def _header(turn: Turn) -> str:
    who = turn.speaker or "(notes)"
    if turn.role:
        who += f" · {turn.role.replace('_', ' ')}"
    if turn.time_start is not None:
        seconds = int(turn.time_start)
        who += f" · {seconds // 3600:d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    return who


def wrap(text: str, start: int, end: int, width: int) -> list[tuple[int, int]]:
    """Break text[start:end] into (start, end) pieces of at most `width` characters, at
    spaces where possible; line breaks inside the span are kept."""
    pieces: list[tuple[int, int]] = []
    position = start
    while position < end:
        newline = text.find("\n", position, end)
        stop = end if newline == -1 else newline
        while stop - position > width:
            cut = text.rfind(" ", position, position + width + 1)
            if cut <= position:
                cut = position + width
            pieces.append((position, cut))
            position = cut + 1 if text[cut : cut + 1] == " " else cut
        if stop > position or newline == -1:
            pieces.append((position, stop))
        position = stop + 1
    return pieces or [(start, start)]
