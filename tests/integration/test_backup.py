"""Backups (SQLite's online backup API), their rotation, and restoring one."""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from brightspots.cli import main
from brightspots.errors import NotFoundError, ProjectError
from brightspots.project import Project
from brightspots.store.backup import backup_path, list_backups, rotate_backups
from tests.conftest import HEAD_TEACHER, write


def codings(path: Path) -> list[tuple[str, int, int]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute('SELECT uid, start, "end" FROM codings ORDER BY uid').fetchall()
    finally:
        conn.close()


@pytest.fixture
def study(project: Project, tmp_path: Path) -> Project:
    project.import_files([write(tmp_path / "ht.txt", HEAD_TEACHER)])
    project.apply_code("ht.txt", 40, 80, "context-policy-system", "ana")
    return project


def test_a_backup_is_a_whole_project_in_one_file(study: Project) -> None:
    path = study.backup()
    assert path.parent == study.store.path.parent
    assert path.name.startswith("study.backup-") and path.name.endswith("-manual.bsp")
    assert not path.with_name(path.name + "-wal").exists()
    assert not path.with_name(path.name + ".partial").exists()
    assert codings(path) == codings(study.store.path)
    with Project.open(path) as copy:
        assert copy.check().ok
    assert [b.path for b in study.backups()] == [path]
    (listed,) = study.backups()
    assert listed.reason == "manual" and listed.size == path.stat().st_size


def test_a_backup_is_consistent_while_another_program_writes(study: Project) -> None:
    other = Project.open(study.store.path)
    try:
        with other.store.transaction():  # a write in flight, not committed
            other.apply_code("ht.txt", 90, 120, "context-policy-system", "bo")
            path = study.backup()  # readers are not blocked by a writer (WAL)
        assert len(codings(path)) == 1  # the uncommitted coding is not in it
        assert len(codings(study.store.path)) == 2
    finally:
        other.close()


def test_a_backup_elsewhere_is_never_rotated_and_never_overwrites(
    study: Project, tmp_path: Path
) -> None:
    (tmp_path / "usb").mkdir()
    target = tmp_path / "usb" / "copy.bsp"
    assert study.backup(target) == target
    assert codings(target) == codings(study.store.path)
    with pytest.raises(ProjectError, match="already exists"):
        study.backup(target)
    with pytest.raises(ProjectError, match="is the project itself"):
        study.backup(study.store.path)
    assert study.backups() == []


def fake_backups(project: Path, stamps: list[datetime], size: int = 10) -> list[Path]:
    paths = []
    for stamp in stamps:
        path = project.with_name(f"{project.stem}.backup-{stamp:%Y%m%d-%H%M%S}-auto.bsp")
        path.write_bytes(b"x" * size)
        paths.append(path)
    return paths


def test_rotation_keeps_the_newest_and_one_a_day_within_a_size(tmp_path: Path) -> None:
    project = tmp_path / "study.bsp"
    now = datetime(2025, 3, 1, 12, 0, 0)
    today = [now - timedelta(minutes=m) for m in range(15)]
    earlier = [now - timedelta(days=d, hours=h) for d in range(1, 12) for h in (1, 2)]
    fake_backups(project, today + earlier)
    removed = rotate_backups(project, keep=10, daily=7)
    kept = list_backups(project)
    assert [b.created for b in kept[:10]] == today[:10]
    # Then the newest of each earlier day, until 7 days are represented (today is one).
    assert [b.created for b in kept[10:]] == [now - timedelta(days=d, hours=1) for d in range(1, 7)]
    assert len(removed) == 15 + 22 - 16
    # The size bound removes the oldest first, never below two and never a protected one.
    protected = kept[-1].path
    rotate_backups(project, keep=10, daily=7, max_bytes=35, protect=[protected])
    assert [b.path for b in list_backups(project)] == [b.path for b in kept[:2]] + [protected]
    rotate_backups(project, keep=0, daily=0, max_bytes=0)
    assert len(list_backups(project)) == 2


def test_rotation_leaves_other_files_alone(tmp_path: Path) -> None:
    project = tmp_path / "study.bsp"
    others = [
        tmp_path / "study2.backup-20250101-000000.bsp",  # another project's
        tmp_path / "study.backup-notes.txt",
        tmp_path / "study.bsp.backup-20250101-000000.bsp",
    ]
    for path in others:
        path.write_text("keep")
    fake_backups(project, [datetime(2025, 1, d) for d in range(1, 5)])
    rotate_backups(project, keep=1, daily=0, max_bytes=0)
    assert all(path.exists() for path in others)
    assert len(list_backups(project)) == 2


def test_backup_names_never_collide(tmp_path: Path) -> None:
    project = tmp_path / "study.bsp"
    first = backup_path(project, "merge")
    first.write_text("taken")
    second = backup_path(project, "merge")
    assert second != first and second.name.endswith("-2-merge.bsp")
    assert backup_path(project, "Before Merge!").name.endswith("-before-merge.bsp")


def test_restore_puts_a_backup_back_and_keeps_the_replaced_file(study: Project) -> None:
    path = study.store.path
    saved = study.backup()
    before = codings(path)
    study.apply_code("ht.txt", 90, 120, "context-policy-system", "bo")
    after = codings(path)
    study.close()
    restored, previous = Project.restore(path, "1")  # the newest backup
    assert restored == saved and previous is not None
    assert codings(path) == before
    assert "before-restore" in previous.name and codings(previous) == after
    assert not path.with_name(path.name + ".restoring").exists()
    with Project.open(path) as project:
        assert project.check().ok
    # Undoing the restore is restoring the copy it made.
    Project.restore(path, previous)
    assert codings(path) == after


def test_restore_refuses_a_bad_backup_and_changes_nothing(study: Project, tmp_path: Path) -> None:
    path = study.store.path
    study.close()
    state = codings(path)
    junk = tmp_path / "junk.bsp"
    junk.write_bytes(os.urandom(4096))
    with pytest.raises(ProjectError, match=r"junk\.bsp"):
        Project.restore(path, junk)
    not_ours = tmp_path / "other.bsp"
    sqlite3.connect(not_ours).execute("CREATE TABLE meta (key, value)").connection.commit()
    with pytest.raises(ProjectError, match="not a brightspots project"):
        Project.restore(path, not_ours)
    newer = Project.list_backups(path)
    assert newer == []
    copy = tmp_path / "newer.bsp"
    with Project.open(path) as project:
        project.backup(copy)
    conn = sqlite3.connect(copy)
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    with pytest.raises(ProjectError, match="newer brightspots"):
        Project.restore(path, copy)
    with pytest.raises(ProjectError, match="no such backup"):
        Project.restore(path, tmp_path / "missing.bsp")
    with pytest.raises(NotFoundError, match="no backup number 3"):
        Project.restore(path, "3")
    assert codings(path) == state
    assert Project.list_backups(path) == []  # nothing was set aside: nothing was done


def test_restore_refuses_while_another_program_has_the_project_open(study: Project) -> None:
    saved = study.backup()
    study.apply_code("ht.txt", 90, 120, "context-policy-system", "bo")
    state = codings(study.store.path)
    with pytest.raises(ProjectError, match="open in another program"):
        Project.restore(study.store.path, saved)
    assert codings(study.store.path) == state
    study.apply_code("ht.txt", 130, 140, "context-policy-system", "bo")  # still works


def test_restore_replaces_a_damaged_file_and_keeps_its_bytes(study: Project) -> None:
    path = study.store.path
    saved = study.backup()
    study.close()
    path.write_bytes(b"this is no longer a database" * 100)
    path.with_name(path.name + "-wal").unlink(missing_ok=True)
    _, previous = Project.restore(path, saved)
    assert previous is not None and "damaged" in previous.name
    assert previous.read_bytes().startswith(b"this is no longer")
    with Project.open(path) as project:
        assert len(project.codings("ht.txt")) == 1


def test_the_cli_backs_up_lists_and_restores(study: Project) -> None:
    path = str(study.store.path)
    study.close()
    runner = CliRunner()
    made = runner.invoke(main, ["backup", path])
    assert made.exit_code == 0, made.output
    assert "Backed up to" in made.output
    listed = runner.invoke(main, ["restore", path])
    assert listed.exit_code == 0 and "manual" in listed.output
    assert runner.invoke(main, ["backup", path, "--list", "--json"]).output.count('"path"') == 1
    done = runner.invoke(main, ["restore", path, "1"])
    assert done.exit_code == 0, done.output
    assert "Restored" in done.output and "before-restore" in done.output
    bad = runner.invoke(main, ["restore", path, "9"])
    assert bad.exit_code == 1 and "no backup number 9" in bad.output
