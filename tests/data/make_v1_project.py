"""Build `project-v1.bsp`: a small project as brightspots' schema v1 left it, for the
migration test (`tests/integration/test_migration.py`). The file is committed; run this
only to make it again:

    .venv/bin/python tests/data/make_v1_project.py

Only the first migration runs, and rows are written with plain SQL against the v1 tables
(never through today's store, which may touch tables v1 did not have). Ids and times are
fixed, so the file's content does not depend on the day it was made."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

from brightspots.corpus.layout import lay_out
from brightspots.models import RawTurn
from brightspots.segment import SpacySegmenter
from brightspots.store.migrations import MIGRATIONS
from brightspots.vocabulary import DEFAULT_ALIASES, ROLES

HERE = Path(__file__).resolve().parent
TARGET = HERE / "project-v1.bsp"
WHEN = "2025-01-15T09:00:00+00:00"

TURNS = (
    RawTurn("How do you support new teachers?", "Interviewer"),
    RawTurn(
        "Each strong teacher takes five others, we call it one-to-five. [inaudible] It "
        "works. The new ones visit a class every week.",
        "HT",
    ),
    RawTurn("And the parents?", "Interviewer"),
    RawTurn("They come on Fridays. Some of them, not all. They check the homework.", "HT"),
)
CODES = (
    ("c-0001", "peer-mentoring", "Peer mentoring", "Teachers coach each other."),
    ("c-0002", "parents-involved", "Parents involved", "Parents take part in school life."),
)
CODINGS = (  # uid, code, coder, quoted text
    ("k-0001", "peer-mentoring", "ana", "Each strong teacher takes five others"),
    ("k-0002", "peer-mentoring", "bo", "The new ones visit a class every week."),
    ("k-0003", "parents-involved", "ana", "They come on Fridays."),
)


def build(target: Path = TARGET) -> Path:
    for side in ("", "-wal", "-shm"):
        target.with_name(target.name + side).unlink(missing_ok=True)
    conn = sqlite3.connect(target, isolation_level=None)
    conn.execute("PRAGMA page_size = 1024")  # small pages: a small committed file
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("BEGIN")
    MIGRATIONS[0](_Db(conn))
    conn.execute("PRAGMA user_version = 1")
    _fill(conn)
    conn.execute("COMMIT")
    conn.execute("VACUUM")
    conn.close()
    return target


class _Db:
    """What a migration needs of sqlite_utils.Database: `execute`."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def execute(self, sql: str, params: list[object] | None = None) -> sqlite3.Cursor:
        return self.conn.execute(sql, params or [])


def _fill(conn: sqlite3.Connection) -> None:
    run = conn.execute
    for key, value in (
        ("application", "brightspots"),
        ("project_uid", "00000000-0000-4000-8000-000000000001"),
        ("created_at", WHEN),
    ):
        run("INSERT INTO meta (key, value) VALUES (?, ?)", [key, value])
    conn.executemany("INSERT INTO roles (name, builtin) VALUES (?, 1)", [(r,) for r in ROLES])
    conn.executemany(
        "INSERT INTO speaker_aliases (label, role, builtin) VALUES (?, ?, 1)",
        list(DEFAULT_ALIASES.items()),
    )
    for number, name in enumerate(("ana", "bo"), start=1):
        run(
            "INSERT INTO coders (num, uid, name, created_at) VALUES (?, ?, ?, ?)",
            [number, f"p-000{number}", name, WHEN],
        )
    for position, (uid, key, name, definition) in enumerate(CODES):
        run(
            "INSERT INTO codes (uid, key, name, definition, position, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [uid, key, name, definition, position, WHEN],
        )
    aliases = {"interviewer": "interviewer", "ht": "head_teacher"}
    text, turns, annotations = lay_out(TURNS, lambda label: aliases.get((label or "").casefold()))
    segments = SpacySegmenter().segment(text, turns, annotations, "en")
    run(
        "INSERT INTO documents (num, uid, name, format, source_path, source_hash, text_hash, "
        "text, char_count, segment_count, country, school_id, school_group, respondent_role, "
        "method, language, attributes, imported_at, updated_at) VALUES "
        "(1, 'd-0001', 'et-s01-kii.txt', 'text', 'et-s01-kii.txt', ?, ?, ?, ?, ?, 'ET', "
        "'ET-S01', 'pd', 'head_teacher', 'kii', 'en', ?, ?, ?)",
        [
            hashlib.sha256(b"source").hexdigest(),
            hashlib.sha256(text.encode()).hexdigest(),
            text,
            len(text),
            len(segments),
            json.dumps({"region": "Amhara"}),
            WHEN,
            WHEN,
        ],
    )
    conn.executemany(
        'INSERT INTO turns (doc, idx, start, "end", speaker, role, kind) VALUES '
        "(1, ?, ?, ?, ?, ?, ?)",
        [(t.index, t.start, t.end, t.speaker, t.role, t.kind) for t in turns],
    )
    conn.executemany(
        'INSERT INTO annotations (doc, start, "end", label) VALUES (1, ?, ?, ?)',
        [(a.start, a.end, a.label) for a in annotations],
    )
    conn.executemany(
        'INSERT INTO segments (id, doc, idx, start, "end", turn_idx) VALUES (?, 1, ?, ?, ?, ?)',
        [(s.index + 1, s.index, s.start, s.end, s.turn_index) for s in segments],
    )
    conn.executemany(
        "INSERT INTO segments_fts (rowid, text) VALUES (?, ?)",
        [(s.index + 1, s.text) for s in segments],
    )
    codes = {key: num for num, key in run("SELECT num, key FROM codes")}
    coders = {name: num for num, name in run("SELECT num, name FROM coders")}
    for uid, code, coder, quote in CODINGS:
        start = text.index(quote)
        coding = {
            "uid": uid,
            "document": "d-0001",
            "start": start,
            "end": start + len(quote),
            "code": code,
            "coder": coder,
            "snippet": quote,
        }
        run(
            'INSERT INTO codings (uid, doc, start, "end", code, coder, snippet, created_at) '
            "VALUES (?, 1, ?, ?, ?, ?, ?, ?)",
            [uid, coding["start"], coding["end"], codes[code], coders[coder], quote, WHEN],
        )
        run(
            "INSERT INTO events (uid, at, coder, action, payload) VALUES (?, ?, ?, ?, ?)",
            [f"e-{uid}", WHEN, coders[coder], "coding.add", json.dumps(coding)],
        )
    run(
        "INSERT INTO memos (uid, target, doc, coder, text, created_at, updated_at) "
        "VALUES ('m-0001', 'document', 1, ?, 'Strong head teacher; check the PTA minutes.', ?, ?)",
        [coders["ana"], WHEN, WHEN],
    )


if __name__ == "__main__":
    print(build())
