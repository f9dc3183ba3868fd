"""What an export or an exchange import did, for the front ends to show (and `--json`)."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from brightspots.errors import InputError


@dataclass(frozen=True)
class ExportReport:
    path: str
    kind: str  # qdpx | qdc | csv | xlsx
    documents: int = 0
    codes: int = 0
    codings: int = 0
    memos: int = 0
    coders: int = 0
    cases: int = 0
    rows: int = 0  # tables: data rows written
    positions: str = ""  # how positions were counted (qdpx)
    notes: tuple[str, ...] = ()  # what was left out, and why

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SkippedSource:
    """A source of the file that brought no document, with what it carried."""

    name: str
    kind: str  # text | pdf | picture | audio | video
    reason: str
    selections: int = 0
    codings: int = 0


@dataclass
class ExchangeImportReport:
    path: str
    origin: str = ""
    documents_added: list[str] = field(default_factory=list)
    documents_matched: list[tuple[str, str]] = field(default_factory=list)  # (source, stored)
    documents_renamed: list[tuple[str, str]] = field(default_factory=list)  # (source, new name)
    codes_added: list[str] = field(default_factory=list)
    codes_matched: list[str] = field(default_factory=list)
    coders: list[str] = field(default_factory=list)
    selections: int = 0  # selections and codings the file holds, on every kind of source
    codings_in_file: int = 0
    codings_added: int = 0
    codings_present: int = 0
    memos_added: int = 0
    skipped_sources: list[SkippedSource] = field(default_factory=list)
    unplaced: list[str] = field(default_factory=list)  # selections that found no text
    unplaced_codings: int = 0
    problems: list[InputError] = field(default_factory=list)  # sources left out (skip_bad)
    positions: dict[str, str] = field(default_factory=dict)  # source -> counting, if it mattered
    notes: list[str] = field(default_factory=list)
    speakers_without_role: Counter[str] = field(default_factory=Counter)
    segments: int = 0

    @property
    def changed(self) -> bool:
        return bool(
            self.documents_added or self.codes_added or self.codings_added or self.memos_added
        )

    def to_json(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["skipped_sources"] = [asdict(s) for s in self.skipped_sources]
        data["problems"] = [error.message for error in self.problems]
        data["speakers_without_role"] = dict(self.speakers_without_role)
        data["changed"] = self.changed
        return data
