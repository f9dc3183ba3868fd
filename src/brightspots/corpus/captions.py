"""Caption files: WebVTT (Zoom `Name: text`, Teams `<v Name>`) and SubRip (.srt).

A cue without a speaker continues the previous speaker (captioners often label only the
change of speaker); consecutive cues of one speaker become one turn."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from brightspots.corpus.source import parse_timecode
from brightspots.corpus.text import is_label
from brightspots.errors import ReaderError
from brightspots.models import RawTurn, Transcript

_ARROW = re.compile(r"^\s*(?P<start>\S+)\s+-->\s+(?P<end>\S+)(?:\s+.*)?$")
_VOICE = re.compile(r"<v(?:\.[\w.-]+)?\s+(?P<name>[^>]+)>")
_TAG = re.compile(r"</?[^>\s]{1,20}(?:\s[^>]*)?>|\{\\[^}]*\}")
_INLINE_LABEL = re.compile(
    r"^(?P<label>[^\W\d_][\w.'’()/&\- ]{0,40}?)[ \u00a0\u202f]*:\s+(?P<rest>.+)$", re.S
)


@dataclass
class Cue:
    start: float
    end: float
    text: str
    line: int
    voice: str | None = None


def read_vtt(text: str, path: Path, known_labels: Collection[str]) -> Transcript:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not lines[0].startswith("WEBVTT"):
        raise ReaderError("not a WebVTT file: the first line must be `WEBVTT`", path, 1)
    header_end = next((i for i, line in enumerate(lines) if not line.strip()), len(lines))
    cues: list[Cue] = []
    for block, first_line in _blocks(lines[header_end:], offset=header_end + 1):
        head = block[0].strip()
        if head.startswith(("NOTE", "STYLE", "REGION")):
            continue
        timing_at = 0 if "-->" in block[0] else 1
        if timing_at >= len(block) or "-->" not in block[timing_at]:
            raise ReaderError(
                "expected a cue timing line such as `00:01.000 --> 00:04.000`", path, first_line
            )
        cues.append(_cue(block, timing_at, first_line, path))
    return _transcript(cues, path, known_labels)


def read_srt(text: str, path: Path, known_labels: Collection[str]) -> Transcript:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    cues: list[Cue] = []
    for block, first_line in _split_run_together(_blocks(lines, offset=1)):
        timing_at = 1 if block[0].strip().isdigit() else 0
        if timing_at >= len(block) or "-->" not in block[timing_at]:
            raise ReaderError(
                "expected a cue number and a timing line such as `00:00:01,000 --> 00:00:04,000`",
                path,
                first_line,
            )
        cues.append(_cue(block, timing_at, first_line, path))
    return _transcript(cues, path, known_labels)


def _blocks(lines: list[str], offset: int) -> list[tuple[list[str], int]]:
    blocks: list[tuple[list[str], int]] = []
    current: list[str] = []
    start = offset
    for number, line in enumerate(lines, start=offset):
        if line.strip():
            if not current:
                start = number
            current.append(line)
        elif current:
            blocks.append((current, start))
            current = []
    if current:
        blocks.append((current, start))
    return blocks


def _split_run_together(blocks: list[tuple[list[str], int]]) -> list[tuple[list[str], int]]:
    """SRT files whose blank line between cues went missing: a later `-->` line (with its
    cue number just before it) starts a new cue."""
    result: list[tuple[list[str], int]] = []
    for block, first in blocks:
        start = 0
        for i in range(2, len(block)):
            if "-->" in block[i] and _ARROW.match(block[i]):
                cut = i - 1 if block[i - 1].strip().isdigit() else i
                if cut > start + 1:
                    result.append((block[start:cut], first + start))
                    start = cut
        result.append((block[start:], first + start))
    return result


def _cue(block: list[str], timing_at: int, first_line: int, path: Path) -> Cue:
    line = first_line + timing_at
    match = _ARROW.match(block[timing_at])
    start = parse_timecode(match["start"]) if match else None
    end = parse_timecode(match["end"]) if match else None
    if start is None or end is None:
        raise ReaderError(
            f"cannot read the cue timing {block[timing_at].strip()!r} "
            "(the file may be truncated or damaged)",
            path,
            line,
        )
    payload = "\n".join(block[timing_at + 1 :])
    if not payload.strip():
        raise ReaderError("a cue has a timing but no text (the file may be truncated)", path, line)
    voice = _VOICE.search(payload)
    text = _TAG.sub("", payload)
    return Cue(start, end, text.strip(), line + 1, voice["name"].strip() if voice else None)


def _transcript(cues: list[Cue], path: Path, known_labels: Collection[str]) -> Transcript:
    if not cues:
        raise ReaderError("no cues found", path)
    candidates = Counter(
        m["label"].strip()
        for cue in cues
        if cue.voice is None
        for m in [_INLINE_LABEL.match(cue.text)]
        if m
    )
    labels = {label for label, count in candidates.items() if is_label(label, count, known_labels)}
    turns: list[RawTurn] = []
    speaker: str | None = None
    for cue in cues:
        text = cue.text
        if cue.voice is not None:
            speaker = cue.voice
        else:
            match = _INLINE_LABEL.match(text)
            if match and match["label"].strip() in labels:
                speaker, text = match["label"].strip(), match["rest"]
        text = " ".join(text.split())
        if not text:
            continue  # a cue of formatting tags only
        previous = turns[-1] if turns else None
        if previous is not None and previous.speaker == speaker:
            turns[-1] = RawTurn(f"{previous.text} {text}", speaker, previous.time_start, cue.end)
        else:
            turns.append(RawTurn(text, speaker, cue.start, cue.end))
    return Transcript(turns=tuple(turns))
