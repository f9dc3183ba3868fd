"""A project made by schema v1 (the committed fixture `tests/data/project-v1.bsp`, built by
`tests/data/make_v1_project.py`) opens, migrates to today's schema, keeps a backup of
itself as it was, and still holds everything it held."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from brightspots.errors import ProjectError
from brightspots.project import Project
from brightspots.store.backup import list_backups
from brightspots.store.migrations import MIGRATIONS, SCHEMA_VERSION

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "project-v1.bsp"


@pytest.fixture
def old(tmp_path: Path) -> Path:
    path = tmp_path / "old.bsp"
    shutil.copy(FIXTURE, path)
    return path


def version(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def test_the_fixture_is_a_version_1_project() -> None:
    assert version(FIXTURE) == 1 < SCHEMA_VERSION


def test_an_old_project_opens_migrates_and_keeps_a_backup(old: Path) -> None:
    with Project.open(old) as project:
        assert project.store.schema_version() == SCHEMA_VERSION
        backup = project.store.migration_backup
        (document,) = project.documents()
        assert document.name == "et-s01-kii.txt"
        assert document.meta.attributes == {"region": "Amhara"}
        assert document.coded_segments == 3  # the coverage cache (v2) was filled
        codings = project.codings("et-s01-kii.txt")
        text = project.document("et-s01-kii.txt").text
        assert len(codings) == 3
        assert all(text[c["start"] : c["end"]] == c["snippet"] for c in codings)
        assert [m["text"] for m in project.memos()] == [
            "Strong head teacher; check the PTA minutes."
        ]
        assert project.search("Fridays")
        assert project.suggestion_feedback() == []  # v3's table exists
        assert project.last_themes() is None  # and v4's
        assert project.check().ok
        # Undo replays a step that v1 recorded.
        assert project.undo("bo") is not None
        assert len(project.codings("et-s01-kii.txt")) == 2
    # The backup: beside the project, named for the upgrade, still at version 1, whole.
    assert backup is not None and backup.parent == old.parent
    assert backup.name.startswith("old.backup-") and "before-upgrade-v1" in backup.name
    assert [b.path for b in list_backups(old)] == [backup]
    assert version(backup) == 1
    assert backup.read_bytes() != old.read_bytes()
    conn = sqlite3.connect(backup)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM codings").fetchone()[0] == 3
    conn.close()
    assert not backup.with_name(backup.name + "-wal").exists()  # one self-contained file


def test_a_current_project_takes_no_backup_when_opened(old: Path) -> None:
    Project.open(old).close()
    assert len(list_backups(old)) == 1
    with Project.open(old) as project:
        assert project.store.migration_backup is None
    assert len(list_backups(old)) == 1


def test_the_backup_restores_the_old_project(old: Path) -> None:
    with Project.open(old) as project:
        backup = project.store.migration_backup
        project.apply_code("et-s01-kii.txt", 0, 10, "peer-mentoring", "chloe")
    assert backup is not None
    restored, previous = Project.restore(old, backup)
    assert restored == backup and previous is not None
    assert version(old) == 1
    with Project.open(old) as project:  # and it migrates again
        assert len(project.codings("et-s01-kii.txt")) == 3


def test_a_failed_migration_leaves_the_file_as_it_was(old: Path) -> None:
    def broken(db: object) -> None:
        raise sqlite3.OperationalError("disk I/O error (simulated)")

    last = MIGRATIONS[-1]
    MIGRATIONS[-1] = broken
    try:
        with pytest.raises(ProjectError, match=r"upgrading it to schema .* failed .*simulated"):
            Project.open(old)
    finally:
        MIGRATIONS[-1] = last
    # Every migration before the broken one is kept (each is a transaction of its own),
    # none is half done, and the backup holds version 1.
    assert version(old) == SCHEMA_VERSION - 1
    (backup,) = list_backups(old)
    assert version(backup.path) == 1
