"""The coded-segment cache agrees with a recount whatever changed the codings, and a
project of schema v1 gains it by migration."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from brightspots.importer import ImportOptions
from brightspots.project import Project
from brightspots.segment import SpacySegmenter
from brightspots.store.migrations import SCHEMA_VERSION
from tests.conftest import HEAD_TEACHER, write


def recount(project: Project, name: str, coder: str | None) -> int:
    view = project.document(name)
    spans = [(c["start"], c["end"]) for c in view.codings if coder in (None, c["coder"])]
    return sum(1 for s in view.segments if any(a < s.end and b > s.start for a, b in spans))


def check(project: Project) -> None:
    for coder in ("ana", "bo"):
        for info in project.documents(coder=coder):
            assert info.coded_segments == recount(project, info.name, None)
            assert info.coded_by_me == recount(project, info.name, coder)


def test_cache_follows_every_kind_of_change(project: Project, tmp_path: Path) -> None:
    path = write(tmp_path / "ht.txt", HEAD_TEACHER)
    project.import_files([path])
    text = project.document("ht.txt").text
    span = (text.index("They come"), text.index("They come") + 9)
    check(project)
    first = project.apply_code("ht.txt", *span, "parent-teacher-contact", "ana")
    project.apply_code("ht.txt", 0, len(text), "context-policy-system", "bo")
    check(project)
    project.remove_coding(first["uid"], "ana")
    check(project)
    project.undo("ana")
    check(project)
    project.merge_codes("parent-teacher-contact", "parents-home-learning", "ana")
    check(project)
    project.remove_code("context-policy-system", "bo", force=True)
    check(project)
    write(path, HEAD_TEACHER.replace("HT: Each", "HT: Well. Each"))  # segments change
    project.import_files([path], ImportOptions())
    check(project)


def test_a_version_1_project_migrates(tmp_path: Path) -> None:
    path = tmp_path / "old.bsp"
    with Project.create(path, segmenter=SpacySegmenter()) as project:
        project.import_files([write(tmp_path / "ht.txt", HEAD_TEACHER)])
        text = project.document("ht.txt").text
        project.apply_code("ht.txt", 0, text.index("\n"), "context-policy-system", "ana")
    conn = sqlite3.connect(path)  # back to how schema v1 left a project
    for statement in (
        "DROP TRIGGER coverage_on_insert",
        "DROP TRIGGER coverage_on_delete",
        "DROP TRIGGER coverage_on_update",
        "DROP TABLE coverage",
        "DROP TABLE coverage_stale",
        "PRAGMA user_version = 1",
    ):
        conn.execute(statement)
    conn.commit()
    conn.close()
    with Project.open(path) as project:
        assert project.store.schema_version() == SCHEMA_VERSION
        assert project.documents()[0].coded_segments == 1
