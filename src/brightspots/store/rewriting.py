"""The SQL of pseudonymisation: reading every column that may hold a name, and writing a
document back with new text and every offset into it moved (turns, segments and their
full-text rows, annotations, codings, memos, suggestion verdicts).

`pseudonym.py` decides what changes; this module only reads and writes, inside the
caller's one transaction. The events log is append-only (triggers refuse UPDATE); the one
place allowed to rewrite payloads, `rewrite_event_payloads`, lifts the trigger and puts
it back, exactly as it was, in the same transaction."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from brightspots.errors import ProjectError
from brightspots.store.rows import now

if TYPE_CHECKING:
    from brightspots.store.database import Store

# Moved out of the way before codings take their new places (the unique index on
# (doc, start, end, code, coder) must hold after every single UPDATE).
_PARKED = 1 << 40


@dataclass(frozen=True)
class StoredDocument:
    num: int
    uid: str
    name: str
    source_path: str
    text: str
    attributes: dict[str, Any]
    language: str


@dataclass(frozen=True)
class Parts:
    """What hangs off a document's text, by offsets."""

    turns: list[tuple[int, int, int]]  # idx, start, end
    annotations: list[tuple[int, int, str]]  # start, end, label
    segments: list[tuple[int, int, int, int, int]]  # id, idx, start, end, turn_idx
    codings: list[dict[str, Any]]  # num, uid, start, end, snippet, status, code, coder
    memos: list[tuple[int, int, int]]  # num, start, end (memos on a span)
    feedback: list[dict[str, Any]]  # num, start, end, snippet, code, coder


@dataclass(frozen=True)
class NewParts:
    turns: list[tuple[int, int, int]]
    annotations: list[tuple[int, int, str]]
    segments: list[tuple[int, int, int, int, int]]
    codings: list[tuple[int, int, int, str]]  # num, start, end, snippet
    joined_codings: list[tuple[int, int]]  # (dropped num, kept num): the same coding now
    memos: list[tuple[int, int, int]]
    feedback: list[tuple[int, int, int, str]]
    dropped_feedback: list[int]


def document_numbers(store: Store) -> list[int]:
    return [int(r[0]) for r in store.db.execute("SELECT num FROM documents ORDER BY num")]


def stored_document(store: Store, num: int) -> StoredDocument:
    row = store.db.execute(
        "SELECT num, uid, name, source_path, text, attributes, language FROM documents "
        "WHERE num = ?",
        [num],
    ).fetchone()
    return StoredDocument(
        int(row[0]), row[1], row[2], row[3], row[4], json.loads(row[5] or "{}"), row[6]
    )


def document_languages(store: Store) -> list[tuple[int, str]]:
    return [(int(r[0]), str(r[1])) for r in store.db.execute("SELECT num, language FROM documents")]


def document_parts(store: Store, num: int) -> Parts:
    one = store.db.execute
    codings = one(
        'SELECT num, uid, start, "end", snippet, status, code, coder FROM codings WHERE doc = ? '
        "ORDER BY num",
        [num],
    )
    coding_keys = ("num", "uid", "start", "end", "snippet", "status", "code", "coder")
    feedback = one(
        'SELECT num, start, "end", snippet, code, coder FROM suggestion_feedback WHERE doc = ? '
        "ORDER BY num",
        [num],
    )
    feedback_keys = ("num", "start", "end", "snippet", "code", "coder")
    return Parts(
        turns=[tuple(r) for r in one('SELECT idx, start, "end" FROM turns WHERE doc = ?', [num])],
        annotations=[
            tuple(r)
            for r in one('SELECT start, "end", label FROM annotations WHERE doc = ?', [num])
        ],
        segments=[
            tuple(r)
            for r in one(
                'SELECT id, idx, start, "end", turn_idx FROM segments WHERE doc = ? ORDER BY idx',
                [num],
            )
        ],
        codings=[dict(zip(coding_keys, r, strict=True)) for r in codings],
        memos=[
            tuple(r)
            for r in one(
                'SELECT num, start, "end" FROM memos WHERE doc = ? AND start IS NOT NULL '
                'AND "end" IS NOT NULL',
                [num],
            )
        ],
        feedback=[dict(zip(feedback_keys, r, strict=True)) for r in feedback],
    )


def rewrite_document(
    store: Store,
    old: StoredDocument,
    old_parts: Parts,
    new: StoredDocument,
    parts: NewParts,
    text_hash: str,
) -> None:
    """Write a document's new text and names, and every offset into it, in place."""
    conn, num = store.db.conn, old.num
    # The full-text index is contentless: it forgets a row only when told its old text.
    conn.executemany(
        "INSERT INTO segments_fts (segments_fts, rowid, text) VALUES ('delete', ?, ?)",
        [(sid, old.text[start:end]) for sid, _, start, end, _ in old_parts.segments],
    )
    store.db.execute("DELETE FROM segments WHERE doc = ?", [num])
    conn.executemany(
        'INSERT INTO segments (id, doc, idx, start, "end", turn_idx) VALUES (?, ?, ?, ?, ?, ?)',
        [(sid, num, idx, start, end, turn) for sid, idx, start, end, turn in parts.segments],
    )
    conn.executemany(
        "INSERT INTO segments_fts (rowid, text) VALUES (?, ?)",
        [(sid, new.text[start:end]) for sid, _, start, end, _ in parts.segments],
    )
    conn.executemany(
        'UPDATE turns SET start = ?, "end" = ? WHERE doc = ? AND idx = ?',
        [(start, end, num, idx) for idx, start, end in parts.turns],
    )
    store.db.execute("DELETE FROM annotations WHERE doc = ?", [num])
    conn.executemany(
        'INSERT OR IGNORE INTO annotations (doc, start, "end", label) VALUES (?, ?, ?, ?)',
        [(num, start, end, label) for start, end, label in parts.annotations],
    )
    for dropped, kept in parts.joined_codings:
        store.db.execute("UPDATE memos SET coding = ? WHERE coding = ?", [kept, dropped])
        store.db.execute("DELETE FROM codings WHERE num = ?", [dropped])
    store.db.execute(
        f'UPDATE codings SET start = start - {_PARKED}, "end" = "end" - {_PARKED} WHERE doc = ?',
        [num],
    )
    conn.executemany(
        'UPDATE codings SET start = ?, "end" = ?, snippet = ? WHERE num = ?',
        [(start, end, snippet, cnum) for cnum, start, end, snippet in parts.codings],
    )
    conn.executemany(
        'UPDATE memos SET start = ?, "end" = ? WHERE num = ?',
        [(start, end, mnum) for mnum, start, end in parts.memos],
    )
    for fnum in parts.dropped_feedback:
        store.db.execute("DELETE FROM suggestion_feedback WHERE num = ?", [fnum])
    store.db.execute(
        f"UPDATE suggestion_feedback SET start = start - {_PARKED}, "
        f'"end" = "end" - {_PARKED} WHERE doc = ?',
        [num],
    )
    conn.executemany(
        'UPDATE suggestion_feedback SET start = ?, "end" = ?, snippet = ? WHERE num = ?',
        [(start, end, snippet, fnum) for fnum, start, end, snippet in parts.feedback],
    )
    store.db.execute(
        "UPDATE documents SET name = ?, source_path = ?, text = ?, text_hash = ?, "
        "char_count = ?, segment_count = ?, attributes = ?, updated_at = ? WHERE num = ?",
        [
            new.name,
            new.source_path,
            new.text,
            text_hash,
            len(new.text),
            len(parts.segments),
            json.dumps(new.attributes, ensure_ascii=False, sort_keys=True),
            now(),
            num,
        ],
    )
    store.db.execute("INSERT OR IGNORE INTO coverage_stale (doc) VALUES (?)", [num])


# --- other columns that may hold names --------------------------------------------------


def speakers(store: Store) -> list[str]:
    rows = store.db.execute("SELECT DISTINCT speaker FROM turns WHERE speaker IS NOT NULL")
    return [str(r[0]) for r in rows]


def rename_speakers(store: Store, renamed: Mapping[str, str]) -> None:
    store.db.conn.executemany(
        "UPDATE turns SET speaker = ? WHERE speaker = ?",
        [(new, old) for old, new in renamed.items()],
    )


def alias_labels(store: Store) -> list[str]:
    """Speaker labels the project was taught (`alias add`): a name may be one."""
    return [str(r[0]) for r in store.db.execute("SELECT label FROM speaker_aliases")]


def rename_aliases(store: Store, renamed: Mapping[str, str]) -> None:
    store.db.conn.executemany(
        "UPDATE OR REPLACE speaker_aliases SET label = ? WHERE label = ?",
        [(new, old) for old, new in renamed.items()],
    )


def attribute_values(store: Store) -> Iterator[tuple[str, str]]:
    """(key, value) of every document attribute."""
    for (attributes,) in store.db.execute("SELECT attributes FROM documents"):
        for key, value in json.loads(attributes or "{}").items():
            if isinstance(value, str):
                yield key, value


def memo_texts(store: Store) -> list[tuple[int, str]]:
    return [(int(r[0]), str(r[1])) for r in store.db.execute("SELECT num, text FROM memos")]


def set_memo_texts(store: Store, texts: Iterable[tuple[int, str]]) -> None:
    store.db.conn.executemany(
        "UPDATE memos SET text = ? WHERE num = ?", [(text, num) for num, text in texts]
    )


CODE_TEXTS = ("name", "definition", "inclusion", "exclusion", "examples")


def code_texts(store: Store) -> list[tuple[int, list[str]]]:
    rows = store.db.execute(f"SELECT num, {', '.join(CODE_TEXTS)} FROM codes")
    return [(int(r[0]), list(r[1:])) for r in rows]


def set_code_texts(store: Store, rows: Iterable[tuple[int, Sequence[str]]]) -> None:
    assignments = ", ".join(f"{column} = ?" for column in CODE_TEXTS)
    store.db.conn.executemany(
        f"UPDATE codes SET {assignments} WHERE num = ?",
        [(*values, num) for num, values in rows],
    )


def snippets(store: Store, table: str) -> list[tuple[int, str]]:
    """(num, snippet) of every coding or suggestion verdict."""
    if table not in ("codings", "suggestion_feedback"):
        raise ValueError(f"no snippets in {table!r}")
    return [(int(r[0]), str(r[1])) for r in store.db.execute(f"SELECT num, snippet FROM {table}")]


def set_snippets(store: Store, table: str, rows: Iterable[tuple[int, str]]) -> None:
    if table not in ("codings", "suggestion_feedback"):
        raise ValueError(f"no snippets in {table!r}")
    store.db.conn.executemany(
        f"UPDATE {table} SET snippet = ? WHERE num = ?", [(s, num) for num, s in rows]
    )


def theme_results(store: Store) -> list[tuple[int, str]]:
    return [(int(r[0]), str(r[1])) for r in store.db.execute("SELECT num, result FROM theme_runs")]


def set_theme_results(store: Store, rows: Iterable[tuple[int, str]]) -> None:
    store.db.conn.executemany(
        "UPDATE theme_runs SET result = ? WHERE num = ?", [(r, num) for num, r in rows]
    )


def iter_event_payloads(store: Store) -> Iterator[tuple[int, str]]:
    yield from ((int(r[0]), str(r[1])) for r in store.db.execute("SELECT seq, payload FROM events"))


def rewrite_event_payloads(store: Store, rows: Sequence[tuple[int, str]]) -> None:
    """Replace event payloads: the single exception to the append-only log, made for
    pseudonymisation (a log that keeps the names would defeat it). The trigger that
    refuses updates is lifted and recreated from its own definition, in the caller's
    transaction, so no other change can slip through meanwhile."""
    if not rows:
        return
    found = store.db.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'events_no_update'"
    ).fetchone()
    store.db.execute("DROP TRIGGER IF EXISTS events_no_update")
    store.db.conn.executemany(
        "UPDATE events SET payload = ? WHERE seq = ?", [(p, seq) for seq, p in rows]
    )
    if found is not None:
        store.db.execute(found[0])


def delete_embeddings(store: Store, text_hashes: Iterable[str]) -> None:
    store.db.conn.executemany(
        "DELETE FROM embeddings WHERE text_hash = ?", [(h,) for h in set(text_hashes)]
    )


def compact(store: Store) -> bool:
    """Leave no trace of replaced text in the file: merge the full-text index, rewrite the
    file without free pages (VACUUM) and empty the WAL. False when another program's open
    connection kept that from finishing (running it again later finishes the job)."""
    store.db.execute("INSERT INTO segments_fts (segments_fts) VALUES ('optimize')")
    try:
        store.db.execute("VACUUM")
        busy, _, _ = store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except (sqlite3.OperationalError, ProjectError):
        return False
    return not busy


def secure_delete(store: Store, on: bool) -> None:
    """Overwrite deleted content with zeros (set for the length of a pseudonymisation)."""
    store.db.execute(f"PRAGMA secure_delete = {'ON' if on else 'OFF'}")
