"""Versioned schema. `PRAGMA user_version` holds the version; each migration runs in one
transaction, so a project is never left half-migrated.

Entities that other tools or merges must recognise carry a UUID (`uid`); rows that are
derived from a document's text (turns, segments, annotations) use integer keys only."""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils

SCHEMA_V1 = """
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE coders (
    num INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);

CREATE TABLE documents (
    num INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL UNIQUE,
    format TEXT NOT NULL,
    source_path TEXT NOT NULL,
    source_hash TEXT NOT NULL,
    import_key TEXT NOT NULL DEFAULT '',  -- digest of the metadata and aliases applied
    text_hash TEXT NOT NULL,
    text TEXT NOT NULL,
    char_count INTEGER NOT NULL,
    segment_count INTEGER NOT NULL,
    country TEXT NOT NULL,
    territory TEXT,
    school_id TEXT NOT NULL,
    school_group TEXT NOT NULL CHECK (school_group IN ('pd', 'comparison', 'unknown')),
    respondent_role TEXT,
    method TEXT,
    language TEXT NOT NULL,
    date TEXT,
    attributes TEXT NOT NULL DEFAULT '{}',
    imported_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX documents_text_hash ON documents (text_hash);
CREATE INDEX documents_school ON documents (country, school_group, school_id);

CREATE TABLE turns (
    doc INTEGER NOT NULL REFERENCES documents (num) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    speaker TEXT,
    role TEXT,
    kind TEXT NOT NULL CHECK (kind IN ('speech', 'note', 'prompt')),
    time_start REAL,
    time_end REAL,
    PRIMARY KEY (doc, idx)
) WITHOUT ROWID;

CREATE TABLE annotations (
    doc INTEGER NOT NULL REFERENCES documents (num) ON DELETE CASCADE,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    label TEXT NOT NULL,
    PRIMARY KEY (doc, start)
) WITHOUT ROWID;

CREATE TABLE segments (
    id INTEGER PRIMARY KEY,
    doc INTEGER NOT NULL REFERENCES documents (num) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    turn_idx INTEGER NOT NULL,
    UNIQUE (doc, idx)
);

-- Contentless: the text lives once, in documents.text; deletes pass the old text back.
CREATE VIRTUAL TABLE segments_fts USING fts5 (
    text, content = '', tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TABLE framework_items (
    num INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('focus_area', 'practice')),
    parent INTEGER REFERENCES framework_items (num) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL
);

CREATE TABLE codes (
    num INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL UNIQUE,
    parent INTEGER REFERENCES codes (num) ON DELETE RESTRICT,
    definition TEXT NOT NULL DEFAULT '',
    inclusion TEXT NOT NULL DEFAULT '',
    exclusion TEXT NOT NULL DEFAULT '',
    examples TEXT NOT NULL DEFAULT '[]',
    colour TEXT,
    shortcut TEXT,
    position INTEGER NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE code_practices (
    code INTEGER NOT NULL REFERENCES codes (num) ON DELETE CASCADE,
    practice INTEGER NOT NULL REFERENCES framework_items (num) ON DELETE CASCADE,
    PRIMARY KEY (code, practice)
) WITHOUT ROWID;

CREATE TABLE codings (
    num INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    doc INTEGER NOT NULL REFERENCES documents (num) ON DELETE RESTRICT,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL CHECK ("end" > start),
    code INTEGER NOT NULL REFERENCES codes (num) ON DELETE RESTRICT,
    coder INTEGER NOT NULL REFERENCES coders (num) ON DELETE RESTRICT,
    snippet TEXT NOT NULL,
    origin TEXT NOT NULL DEFAULT 'manual',
    status TEXT NOT NULL DEFAULT 'ok' CHECK (status IN ('ok', 'detached')),
    created_at TEXT NOT NULL
);
CREATE INDEX codings_doc ON codings (doc, start);
CREATE INDEX codings_code ON codings (code, coder);
CREATE UNIQUE INDEX codings_unique ON codings (doc, start, "end", code, coder);

CREATE TABLE memos (
    num INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    target TEXT NOT NULL CHECK (target IN ('project', 'document', 'segment', 'code', 'coding')),
    doc INTEGER REFERENCES documents (num) ON DELETE CASCADE,
    start INTEGER,
    "end" INTEGER,
    code INTEGER REFERENCES codes (num) ON DELETE CASCADE,
    coding INTEGER REFERENCES codings (num) ON DELETE CASCADE,
    coder INTEGER NOT NULL REFERENCES coders (num),
    text TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- The audit trail: append-only, enforced below.
CREATE TABLE events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    uid TEXT NOT NULL UNIQUE,
    at TEXT NOT NULL,
    coder INTEGER REFERENCES coders (num),
    action TEXT NOT NULL,
    payload TEXT NOT NULL DEFAULT '{}'
);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'the events log is append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'the events log is append-only'); END;

CREATE TABLE embeddings (
    model TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    dim INTEGER NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (model, text_hash)
) WITHOUT ROWID;

CREATE TABLE roles (
    name TEXT PRIMARY KEY,
    builtin INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE TABLE speaker_aliases (
    label TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    builtin INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
"""


def _script(schema: str) -> Callable[[sqlite_utils.Database], None]:
    """A migration that runs a schema script statement by statement (executescript()
    would commit, and break the migration's transaction)."""

    def migrate(db: sqlite_utils.Database) -> None:
        for statement in _split(schema):
            db.execute(statement)

    return migrate


def _split(script: str) -> list[str]:
    """Split a schema script into statements (triggers contain `;` inside BEGIN..END)."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines():
        if line.strip().startswith("--") and not buffer:
            continue
        buffer += line + "\n"
        complete = buffer.strip().endswith(";")
        if "CREATE TRIGGER" in buffer:
            complete = buffer.strip().endswith("END;")
        if complete:
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements


SCHEMA_V2 = """
-- How many segments of each document are coded, by everyone (coder 0) and by each coder:
-- a cache, so that listing thousands of documents does not scan a million segments.
CREATE TABLE coverage (
    doc INTEGER NOT NULL REFERENCES documents (num) ON DELETE CASCADE,
    coder INTEGER NOT NULL,
    segments INTEGER NOT NULL,
    PRIMARY KEY (doc, coder)
) WITHOUT ROWID;

-- Documents whose cached coverage is out of date. Triggers fill it on every change to
-- codings, whatever the code path; the store refills `coverage` for these on demand.
CREATE TABLE coverage_stale (
    doc INTEGER PRIMARY KEY
);
CREATE TRIGGER coverage_on_insert AFTER INSERT ON codings
BEGIN INSERT OR IGNORE INTO coverage_stale (doc) VALUES (new.doc); END;
CREATE TRIGGER coverage_on_delete AFTER DELETE ON codings
BEGIN INSERT OR IGNORE INTO coverage_stale (doc) VALUES (old.doc); END;
CREATE TRIGGER coverage_on_update AFTER UPDATE OF doc, start, "end", coder ON codings
BEGIN
    INSERT OR IGNORE INTO coverage_stale (doc) VALUES (old.doc);
    INSERT OR IGNORE INTO coverage_stale (doc) VALUES (new.doc);
END;
INSERT INTO coverage_stale (doc) SELECT DISTINCT doc FROM codings;
"""


SCHEMA_V3 = """
-- Coders' verdicts on code suggestions: rejected ones are never shown again and, with
-- accepted ones, teach the suggester. The passage is kept by span and by text (the
-- snippet), so a verdict still teaches after its document's text has changed. `IF NOT
-- EXISTS`: tests rewind a project's user_version to replay older migrations.
CREATE TABLE IF NOT EXISTS suggestion_feedback (
    num INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    doc INTEGER NOT NULL REFERENCES documents (num) ON DELETE CASCADE,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL CHECK ("end" > start),
    snippet TEXT NOT NULL,
    code INTEGER NOT NULL REFERENCES codes (num) ON DELETE CASCADE,
    coder INTEGER NOT NULL REFERENCES coders (num),
    verdict TEXT NOT NULL CHECK (verdict IN ('accepted', 'rejected')),
    score REAL,  -- the calibrated score shown when the verdict was given
    created_at TEXT NOT NULL,
    UNIQUE (doc, start, "end", code, coder)
);
CREATE INDEX IF NOT EXISTS suggestion_feedback_code ON suggestion_feedback (code, verdict);
"""


SCHEMA_V4 = """
-- Candidate themes: the last run's result (JSON: themes, keywords, quotes, members), kept
-- so the workbench can show it without recomputing; a new run replaces it. Verdicts on
-- its themes (promoted to a code, or dismissed) are rows, carried over by `themes.py` to
-- the matching themes of the next run.
CREATE TABLE IF NOT EXISTS theme_runs (
    num INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    model TEXT NOT NULL,
    result TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS theme_verdicts (
    run INTEGER NOT NULL REFERENCES theme_runs (num) ON DELETE CASCADE,
    theme INTEGER NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('promoted', 'dismissed')),
    code TEXT,  -- the key of the code a promoted theme became
    coder INTEGER REFERENCES coders (num),
    created_at TEXT NOT NULL,
    PRIMARY KEY (run, theme)
) WITHOUT ROWID;
"""


SCHEMA_V5 = """
-- Synthesis counts every coding that stands (status 'ok') by code and document in one pass,
-- and its quotes look up the codings of a few codes: this covering index serves both
-- without reading the table (whose rows carry the snippet) or sorting. At a million
-- codings the pass takes 0.25 s with it, 0.9 s without.
CREATE INDEX IF NOT EXISTS codings_synthesis ON codings (code, doc, start, "end", coder)
WHERE status = 'ok';
-- Detached codings get a small index of their own, so that counting them costs nothing.
CREATE INDEX IF NOT EXISTS codings_detached ON codings (doc) WHERE status = 'detached';
-- The metadata columns come after the text in a document's row: reading them from the
-- table walks every text's overflow pages (0.15-0.25 s for 6,600 transcripts); from this
-- index, 0.01 s.
CREATE INDEX IF NOT EXISTS documents_synthesis
ON documents (country, school_id, school_group, respondent_role, method);
"""


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [
    _script(SCHEMA_V1),
    _script(SCHEMA_V2),
    _script(SCHEMA_V3),
    _script(SCHEMA_V4),
    _script(SCHEMA_V5),
]
SCHEMA_VERSION = len(MIGRATIONS)
