"""Projects the workbench tests open."""

from __future__ import annotations

from pathlib import Path

import pytest

from brightspots.importer import ImportOptions
from brightspots.project import Project
from brightspots.segment import SpacySegmenter
from tests.conftest import HEAD_TEACHER, write
from tests.fakes import FakeEmbedder
from tests.unit.test_themes import DOCUMENTS, SMALL, transcript

TEACHER = """Interviewer: What helps you teach?
Teacher: My mentor visits me and we plan together. The one-to-five group meets weekly.
"""


@pytest.fixture
def two_schools(tmp_path: Path, segmenter: SpacySegmenter) -> Path:
    """A PD head teacher in Ethiopia and a comparison teacher in Chad, both coded."""
    path = tmp_path / "study.bsp"
    teacher = write(tmp_path / "TD" / "teacher.txt", TEACHER)
    with Project.create(path, segmenter=segmenter) as project:
        project.import_files([write(tmp_path / "ET" / "ht.txt", HEAD_TEACHER)])
        project.import_files(
            [teacher],
            ImportOptions(
                defaults={
                    "country": "TD",
                    "school_id": "TD-S02",
                    "school_group": "comparison",
                    "respondent_role": "teacher",
                    "method": "kii",
                }
            ),
        )
        for name, words in (("ht.txt", "Each strong teacher"), ("teacher.txt", "The one-to-five")):
            text = project.document(name).text
            start = text.index(words)
            end = text.index(".", start) + 1
            project.apply_code(name, start, end, "mentoring-one-to-five", "ana")
        text = project.document("teacher.txt").text
        start = text.index("My mentor")
        project.apply_code("teacher.txt", start, start + 16, "mentoring-new-teachers", "ben")
    return path


@pytest.fixture
def study(tmp_path: Path, segmenter: SpacySegmenter) -> Path:
    path = tmp_path / "study.bsp"
    with Project.create(path, segmenter=segmenter) as project:
        project.import_files([write(tmp_path / "ht.txt", HEAD_TEACHER)])
    return path


@pytest.fixture
def themed(tmp_path: Path, segmenter: SpacySegmenter) -> Path:
    """Four head-teacher interviews about homework, punctuality and football, with a
    saved run of candidate themes."""
    path = tmp_path / "themed.bsp"
    with Project.create(path, empty=True, segmenter=segmenter) as project:
        files = [
            write(tmp_path / "files" / f"{country}-{i}.txt", transcript(i, country, group))
            for i, (country, group) in enumerate(DOCUMENTS)
        ]
        project.import_files(files)
        project.add_code("Parent involvement", "ana", definition="parents help with homework")
    with Project.open(path, segmenter=segmenter, embedder=FakeEmbedder()) as project:
        assert len(project.themes(settings=SMALL).themes) == 3
        # a fixed time, so that snapshots of the screen do not change with the clock
        project.store.db.execute(
            "UPDATE theme_runs SET result = json_set(result, '$.created_at', ?)",
            ["2026-11-23T09:30:00+00:00"],
        )
    return path
