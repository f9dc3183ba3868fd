"""`Store`: opens a project file, migrates it, and reads and writes its tables.

Each public write method that touches several rows runs in one transaction; callers that
combine several writes wrap them in `transaction()` (nested blocks become savepoints)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlite_utils

from brightspots.errors import ConflictError, ProjectError
from brightspots.models import (
    META_FIELDS,
    Annotation,
    Document,
    DocumentInfo,
    DocumentMeta,
    Hit,
    Passage,
    Segment,
    Turn,
)
from brightspots.store.backup import back_up
from brightspots.store.codes import CodeTables
from brightspots.store.codings import CodingTables
from brightspots.store.connection import connect
from brightspots.store.coverage import CoverageTables
from brightspots.store.embeddings import EmbeddingTables
from brightspots.store.exchange import ExchangeTables
from brightspots.store.merging import TeamTables
from brightspots.store.migrations import MIGRATIONS, SCHEMA_VERSION
from brightspots.store.rows import new_uid, now
from brightspots.store.suggestions import SuggestionTables
from brightspots.store.synthesis import SynthesisTables
from brightspots.store.themes import ThemeTables
from brightspots.vocabulary import DEFAULT_ALIASES, ROLES

APPLICATION = "brightspots"

# Document columns that filters may name (a whitelist: values are always bound parameters).
DOCUMENT_FILTERS = (*META_FIELDS, "format")


# Which codes a retrieval scope covers: a code, the codes mapped to a practice, or to
# any practice of a focus area.
SCOPES = {
    "code": "SELECT num FROM codes WHERE key = ?",
    "practice": "SELECT m.code FROM code_practices m JOIN framework_items f "
    "ON f.num = m.practice WHERE f.kind = 'practice' AND f.key = ?",
    "focus_area": "SELECT m.code FROM code_practices m JOIN framework_items f "
    "ON f.num = m.practice JOIN framework_items a ON a.num = f.parent "
    "WHERE a.kind = 'focus_area' AND a.key = ?",
}


class Store(
    CodeTables,
    CodingTables,
    EmbeddingTables,
    SuggestionTables,
    TeamTables,
    ThemeTables,
    SynthesisTables,
    ExchangeTables,
    CoverageTables,
):
    """A project file. Use `Store.create` or `Store.open`; close it when done."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self.db = sqlite_utils.Database(conn)
        self.migration_backup: Path | None = None  # the copy taken before an upgrade

    # --- opening -------------------------------------------------------------------

    @classmethod
    def create(cls, path: Path) -> Store:
        if path.exists():
            raise ProjectError(f"{path} already exists; open it, or choose another name.")
        if not path.parent.is_dir():
            raise ProjectError(f"{path.parent} is not a folder; create it first.")
        store = cls(path, cls._connect(path))
        store._migrate()
        with store.transaction():
            store.db.table("meta").insert_all(
                [
                    {"key": "application", "value": APPLICATION},
                    {"key": "project_uid", "value": new_uid()},
                    {"key": "created_at", "value": now()},
                ]
            )
            store.db.table("roles").insert_all([{"name": r, "builtin": 1} for r in ROLES])
            store.db.table("speaker_aliases").insert_all(
                [{"label": k, "role": v, "builtin": 1} for k, v in DEFAULT_ALIASES.items()]
            )
        return store

    @classmethod
    def open(cls, path: Path) -> Store:
        if not path.is_file():
            raise ProjectError(
                f"{path}: no such project file. Create one with `brightspots init {path}`."
            )
        store = cls(path, cls._connect(path))
        try:
            tables = set(store.db.table_names())
        except sqlite3.DatabaseError as error:
            store.close()
            raise ProjectError(f"{path} is not a brightspots project ({error}).") from error
        if "meta" not in tables or store.get_meta("application") != APPLICATION:
            store.close()
            raise ProjectError(f"{path} is an SQLite file but not a brightspots project.")
        try:
            store._migrate()
        except BaseException:
            store.close()
            raise
        return store

    @staticmethod
    def _connect(path: Path) -> sqlite3.Connection:
        return connect(path)  # settings and waiting out other writers: store/connection.py

    def _migrate(self) -> None:
        """Bring the file to this program's schema, one migration per transaction, after
        backing it up (a new, empty file needs no backup)."""
        version = self.schema_version()
        if version > SCHEMA_VERSION:
            raise ProjectError(
                f"{self.path} was written by a newer brightspots (schema {version}, this one "
                f"knows {SCHEMA_VERSION}); upgrade brightspots to open it."
            )
        if 0 < version < SCHEMA_VERSION:
            self.migration_backup = back_up(self.db.conn, self.path, f"before-upgrade-v{version}")
        for target in range(version + 1, SCHEMA_VERSION + 1):
            try:
                with self.transaction():
                    if self.schema_version() >= target:
                        continue  # another program opening the file migrated it meanwhile
                    MIGRATIONS[target - 1](self.db)
                    self.db.execute(f"PRAGMA user_version = {target}")
            except sqlite3.Error as error:
                raise ProjectError(
                    f"{self.path}: upgrading it to schema {target} failed ({error}); it is "
                    f"left at schema {target - 1}, and the copy taken before the upgrade is "
                    f"{self.migration_backup}."
                ) from error

    def schema_version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        self.db.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction (BEGIN IMMEDIATE, so writers queue instead of deadlocking)."""
        conn = self.db.conn
        if conn.in_transaction:
            with self.db.atomic():  # a savepoint inside the open transaction
                yield
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    @contextmanager
    def refusing_conflicts(self, message: str) -> Iterator[None]:
        """Turn a broken constraint (a foreign key, a unique name) into a ConflictError
        with `message`; wrap it around a transaction, which has rolled back by then."""
        try:
            yield
        except sqlite3.IntegrityError as error:
            raise ConflictError(f"{message} ({error})") from None

    # --- meta, coders, events, vocabularies -------------------------------------------

    def ensure_coder(self, name: str) -> int:
        row = self.db.execute("SELECT num FROM coders WHERE name = ?", [name]).fetchone()
        if row is None:  # another program may add the same coder meanwhile: no conflict
            self.db.execute(
                "INSERT INTO coders (uid, name, created_at) VALUES (?, ?, ?) "
                "ON CONFLICT (name) DO NOTHING",
                [new_uid(), name, now()],
            )
            row = self.db.execute("SELECT num FROM coders WHERE name = ?", [name]).fetchone()
        return int(row[0])

    def list_coders(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT name FROM coders ORDER BY name")]

    def add_event(self, action: str, payload: Mapping[str, Any], coder: int | None = None) -> None:
        self.db.execute(
            "INSERT INTO events (uid, at, coder, action, payload) VALUES (?, ?, ?, ?, ?)",
            [new_uid(), now(), coder, action, json.dumps(payload, ensure_ascii=False)],
        )

    def roles(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT name FROM roles ORDER BY builtin DESC, name")]

    def aliases(self) -> dict[str, str]:
        return {r[0]: r[1] for r in self.db.execute("SELECT label, role FROM speaker_aliases")}

    def set_alias(self, label: str, role: str) -> None:
        self.db.execute(
            "INSERT INTO speaker_aliases (label, role, builtin) VALUES (?, ?, 0) "
            "ON CONFLICT (label) DO UPDATE SET role = excluded.role, builtin = 0",
            [label, role],
        )

    # --- documents ----------------------------------------------------------------

    def find_document(self, name: str) -> dict[str, Any] | None:
        """The stored row (num, uid, source_hash, text_hash, text) for a name, if any."""
        row = self.db.execute(
            "SELECT num, uid, source_hash, import_key, text_hash, text FROM documents "
            "WHERE name = ?",
            [name],
        ).fetchone()
        if row is None:
            return None
        keys = ("num", "uid", "source_hash", "import_key", "text_hash", "text")
        return dict(zip(keys, row, strict=True))

    def file_imports(self, name: str) -> dict[str, tuple[str, str]]:
        """Document name -> (source hash, import key) for the documents imported from a
        file (a survey file gives several, named FILE#ID)."""
        rows = self.db.execute(
            # A range on `name` ('#' then '$' in code-point order) so the unique index serves
            # it; a substr() test here scanned every document's row, text included.
            "SELECT name, source_hash, import_key FROM documents WHERE name = ? "
            "OR (name >= ? AND name < ?)",
            [name, name + "#", name + "$"],
        )
        return {r[0]: (r[1], r[2]) for r in rows}

    def find_document_by_text(self, text_hash: str) -> str | None:
        row = self.db.execute(
            "SELECT name FROM documents WHERE text_hash = ? LIMIT 1", [text_hash]
        ).fetchone()
        return None if row is None else str(row[0])

    def insert_document(self, document: Document) -> int:
        stamp = now()
        cursor = self.db.execute(
            "INSERT INTO documents (uid, name, format, source_path, source_hash, import_key, "
            "text_hash, text, "
            "char_count, segment_count, country, territory, school_id, school_group, "
            "respondent_role, method, language, date, attributes, imported_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [new_uid(), document.name, *self._document_values(document), stamp, stamp],
        )
        num = int(cursor.lastrowid or 0)
        self._insert_parts(num, document)
        return num

    def replace_document(self, num: int, document: Document) -> None:
        """New text for a stored document: same identity, parts rebuilt (codings are the
        caller's business: it relocates them before this)."""
        self._delete_parts(num)
        self.db.execute("INSERT OR IGNORE INTO coverage_stale (doc) VALUES (?)", [num])
        self.db.execute(
            "UPDATE documents SET format = ?, source_path = ?, source_hash = ?, import_key = ?, "
            "text_hash = ?, "
            "text = ?, char_count = ?, segment_count = ?, country = ?, territory = ?, "
            "school_id = ?, school_group = ?, respondent_role = ?, method = ?, language = ?, "
            "date = ?, attributes = ?, updated_at = ? WHERE num = ?",
            [*self._document_values(document), now(), num],
        )
        self._insert_parts(num, document)

    @staticmethod
    def _document_values(document: Document) -> list[Any]:
        meta = document.meta
        return [
            document.format,
            document.source_path,
            document.source_hash,
            document.import_key,
            document.text_hash,
            document.text,
            len(document.text),
            len(document.segments),
            meta.country,
            meta.territory,
            meta.school_id,
            meta.school_group,
            meta.respondent_role,
            meta.method,
            meta.language,
            meta.date,
            json.dumps(dict(meta.attributes), ensure_ascii=False, sort_keys=True),
        ]

    def _insert_parts(self, num: int, document: Document) -> None:
        conn = self.db.conn
        conn.executemany(
            'INSERT INTO turns (doc, idx, start, "end", speaker, role, kind, time_start, '
            "time_end) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (num, t.index, t.start, t.end, t.speaker, t.role, t.kind, t.time_start, t.time_end)
                for t in document.turns
            ],
        )
        conn.executemany(
            'INSERT INTO annotations (doc, start, "end", label) VALUES (?, ?, ?, ?)',
            [(num, a.start, a.end, a.label) for a in document.annotations],
        )
        first = self._next_segment_id()
        rows = [
            (first + i, num, s.index, s.start, s.end, s.turn_index)
            for i, s in enumerate(document.segments)
        ]
        conn.executemany(
            'INSERT INTO segments (id, doc, idx, start, "end", turn_idx) VALUES (?, ?, ?, ?, ?, ?)',
            rows,
        )
        conn.executemany(
            "INSERT INTO segments_fts (rowid, text) VALUES (?, ?)",
            [(first + i, s.text) for i, s in enumerate(document.segments)],
        )

    def _next_segment_id(self) -> int:
        return int(self.db.execute("SELECT coalesce(max(id), 0) + 1 FROM segments").fetchone()[0])

    def _delete_parts(self, num: int) -> None:
        text = self.db.execute("SELECT text FROM documents WHERE num = ?", [num]).fetchone()[0]
        old = self.db.execute(
            'SELECT id, start, "end" FROM segments WHERE doc = ?', [num]
        ).fetchall()
        # A contentless FTS table forgets a row only when told its old text.
        self.db.conn.executemany(
            "INSERT INTO segments_fts (segments_fts, rowid, text) VALUES ('delete', ?, ?)",
            [(sid, text[start:end]) for sid, start, end in old],
        )
        for table in ("segments", "turns", "annotations"):
            self.db.execute(f"DELETE FROM {table} WHERE doc = ?", [num])

    def document_info(self, row: Sequence[Any]) -> DocumentInfo:
        return DocumentInfo(
            id=row[0],
            name=row[1],
            format=row[2],
            segment_count=row[3],
            char_count=row[4],
            source_hash=row[5],
            text_hash=row[6],
            imported_at=row[7],
            meta=DocumentMeta(
                country=row[8],
                territory=row[9],
                school_id=row[10],
                school_group=row[11],
                respondent_role=row[12],
                method=row[13],
                language=row[14],
                date=row[15],
                attributes=json.loads(row[16]),
            ),
            coded_segments=row[17],
            coded_by_me=row[18] if len(row) > 18 else 0,
        )

    _INFO_COLUMNS = (
        "d.uid, d.name, d.format, d.segment_count, d.char_count, d.source_hash, d.text_hash, "
        "d.imported_at, d.country, d.territory, d.school_id, d.school_group, "
        "d.respondent_role, d.method, d.language, d.date, d.attributes"
    )

    def list_documents(
        self,
        filters: Mapping[str, str] | None = None,
        text: str | None = None,
        coder: str | None = None,
    ) -> list[DocumentInfo]:
        """Documents with their coded segments: everyone's, and `coder`'s own."""
        self.refresh_coverage()
        where, params = self._document_where(filters, text)
        coded = (
            "coalesce((SELECT segments FROM coverage v WHERE v.doc = d.num AND v.coder = {}), 0)"
        )
        mine = "(SELECT num FROM coders WHERE name = ?)"
        sql = (
            f"SELECT {self._INFO_COLUMNS}, {coded.format('0')}, "
            f"{coded.format(mine) if coder else '0'} "
            f"FROM documents d {where} ORDER BY d.name"
        )
        rows = self.db.execute(sql, ([coder] if coder else []) + params)
        return [self.document_info(r) for r in rows]

    def _document_where(
        self, filters: Mapping[str, str] | None, text: str | None = None
    ) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        for key, value in (filters or {}).items():
            if key not in DOCUMENT_FILTERS:
                raise ValueError(f"cannot filter documents by {key!r}")
            clauses.append(f"d.{key} = ?")
            params.append(value)
        if text:
            clauses.append(
                "d.num IN (SELECT s.doc FROM segments s WHERE s.id IN "
                "(SELECT rowid FROM segments_fts WHERE segments_fts MATCH ?))"
            )
            params.append(fts_query(text))
        return ("WHERE " + " AND ".join(clauses)) if clauses else "", params

    def get_document(self, key: str) -> tuple[int, DocumentInfo, str]:
        """(num, info, text) by name or uid; KeyError when absent."""
        row = self.db.execute(
            f"SELECT d.num, {self._INFO_COLUMNS}, 0, 0, d.text FROM documents d "
            "WHERE d.name = ? OR d.uid = ?",
            [key, key],
        ).fetchone()
        if row is None:
            raise KeyError(key)
        return int(row[0]), self.document_info(row[1:-1]), str(row[-1])

    def list_turns(self, num: int) -> list[Turn]:
        rows = self.db.execute(
            'SELECT idx, start, "end", speaker, role, kind, time_start, time_end FROM turns '
            "WHERE doc = ? ORDER BY idx",
            [num],
        )
        return [Turn(*row) for row in rows]

    def list_annotations(self, num: int) -> list[Annotation]:
        rows = self.db.execute(
            'SELECT start, "end", label FROM annotations WHERE doc = ? ORDER BY start', [num]
        )
        return [Annotation(*row) for row in rows]

    def list_segments(self, num: int, text: str) -> list[Segment]:
        rows = self.db.execute(
            'SELECT s.idx, s.start, s."end", s.turn_idx, t.speaker, t.role, t.time_start '
            "FROM segments s JOIN turns t ON t.doc = s.doc AND t.idx = s.turn_idx "
            "WHERE s.doc = ? ORDER BY s.idx",
            [num],
        )
        return [
            Segment(
                index=i,
                start=a,
                end=b,
                turn_index=t,
                text=text[a:b],
                speaker=sp,
                role=ro,
                time_start=ts,
            )
            for i, a, b, t, sp, ro, ts in rows
        ]

    def list_passages(
        self,
        scope: str,
        key: str,
        filters: Mapping[str, str] | None = None,
        coders: Sequence[str] | None = None,
        limit: int | None = None,
    ) -> tuple[int, list[Passage]]:
        """(how many passages match, the first `limit` of them in document order)."""
        where, params = self._document_where(filters)
        clauses = [f"c.code IN ({SCOPES[scope]})", *([where[6:]] if where else [])]
        params = [key, *params]
        if coders:
            clauses.append(f"p.name IN ({', '.join('?' * len(coders))})")
            params += list(coders)
        body = (
            "FROM codings c JOIN codes k ON k.num = c.code JOIN coders p ON p.num = c.coder "
            "JOIN documents d ON d.num = c.doc WHERE " + " AND ".join(clauses)
        )
        total = self.db.execute(f"SELECT count(*) {body}", params).fetchone()[0]
        rows = self.db.execute(
            f'SELECT c.uid, c.start, c."end", substr(d.text, c.start + 1, c."end" - c.start), '
            f"k.key, k.name, p.name, c.status, {self._INFO_COLUMNS}, 0 {body} "
            f"ORDER BY d.name, c.start, k.position LIMIT ?",
            [*params, -1 if limit is None else limit],
        )
        passages = []
        for row in rows:
            info = self.document_info(row[8:])
            uid, start, end, text, code, code_name, coder, status = row[:8]
            passages.append(
                Passage(uid, info.name, start, end, text, code, code_name, coder, status, info.meta)
            )
        return total, passages

    def text_around(self, document: str, start: int, end: int, chars: int) -> tuple[str, str, str]:
        """(up to `chars` before, text[start:end], up to `chars` after) of a document."""
        low = max(0, start - chars)
        row = self.db.execute(
            "SELECT substr(text, ? + 1, ?), substr(text, ? + 1, ?), substr(text, ? + 1, ?) "
            "FROM documents WHERE name = ? OR uid = ?",
            [low, start - low, start, end - start, end, chars, document, document],
        ).fetchone()
        if row is None:
            raise KeyError(document)
        return row[0], row[1], row[2]

    def document_values(self, column: str) -> list[str]:
        """The distinct values of a metadata column, for filter menus."""
        if column not in DOCUMENT_FILTERS:
            raise ValueError(f"no document column {column!r}")
        rows = self.db.execute(
            f"SELECT DISTINCT {column} FROM documents WHERE {column} IS NOT NULL ORDER BY 1"
        )
        return [str(r[0]) for r in rows]

    def search_segments(
        self, query: str, filters: Mapping[str, str] | None = None, limit: int = 50
    ) -> list[Hit]:
        """Full-text search (every word, accents optional), best first."""
        where, params = self._document_where(filters)
        rows = self.db.execute(
            f'SELECT s.start, s."end", substr(d.text, s.start + 1, s."end" - s.start), '
            f"{self._INFO_COLUMNS}, 0 FROM segments_fts f JOIN segments s ON s.id = f.rowid "
            f"JOIN documents d ON d.num = s.doc WHERE segments_fts MATCH ? "
            f"{'AND ' + where[6:] if where else ''} ORDER BY f.rank LIMIT ?",
            [fts_query(query), *params, limit],
        )
        hits = []
        for row in rows:
            info = self.document_info(row[3:])
            hits.append(Hit(info.name, row[0], row[1], row[2], info.meta))
        return hits

    def totals(self) -> dict[str, int]:
        one = self.db.execute
        return {
            "documents": one("SELECT count(*) FROM documents").fetchone()[0],
            "schools": one(
                "SELECT count(*) FROM (SELECT DISTINCT country, school_id FROM documents)"
            ).fetchone()[0],
            "segments": one("SELECT count(*) FROM segments").fetchone()[0],
            "codes": one("SELECT count(*) FROM codes").fetchone()[0],
            "codings": one("SELECT count(*) FROM codings").fetchone()[0],
            "detached_codings": one(
                "SELECT count(*) FROM codings WHERE status = 'detached'"
            ).fetchone()[0],
            "coders": one("SELECT count(*) FROM coders").fetchone()[0],
            "characters": one("SELECT coalesce(sum(char_count), 0) FROM documents").fetchone()[0],
        }


def fts_query(text: str) -> str:
    """Turn what a researcher types into a safe FTS5 query: every word must appear
    (quoted, so FTS operators and punctuation in the input are taken literally)."""
    words = [w.replace('"', '""') for w in text.split() if w.strip()]
    return " ".join(f'"{w}"' for w in words) if words else '""'
