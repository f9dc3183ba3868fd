"""Pseudonymising a whole project in one transaction: every column that may hold a name,
every offset into a text that changed (see the package's docstring)."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from brightspots.embedding import text_hash
from brightspots.errors import ConflictError, ProjectError
from brightspots.pseudonym.names import (
    Key,
    Name,
    attribute_names,
    pattern_names,
    read_key,
    read_names,
    speaker_names,
    write_key,
)
from brightspots.pseudonym.replacing import OffsetMap, Replacer, replace_spans
from brightspots.store import Store
from brightspots.store import rewriting as sql
from brightspots.store.backup import back_up, backup_path, list_backups
from brightspots.vocabulary import label_key

# Keys of JSON payloads whose strings name things (speaker labels, files, documents),
# where a name is often lower-cased: replaced ignoring case.
IDENTIFIER_KEYS = frozenset(
    {"label", "labels", "speaker", "name", "names", "file", "files", "path", "paths",
     "document", "documents", "added", "updated", "metadata_updated", "skipped", "source",
     "sources", "codebook", "framework", "duplicates"}
)  # fmt: skip


@dataclass(frozen=True)
class PseudonymOptions:
    names_files: tuple[Path, ...] = ()
    patterns: Path | None = None
    speakers: bool = True
    attributes: tuple[str, ...] = ()  # more attribute keys that hold names (as places)
    parts: bool = True


@dataclass(frozen=True)
class PseudonymReport:
    key: str
    backup: str | None  # the copy taken before (holds the names); None on a dry run
    dry_run: bool
    names: int  # distinct names (and spellings) replaced
    replacements: int  # occurrences replaced in documents' text
    documents: int  # documents whose text, name or attributes changed
    codings_moved: int
    codings_joined: int
    events: int  # event payloads rewritten
    sources: dict[str, int] = field(default_factory=dict)  # names found per source
    old_backups: tuple[str, ...] = ()  # backups beside the project that hold the names
    compacted: bool = True  # False: another program kept old pages alive; run it again
    plan: tuple[tuple[str, str, str, str, int], ...] = ()  # dry run only

    def to_json(self) -> dict[str, Any]:
        body = {k: v for k, v in self.__dict__.items() if k != "plan"}
        body["old_backups"] = list(self.old_backups)
        if self.dry_run:
            body["plan"] = [
                dict(
                    zip(("original", "pseudonym", "kind", "source", "occurrences"), p, strict=True)
                )
                for p in self.plan
            ]
        return body


# --- the whole project ------------------------------------------------------------------


def collect_names(store: Store, key_path: Path, options: PseudonymOptions) -> list[Name]:
    names = read_key(key_path)
    for path in options.names_files:
        names += read_names(path)
    if options.speakers:
        roles = [label_key(r.replace("_", " ")) for r in store.roles()]
        names += speaker_names(sql.speakers(store), [*store.aliases(), *roles])
    names += attribute_names(sql.attribute_values(store), options.attributes)
    if options.patterns is not None:
        names += pattern_names(options.patterns, _pattern_texts(store))
    return names


def _pattern_texts(store: Store) -> Iterable[tuple[str, str]]:
    for num, language in sql.document_languages(store):
        yield language, sql.stored_document(store, num).text
    for _, text in sql.memo_texts(store):
        yield "xx", text


def check_key_path(project: Path, key_path: Path) -> None:
    project_file = project.resolve()
    target = key_path.resolve()
    if target in (project_file, project_file.with_name(project_file.name + "-wal")):
        raise ProjectError(f"{key_path} is the project itself; the key goes in a file of its own.")
    if key_path.suffix.lower() != ".csv":
        raise ProjectError(f"{key_path}: the key is a CSV file; name it KEY.csv.")
    if not key_path.parent.is_dir():
        raise ProjectError(f"{key_path.parent} is not a folder; create it first.")


def pseudonymise(
    store: Store, key_path: Path, options: PseudonymOptions, dry_run: bool = False
) -> PseudonymReport:
    """Replace the names everywhere in the project (see the module's docstring)."""
    check_key_path(store.path, key_path)
    names = collect_names(store, key_path, options)
    key = Key()
    for name in names:
        key.add(name, options.parts)
    replacer = Replacer(key.spellings)
    sources = Counter(n.source.split(" ")[0] for n in names)
    if dry_run:
        return _plan(store, key, replacer, key_path, dict(sources))
    write_key(key_path, key)  # before the project changes: a crash never loses the key
    backup = back_up(
        store.db.conn,
        store.path,
        destination=backup_path(store.path, "before-pseudonymise", key_path.parent),
    )
    rewrite = _Rewrite(store, replacer)
    sql.secure_delete(store, True)
    try:
        with store.refusing_conflicts("two codes would get the same name"), store.transaction():
            rewrite.run()
            store.add_event(
                "pseudonymise",
                {
                    "names": len(key.entries),
                    "documents": rewrite.documents,
                    "replacements": rewrite.replacements,
                    "codings_joined": rewrite.joined,
                },
            )
        store.refresh_coverage()
        compacted = sql.compact(store)
    finally:
        sql.secure_delete(store, False)
    return PseudonymReport(
        key=str(key_path),
        backup=str(backup),
        dry_run=False,
        names=len(key.entries),
        replacements=rewrite.replacements,
        documents=rewrite.documents,
        codings_moved=rewrite.moved,
        codings_joined=rewrite.joined,
        events=rewrite.events,
        sources=dict(sources),
        old_backups=tuple(str(b.path) for b in list_backups(store.path)),
        compacted=compacted,
    )


def _plan(
    store: Store, key: Key, replacer: Replacer, key_path: Path, sources: dict[str, int]
) -> PseudonymReport:
    counts: Counter[str] = Counter()
    documents = 0
    for num in sql.document_numbers(store):
        found = [m.group() for m in replacer.regex.finditer(sql.stored_document(store, num).text)]
        counts.update(found)
        documents += bool(found)
    by_original: Counter[str] = Counter()
    for original in key.entries:
        by_original[original] = counts[original] + counts[original.upper()] * (
            original.upper() != original
        )
    plan = tuple(
        (o, n.pseudonym or "", n.kind, n.source, by_original[o]) for o, n in key.entries.items()
    )
    return PseudonymReport(
        key=str(key_path),
        backup=None,
        dry_run=True,
        names=len(key.entries),
        replacements=sum(counts.values()),
        documents=documents,
        codings_moved=0,
        codings_joined=0,
        events=0,
        sources=sources,
        plan=plan,
    )


class _Rewrite:
    """One pass over the project inside one transaction; counts what it changed."""

    def __init__(self, store: Store, replacer: Replacer) -> None:
        self.store = store
        self.replacer = replacer
        self.maps: dict[str, OffsetMap] = {}  # by old document uid and old name
        self.names: dict[str, str] = {}  # old document name or path -> new
        self.codings: dict[str, tuple[int, int, str]] = {}  # uid -> new start, end, snippet
        self.old_hashes: set[str] = set()
        self.documents = self.replacements = self.moved = self.joined = self.events = 0

    def run(self) -> None:
        store, replace = self.store, self.replacer
        for num in sql.document_numbers(store):
            self._document(num)
        sql.rename_speakers(
            store, {s: replace.text(s) for s in sql.speakers(store) if replace.text(s) != s}
        )
        aliases = {a: replace.token(a).casefold() for a in sql.alias_labels(store)}
        sql.rename_aliases(store, {a: new for a, new in aliases.items() if new != a})
        sql.set_memo_texts(store, _changed(sql.memo_texts(store), replace.text))
        codes = []
        for num, values in sql.code_texts(store):
            texts = [
                self._json_text(v) if i == 4 else replace.text(v) for i, v in enumerate(values)
            ]
            if texts != values:
                codes.append((num, texts))
        sql.set_code_texts(store, codes)
        for table in ("codings", "suggestion_feedback"):
            sql.set_snippets(store, table, _changed(sql.snippets(store, table), replace.text))
        sql.set_theme_results(store, _changed(sql.theme_results(store), self._theme_run))
        events = []
        for seq, payload in sql.iter_event_payloads(store):
            new = json.dumps(self._walk(json.loads(payload)), ensure_ascii=False)
            if new != payload and json.loads(new) != json.loads(payload):
                events.append((seq, new))
        sql.rewrite_event_payloads(store, events)
        self.events = len(events)
        sql.delete_embeddings(store, self.old_hashes)

    def _theme_run(self, result: str) -> str:
        walked = self._walk(json.loads(result))
        return json.dumps(walked, ensure_ascii=False, separators=(",", ":"))

    def _json_text(self, value: str) -> str:
        try:
            return json.dumps(self._walk(json.loads(value)), ensure_ascii=False)
        except json.JSONDecodeError:
            return self.replacer.text(value)

    def _document(self, num: int) -> None:
        replace = self.replacer
        old = sql.stored_document(self.store, num)
        spans = replace.spans(old.text)
        new_name, new_path = replace.token(old.name), replace.token(old.source_path)
        attributes = self._walk(old.attributes)
        if not spans and (new_name, new_path, attributes) == (
            old.name,
            old.source_path,
            old.attributes,
        ):
            return
        text = replace_spans(old.text, spans)
        new = sql.StoredDocument(num, old.uid, new_name, new_path, text, attributes, old.language)
        moved = OffsetMap(spans)
        parts = sql.document_parts(self.store, num)
        new_parts = self._parts(old.text, text, parts, moved)
        try:
            sql.rewrite_document(self.store, old, parts, new, new_parts, text_hash_of(text))
        except sqlite3.IntegrityError as error:  # a constraint the plan missed: say where
            raise ConflictError(f"{old.name}: could not pseudonymise ({error})") from error
        self.maps[old.uid] = self.maps[old.name] = moved
        self.names[old.name], self.names[old.source_path] = new_name, new_path
        self.documents += 1
        self.replacements += len(spans)
        self.joined += len(new_parts.joined_codings)
        for _sid, _, start, end, _ in parts.segments:
            self.old_hashes.add(text_hash(old.text[start:end]))

    def _parts(self, old_text: str, text: str, parts: sql.Parts, moved: OffsetMap) -> sql.NewParts:
        segments, idx = [], 0
        for sid, _, start, end, turn in parts.segments:
            a, b = moved(start, "right"), moved(end, "right")
            if a < b:
                segments.append((sid, idx, a, b, turn))
                idx += 1
        codings: list[tuple[int, int, int, str]] = []
        joined: list[tuple[int, int]] = []
        taken: dict[tuple[int, int, int, int], int] = {}
        for c in parts.codings:
            start, end = moved(c["start"], "left"), moved(c["end"], "right")
            matched = c["status"] == "ok" and old_text[c["start"] : c["end"]] == c["snippet"]
            snippet = text[start:end] if matched else self.replacer.text(c["snippet"])
            place = (start, end, c["code"], c["coder"])
            if place in taken:
                joined.append((c["num"], taken[place]))
                continue
            taken[place] = c["num"]
            codings.append((c["num"], start, end, snippet))
            self.codings[c["uid"]] = (start, end, snippet)
            self.moved += (start, end) != (c["start"], c["end"])
            if snippet != c["snippet"]:
                self.old_hashes.add(text_hash(c["snippet"]))
        feedback, dropped, seen = [], [], set()
        for f in parts.feedback:
            start, end = moved(f["start"], "left"), moved(f["end"], "right")
            place = (start, end, f["code"], f["coder"])
            if place in seen:
                dropped.append(f["num"])
                continue
            seen.add(place)
            feedback.append((f["num"], start, end, self.replacer.text(f["snippet"])))
        return sql.NewParts(
            turns=[(i, moved(s, "right"), moved(e, "right")) for i, s, e in parts.turns],
            annotations=[(moved(s), moved(e, "right"), label) for s, e, label in parts.annotations],
            segments=segments,
            codings=codings,
            joined_codings=joined,
            memos=[(n, moved(s), moved(e, "right")) for n, s, e in parts.memos],
            feedback=feedback,
            dropped_feedback=dropped,
        )

    def _walk(self, value: Any, folded: bool = False) -> Any:
        """A JSON value with names replaced and spans into changed documents moved:
        dicts with `document`, `start`, `end` (codings, memos, decisions in events) and
        lists `[text, document, start, end]` (passages in theme runs). Under keys that
        name things (`IDENTIFIER_KEYS`: labels, files, documents) case is ignored."""
        if isinstance(value, str):
            found = self.names.get(value)
            if found is not None:
                return found
            return self.replacer.token(value) if folded else self.replacer.any(value)
        if isinstance(value, list):
            if (
                len(value) == 4
                and isinstance(value[1], str)
                and value[1] in self.maps
                and isinstance(value[2], int)
                and isinstance(value[3], int)
            ):
                moved = self.maps[value[1]]
                return [
                    self._walk(value[0]),
                    self._walk(value[1]),
                    moved(value[2]),
                    moved(value[3], "right"),
                ]
            return [self._walk(v, folded) for v in value]
        if isinstance(value, dict):
            walked = {
                (self._walk(k) if isinstance(k, str) else k): self._walk(
                    v, folded or k in IDENTIFIER_KEYS
                )
                for k, v in value.items()
            }
            document = value.get("document")
            known = self.codings.get(value.get("uid", "")) if "snippet" in value else None
            if known is not None and isinstance(value.get("start"), int):
                walked["start"], walked["end"], walked["snippet"] = known
            elif isinstance(document, str) and document in self.maps:
                moved = self.maps[document]
                if isinstance(value.get("start"), int) and isinstance(value.get("end"), int):
                    walked["start"] = moved(value["start"])
                    walked["end"] = moved(value["end"], "right")
            return walked
        return value


def _changed(
    rows: Iterable[tuple[int, str]], change: Callable[[str], str]
) -> list[tuple[int, str]]:
    out = []
    for num, value in rows:
        new = change(value)
        if new != value:
            out.append((num, new))
    return out


def text_hash_of(text: str) -> str:
    """A document's text hash, as the importer records it."""
    return hashlib.sha256(text.encode()).hexdigest()
