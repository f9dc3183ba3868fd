"""Importing transcripts: read and check every file first, then write in one transaction.

Atomic: a batch with one bad file writes nothing (unless the caller asks to skip bad
files). Idempotent: a file whose bytes and metadata are unchanged changes nothing. A
changed file keeps its identity; each of its codings is moved to where its text now is,
or flagged `detached` when that text is gone, never dropped."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from brightspots.corpus import SUPPORTED_SUFFIXES, read_source
from brightspots.corpus.layout import lay_out
from brightspots.corpus.source import read_bytes
from brightspots.errors import BatchError, BrightspotsError, InputError, ReaderError
from brightspots.metadata import MetadataSheet, Origin, resolve, role_resolver
from brightspots.models import Cancelled, Document, DocumentMeta, Progress, Transcript
from brightspots.segment import Segmenter
from brightspots.store import Store


class ImportCancelled(BrightspotsError):
    title = "Import cancelled"


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    metadata_updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (new name, stored name)
    skipped: list[InputError] = field(default_factory=list)
    codings_moved: int = 0
    codings_detached: int = 0
    speakers_without_role: Counter[str] = field(default_factory=Counter)
    unused_metadata_rows: list[str] = field(default_factory=list)
    segments: int = 0
    words: int = 0


@dataclass(frozen=True)
class ImportOptions:
    metadata: Path | None = None
    defaults: Mapping[str, str] = field(default_factory=dict)
    encoding: str | None = None
    skip_bad: bool = False


def collect_files(paths: Sequence[Path], metadata: Path | None) -> list[tuple[Path, str]]:
    """(file, name) for every supported file; folders are walked, hidden files and
    metadata sheets skipped. A document's name is its path relative to the metadata
    sheet's folder when it lies there (so importing a subfolder names files as the sheet
    does), else relative to the folder given, else the file's name."""
    found: list[tuple[Path, str]] = []
    sheet = metadata.resolve() if metadata else None
    for given in paths:
        if given.is_dir():
            for path in sorted(given.rglob("*")):
                relative = path.relative_to(given)
                if (
                    path.is_file()
                    and path.suffix.lower() in SUPPORTED_SUFFIXES
                    and not any(p.startswith((".", "_")) for p in relative.parts)
                    and path.resolve() != sheet
                    and not path.name.casefold().startswith("metadata")
                ):
                    found.append((path, _name(path, given.resolve(), sheet)))
        elif given.is_file():
            found.append((given, _name(given, given.resolve().parent, sheet)))
        else:
            raise ReaderError("no such file or folder", given)
    if not found:
        raise ReaderError(
            "no transcripts found (brightspots reads " + ", ".join(SUPPORTED_SUFFIXES) + ")",
            paths[0] if paths else None,
        )
    return found


def _name(path: Path, root: Path, sheet: Path | None) -> str:
    resolved = path.resolve()
    for base in ([sheet.parent] if sheet else []) + [root]:
        if resolved.is_relative_to(base):
            return resolved.relative_to(base).as_posix()
    return path.name


@dataclass(frozen=True)
class _Context:
    """What every file of one import shares, read once."""

    store: Store
    segmenter: Segmenter
    sheet: MetadataSheet | None
    options: ImportOptions
    aliases: Mapping[str, str]
    roles: Sequence[str]

    def import_key(self, row: tuple[Mapping[str, str], Origin] | None) -> str:
        """Digest of everything besides the file's bytes that shapes its documents."""
        shaping = [
            dict(self.options.defaults),
            dict(row[0]) if row else {},
            self.options.encoding,
            sorted(self.aliases.items()),
            list(self.roles),
        ]
        return hashlib.sha256(json.dumps(shaping, sort_keys=True).encode()).hexdigest()


def plan_file(path: Path, name: str, context: _Context, report: ImportReport) -> list[Document]:
    """The documents a file gives, ready to write; [] when it is already imported as is
    (same bytes, same metadata row, same aliases: nothing is parsed again)."""
    row = context.sheet.lookup(name) if context.sheet else None
    import_key = context.import_key(row)
    source_hash = hashlib.sha256(read_bytes(path)).hexdigest()
    stored = context.store.file_imports(name)
    if stored and set(stored.values()) == {(source_hash, import_key)}:
        report.unchanged.extend(sorted(stored))
        return []
    source = read_source(path, context.aliases.keys(), context.options.encoding)
    documents = []
    for transcript in source.transcripts:
        layers: list[tuple[Mapping[str, object], Origin]] = [
            (context.options.defaults, Origin(None))
        ]
        if source.format.startswith("survey"):
            layers.append(({"method": "survey"}, Origin(None)))
        if row:
            layers.append(row)
        layers += [
            (transcript.attributes, Origin(path)),
            (transcript.front_matter, Origin(path, 1)),
        ]
        resolved = resolve(layers, context.roles, str(path))
        role_of = role_resolver(context.aliases, resolved.speakers, resolved.meta.respondent_role)
        document = build_document(
            transcript,
            name,
            path,
            source.format,
            source_hash,
            resolved.meta,
            role_of,
            context.segmenter,
            report,
        )
        documents.append(replace(document, import_key=import_key))
    return documents


def build_document(
    transcript: Transcript,
    name: str,
    path: Path,
    format: str,
    source_hash: str,
    meta: DocumentMeta,
    role_of: Callable[[str | None], str | None],
    segmenter: Segmenter,
    report: ImportReport,
) -> Document:
    """A read transcript laid out, its speakers given roles and its speech segmented: the
    one path every document takes into a project (transcripts and REFI-QDA sources)."""
    observing = (meta.method or "").endswith("observation")

    def role(label: str | None) -> str | None:
        found = role_of(label)
        if label is None:
            return "observer" if observing else None
        if found is None:
            report.speakers_without_role[label] += 1
        return found

    text, turns, annotations = lay_out(transcript.turns, role)
    segments = segmenter.segment(text, turns, annotations, meta.language)
    if not segments:
        raise ReaderError("no sentences to code were found in this file", path)
    full_name = f"{name}#{transcript.part}" if transcript.part else name
    return Document(
        name=full_name,
        text=text,
        format=format,
        meta=meta,
        turns=turns,
        annotations=annotations,
        segments=segments,
        source_path=str(path),
        source_hash=source_hash,
        text_hash=hashlib.sha256(text.encode()).hexdigest(),
    )


def import_files(
    store: Store,
    paths: Sequence[Path],
    segmenter: Segmenter,
    options: ImportOptions,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> ImportReport:
    report = ImportReport()
    sheet = MetadataSheet(options.metadata, options.encoding) if options.metadata else None
    files = collect_files(paths, options.metadata)
    context = _Context(store, segmenter, sheet, options, store.aliases(), store.roles())
    planned: list[Document] = []
    for number, (path, name) in enumerate(files, start=1):
        if cancelled is not None and cancelled():
            raise ImportCancelled("the import was cancelled; nothing was imported")
        if progress is not None:
            progress(number - 1, len(files), name)
        try:
            planned += plan_file(path, name, context, report)
        except InputError as error:
            report.skipped.append(error)
    if progress is not None:
        progress(len(files), len(files), "")
    if report.skipped and not options.skip_bad:
        raise BatchError(
            report.skipped, "Fix these files, or import with --skip-bad to import the others."
        )
    if sheet is not None:
        report.unused_metadata_rows = sheet.unused() if len(files) > 1 else []
    with store.transaction():
        for document in planned:
            _write(store, document, report)
        if not (report.added or report.updated or report.metadata_updated):
            return report  # nothing changed, so not even the audit trail does
        store.add_event(
            "import",
            {
                "added": report.added,
                "updated": report.updated,
                "metadata_updated": report.metadata_updated,
                "skipped": [e.message for e in report.skipped],
            },
        )
    store.refresh_coverage()  # segments changed under moved codings: recount them now
    return report


def _write(store: Store, document: Document, report: ImportReport) -> None:
    stored = store.find_document(document.name)
    if stored is None:
        twin = store.find_document_by_text(document.text_hash)
        if twin is not None:
            report.duplicates.append((document.name, twin))
            return
        store.insert_document(document)
        report.added.append(document.name)
    elif stored["source_hash"] == document.source_hash:
        if stored["import_key"] == document.import_key:
            report.unchanged.append(document.name)
            return
        store.replace_document(stored["num"], document)  # same words, new metadata or roles
        report.metadata_updated.append(document.name)
    else:
        moved, detached = relocate_codings(store, stored["num"], stored["text"], document.text)
        store.replace_document(stored["num"], document)
        report.updated.append(document.name)
        report.codings_moved += moved
        report.codings_detached += detached
    report.segments += len(document.segments)
    report.words += sum(len(s.text.split()) for s in document.segments)


def relocate_codings(store: Store, num: int, old_text: str, new_text: str) -> tuple[int, int]:
    """Move each coding to the occurrence of its text nearest its old place (scaled to the
    new length); flag it `detached` when its text no longer occurs. Returns (moved, flagged)."""
    moved = detached = 0
    scale = len(new_text) / max(1, len(old_text))
    for coding in store.codings_of_document(num):
        snippet = coding["snippet"]
        expected = coding["start"] * scale
        places = list(_occurrences(new_text, snippet))
        if not places:
            store.move_coding(coding["num"], coding["start"], coding["end"], "detached")
            detached += 1
            continue
        start = min(places, key=lambda p: abs(p - expected))
        if (start, start + len(snippet)) != (coding["start"], coding["end"]):
            moved += 1
        store.move_coding(coding["num"], start, start + len(snippet), "ok")
    return moved, detached


def _occurrences(text: str, snippet: str) -> Iterable[int]:
    position = text.find(snippet)
    while position != -1 and snippet:
        yield position
        position = text.find(snippet, position + 1)
