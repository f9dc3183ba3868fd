"""`brightspots check`: what it finds in a damaged project, and what `--repair` mends (after
a backup, never deleting a coding) and what it leaves to a restore."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from brightspots.cli import main
from brightspots.errors import ProjectError
from brightspots.project import Project
from tests.conftest import HEAD_TEACHER, write

CODE = "context-policy-system"


@pytest.fixture
def study(project: Project, tmp_path: Path) -> Path:
    project.import_files([write(tmp_path / "ht.txt", HEAD_TEACHER)])
    text = project.document("ht.txt").text
    for quote in ("one-to-five", "Fridays", "Some of them, not all."):
        start = text.index(quote)
        project.apply_code("ht.txt", start, start + len(quote), CODE, "ana")
    start = text.index("It works")
    project.apply_code("ht.txt", start, start + 8, CODE, "bo")
    project.add_memo(
        "coding", "Check the PTA minutes.", "ana", coding=project.codings("ht.txt")[0]["uid"]
    )
    path = project.store.path
    project.close()
    return path


def sql(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = OFF")
    for statement in statements:
        conn.execute(statement)
    conn.close()


def count(path: Path, table: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()


def test_a_sound_project_passes(study: Path) -> None:
    report = Project.check_file(study)
    assert report.ok and report.integrity == ("ok",)
    assert report.counts["codings"] == 4
    result = CliRunner().invoke(main, ["check", str(study)])
    assert result.exit_code == 0 and "is sound" in result.output


def damage(path: Path) -> None:
    """Damage of every kind `check` looks for, done behind the store's back."""
    sql(
        path,
        # The text changes under the codings: "Fridays" moves, "one-to-five" is gone.
        "UPDATE documents SET text = replace(replace(text, 'one-to-five', 'one-to-nine'), "
        "'They come on Fridays.', 'On Fridays they come.')",
        # A segment drops out of the full-text index.
        "INSERT INTO segments_fts (segments_fts, rowid, text) SELECT 'delete', s.id, "
        'substr(d.text, s.start + 1, s."end" - s.start) FROM segments s JOIN documents d '
        "ON d.num = s.doc WHERE s.idx = 0",
        # The events log loses its protection.
        "DROP TRIGGER events_no_update",
        # An orphan: a coding of a code that no longer exists.
        'INSERT INTO codings (uid, doc, start, "end", code, coder, snippet, created_at) '
        "VALUES ('orphan', 1, 0, 5, 999, 1, 'Inter', '2025-01-01')",
    )


def test_check_finds_each_kind_of_damage(study: Path) -> None:
    damage(study)
    report = Project.check_file(study)
    kinds = {p.kind for p in report.problems}
    assert kinds == {"orphan", "counts", "search-index", "events", "coding"}
    mismatched = [p for p in report.problems if p.kind == "coding"]
    assert len(mismatched) == 2  # one-to-five (gone) and Fridays (moved); the others still fit
    assert all(p.repair for p in report.problems if p.kind != "orphan")
    assert not any(p.repair for p in report.problems if p.kind == "orphan")
    result = CliRunner().invoke(main, ["check", str(study), "--json"])
    assert result.exit_code == 1
    assert json.loads(result.output)["ok"] is False


def test_repair_mends_what_it_may_after_a_backup(study: Path) -> None:
    damage(study)
    codings_before = count(study, "codings")
    with Project.open(study) as project:
        repaired = project.repair()
        after = project.check()
        codings = {c["snippet"]: c for c in project.codings("ht.txt")}
        text = project.document("ht.txt").text
        assert project.search("support new teachers")  # the index is whole again
        assert project.memos()  # the memo on the first coding is still there
    assert repaired.backup is not None and Path(repaired.backup).exists()
    assert "before-repair" in repaired.backup and count(Path(repaired.backup), "codings") == 5
    assert (repaired.relocated, repaired.detached) == (1, 1)
    assert count(study, "codings") == codings_before  # nothing deleted
    moved, gone = codings["Fridays"], codings["one-to-five"]
    assert text[moved["start"] : moved["end"]] == "Fridays" and moved["status"] == "ok"
    assert gone["status"] == "detached"
    # What is left is what only a backup can cure: the orphan.
    assert {p.kind for p in after.problems} == {"orphan"}
    assert after.problems == repaired.after.problems
    # The log is append-only again, and the repair is in it.
    conn = sqlite3.connect(study)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE events SET payload = '{}'")
    (payload,) = conn.execute("SELECT payload FROM events WHERE action = 'check.repair'").fetchone()
    conn.close()
    moves = json.loads(payload)["codings"]
    assert {m["status"] for m in moves} == {"ok", "detached"}
    assert all("from" in m and "to" in m for m in moves)


def test_repairing_twice_does_nothing_the_second_time(study: Path) -> None:
    damage(study)
    runner = CliRunner()
    first = runner.invoke(main, ["check", str(study), "--repair"])
    assert first.exit_code == 1  # the orphan remains
    assert "Backup before the repair" in first.output
    second = runner.invoke(main, ["check", str(study), "--repair"])
    assert "Nothing to repair" in second.output


def test_a_damaged_file_is_reported_not_raised_and_never_repaired(study: Path) -> None:
    with Project.open(study) as project:
        project.backup()
    data = bytearray(study.read_bytes())
    page = 4096
    for offset in range(2 * page, len(data) - page, page):  # every page but the first
        data[offset + 100 : offset + 400] = b"\xff" * 300
    study.write_bytes(bytes(data))
    study.with_name(study.name + "-wal").unlink(missing_ok=True)
    report = Project.check_file(study)
    assert not report.ok
    assert report.problems[0].kind in ("integrity", "unreadable")
    assert report.backups  # it points at the way back
    result = CliRunner().invoke(main, ["check", str(study)])
    assert result.exit_code == 1 and "restore" in result.output
    damaged = study.read_bytes()
    with pytest.raises(ProjectError):
        Project.open(study).repair()
    assert study.read_bytes() == damaged


def test_a_missing_file_or_a_newer_one_is_an_error(study: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["check", str(tmp_path / "nope.bsp")])
    assert result.exit_code == 1 and "no such project file" in result.output
    sql(study, "PRAGMA user_version = 99")
    with pytest.raises(ProjectError, match="newer brightspots"):
        Project.check_file(study)
