"""Importing REFI-QDA projects (`.qdpx`) and codebooks (`.qdc`) into a project.

Like a transcript import, the whole file is read and planned before anything is written,
then written in one transaction: a file that fails leaves the project untouched.

- **codes**: by GUID (= our code uid), else by name (ignoring case) onto the project's code,
  else added with the GUID as uid, the packed description unpacked (qdc.py), the colour and
  the parent; practices the framework lacks are left out and reported.
- **text sources** become documents through the transcript path: the text is read as a
  `.txt` transcript would be (or split back exactly when brightspots wrote it), laid out,
  given metadata (`--set` defaults < metadata sheet row < the variables of the source's
  cases < the source's own variables) and segmented. A source whose text is already a
  document here (same text) is that document; a name already taken by another text gets
  ` [FILE]` added. Sources that are not text (PDF, pictures, audio, video) and text sources
  whose file is not in the archive are skipped and reported with what they carried.
- **selections** are placed by converting their positions (source_text.choose_counting,
  positions.py) and carrying them onto the laid-out text (alignment.py); each `<Coding>` is
  a coding by its user (coders are matched by name). A selection whose text layout removed
  (a time code, say) is reported, not guessed.
- **memos**: `<Note>`s become memos on what refers to them (project, code, document, span,
  coding; a note nobody refers to is a project memo); bare `<Description>`s of the project,
  a source or a selection become memos too.
- Sets, links and graphs are not imported (counted in the report).

Importing the same file twice adds nothing: documents match by text, codes, codings and
memos by uid (or, for codings, by document, span, code and coder)."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any

from brightspots.config import MAX_INPUT_BYTES
from brightspots.corpus.layout import lay_out
from brightspots.errors import BatchError, InputError, MetadataError, ReaderError
from brightspots.exchange.alignment import TextAlignment
from brightspots.exchange.positions import PositionMap
from brightspots.exchange.qdc import read_codebook
from brightspots.exchange.qde import RefiProject, RefiSelection, RefiSource, read_project
from brightspots.exchange.refi_codes import CodePlan
from brightspots.exchange.refi_memos import MemoPlan, Placed, Target
from brightspots.exchange.reports import ExchangeImportReport, SkippedSource
from brightspots.exchange.safe_zip import ArchiveError, SafeZip
from brightspots.exchange.source_text import choose_counting, decode, nfc, read_turns
from brightspots.importer import ImportCancelled, ImportOptions, ImportReport, build_document
from brightspots.metadata import MetadataSheet, Origin, resolve, role_resolver
from brightspots.models import Cancelled, Document, Progress
from brightspots.segment import Segmenter
from brightspots.store import Store
from brightspots.store.backup import keeping_backup
from brightspots.store.merging import DOCUMENT_COLUMNS
from brightspots.store.rows import new_uid, now
from brightspots.vocabulary import RESPONDENT, label_key

EXCHANGE_SUFFIXES = (".qdpx", ".qdc")
POSITION_CHOICES = ("auto", "code-points", "utf-16")
DEFAULT_CODER = "imported"
ORIGIN = "import"  # the origin of imported codings
FORMAT = "qdpx"
# Variable names other tools use for our metadata fields (compared after casefold, with
# spaces and hyphens as underscores).
META_SYNONYMS = {
    "school": "school_id",
    "school_code": "school_id",
    "schoolid": "school_id",
    "group": "school_group",
    "role": "respondent_role",
    "respondent": "respondent_role",
    "data_collection_method": "method",
    "lang": "language",
}
REQUIRED = ("country", "school_id")
KIND_NAMES = {
    "pdf": "a PDF",
    "picture": "a picture",
    "audio": "an audio recording",
    "video": "a video",
    "text": "a text",
}


def meta_key(name: str) -> str:
    key = re.sub(r"[\s\-]+", "_", name.strip().casefold())
    return META_SYNONYMS.get(key, key)


def import_exchange(
    store: Store,
    path: Path,
    segmenter: Segmenter,
    options: ImportOptions | None = None,
    positions: str = "auto",
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> ExchangeImportReport:
    """Import a `.qdpx` project or a `.qdc` codebook (see the module's docstring)."""
    if positions not in POSITION_CHOICES:
        raise InputError(f"positions must be one of {', '.join(POSITION_CHOICES)}")
    suffix = path.suffix.lower()
    report = ExchangeImportReport(str(path))
    if suffix == ".qdc":
        codes = CodePlan(store, report)
        codes.plan(read_codebook(path))

        def write_codes() -> ExchangeImportReport:
            with store.transaction():
                codes.write()
                if report.changed:
                    store.add_event("exchange.import", _summary(report))
            return report

        return _backed_up(store, write_codes)
    if suffix != ".qdpx":
        raise InputError(
            f"not a REFI-QDA file ({suffix or 'no suffix'}); brightspots imports .qdpx "
            "projects and .qdc codebooks",
            path,
        )
    forced = {"auto": None, "code-points": False, "utf-16": True}[positions]
    with SafeZip(path) as archive:
        project = read_project(archive)
        planner = _Planner(
            store, path, archive, project, segmenter, options or ImportOptions(), forced
        )
        planner.plan(progress, cancelled)
    result = _backed_up(store, planner.write)
    store.refresh_coverage()
    return result


def _backed_up(store: Store, write: Callable[[], ExchangeImportReport]) -> ExchangeImportReport:
    """The write, with a backup of the project taken first and kept only if it changed."""
    report, _ = keeping_backup(
        store.db.conn, store.path, "before-refi-import", write, lambda r: r.changed
    )
    return report


def _summary(report: ExchangeImportReport) -> dict[str, Any]:
    return {
        "file": report.path,
        "origin": report.origin,
        "documents_added": report.documents_added,
        "codes_added": report.codes_added,
        "codings_added": report.codings_added,
        "memos_added": report.memos_added,
        "sources_skipped": [s.name for s in report.skipped_sources],
    }


# --- sources, codings and memos ------------------------------------------------------------


@dataclass
class _Planner:
    store: Store
    path: Path
    archive: SafeZip
    project: RefiProject
    segmenter: Segmenter
    options: ImportOptions
    forced: bool | None = None

    def __post_init__(self) -> None:
        self.report = ExchangeImportReport(str(self.path), origin=self.project.origin)
        self.codes = CodePlan(self.store, self.report)
        self.ours = self.project.origin.casefold().startswith("brightspots")
        self.sheet = (
            MetadataSheet(self.options.metadata, self.options.encoding)
            if self.options.metadata
            else None
        )
        self.aliases = self.store.aliases()
        self.roles = self.store.roles()
        creator = self.project.users.get(self.project.creating_user or "")
        self.default_coder = creator or DEFAULT_CODER
        self.targets: dict[str, Target] = {}  # text hash -> the document it is
        self.names: set[str] = set()  # names given to new documents in this import
        self.uids: set[str] = set()
        self.memos = MemoPlan(self.project, self.codes.target, self._coder, self._archive_text)
        self.cases: dict[str, list[tuple[Mapping[str, str], Origin]]] = {}
        for case in self.project.cases:
            label = case.name or f"case {case.guid[:8]}"
            origin = Origin(Path(f"{self.path}: case {label!r}"))
            for source in case.sources:
                self.cases.setdefault(source, []).append((case.variables, origin))

    # --- planning ------------------------------------------------------------------------

    def plan(self, progress: Progress | None, cancelled: Cancelled | None) -> None:
        self.codes.plan(self.project.codes)
        sources = self.project.sources
        self.report.selections = sum(s.all_selections for s in sources)
        self.report.codings_in_file = sum(s.all_codings for s in sources)
        for number, source in enumerate(sources):
            if cancelled is not None and cancelled():
                raise ImportCancelled("the import was cancelled; nothing was imported")
            if progress is not None:
                progress(number, len(sources), source.name)
            try:
                self._plan_source(source)
            except ArchiveError:
                raise  # a hostile or damaged archive is refused whole
            except InputError as error:
                self.report.problems.append(error)
        if progress is not None:
            progress(len(sources), len(sources), "")
        if self.report.problems and not self.options.skip_bad:
            raise BatchError(
                self.report.problems,
                "Fix these sources (or give missing metadata with --set), or import with "
                "--skip-bad to import the others.",
            )
        self.memos.plan(self.targets.values())
        left = [f"{n} {k.lower()}(s)" for k, n in sorted(self.project.left_out.items()) if n]
        if left:
            self.report.notes.append(
                "not imported (brightspots has no place for them): " + ", ".join(left)
            )

    def _skip(self, source: RefiSource, reason: str) -> None:
        self.report.skipped_sources.append(
            SkippedSource(
                source.name, source.kind, reason, source.all_selections, source.all_codings
            )
        )

    def _plan_source(self, source: RefiSource) -> None:
        if source.kind != "text":
            self._skip(source, f"{KIND_NAMES[source.kind]}: brightspots codes text only")
            return
        found = self._source_bytes(source)
        if isinstance(found, str):
            self._skip(source, found)
            return
        data, member = found
        where = f"{self.path}: source {source.name!r}"
        raw = decode(data, where, self.options.encoding)
        if not raw.strip():
            raise ReaderError("the source's text is empty", where)
        layers, speakers = self._metadata(source, where)
        known = set(self.aliases) | {label_key(s) for s in speakers}
        transcript = read_turns(nfc(raw), where, known, self.ours)
        text, _, _ = lay_out(transcript.turns, lambda _: None)
        target = self._existing(source, hashlib.sha256(text.encode()).hexdigest())
        if target is None:  # a new document: it needs its metadata and its segments
            layers.append((transcript.front_matter, Origin(Path(where), 1)))
            self._require(layers, where)
            resolved = resolve(layers, self.roles, where)
            role_of = role_resolver(self.aliases, resolved.speakers, resolved.meta.respondent_role)
            scratch = ImportReport()
            document = build_document(
                transcript,
                source.name,
                Path(where),
                FORMAT,
                hashlib.sha256(data).hexdigest(),
                resolved.meta,
                role_of,
                self.segmenter,
                scratch,
            )
            self.report.speakers_without_role.update(scratch.speakers_without_role)
            shaping = json.dumps([dict(v) for v, _ in layers], sort_keys=True, default=str)
            document = replace(
                document,
                source_path=f"{self.path.name}#{member}",
                import_key=hashlib.sha256(shaping.encode()).hexdigest(),
            )
            target = self._new(source, document)
        target.sources.append(source)
        self._place(target, source, raw)

    def _source_bytes(self, source: RefiSource) -> tuple[bytes, str] | str:
        """(bytes, where they came from), or why there is no text."""
        location = source.plain_text_path
        if location:
            scheme, sep, rest = location.partition("://")
            if not sep:
                scheme, rest = "internal", location
            file = rest.replace("\\", "/").lstrip("/")
            internal = scheme.casefold() == "internal"
            candidates = [f"sources/{file}", file] if internal else []
            candidates.append(f"sources/{PurePosixPath(file).name}")
            for candidate in candidates:
                member = self.archive.find(candidate)
                if member is not None:
                    return self.archive.read(member, MAX_INPUT_BYTES), member
            if internal:
                return f"its text file ({location}) is not in the archive"
            return (
                f"its text is kept outside the archive ({location}); brightspots reads "
                "only what the .qdpx holds"
            )
        if source.plain_text is not None:
            return source.plain_text.encode("utf-8"), "inline text"
        return "it has no plain text (no plainTextPath)"

    def _metadata(
        self, source: RefiSource, where: str
    ) -> tuple[list[tuple[Mapping[str, object], Origin]], list[str]]:
        """The metadata layers of a source (lowest first) and the speaker labels its
        `speakers` value names."""
        layers: list[tuple[Mapping[str, object], Origin]] = [(self.options.defaults, Origin(None))]
        row = self.sheet.lookup(source.name) if self.sheet else None
        if row:
            layers.append(row)
        for values, origin in self.cases.get(source.guid, []):
            layers.append((self._named(values), origin))
        layers.append((self._named(source.variables), Origin(Path(where))))
        speakers = _merged(layers).get("speakers", "")
        return layers, [label for label, _ in _pairs(str(speakers))]

    @staticmethod
    def _require(layers: list[tuple[Mapping[str, object], Origin]], where: str) -> None:
        """A missing country or school id is an error that says how to give them."""
        merged = _merged(layers)
        missing = [k for k in REQUIRED if not str(merged.get(k, "")).strip()]
        if missing:
            raise MetadataError(
                f"no {' or '.join(missing)} for this source: give "
                f"{'it' if len(missing) == 1 else 'them'} as a variable of its case or of "
                "the source in the tool that exported it, or import with "
                + " ".join(f"--set {k}=..." for k in missing)
                + " (for every source that lacks them)",
                where,
            )

    def _named(self, values: Mapping[str, str]) -> dict[str, str]:
        """Variable names as metadata keys; `speakers` pairs with a role this project
        does not know are dropped (the role check would refuse the whole value)."""
        named = {meta_key(k): v for k, v in values.items()}
        if "speakers" in named:
            roles = {*self.roles, RESPONDENT}
            kept = [f"{lb}={role}" for lb, role in _pairs(named["speakers"]) if role in roles]
            named["speakers"] = "; ".join(kept)
        return named

    def _existing(self, source: RefiSource, text_hash: str) -> Target | None:
        """The document a source's text already is: planned in this import, or stored
        here (then its metadata is left as it is)."""
        target = self.targets.get(text_hash)
        if target is None:
            stored_name = self.store.find_document_by_text(text_hash)
            stored = self.store.find_document(stored_name) if stored_name is not None else None
            if stored is None:
                return None
            target = Target(str(stored_name), stored["uid"], stored["text"], num=stored["num"])
            self.targets[text_hash] = target
        self.report.documents_matched.append((source.name, target.name))
        return target

    def _new(self, source: RefiSource, document: Document) -> Target:
        """A new document, renamed when its name is taken here."""
        name = source.name
        if name in self.names or self.store.find_document(name) is not None:
            base = f"{name} [{self.path.stem}]"
            name, n = base, 2
            while name in self.names or self.store.find_document(name) is not None:
                name, n = f"{base} {n}", n + 1
            self.report.documents_renamed.append((source.name, name))
        uid = source.guid
        if uid in self.uids or self.store.uid_taken("documents", uid):
            uid = new_uid()
        document = replace(document, name=name)
        target = Target(name, uid, document.text, document=document)
        self.targets[document.text_hash] = target
        self.names.add(name)
        self.uids.add(uid)
        self.report.documents_added.append(name)
        self.report.segments += len(document.segments)
        return target

    def _place(self, target: Target, source: RefiSource, raw: str) -> None:
        """Carry a source's selections onto its document's text."""
        counting, mattered = choose_counting(
            raw, source.selections, self.project.origin, self.forced
        )
        if mattered:
            self.report.positions[source.name] = counting.label
        positions = PositionMap(raw, counting)
        alignment = TextAlignment(raw, target.text)
        for selection in source.selections:
            span = self._span(selection, positions, alignment, source.name)
            if span is None:
                self.report.unplaced_codings += len(selection.codings)
                continue
            codings = [
                self._coding(c.guid, c.code, c.user or selection.user, c.created)
                for c in selection.codings
            ]
            target.spans.append(
                Placed(
                    *span,
                    codings,
                    selection.notes,
                    selection.description,
                    selection.guid,
                    selection.user,
                )
            )
        whole = alignment.span(0, len(raw)) if source.codings else None
        if whole is not None:  # codings of the whole source
            codings = [self._coding(c.guid, c.code, c.user, c.created) for c in source.codings]
            target.spans.append(Placed(*whole, codings, owner=source.guid))

    def _span(
        self,
        selection: RefiSelection,
        positions: PositionMap,
        alignment: TextAlignment,
        source: str,
    ) -> tuple[int, int] | None:
        label = (
            f"source {source!r}, selection {selection.name[:40]!r} "
            f"({selection.start}-{selection.end})"
        )
        if not 0 <= selection.start < selection.end <= positions.units:
            self.report.unplaced.append(
                f"{label}: outside the text ({positions.units} characters as counted)"
            )
            return None
        start = positions.to_code_points(selection.start)
        end = positions.to_code_points(selection.end, end=True)
        span = alignment.span(start, end)
        if span is None:
            self.report.unplaced.append(
                f"{label}: what it selects (time codes, label punctuation, front matter) is "
                "not part of the document's text"
            )
        return span

    def _coding(
        self, guid: str, code: str | None, user: str | None, created: str | None
    ) -> tuple[str, str | None, str, str | None]:
        return guid, code, self._coder(user), created

    def _coder(self, user: str | None) -> str:
        if user is None:
            return self.default_coder
        return self.project.users.get(user) or f"user {user[:8]}"

    def _archive_text(self, location: str, what: str) -> str | None:
        """The text of a file the project refers to (a note's), if the archive has it."""
        file = location.partition("://")[2].lstrip("/") or location
        member = self.archive.find(f"sources/{file}") or self.archive.find(file)
        if member is None:
            return None
        data = self.archive.read(member, MAX_INPUT_BYTES)
        return decode(data, f"{self.path}: {what}", self.options.encoding)

    # --- writing -------------------------------------------------------------------------

    def write(self) -> ExchangeImportReport:
        store, report = self.store, self.report
        coders = {c for t in self.targets.values() for s in t.spans for _, _, c, _ in s.codings}
        coders |= {m["coder"] for m in self.memos.records}
        with store.transaction():
            numbers = {name: store.ensure_coder(name) for name in sorted(coders)}
            self.codes.write()
            codes = store.code_records_by_uid()
            for target in self.targets.values():
                if target.document is not None:
                    record = _record(target.document)
                    target.num = store.copy_document(record, target.uid, target.name)
            rows = list(self._coding_rows(codes, numbers))
            report.codings_added, report.codings_present = store.add_coding_records(rows)
            report.memos_added = self.memos.write(store)
            report.coders = sorted(coders)
            if report.changed:
                store.add_event("exchange.import", _summary(report))
        return report

    def _coding_rows(
        self, codes: Mapping[str, tuple[int, str, str]], coders: Mapping[str, int]
    ) -> Iterable[tuple[Any, ...]]:
        used: set[str] = set()
        for target in self.targets.values():
            if target.num is None:
                continue
            for span in target.spans:
                snippet = target.text[span.start : span.end]
                for guid, code, coder, created in span.codings:
                    ours = self.codes.target.get(code or "")
                    if ours is None or ours not in codes:
                        self.report.unplaced_codings += 1
                        self.report.unplaced.append(
                            f"document {target.name!r}: coding {guid} refers to code {code}, "
                            "which the file's codebook does not have"
                        )
                        continue
                    uid = guid
                    if uid in used or self.store.uid_taken("codings", uid):
                        uid = new_uid()
                    used.add(uid)
                    number = codes[ours][0]
                    yield (
                        uid,
                        target.num,
                        span.start,
                        span.end,
                        number,
                        coders[coder],
                        snippet,
                        ORIGIN,
                        "ok",
                        created or now(),
                    )


def _merged(layers: Iterable[tuple[Mapping[str, object], Origin]]) -> dict[str, object]:
    return {meta_key(str(k)): v for values, _ in layers for k, v in values.items() if v}


def _pairs(value: str) -> list[tuple[str, str]]:
    pairs = []
    for part in re.split(r"[;|]", value):
        label, sep, role = part.partition("=")
        if sep and label.strip():
            pairs.append((label.strip(), re.sub(r"[\s-]+", "_", role.strip().casefold())))
    return pairs


def _record(document: Document) -> dict[str, Any]:
    """A planned document as `copy_document` takes it (keeping the source's GUID)."""
    meta = document.meta
    stamp = now()
    values = {
        "uid": "",
        "name": document.name,
        "format": document.format,
        "source_path": document.source_path,
        "source_hash": document.source_hash,
        "import_key": document.import_key,
        "text_hash": document.text_hash,
        "text": document.text,
        "char_count": len(document.text),
        "segment_count": len(document.segments),
        "country": meta.country,
        "territory": meta.territory,
        "school_id": meta.school_id,
        "school_group": meta.school_group,
        "respondent_role": meta.respondent_role,
        "method": meta.method,
        "language": meta.language,
        "date": meta.date,
        "attributes": json.dumps(dict(meta.attributes), ensure_ascii=False, sort_keys=True),
        "imported_at": stamp,
        "updated_at": stamp,
    }
    assert set(values) == set(DOCUMENT_COLUMNS)
    values["turns"] = [
        (t.index, t.start, t.end, t.speaker, t.role, t.kind, t.time_start, t.time_end)
        for t in document.turns
    ]
    values["annotations"] = [(a.start, a.end, a.label) for a in document.annotations]
    values["segments"] = [(s.index, s.start, s.end, s.turn_index) for s in document.segments]
    return values
