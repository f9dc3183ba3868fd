"""Plain-text and Markdown transcripts, Otter.ai text exports, and YAML front matter."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection
from pathlib import Path

import yaml

from brightspots.corpus.source import parse_timecode
from brightspots.errors import ReaderError
from brightspots.models import RawTurn, Transcript
from brightspots.vocabulary import label_key

_TIME = r"(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"
_BRACKETED_TIME = re.compile(rf"[\[(]\s*({_TIME})\s*[\])]")
_LEADING_TIME = re.compile(rf"^(?:[\[(]\s*({_TIME})\s*[\])]|(\d{{1,2}}:\d{{2}}:\d{{2}}))\s*")
_LABEL = re.compile(
    r"^(?P<label>[^\W\d_][\w.'’()/&\- ]{0,40}?)[ \t\u00a0\u202f]*:(?:\s+|$)(?P<rest>.*)$"
)
_BOLD_LABEL = re.compile(
    r"^(?:\*\*|__)(?P<label>[^*_:]{1,40}?)\s*(?::\s*(?:\*\*|__)|(?:\*\*|__)\s*:)\s*"
)
_OTTER_HEAD = re.compile(rf"^(?P<name>\S.{{0,60}}?)(?:\s{{2,}}|\t)(?P<time>{_TIME})\s*$")
_HEADING = re.compile(r"^#{1,6}\s+")
_RULE = re.compile(r"^(?:-{3,}|\*{3,}|_{3,})$")
_GENERIC_SPEAKER = re.compile(r"^(?:speaker|spk|orateur|locuteur|falante|locutor)\s*\d+$", re.I)
MAX_LABEL_WORDS = 4


def split_front_matter(text: str, path: Path) -> tuple[dict[str, object], str, int]:
    """(metadata, body, number of lines the front matter took)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, text, 0
    for number, line in enumerate(lines[1:], start=1):
        if line.strip() in ("---", "..."):
            block = "\n".join(lines[1:number])
            try:
                data = yaml.safe_load(block) if block.strip() else {}
            except (yaml.YAMLError, ValueError, TypeError, OverflowError) as error:
                # PyYAML's constructors raise ValueError for dates such as 2024-13-01.
                mark = getattr(error, "problem_mark", None)
                line_no = mark.line + 2 if mark is not None else 1
                raise ReaderError(
                    f"front matter is not valid YAML: {getattr(error, 'problem', error)}",
                    path,
                    line_no,
                ) from None
            if not isinstance(data, dict):
                raise ReaderError("front matter must be `key: value` lines", path, 2)
            return {str(k): v for k, v in data.items()}, "\n".join(lines[number + 1 :]), number + 1
    raise ReaderError(
        "front matter starts with `---` but never ends (add a closing `---`)", path, 1
    )


def read_text_transcript(
    text: str, path: Path, known_labels: Collection[str], markdown: bool = False
) -> Transcript:
    """A .txt/.md transcript: speaker-labelled turns, or label-free notes (observations)."""
    front_matter, body, _ = split_front_matter(text.replace("\r\n", "\n").replace("\r", "\n"), path)
    lines = body.split("\n")
    turns = _read_otter(lines) if is_otter(lines) else _read_labelled(lines, known_labels, markdown)
    if not any(t.kind == "speech" and t.text.strip() for t in turns):
        raise ReaderError("no transcript text found (only headings or time codes)", path)
    return Transcript(turns=tuple(turns), front_matter=front_matter)


def text_format(text: str) -> str:
    """`otter` for an Otter.ai export (front matter aside), else `text`."""
    lines = text.split("\n")
    if lines and lines[0].strip() == "---":
        closing = next(
            (i for i, line in enumerate(lines[1:], 1) if line.strip() in ("---", "...")), 0
        )
        lines = lines[closing + 1 :]
    return "otter" if is_otter(lines) else "text"


def is_otter(lines: list[str]) -> bool:
    """Otter.ai exports: `Name  0:03` on a line of its own, then the words."""
    content = [line.strip() for line in lines if line.strip()]
    heads = [line for line in content if _OTTER_HEAD.match(line)]
    return bool(content) and len(heads) >= 1 and _OTTER_HEAD.match(content[0]) is not None


def _read_otter(lines: list[str]) -> list[RawTurn]:
    turns: list[RawTurn] = []
    speaker: str | None = None
    start: float | None = None
    words: list[str] = []

    def flush() -> None:
        if words:
            turns.append(RawTurn(" ".join(words), speaker, start))
        words.clear()

    for line in lines:
        stripped = line.strip()
        head = _OTTER_HEAD.match(stripped)
        if head:
            flush()
            speaker, start = head["name"].strip(), parse_timecode(head["time"])
        elif stripped:
            words.append(stripped)
    flush()
    return turns


def _strip_markdown(line: str) -> str:
    bold = _BOLD_LABEL.match(line)
    if bold:
        line = f"{bold['label'].strip()}: {line[bold.end() :]}"
    return line.replace("**", "").replace("__", "")


def _candidate(line: str) -> tuple[str, str] | None:
    match = _LABEL.match(line)
    return (match["label"].strip(), match["rest"]) if match else None


def is_label(label: str, occurrences: int, known: Collection[str]) -> bool:
    """A speaker label is what the alias table knows (`Membro do conselho escolar 1`),
    what looks like `Speaker 2`, or a short phrase that starts two or more lines or cues
    (a sentence with a colon rarely repeats word for word)."""
    if label_key(label) in known or _GENERIC_SPEAKER.match(label):
        return True
    return occurrences >= 2 and len(label.split()) <= MAX_LABEL_WORDS


def _accepted_labels(lines: list[str], known: Collection[str]) -> set[str]:
    counts = Counter(c[0] for c in map(_candidate, lines) if c is not None)
    return {label for label, count in counts.items() if is_label(label, count, known)}


def _read_labelled(lines: list[str], known: Collection[str], markdown: bool) -> list[RawTurn]:
    prepared: list[tuple[str, float | None]] = []
    for raw in lines:
        line = raw.strip()
        if markdown:
            line = _strip_markdown(line)
        time = None
        leading = _LEADING_TIME.match(line)
        if leading:
            time = parse_timecode(leading.group(1) or leading.group(2))
            line = line[leading.end() :]
        prepared.append((line, time))
    labels = _accepted_labels([p[0] for p in prepared], known)
    labelled = bool(labels)

    turns: list[RawTurn] = []
    speaker: str | None = None
    start: float | None = None
    paragraphs: list[list[str]] = [[]]
    pending_time: float | None = None
    kind = "note" if labelled else "speech"

    def flush() -> None:
        text = "\n".join(" ".join(p) for p in paragraphs if p)
        if text.strip():
            turns.append(RawTurn(text, speaker, start, kind=kind))  # type: ignore[arg-type]
        paragraphs.clear()
        paragraphs.append([])

    for line, time in prepared:
        if time is not None and not line:
            pending_time = time  # a time code on a line of its own: for the next turn
            continue
        if not line:
            if labelled:
                paragraphs.append([])
            else:
                flush()  # label-free notes: each paragraph is a turn
                start = None
            continue
        if _RULE.match(line):
            continue
        if markdown and _HEADING.match(line):
            flush()
            turns.append(RawTurn(_HEADING.sub("", line), None, kind="note"))
            continue
        candidate = _candidate(line)
        if candidate is not None and candidate[0] in labels:
            flush()
            speaker, rest = candidate
            kind = "speech"
            start = time if time is not None else pending_time
            inline = _LEADING_TIME.match(rest)
            if inline:
                if start is None:
                    start = parse_timecode(inline.group(1) or inline.group(2))
                rest = rest[inline.end() :]
            pending_time = None
            line = rest
        elif not labelled and not paragraphs[-1]:
            start = time if time is not None else pending_time
            pending_time = None
        line = _BRACKETED_TIME.sub(" ", line).strip()  # time codes inside a turn are not words
        if line:
            paragraphs[-1].append(line)
    flush()
    return turns
