"""Import: atomic batches, idempotence, changed files keep their codings, and search."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from brightspots.errors import BatchError, MetadataError
from brightspots.importer import ImportCancelled, ImportOptions
from brightspots.project import Project
from tests.conftest import HEAD_TEACHER, write

SHEET = "file,country,school_id,school_group,respondent_role,method,language\n"


def folder_with_files(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    write(root / "ET" / "ht.txt", HEAD_TEACHER)
    write(
        root / "TD" / "directeur.srt",
        "1\n00:00:01,000 --> 00:00:04,000\nEnquêteur : Comment aidez-vous les nouveaux ?\n\n"
        "2\n00:00:04,500 --> 00:00:09,000\nDirecteur : Le conseiller pédagogique vient.\n\n"
        "3\n00:00:09,000 --> 00:00:12,000\nDirecteur : Il observe les leçons.\n",
    )
    write(root / "metadata.csv", SHEET + "TD/directeur.srt,TD,TD-S01,pd,head_teacher,kii,fr\n")
    return root


def snapshot(project: Project) -> bytes:
    """Every row of every ordinary table, hashed: 'unchanged' means exactly that."""
    db = project.store.db
    digest = hashlib.sha256()
    for table in sorted(db.table_names()):
        if table.startswith("segments_fts"):
            continue
        for row in db.execute(f"SELECT * FROM [{table}] ORDER BY 1"):
            digest.update(repr(row).encode())
    return digest.digest()


def test_folder_import_with_sheet_and_front_matter(project: Project, tmp_path: Path) -> None:
    root = folder_with_files(tmp_path)
    report = project.import_files([root], ImportOptions(metadata=root / "metadata.csv"))
    assert sorted(report.added) == ["ET/ht.txt", "TD/directeur.srt"]
    french = project.document("TD/directeur.srt")
    assert french.info.meta.language == "fr" and french.info.meta.country == "TD"
    assert len(french.turns) == 2  # the director's two cues are one turn
    assert french.turns[1].time_start == 4.5 and french.turns[1].time_end == 12.0
    english = project.document("ET/ht.txt")
    assert english.info.meta.school_group == "pd"  # from its front matter
    assert {s.role for s in english.segments} == {"interviewer", "head_teacher"}
    for segment in english.segments:
        assert english.text[segment.start : segment.end] == segment.text
    # full-text search, accents optional
    hits = project.search("pedagogique")
    assert hits and hits[0].document == "TD/directeur.srt"
    assert hits[0].meta.country == "TD"
    assert project.search("pedagogique", {"country": "ET"}) == []
    assert project.documents({"country": "TD"}, text="observe")[0].name == "TD/directeur.srt"


def test_reimport_of_unchanged_files_changes_nothing(project: Project, tmp_path: Path) -> None:
    root = folder_with_files(tmp_path)
    options = ImportOptions(metadata=root / "metadata.csv")
    project.import_files([root], options)
    before = snapshot(project)
    report = project.import_files([root], options)
    assert report.added == [] and len(report.unchanged) == 2
    assert snapshot(project) == before


def test_one_bad_file_imports_nothing(project: Project, tmp_path: Path) -> None:
    root = folder_with_files(tmp_path)
    write(root / "ET" / "broken.vtt", "WEBVTT\n\n00:00:01.000 --> 00:0")
    before = snapshot(project)
    with pytest.raises(BatchError) as caught:
        project.import_files([root], ImportOptions(metadata=root / "metadata.csv"))
    assert "broken.vtt, line 3" in caught.value.message
    assert "--skip-bad" in caught.value.message
    assert snapshot(project) == before and project.documents() == []
    report = project.import_files(
        [root], ImportOptions(metadata=root / "metadata.csv", skip_bad=True)
    )
    assert len(report.added) == 2 and len(report.skipped) == 1


def test_unknown_metadata_value_names_sheet_line(project: Project, tmp_path: Path) -> None:
    root = folder_with_files(tmp_path)
    write(root / "metadata.csv", SHEET + "TD/directeur.srt,TD,TD-S01,pd,chef,kii,fr\n")
    with pytest.raises(BatchError) as caught:
        project.import_files([root], ImportOptions(metadata=root / "metadata.csv"))
    error = caught.value.errors[0]
    assert isinstance(error, MetadataError)
    assert "metadata.csv, line 2: unknown respondent_role 'chef'; valid values:" in error.message


def test_changed_file_keeps_its_codings(project: Project, tmp_path: Path) -> None:
    path = write(tmp_path / "ht.txt", HEAD_TEACHER)
    project.import_files([path])
    sheet = write(
        tmp_path / "codes.csv",
        "document,coder,code,quote\n"
        "ht.txt,ana,mentoring-one-to-five,we call it one-to-five\n"
        "ht.txt,ana,parent-teacher-contact,They come on Fridays.\n",
    )
    assert project.load_codings([sheet]) == (2, 0)
    # The head teacher's answer is edited: a sentence added before, Friday one removed.
    write(
        path,
        HEAD_TEACHER.replace("HT: Each", "HT: Good question. Each").replace(
            "They come on Fridays. ", ""
        ),
    )
    report = project.import_files([path])
    assert report.updated == ["ht.txt"]
    assert (report.codings_moved, report.codings_detached) == (1, 1)
    view = project.document("ht.txt")
    by_code = {c["code"]: c for c in view.codings}
    moved = by_code["mentoring-one-to-five"]
    assert moved["status"] == "ok"
    assert view.text[moved["start"] : moved["end"]] == "we call it one-to-five"  # type: ignore[misc]
    assert by_code["parent-teacher-contact"]["status"] == "detached"  # kept, flagged
    assert project.status().totals["detached_codings"] == 1


def test_same_text_under_another_name_is_not_duplicated(project: Project, tmp_path: Path) -> None:
    first = write(tmp_path / "a" / "ht.txt", HEAD_TEACHER)
    project.import_files([first])
    copy = tmp_path / "b" / "copy.txt"
    copy.parent.mkdir()
    shutil.copy(first, copy)
    report = project.import_files([copy])
    assert report.duplicates == [("copy.txt", "ht.txt")] and report.added == []


def test_metadata_change_updates_only_metadata(project: Project, tmp_path: Path) -> None:
    root = folder_with_files(tmp_path)
    project.import_files([root], ImportOptions(metadata=root / "metadata.csv"))
    write(
        root / "metadata.csv", SHEET + "TD/directeur.srt,TD,TD-S01,comparison,head_teacher,kii,fr\n"
    )
    report = project.import_files([root], ImportOptions(metadata=root / "metadata.csv"))
    assert report.metadata_updated == ["TD/directeur.srt"]
    assert project.document("TD/directeur.srt").info.meta.school_group == "comparison"


def test_survey_sheet_becomes_one_document_per_respondent(project: Project, tmp_path: Path) -> None:
    survey = write(
        tmp_path / "survey.csv",
        "respondent_id,school_id,school_group,O que ajuda?,E os pais?\n"
        "R1,BR-S01,pd,A busca ativa ajuda muito.,Vêm às reuniões.\n"
        "R2,BR-S03,comparison,,Quase nunca vêm.\n"
        "R3,BR-S03,comparison,,\n",
    )
    report = project.import_files(
        [survey],
        ImportOptions(defaults={"country": "BR", "language": "pt", "respondent_role": "teacher"}),
    )
    assert report.added == ["survey.csv#R1", "survey.csv#R2"]  # R3 answered nothing
    view = project.document("survey.csv#R2")
    assert view.info.meta.method == "survey" and view.info.meta.school_group == "comparison"
    assert [t.kind for t in view.turns] == ["prompt", "speech"]
    assert [s.text for s in view.segments] == ["Quase nunca vêm."]
    assert view.segments[0].role == "teacher"


def test_progress_and_cancel(project: Project, tmp_path: Path) -> None:
    root = folder_with_files(tmp_path)
    seen: list[tuple[int, int]] = []
    project.import_files(
        [root],
        ImportOptions(metadata=root / "metadata.csv"),
        progress=lambda done, total, name: seen.append((done, total)),
    )
    assert seen[0] == (0, 2) and seen[-1] == (2, 2)
    with pytest.raises(ImportCancelled):
        project.import_files(
            [root], ImportOptions(metadata=root / "metadata.csv"), cancelled=lambda: True
        )


def test_reference_codings_errors_name_the_row(project: Project, tmp_path: Path) -> None:
    project.import_files([write(tmp_path / "ht.txt", HEAD_TEACHER)])
    sheet = write(
        tmp_path / "c.csv",
        "document,coder,code,quote\n"
        "ht.txt,ana,mentoring-one-to-five,we call it one-to-five\n"
        "ht.txt,ana,mentoring-one-to-five,words nobody said\n",
    )
    with pytest.raises(Exception, match=r"c.csv, line 3: the quote 'words nobody said'"):
        project.load_codings([sheet])
    assert project.status().totals["codings"] == 0  # all or nothing


def test_unchanged_files_are_not_parsed_again(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = folder_with_files(tmp_path)
    options = ImportOptions(metadata=root / "metadata.csv")
    project.import_files([root], options)

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("an unchanged file was parsed again")

    monkeypatch.setattr("brightspots.importer.read_source", refuse)
    assert len(project.import_files([root], options).unchanged) == 2


def test_a_new_alias_reaches_documents_on_reimport(project: Project, tmp_path: Path) -> None:
    path = write(
        tmp_path / "t.txt",
        "I: Vous visitez ?\nChef de zone: Oui, les écoles.\nI: Merci.\nChef de zone: De rien.\n",
    )
    options = ImportOptions(defaults={"country": "TD", "school_id": "TD-S09", "language": "fr"})
    report = project.import_files([path], options)
    assert report.speakers_without_role["Chef de zone"] == 2
    project.add_alias("Chef de zone", "local_official")
    report = project.import_files([path], options)
    assert report.metadata_updated == ["t.txt"]
    assert project.document("t.txt").segments[1].role == "local_official"


def test_a_subfolder_is_named_as_the_sheet_names_it(project: Project, tmp_path: Path) -> None:
    root = folder_with_files(tmp_path)
    report = project.import_files([root / "TD"], ImportOptions(metadata=root / "metadata.csv"))
    assert report.added == ["TD/directeur.srt"]
    report = project.import_files([root], ImportOptions(metadata=root / "metadata.csv"))
    assert report.unchanged == ["TD/directeur.srt"] and report.added == ["ET/ht.txt"]
