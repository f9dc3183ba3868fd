"""`Project`: the core API. Front ends (CLI, TUI) call only this.

A Project wraps one store (one SQLite file) and the pipeline stages, which are injected
and swappable (`Segmenter` now; `Embedder`, `Clusterer` later)."""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from brightspots import codebook as codebook_io
from brightspots import coding
from brightspots.coding_sheet import read_codings
from brightspots.config import DEFAULT_CODEBOOK, DEFAULT_FRAMEWORK, shipped_codebook_dir
from brightspots.embedding import Embedder, SentenceTransformerEmbedder
from brightspots.errors import InputError, NotFoundError, ProjectError
from brightspots.facade.exchange import Exchange
from brightspots.facade.machine_help import MachineHelp
from brightspots.facade.safekeeping import Safekeeping
from brightspots.facade.synthesis import SynthesisWork
from brightspots.facade.team_work import TeamWork
from brightspots.importer import ImportOptions, ImportReport, import_files
from brightspots.listing import Breakdown, breakdown
from brightspots.models import (
    Annotation,
    Cancelled,
    Codebook,
    DocumentInfo,
    Framework,
    Hit,
    Passage,
    Progress,
    Segment,
    Turn,
)
from brightspots.segment import Segmenter, SpacySegmenter
from brightspots.store import Store
from brightspots.vocabulary import RESPONDENT, label_key

MODEL_KEY = "embedding.model"  # meta: the model this project embeds with, when not the default
RETRIEVAL_SCOPES = ("code", "practice", "focus_area")
STATUS_GROUPS = ("country", "school_group", "respondent_role", "method", "language")


@dataclass(frozen=True)
class DocumentView:
    info: DocumentInfo
    text: str
    turns: tuple[Turn, ...]
    segments: tuple[Segment, ...]
    annotations: tuple[Annotation, ...]
    codings: tuple[Mapping[str, object], ...]


@dataclass(frozen=True)
class Status:
    totals: Mapping[str, int]
    breakdowns: Mapping[str, tuple[Breakdown, ...]]
    coders: tuple[str, ...]
    framework: str | None
    codebook: str | None


class Project(MachineHelp, TeamWork, SynthesisWork, Exchange, Safekeeping):
    """Open with `Project.open(path)` or `Project.create(path)`; use as a context manager."""

    def __init__(
        self, store: Store, segmenter: Segmenter | None = None, embedder: Embedder | None = None
    ) -> None:
        self.store = store
        self._segmenter = segmenter
        self._embedder = embedder

    # --- lifecycle ----------------------------------------------------------------

    @classmethod
    def create(
        cls,
        path: Path,
        framework: Path | None = None,
        codebook: Path | None = None,
        empty: bool = False,
        segmenter: Segmenter | None = None,
    ) -> Project:
        """A new project, with the shipped DMS framework and codebook unless `empty`."""
        if not empty:
            framework = framework or shipped_codebook_dir() / DEFAULT_FRAMEWORK
            codebook = codebook or shipped_codebook_dir() / DEFAULT_CODEBOOK
        # Validate before creating the file, so a bad codebook leaves nothing behind.
        loaded_framework = codebook_io.load_framework(framework) if framework else None
        loaded_codebook = (
            codebook_io.load_codebook(codebook, loaded_framework) if codebook else None
        )
        store = Store.create(path)
        project = cls(store, segmenter)
        with store.transaction():
            if loaded_framework is not None:
                store.save_framework(loaded_framework)
            if loaded_codebook is not None:
                store.save_codebook(loaded_codebook)
            store.add_event(
                "create", {"framework": str(framework or ""), "codebook": str(codebook or "")}
            )
        return project

    @classmethod
    def open(
        cls, path: Path, segmenter: Segmenter | None = None, embedder: Embedder | None = None
    ) -> Project:
        return cls(Store.open(path), segmenter, embedder)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def segmenter(self) -> Segmenter:
        if self._segmenter is None:
            self._segmenter = SpacySegmenter()
        return self._segmenter

    @property
    def embedder(self) -> Embedder:
        """The model this project embeds with (`use_model`; the packaged MiniLM by default),
        unless one was given to `open`. It loads on its first use only."""
        if self._embedder is None:
            self._embedder = SentenceTransformerEmbedder(self.store.get_meta(MODEL_KEY))
        return self._embedder

    def use_model(self, model: str | None) -> None:
        """Embed with another sentence-transformers model from now on (a local folder or a
        name already in the Hugging Face cache; nothing is downloaded); None: the default.
        Cached vectors are kept per model, so switching back costs nothing."""
        embedder = SentenceTransformerEmbedder(model)
        embedder.dimension  # noqa: B018 - load it now: a bad name fails here, not mid-run
        with self.store.transaction():
            if model is None:
                self.store.delete_meta(MODEL_KEY)
            else:
                self.store.set_meta(MODEL_KEY, model)
            self.store.add_event("model.use", {"model": model or "default"})
        self._embedder = embedder

    # --- import -------------------------------------------------------------------

    def import_files(
        self,
        paths: Sequence[Path],
        options: ImportOptions | None = None,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> ImportReport:
        return import_files(
            self.store, paths, self.segmenter, options or ImportOptions(), progress, cancelled
        )

    # --- documents ------------------------------------------------------------------

    def documents(
        self,
        filters: Mapping[str, str] | None = None,
        text: str | None = None,
        coder: str | None = None,
    ) -> list[DocumentInfo]:
        self._check_filters(filters)
        return self.store.list_documents(filters, text, coder)

    def document(self, key: str) -> DocumentView:
        try:
            num, info, text = self.store.get_document(key)
        except KeyError:
            raise NotFoundError(
                f"no document named {key!r} in this project (`brightspots documents` lists them)"
            ) from None
        return DocumentView(
            info=info,
            text=text,
            turns=tuple(self.store.list_turns(num)),
            segments=tuple(self.store.list_segments(num, text)),
            annotations=tuple(self.store.list_annotations(num)),
            codings=tuple(self.store.codings_of_document(num)),
        )

    def codings(self, document: str) -> list[dict[str, Any]]:
        """The codings of one document (every coder's), in text order; cheaper than
        `document()` when only they changed."""
        return self.store.codings_of_document(self._document_key(document)[0])

    def code_counts(self, coder: str | None = None) -> dict[str, int]:
        """How many codings each code has (only `coder`'s when given: blind mode)."""
        return self.store.coding_counts(coder)

    def passages(
        self,
        scope: str,
        key: str,
        filters: Mapping[str, str] | None = None,
        coders: Sequence[str] | None = None,
        limit: int | None = None,
    ) -> tuple[int, list[Passage]]:
        """Every passage coded with a code, with any code of a practice, or of a focus area
        (`scope` is code, practice or focus_area; `key` its id), optionally only in
        documents matching `filters` and by some coders. Returns (total, first `limit`)."""
        if scope not in RETRIEVAL_SCOPES:
            raise InputError(
                f"cannot retrieve by {scope!r}; use one of " + ", ".join(RETRIEVAL_SCOPES)
            )
        self._check_filters(filters)
        known = self._scope_keys(scope)
        if key not in known:
            hint = difflib.get_close_matches(key, known, n=3)
            raise NotFoundError(
                f"no {scope.replace('_', ' ')} {key!r} in this project"
                + (f"; did you mean {', '.join(hint)}?" if hint else "")
            )
        return self.store.list_passages(scope, key, filters, coders, limit)

    def _scope_keys(self, scope: str) -> list[str]:
        if scope == "code":
            return list(self.store.code_numbers())
        framework = self.framework()
        if framework is None:
            return []
        if scope == "practice":
            return [p.id for p in framework.practices()]
        return [a.id for a in framework.focus_areas]

    def context(
        self, document: str, start: int, end: int, chars: int = 300
    ) -> tuple[str, str, str]:
        """A passage with up to `chars` characters of its document either side."""
        try:
            return self.store.text_around(document, start, end, chars)
        except KeyError:
            raise NotFoundError(f"no document named {document!r} in this project") from None

    def attribute_values(self, column: str) -> list[str]:
        """The values a document attribute takes in this project (for filter menus)."""
        self._check_filters({column: ""})
        return self.store.document_values(column)

    def search(
        self, query: str, filters: Mapping[str, str] | None = None, limit: int = 50
    ) -> list[Hit]:
        """Segments holding every word of `query` (accents and case ignored), best first."""
        self._check_filters(filters)
        return self.store.search_segments(query, filters, limit)

    def status(self) -> Status:
        documents = self.store.list_documents()
        breakdowns = {column: breakdown(documents, column) for column in STATUS_GROUPS}
        framework = self.store.load_framework()
        codebook = self.store.load_codebook()
        return Status(
            totals=self.store.totals(),
            breakdowns=breakdowns,
            coders=tuple(self.store.list_coders()),
            framework=f"{framework.name} ({framework.version})" if framework else None,
            codebook=f"{codebook.name} ({codebook.version}, {len(codebook.codes)} codes)"
            if codebook and codebook.codes
            else None,
        )

    # --- codebook and framework ---------------------------------------------------------

    def framework(self) -> Framework | None:
        return self.store.load_framework()

    def codebook(self) -> Codebook | None:
        return self.store.load_codebook()

    def load_codebook(self, codebook: Path, framework: Path | None = None) -> tuple[int, int]:
        """Load (or update) the codebook, and the framework when given; all or nothing."""
        new_framework = codebook_io.load_framework(framework) if framework else None
        target = new_framework or self.store.load_framework()
        loaded = codebook_io.load_codebook(codebook, target)
        with self.store.transaction():
            if new_framework is not None:
                self.store.save_framework(new_framework)
            counts = self.store.save_codebook(loaded)
            self.store.add_event(
                "codebook.load", {"codebook": str(codebook), "framework": str(framework or "")}
            )
        return counts

    # --- speakers ---------------------------------------------------------------------

    def aliases(self) -> dict[str, str]:
        return self.store.aliases()

    def add_alias(self, label: str, role: str) -> str:
        """Teach the project a speaker label (`Chef de zone` -> local_official)."""
        key = label_key(label)
        if not key:
            raise InputError(f"{label!r} has no letters to match a speaker label on")
        role = role.strip().casefold().replace(" ", "_")
        if role not in (*self.store.roles(), RESPONDENT):
            raise InputError(
                f"unknown role {role!r}; valid values: "
                + ", ".join([*self.store.roles(), RESPONDENT])
            )
        with self.store.transaction():
            self.store.set_alias(key, role)
            self.store.add_event("alias.set", {"label": key, "role": role})
        return key

    # --- coding actions (each one undoable, by its coder, across restarts) ---------------

    def apply_code(
        self, document: str, start: int, end: int, code: str, coder: str, origin: str = "manual"
    ) -> dict[str, Any]:
        return coding.apply_code(self.store, document, start, end, code, coder, origin)

    def remove_coding(self, uid: str, coder: str) -> dict[str, Any]:
        return coding.remove_coding(self.store, uid, coder)

    def add_memo(self, target: str, text: str, coder: str, **where: Any) -> dict[str, Any]:
        return coding.add_memo(self.store, target, text, coder, **where)

    def edit_memo(self, uid: str, text: str, coder: str) -> None:
        coding.edit_memo(self.store, uid, text, coder)

    def remove_memo(self, uid: str, coder: str) -> None:
        coding.remove_memo(self.store, uid, coder)

    def memos(self, document: str | None = None, code: str | None = None) -> list[dict[str, Any]]:
        document_uid = self._document_key(document)[1].id if document else None
        code_uid = coding.code_uid(self.store, code) if code else None
        return self.store.list_memos(document_uid, code_uid)

    def add_code(self, name: str, coder: str, **fields: Any) -> dict[str, Any]:
        return coding.add_code(self.store, name, coder, **fields)

    def edit_code(self, code: str, coder: str, **changes: Any) -> None:
        coding.edit_code(self.store, code, coder, **changes)

    def merge_codes(self, source: str, target: str, coder: str) -> int:
        return coding.merge_codes(self.store, source, target, coder)

    def remove_code(self, code: str, coder: str, force: bool = False) -> int:
        return coding.remove_code(self.store, code, coder, force)

    def undo(self, coder: str) -> coding.Step | None:
        return coding.undo(self.store, coder)

    def redo(self, coder: str) -> coding.Step | None:
        return coding.redo(self.store, coder)

    def history(self, coder: str) -> tuple[list[coding.Step], list[coding.Step]]:
        return coding.history(self.store, coder)

    # --- codings loaded from sheets ------------------------------------------------------

    def load_codings(self, paths: Sequence[Path]) -> tuple[int, int]:
        """Load codings from CSV sheets (document, coder, code, and either `quote` — the
        exact passage, with optional `occurrence` — or `start`/`end`). All files or none;
        returns (added, already present)."""
        codes = self.store.code_numbers()
        documents: dict[str, tuple[int, str]] = {}
        rows: list[dict[str, Any]] = []
        for path in paths:
            rows += read_codings(self.store, path, codes, documents)
        with self.store.transaction():
            coders = {name: self.store.ensure_coder(name) for name in {r["coder"] for r in rows}}
            for row in rows:
                row["coder"] = coders[row["coder"]]
            counts = self.store.add_codings(rows)
            self.store.add_event(
                "codings.load", {"files": [str(p) for p in paths], "added": counts[0]}
            )
        self.store.refresh_coverage()  # here, so the workbench does not pay for it on start
        return counts


__all__ = ["DocumentView", "ImportOptions", "Project", "ProjectError", "Status"]
