"""Malformed input of every kind: a clear error naming the file, and the project unchanged."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from brightspots.errors import BrightspotsError, InputError
from brightspots.importer import ImportOptions
from brightspots.project import Project
from tests.conftest import HEAD_TEACHER, write
from tests.integration.test_import import snapshot

GARBAGE = bytes(range(256)) * 8 + os.urandom(512)


def xlsx(path: Path, rows: list[list[str]]) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


CASES: dict[str, Callable[[Path], tuple[Path, ImportOptions]]] = {
    "truncated vtt": lambda d: (write(d / "a.vtt", "WEBVTT\n\n1\n00:00:01.000 --> 00:0"), None),
    "vtt cue without text": lambda d: (
        write(
            d / "a.vtt",
            "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHT: Hello.\n\n"
            "00:00:02.000 --> 00:00:03.000\n",
        ),
        None,
    ),
    "srt broken timing": lambda d: (write(d / "a.srt", "1\n00:00:01 -> 00:00:02\nHi\n"), None),
    "wrong encoding": lambda d: (d / "a.txt", None),
    "empty file": lambda d: (write(d / "a.txt", ""), None),
    "binary garbage txt": lambda d: (d / "g.txt", None),
    "binary garbage docx": lambda d: (d / "g.docx", None),
    "binary garbage xlsx": lambda d: (d / "g.xlsx", None),
    "binary garbage json": lambda d: (d / "g.json", None),
    "json without segments": lambda d: (write(d / "a.json", '{"text": "hi"}'), None),
    "survey xlsx missing id column": lambda d: (
        xlsx(d / "s.xlsx", [["school_id", "What helps?"], ["S1", "Reading groups."]]),
        None,
    ),
    "metadata xlsx missing file column": lambda d: (
        write(d / "ok.txt", HEAD_TEACHER),
        ImportOptions(metadata=xlsx(d / "m.xlsx", [["country", "school_id"], ["ET", "S1"]])),
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_input_changes_nothing(project: Project, tmp_path: Path, case: str) -> None:
    (tmp_path / "a.txt").write_bytes("Directeur : l’école a été fermée".encode("cp1252"))
    for name in ("g.txt", "g.docx", "g.xlsx", "g.json"):
        (tmp_path / name).write_bytes(GARBAGE)
    project.import_files([write(tmp_path / "good" / "ht.txt", HEAD_TEACHER)])
    before = snapshot(project)
    path, options = CASES[case](tmp_path)
    with pytest.raises(BrightspotsError) as caught:
        project.import_files(
            [path, tmp_path / "good" / "ht.txt"], options or ImportOptions(defaults=BASE)
        )
    assert path.name in caught.value.message or "m.xlsx" in caught.value.message
    assert snapshot(project) == before


BASE = {"country": "ET", "school_id": "ET-S01"}


def test_wrong_encoding_is_explained_and_can_be_given(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes("Directeur : l’école a été fermée.".encode("cp1252"))
    with pytest.raises(BrightspotsError, match="--encoding cp1252"):
        project.import_files([path], ImportOptions(defaults=BASE))
    report = project.import_files([path], ImportOptions(defaults=BASE, encoding="cp1252"))
    assert "l’école a été fermée" in project.document(report.added[0]).text


def test_codebook_with_a_cycle_changes_nothing(project: Project, tmp_path: Path) -> None:
    before = snapshot(project)
    bad = write(
        tmp_path / "c.yaml",
        "kind: codebook\nid: c\nname: C\nframework: dms\ncodes:\n"
        "  - {id: a, name: A, parent: b}\n  - {id: b, name: B, parent: a}\n",
    )
    with pytest.raises(InputError, match=r"c.yaml, line \d+: parent cycle"):
        project.load_codebook(bad)
    assert snapshot(project) == before


def test_bad_codebook_creates_no_project(tmp_path: Path) -> None:
    bad = write(tmp_path / "c.yaml", "kind: codebook\ncodes: []\n")
    with pytest.raises(InputError):
        Project.create(tmp_path / "p.bsp", codebook=bad)
    assert not (tmp_path / "p.bsp").exists()
