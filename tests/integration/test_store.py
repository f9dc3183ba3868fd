"""The project file: SQLite settings, schema versions, identity, and the events log."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

import pytest

from brightspots.errors import ProjectError
from brightspots.project import Project
from brightspots.store import Store
from brightspots.store.migrations import SCHEMA_VERSION


def test_new_project_settings(project: Project) -> None:
    db = project.store.db
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert project.store.schema_version() == SCHEMA_VERSION
    uuid.UUID(project.store.get_meta("project_uid") or "")
    tables = set(db.table_names())
    for table in (
        "documents",
        "segments",
        "segments_fts",
        "codes",
        "framework_items",
        "code_practices",
        "codings",
        "memos",
        "coders",
        "events",
        "embeddings",
    ):
        assert table in tables
    for row in db.execute("SELECT uid FROM codes"):
        uuid.UUID(row[0])


def test_events_are_append_only(project: Project) -> None:
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        project.store.db.execute("DELETE FROM events")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        project.store.db.execute("UPDATE events SET action = 'x'")


def test_refuses_to_overwrite_or_open_wrong_files(tmp_path: Path) -> None:
    existing = tmp_path / "x.bsp"
    existing.write_text("hello")
    with pytest.raises(ProjectError, match="already exists"):
        Project.create(existing)
    with pytest.raises(ProjectError, match="not a brightspots project"):
        Project.open(existing)
    with pytest.raises(ProjectError, match="brightspots init"):
        Project.open(tmp_path / "missing.bsp")
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE t (a)").connection.close()
    with pytest.raises(ProjectError, match="SQLite file but not a brightspots project"):
        Project.open(other)


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.bsp"
    Project.create(path, empty=True).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(ProjectError, match="newer brightspots"):
        Store.open(path)


def test_failed_transaction_leaves_nothing(project: Project) -> None:
    store = project.store
    before = store.totals()
    with pytest.raises(RuntimeError), store.transaction():
        store.ensure_coder("someone")
        store.add_event("test", {})
        raise RuntimeError("boom")
    assert store.totals() == before
    assert store.list_coders() == []


def test_codebook_reload_keeps_identity(project: Project, tmp_path: Path) -> None:
    uids = dict(project.store.db.execute("SELECT key, uid FROM codes").fetchall())
    codebook = project.codebook()
    assert codebook is not None and len(codebook.codes) == len(uids)
    from tests.conftest import CODEBOOKS

    added, updated = project.load_codebook(CODEBOOKS / "dms-practices.yaml")
    assert (added, updated) == (0, len(uids))
    assert dict(project.store.db.execute("SELECT key, uid FROM codes").fetchall()) == uids
    framework = project.framework()
    assert framework is not None and len(framework.practices()) == 15
