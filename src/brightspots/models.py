"""Domain objects: frozen dataclasses shared by every layer.

Positions are code-point offsets into a document's normalised (NFC) text; `end` is
exclusive, so `text[start:end]` is always the span."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Literal

TurnKind = Literal["speech", "note", "prompt"]
"""speech: said by someone (or written by an observer) and segmented for coding;
note: transcript furniture such as a title line (kept, not segmented);
prompt: a survey question (kept, not segmented)."""


@dataclass(frozen=True)
class RawTurn:
    """What a reader finds: one speaker's stretch of text, before layout."""

    text: str
    speaker: str | None = None
    time_start: float | None = None
    time_end: float | None = None
    kind: TurnKind = "speech"


@dataclass(frozen=True)
class Transcript:
    """A reader's result for one document (a survey file yields several)."""

    turns: tuple[RawTurn, ...]
    front_matter: Mapping[str, object] = field(default_factory=dict)
    part: str | None = None  # respondent id inside a multi-document file
    attributes: Mapping[str, str] = field(default_factory=dict)  # metadata found in the file


@dataclass(frozen=True)
class Turn:
    """A turn laid out in the document text: `start:end` is its body (without the label)."""

    index: int
    start: int
    end: int
    speaker: str | None
    role: str | None
    kind: TurnKind
    time_start: float | None = None
    time_end: float | None = None


@dataclass(frozen=True)
class Annotation:
    """A transcriber's note inside the text, such as [inaudible]: kept, but not speech."""

    start: int
    end: int
    label: str


@dataclass(frozen=True)
class DocumentMeta:
    country: str
    school_id: str
    school_group: str = "unknown"
    respondent_role: str | None = None
    method: str | None = None
    language: str = "en"
    territory: str | None = None
    date: str | None = None
    attributes: Mapping[str, str] = field(default_factory=dict)


META_FIELDS = tuple(f.name for f in fields(DocumentMeta) if f.name != "attributes")
"""The standard metadata keys (sheet columns, front matter keys, survey columns)."""


@dataclass(frozen=True)
class Segment:
    """A sentence within a speech turn."""

    index: int
    start: int
    end: int
    turn_index: int
    text: str
    speaker: str | None = None
    role: str | None = None
    time_start: float | None = None


@dataclass(frozen=True)
class Hit:
    """A segment found by full-text search, with its document's attributes."""

    document: str
    start: int
    end: int
    text: str
    meta: DocumentMeta


@dataclass(frozen=True)
class Passage:
    """A coded passage as retrieval lists it: the coding, its text and its document's
    attributes."""

    coding: str  # the coding's uid
    document: str
    start: int
    end: int
    text: str
    code: str
    code_name: str
    coder: str
    status: str  # ok | detached
    meta: DocumentMeta


@dataclass(frozen=True)
class Document:
    """A document ready to store: text laid out, turns, annotations, segments, metadata."""

    name: str
    text: str
    format: str
    meta: DocumentMeta
    turns: tuple[Turn, ...]
    annotations: tuple[Annotation, ...]
    segments: tuple[Segment, ...]
    source_path: str
    source_hash: str
    text_hash: str
    import_key: str = ""  # what else shaped the import: sheet row, --set values, aliases


@dataclass(frozen=True)
class DocumentInfo:
    """A stored document's header, without its text."""

    id: str
    name: str
    format: str
    meta: DocumentMeta
    segment_count: int
    char_count: int
    source_hash: str
    text_hash: str
    imported_at: str
    coded_segments: int = 0
    coded_by_me: int = 0  # segments the asking coder coded


@dataclass(frozen=True)
class Practice:
    id: str
    name: str
    focus_area: str
    description: str = ""
    status: str = "provisional"


@dataclass(frozen=True)
class FocusArea:
    id: str
    name: str
    description: str = ""
    practices: tuple[Practice, ...] = ()


@dataclass(frozen=True)
class Framework:
    id: str
    name: str
    version: str
    source: str
    focus_areas: tuple[FocusArea, ...]

    def practices(self) -> tuple[Practice, ...]:
        return tuple(p for area in self.focus_areas for p in area.practices)


@dataclass(frozen=True)
class Code:
    id: str
    name: str
    parent: str | None = None
    definition: str = ""
    inclusion: str = ""
    exclusion: str = ""
    examples: tuple[str, ...] = ()
    colour: str | None = None
    key: str | None = None
    practices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Codebook:
    id: str
    name: str
    version: str
    framework: str | None
    codes: tuple[Code, ...]


# Long work reports progress and checks for cancel through these (the CLI draws a bar; the
# workbench runs the work in a thread and posts messages).
Progress = Callable[[int, int, str], None]  # (done, total, what)
Cancelled = Callable[[], bool]
