"""The SQL of `brightspots check`: what SQLite and the schema say about a project file, and
the few repairs that only rebuild derived data or record a coding's state.

Reads return plain rows; `checkup.py` turns them into problems a researcher can read."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from brightspots.store.migrations import SCHEMA_V1, _split

if TYPE_CHECKING:
    from brightspots.store.database import Store

# Integrity messages that only an index's contents explain; REINDEX rebuilds those.
INDEX_MESSAGES = ("missing from index", "wrong # of entries in index", "non-unique entry in index")
EVENT_TRIGGERS = ("events_no_update", "events_no_delete")


def integrity_messages(store: Store, limit: int = 100) -> list[str]:
    """PRAGMA integrity_check: ["ok"], or what is wrong (up to `limit` lines)."""
    return [str(r[0]) for r in store.db.execute(f"PRAGMA integrity_check({int(limit)})")]


def foreign_key_problems(store: Store) -> list[tuple[str, int | None, str]]:
    """(table, rowid, parent table) of every row whose reference leads nowhere."""
    return [(r[0], r[1], r[2]) for r in store.db.execute("PRAGMA foreign_key_check")]


def orphan_memos(store: Store) -> list[str]:
    """Memos whose target (document, code or coding) is gone although the memo remains."""
    rows = store.db.execute(
        "SELECT uid FROM memos WHERE (target IN ('document', 'segment') AND doc IS NULL) "
        "OR (target = 'code' AND code IS NULL) OR (target = 'coding' AND coding IS NULL)"
    )
    return [str(r[0]) for r in rows]


def orphan_segments(store: Store) -> list[tuple[str, int]]:
    """(document, segment index) of segments whose turn does not exist."""
    rows = store.db.execute(
        "SELECT d.name, s.idx FROM segments s JOIN documents d ON d.num = s.doc "
        "WHERE NOT EXISTS (SELECT 1 FROM turns t WHERE t.doc = s.doc AND t.idx = s.turn_idx)"
    )
    return [(str(r[0]), int(r[1])) for r in rows]


def parts_out_of_bounds(store: Store) -> list[tuple[str, str, int, int]]:
    """(table, document, start, end) of turns, segments and annotations that do not lie
    inside their document's text."""
    found: list[tuple[str, str, int, int]] = []
    for table in ("turns", "segments", "annotations"):
        rows = store.db.execute(
            f'SELECT d.name, p.start, p."end" FROM {table} p JOIN documents d ON d.num = p.doc '
            'WHERE p.start < 0 OR p."end" < p.start OR p."end" > length(d.text)'
        )
        found += [(table, str(r[0]), int(r[1]), int(r[2])) for r in rows]
    return found


def document_counts(store: Store) -> list[tuple[int, str, str, int, int]]:
    """(num, name, column, stored, actual) where a document's stored char_count,
    segment_count or text hash disagrees with its text and segments."""
    found: list[tuple[int, str, str, int, int]] = []
    rows = store.db.execute(
        "SELECT d.num, d.name, d.char_count, length(d.text), d.segment_count, "
        "(SELECT count(*) FROM segments s WHERE s.doc = d.num) FROM documents d"
    )
    for num, name, chars, length, segments, actual in rows:
        if chars != length:
            found.append((num, name, "char_count", chars, length))
        if segments != actual:
            found.append((num, name, "segment_count", segments, actual))
    return found


def text_hash_mismatches(store: Store) -> list[str]:
    """Documents whose text no longer has the sha256 recorded when it was stored."""
    wrong = []
    for name, text, digest in store.db.execute("SELECT name, text, text_hash FROM documents"):
        if hashlib.sha256(text.encode()).hexdigest() != digest:
            wrong.append(str(name))
    return wrong


def mismatched_codings(store: Store) -> list[dict[str, Any]]:
    """Codings (not detached) whose span lies outside their document or whose text there
    is no longer their snippet."""
    rows = store.db.execute(
        'SELECT c.num, c.uid, d.name, c.start, c."end", c.snippet, k.key, p.name, d.text, '
        "c.doc, c.code, c.coder FROM codings c JOIN documents d ON d.num = c.doc "
        "JOIN codes k ON k.num = c.code "
        "JOIN coders p ON p.num = c.coder WHERE c.status = 'ok' AND (c.start < 0 OR "
        'c."end" > length(d.text) OR substr(d.text, c.start + 1, c."end" - c.start) != c.snippet)'
    )
    keys = (
        "num",
        "uid",
        "document",
        "start",
        "end",
        "snippet",
        "code",
        "coder",
        "text",
        "doc_num",
        "code_num",
        "coder_num",
    )
    return [dict(zip(keys, r, strict=True)) for r in rows]


def fts_differences(store: Store) -> tuple[int, int]:
    """(segments missing from the full-text index, index rows with no segment)."""
    missing = store.db.execute(
        "SELECT count(*) FROM segments WHERE id NOT IN (SELECT rowid FROM segments_fts)"
    ).fetchone()[0]
    extra = store.db.execute(
        "SELECT count(*) FROM segments_fts WHERE rowid NOT IN (SELECT id FROM segments)"
    ).fetchone()[0]
    return int(missing), int(extra)


def missing_event_triggers(store: Store) -> list[str]:
    """The triggers that keep the events log append-only, if any is gone."""
    present = {
        r[0] for r in store.db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    }
    return [name for name in EVENT_TRIGGERS if name not in present]


# --- repairs (each rebuilds derived data or records state; none deletes a coding) ---------


def rebuild_fts(store: Store) -> None:
    """Rebuild the full-text index from the documents' text (it holds nothing else)."""
    store.db.execute("INSERT INTO segments_fts (segments_fts) VALUES ('delete-all')")
    for num, text in store.db.execute("SELECT num, text FROM documents").fetchall():
        rows = store.db.execute('SELECT id, start, "end" FROM segments WHERE doc = ?', [num])
        store.db.conn.executemany(
            "INSERT INTO segments_fts (rowid, text) VALUES (?, ?)",
            [(sid, text[start:end]) for sid, start, end in rows.fetchall()],
        )


def recount_documents(store: Store) -> None:
    """Set every document's char_count, segment_count and text hash from its text."""
    store.db.execute(
        "UPDATE documents SET char_count = length(text), "
        "segment_count = (SELECT count(*) FROM segments s WHERE s.doc = documents.num)"
    )
    rows = store.db.execute("SELECT num, text FROM documents").fetchall()
    store.db.conn.executemany(
        "UPDATE documents SET text_hash = ? WHERE num = ? AND text_hash != ?",
        [(digest, num, digest) for num, digest in ((n, _sha(t)) for n, t in rows)],
    )


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def recount_coverage(store: Store) -> None:
    """Mark every document's coverage stale, so it is counted again from the codings."""
    store.db.execute("INSERT OR IGNORE INTO coverage_stale (doc) SELECT num FROM documents")


def reindex(store: Store) -> None:
    store.db.execute("REINDEX")


def restore_event_triggers(store: Store) -> None:
    """Create the append-only triggers of the events log again (as schema v1 made them)."""
    missing = set(missing_event_triggers(store))
    for statement in _split(SCHEMA_V1):
        for name in missing:
            if statement.startswith(f"CREATE TRIGGER {name} "):
                store.db.execute(statement)


def set_coding_place(store: Store, num: int, start: int, end: int, status: str) -> None:
    store.db.execute(
        'UPDATE codings SET start = ?, "end" = ?, status = ? WHERE num = ?',
        [start, end, status, num],
    )
