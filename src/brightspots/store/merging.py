"""Store tables as team work needs them: whole records, identities kept, for merging
another coder's project file into this one (`merge.py`), and the cross-document reads
that agreement and adjudication need.

A source project is opened read-only (`open_read_only`); the target writes everything a
merge brings inside the caller's one transaction. Rows are addressed by their UUIDs (and
coders by name), never by the integer keys, which differ from file to file."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from brightspots.errors import ProjectError
from brightspots.store.rows import Tables, new_uid, now

if TYPE_CHECKING:
    from brightspots.store.database import Store

DOCUMENT_COLUMNS = (
    "uid",
    "name",
    "format",
    "source_path",
    "source_hash",
    "import_key",
    "text_hash",
    "text",
    "char_count",
    "segment_count",
    "country",
    "territory",
    "school_id",
    "school_group",
    "respondent_role",
    "method",
    "language",
    "date",
    "attributes",
    "imported_at",
    "updated_at",
)


def open_read_only(path: Path) -> Store:
    """A project file opened for reading only (no migration, no write, ever): a merge's
    source. Raises ProjectError naming the file when it is missing, not a brightspots
    project, or written by a newer brightspots."""
    from brightspots.store.database import APPLICATION, Store
    from brightspots.store.migrations import SCHEMA_VERSION

    if not path.is_file():
        raise ProjectError(f"{path}: no such project file.")
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True, isolation_level=None)
    except sqlite3.Error as error:
        raise ProjectError(f"{path} cannot be opened ({error}).") from error
    store = Store(path, conn)
    try:
        tables = set(store.db.table_names())
        version = store.schema_version()
        application = store.get_meta("application") if "meta" in tables else None
    except sqlite3.DatabaseError as error:
        store.close()
        raise ProjectError(f"{path} is not a brightspots project ({error}).") from error
    if application != APPLICATION:
        store.close()
        raise ProjectError(f"{path} is not a brightspots project.")
    if version > SCHEMA_VERSION:
        store.close()
        raise ProjectError(
            f"{path} was written by a newer brightspots (schema {version}, this one knows "
            f"{SCHEMA_VERSION}); upgrade brightspots before merging it."
        )
    return store


class TeamTables(Tables):
    # --- the file itself ---------------------------------------------------------------

    def has_table(self, name: str) -> bool:
        row = self.db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [name]
        ).fetchone()
        return row is not None

    # --- reading a source ------------------------------------------------------------

    def document_headers(self) -> list[dict[str, Any]]:
        """(num, uid, name, text_hash) of every document."""
        rows = self.db.execute("SELECT num, uid, name, text_hash FROM documents ORDER BY name")
        return [dict(zip(("num", "uid", "name", "text_hash"), r, strict=True)) for r in rows]

    def document_record(self, num: int) -> dict[str, Any]:
        """A document's row and its parts (turns, annotations, segments), to copy it."""
        columns = ", ".join(f'"{c}"' for c in DOCUMENT_COLUMNS)
        row = self.db.execute(f"SELECT {columns} FROM documents WHERE num = ?", [num]).fetchone()
        record = dict(zip(DOCUMENT_COLUMNS, row, strict=True))
        record["turns"] = self.db.execute(
            'SELECT idx, start, "end", speaker, role, kind, time_start, time_end FROM turns '
            "WHERE doc = ? ORDER BY idx",
            [num],
        ).fetchall()
        record["annotations"] = self.db.execute(
            'SELECT start, "end", label FROM annotations WHERE doc = ? ORDER BY start', [num]
        ).fetchall()
        record["segments"] = self.db.execute(
            'SELECT idx, start, "end", turn_idx FROM segments WHERE doc = ? ORDER BY idx', [num]
        ).fetchall()
        return record

    def coder_records(self) -> list[dict[str, Any]]:
        rows = self.db.execute("SELECT uid, name, created_at FROM coders ORDER BY num")
        return [dict(zip(("uid", "name", "created_at"), r, strict=True)) for r in rows]

    def code_uids(self) -> list[str]:
        """Every code's uid, parents before children where the codebook says so."""
        return [r[0] for r in self.db.execute("SELECT uid FROM codes ORDER BY position, num")]

    def framework_records(self) -> list[dict[str, Any]]:
        """Focus areas then practices, with the parent by key."""
        rows = self.db.execute(
            "SELECT f.uid, f.key, f.kind, p.key, f.name, f.description, f.status, f.position "
            "FROM framework_items f LEFT JOIN framework_items p ON p.num = f.parent "
            "ORDER BY f.kind = 'practice', f.position"
        )
        keys = ("uid", "key", "kind", "parent", "name", "description", "status", "position")
        return [dict(zip(keys, r, strict=True)) for r in rows]

    def iter_coding_records(self) -> Iterator[dict[str, Any]]:
        """Every coding with its document and code by uid and its coder by name."""
        keys = (
            "uid",
            "document",
            "start",
            "end",
            "code_uid",
            "coder",
            "snippet",
            "origin",
            "status",
            "created_at",
        )
        rows = self.db.execute(
            'SELECT c.uid, d.uid, c.start, c."end", k.uid, p.name, c.snippet, c.origin, '
            "c.status, c.created_at FROM codings c JOIN documents d ON d.num = c.doc "
            "JOIN codes k ON k.num = c.code JOIN coders p ON p.num = c.coder ORDER BY c.num"
        )
        for row in rows:
            yield dict(zip(keys, row, strict=True))

    def iter_event_records(self) -> Iterator[dict[str, Any]]:
        keys = ("seq", "uid", "at", "coder", "action", "payload")
        rows = self.db.execute(
            "SELECT e.seq, e.uid, e.at, p.name, e.action, e.payload FROM events e "
            "LEFT JOIN coders p ON p.num = e.coder ORDER BY e.seq"
        )
        for row in rows:
            yield dict(zip(keys, row, strict=True))

    def feedback_records(self) -> list[dict[str, Any]]:
        if not self.has_table("suggestion_feedback"):
            return []  # a project older than schema v3
        keys = (
            "uid",
            "document",
            "start",
            "end",
            "snippet",
            "code_uid",
            "coder",
            "verdict",
            "score",
            "created_at",
        )
        rows = self.db.execute(
            'SELECT f.uid, d.uid, f.start, f."end", f.snippet, k.uid, p.name, f.verdict, '
            "f.score, f.created_at FROM suggestion_feedback f "
            "JOIN documents d ON d.num = f.doc JOIN codes k ON k.num = f.code "
            "JOIN coders p ON p.num = f.coder ORDER BY f.num"
        )
        return [dict(zip(keys, r, strict=True)) for r in rows]

    def alias_records(self) -> list[tuple[str, str, int]]:
        return [
            tuple(r) for r in self.db.execute("SELECT label, role, builtin FROM speaker_aliases")
        ]

    def role_records(self) -> list[tuple[str, int]]:
        return [tuple(r) for r in self.db.execute("SELECT name, builtin FROM roles")]

    # --- writing into the target ------------------------------------------------------

    def copy_document(self, record: Mapping[str, Any], uid: str, name: str) -> int:
        """Insert a document from another project file, its parts included (segments get
        this file's ids, and the full-text index learns them)."""
        values = {**{c: record[c] for c in DOCUMENT_COLUMNS}, "uid": uid, "name": name}
        columns = ", ".join(f'"{c}"' for c in DOCUMENT_COLUMNS)
        marks = ", ".join("?" for _ in DOCUMENT_COLUMNS)
        cursor = self.db.execute(
            f"INSERT INTO documents ({columns}) VALUES ({marks})",
            [values[c] for c in DOCUMENT_COLUMNS],
        )
        num = int(cursor.lastrowid or 0)
        conn = self.db.conn
        conn.executemany(
            'INSERT INTO turns (doc, idx, start, "end", speaker, role, kind, time_start, '
            "time_end) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(num, *turn) for turn in record["turns"]],
        )
        conn.executemany(
            'INSERT INTO annotations (doc, start, "end", label) VALUES (?, ?, ?, ?)',
            [(num, *annotation) for annotation in record["annotations"]],
        )
        first = int(self.db.execute("SELECT coalesce(max(id), 0) + 1 FROM segments").fetchone()[0])
        segments = list(record["segments"])
        conn.executemany(
            'INSERT INTO segments (id, doc, idx, start, "end", turn_idx) VALUES (?, ?, ?, ?, ?, ?)',
            [(first + i, num, *segment) for i, segment in enumerate(segments)],
        )
        text = str(record["text"])
        conn.executemany(
            "INSERT INTO segments_fts (rowid, text) VALUES (?, ?)",
            [(first + i, text[s[1] : s[2]]) for i, s in enumerate(segments)],
        )
        return num

    def uid_taken(self, table: str, uid: str) -> bool:
        if table not in ("documents", "codes", "coders", "framework_items", "codings", "memos"):
            raise ValueError(f"no table {table!r} with uids")
        return self.db.execute(f"SELECT 1 FROM {table} WHERE uid = ?", [uid]).fetchone() is not None

    def add_coder_record(self, uid: str, name: str, created_at: str | None) -> bool:
        """A coder by name, keeping the other file's uid when it is free; False when a
        coder of that name is already here."""
        if self.db.execute("SELECT 1 FROM coders WHERE name = ?", [name]).fetchone():
            return False
        self.db.execute(
            "INSERT INTO coders (uid, name, created_at) VALUES (?, ?, ?)",
            [new_uid() if self.uid_taken("coders", uid) else uid, name, created_at or now()],
        )
        return True

    def add_framework_record(self, item: Mapping[str, Any]) -> None:
        """A focus area or practice from another file (its parent given by key)."""
        self.db.execute(
            "INSERT INTO framework_items (uid, key, kind, parent, name, description, status, "
            "position) VALUES (?, ?, ?, (SELECT num FROM framework_items WHERE key = ?), "
            "?, ?, ?, (SELECT coalesce(max(position), -1) + 1 FROM framework_items))",
            [
                new_uid() if self.uid_taken("framework_items", item["uid"]) else item["uid"],
                item["key"],
                item["kind"],
                item["parent"],
                item["name"],
                item["description"],
                item["status"],
            ],
        )

    def add_coding_records(self, rows: Iterable[Sequence[Any]]) -> tuple[int, int]:
        """Insert codings given as (uid, doc num, start, end, code num, coder num, snippet,
        origin, status, created_at); one already here, by uid or by (document, span, code,
        coder), is left alone. Returns (added, already here)."""
        added = present = 0
        for row in rows:
            cursor = self.db.execute(
                'INSERT OR IGNORE INTO codings (uid, doc, start, "end", code, coder, snippet, '
                "origin, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                list(row),
            )
            if cursor.rowcount:
                added += 1
            else:
                present += 1
        return added, present

    def coding_uid_at(
        self, document: str, start: int, end: int, code: str, coder: str
    ) -> str | None:
        """The uid of the coding on a span (document and code by uid, coder by name)."""
        row = self.db.execute(
            "SELECT c.uid FROM codings c JOIN documents d ON d.num = c.doc "
            "JOIN codes k ON k.num = c.code JOIN coders p ON p.num = c.coder "
            'WHERE d.uid = ? AND c.start = ? AND c."end" = ? AND k.uid = ? AND p.name = ?',
            [document, start, end, code, coder],
        ).fetchone()
        return None if row is None else str(row[0])

    def add_event_record(self, event: Mapping[str, Any]) -> bool:
        """Append an event from another file, keeping its uid and time; False when this
        file already has it."""
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO events (uid, at, coder, action, payload) VALUES "
            "(?, ?, (SELECT num FROM coders WHERE name = ?), ?, ?)",
            [event["uid"], event["at"], event["coder"], event["action"], event["payload"]],
        )
        return bool(cursor.rowcount)

    def add_feedback_record(self, row: Mapping[str, Any]) -> bool:
        cursor = self.db.execute(
            'INSERT OR IGNORE INTO suggestion_feedback (uid, doc, start, "end", snippet, code, '
            "coder, verdict, score, created_at) VALUES (?, "
            "(SELECT num FROM documents WHERE uid = ?), ?, ?, ?, "
            "(SELECT num FROM codes WHERE uid = ?), (SELECT num FROM coders WHERE name = ?), "
            "?, ?, ?)",
            [
                row["uid"],
                row["document"],
                row["start"],
                row["end"],
                row["snippet"],
                row["code_uid"],
                row["coder"],
                row["verdict"],
                row["score"],
                row["created_at"],
            ],
        )
        return bool(cursor.rowcount)

    def add_role(self, name: str) -> bool:
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO roles (name, builtin) VALUES (?, 0)", [name]
        )
        return bool(cursor.rowcount)

    def add_alias_record(self, label: str, role: str) -> bool:
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO speaker_aliases (label, role, builtin) VALUES (?, ?, 0)",
            [label, role],
        )
        return bool(cursor.rowcount)

    def coder_numbers(self) -> dict[str, int]:
        return {r[0]: r[1] for r in self.db.execute("SELECT name, num FROM coders")}

    def code_records_by_uid(self) -> dict[str, tuple[int, str, str]]:
        """uid -> (num, key, name) of every code."""
        return {
            r[0]: (r[1], r[2], r[3])
            for r in self.db.execute("SELECT uid, num, key, name FROM codes")
        }

    # --- reads for agreement and adjudication ------------------------------------------

    def coders_by_document(
        self, coders: Sequence[str], documents: Sequence[str] | None = None
    ) -> dict[str, set[str]]:
        """Document name -> which of `coders` have at least one coding there that is not
        detached (optionally only among `documents`)."""
        if not coders:
            return {}
        marks = ", ".join("?" for _ in coders)
        sql = (
            "SELECT DISTINCT d.name, p.name FROM codings c JOIN documents d ON d.num = c.doc "
            f"JOIN coders p ON p.num = c.coder WHERE p.name IN ({marks}) AND c.status = 'ok'"
        )
        found: dict[str, set[str]] = {}
        wanted = set(documents) if documents is not None else None
        for name, coder in self.db.execute(sql, list(coders)):
            if wanted is None or name in wanted:
                found.setdefault(name, set()).add(coder)
        return found

    def event_payloads(self, action: str) -> list[tuple[int, str | None, str]]:
        """(seq, coder, payload as stored) of every event of one action."""
        rows = self.db.execute(
            "SELECT e.seq, p.name, e.payload FROM events e LEFT JOIN coders p "
            "ON p.num = e.coder WHERE e.action = ? ORDER BY e.seq",
            [action],
        )
        return [(r[0], r[1], r[2]) for r in rows]
