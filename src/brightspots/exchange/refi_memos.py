"""Memos from a REFI-QDA project, and the records of what its text sources became.

A `<Note>` becomes a memo on what refers to it by `<NoteRef>`: the project, a code, a source
(a document memo), a selection (a memo on that span) or a coding; a note nothing refers to
is a project memo, and one referred to from several places is copied to each. Bare
`<Description>`s of the project, a source or a selection (ATLAS.ti and MAXQDA write memos
so) become memos too. A memo's text is the note's text, after its name when the text does
not start with it, and its description. Memo uids are the notes' GUIDs (or derived from
them), so importing a file twice adds nothing."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from brightspots.exchange import qdaxml
from brightspots.exchange.qde import RefiProject, RefiSource
from brightspots.models import Document
from brightspots.store import Store
from brightspots.store.rows import now


@dataclass
class Placed:
    """A span of a document and what the file put on it."""

    start: int
    end: int
    codings: list[tuple[str, str | None, str, str | None]]  # (guid, code guid, coder, created)
    notes: tuple[str, ...] = ()  # Note GUIDs referred to from the selection
    description: str = ""
    owner: str = ""  # the selection's (or source's) GUID
    user: str | None = None  # who made the selection (the author of its description)


@dataclass
class Target:
    """A document the file's text sources land on: a new one (`document`) or one already
    stored here (`num`), with the sources that are it and the spans placed on it."""

    name: str
    uid: str
    text: str
    document: Document | None = None
    num: int | None = None
    sources: list[RefiSource] = field(default_factory=list)
    spans: list[Placed] = field(default_factory=list)


@dataclass
class MemoPlan:
    """The memos of a project, planned (`plan`) and then written (`write`)."""

    project: RefiProject
    codes: Mapping[str, str]  # REFI code GUID -> our code uid
    coder: Callable[[str | None], str]  # a user's GUID -> a coder's name
    read_text: Callable[[str, str], str | None]  # (path in the project, what) -> its text
    records: list[dict[str, Any]] = field(default_factory=list)

    def note_text(self, guid: str) -> str:
        note = self.project.notes[guid]
        content = note.text
        if not content.strip() and note.plain_text_path:
            content = self.read_text(note.plain_text_path, f"note {note.name!r}") or ""
        content = content.strip()
        title = note.name.removesuffix("…").rstrip()
        parts = [note.name if title and not content.startswith(title) else ""]
        parts += [note.description, content]
        return unicodedata.normalize("NFC", "\n\n".join(p for p in parts if p.strip()))

    def plan(self, targets: Iterable[Target]) -> None:
        """Memo records as `insert_memo` takes them (a coding memo carries `_coding`: its
        coding is looked up once written)."""
        targets = list(targets)
        used: set[str] = set()
        found = self.records

        def note(guid: str, owner: str, **where: Any) -> None:
            if guid not in self.project.notes:
                return
            text = self.note_text(guid)
            if not text:
                return
            record = self.project.notes[guid]
            found.append(
                {
                    "uid": guid if guid not in used else qdaxml.derived_guid(guid, owner),
                    "coder": self.coder(record.user),
                    "text": text,
                    "created_at": record.created or now(),
                    "updated_at": record.modified or record.created or now(),
                    **where,
                }
            )
            used.add(guid)

        def described(owner: str, text: str, user: str | None, **where: Any) -> None:
            uid = qdaxml.derived_guid(owner, "description")
            text = unicodedata.normalize("NFC", text.strip())
            found.append({"uid": uid, "coder": self.coder(user), "text": text, **where})

        for guid in self.project.project_notes:
            note(guid, "project", target="project")
        if self.project.description:
            described(self.project.name, self.project.description, None, target="project")
        for code in self.project.codes:
            uid = self.codes.get(code.guid)
            for guid in code.notes if uid is not None else ():
                note(guid, code.guid, target="code", code_uid=uid)
        coding_notes = {
            c.guid: c.notes
            for t in targets
            for s in t.sources
            for c in (*s.codings, *(c for sel in s.selections for c in sel.codings))
            if c.notes
        }
        for target in targets:
            on_document = {"target": "document", "document": target.uid}
            for source in target.sources:
                for guid in source.notes:
                    note(guid, target.uid, **on_document)
                if source.description:
                    described(source.guid, source.description, source.user, **on_document)
            for span in target.spans:
                on_span = {
                    "target": "segment",
                    "document": target.uid,
                    "start": span.start,
                    "end": span.end,
                }
                for guid in span.notes:
                    note(guid, span.owner, **on_span)
                if span.description:
                    described(span.owner, span.description, span.user, **on_span)
                for coding, code_guid, coder, _ in span.codings:
                    for guid in coding_notes.get(coding, ()):
                        where = (target.uid, span.start, span.end, code_guid, coder)
                        note(guid, coding, target="coding", _coding=where)
        elsewhere = self._notes_of_skipped_sources(targets)
        for guid in self.project.notes:
            if guid not in used and guid not in elsewhere:
                note(guid, "project", target="project")  # a note nothing refers to (here)

    def _notes_of_skipped_sources(self, targets: Iterable[Target]) -> set[str]:
        kept = {s.guid for t in targets for s in t.sources}
        notes: set[str] = set()
        for source in self.project.sources:
            if source.guid in kept:
                continue
            notes.update(source.notes)
            for selection in source.selections:
                notes.update(selection.notes)
                notes.update(n for c in selection.codings for n in c.notes)
            notes.update(n for c in source.codings for n in c.notes)
        return notes

    def write(self, store: Store) -> int:
        """Insert the memos not already here; returns how many were added."""
        added = 0
        for memo in self.records:
            if store.get_memo(memo["uid"]) is not None:
                continue
            record = {k: v for k, v in memo.items() if not k.startswith("_")}
            if "_coding" in memo:
                document, start, end, code, coder = memo["_coding"]
                ours = self.codes.get(code or "")
                found = store.coding_uid_at(document, start, end, ours, coder) if ours else None
                if found is None:
                    continue
                record["coding"] = found
            store.insert_memo(record)
            added += 1
        return added
