"""The shipped sample corpus imports whole, with every speaker's role known."""

from __future__ import annotations

from collections import Counter

import pytest

from brightspots.importer import ImportOptions
from brightspots.project import Project
from brightspots.segment import SpacySegmenter
from tests.conftest import SAMPLE


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Project:
    path = tmp_path_factory.mktemp("sample") / "sample.bsp"
    project = Project.create(path, segmenter=SpacySegmenter())
    report = project.import_files([SAMPLE], ImportOptions(metadata=SAMPLE / "metadata.csv"))
    assert report.skipped == [] and report.unused_metadata_rows == []
    assert not report.speakers_without_role, report.speakers_without_role
    return project


def test_sample_corpus_shape(sample: Project) -> None:
    documents = sample.documents()
    transcripts = {d.name.split("#")[0] for d in documents if d.meta.method != "survey"}
    assert len(transcripts) >= 60
    assert len({d.meta.country for d in documents}) >= 6
    assert {d.meta.language for d in documents} >= {"en", "fr", "pt"}
    schools = {
        (d.meta.country, d.meta.school_id, d.meta.school_group)
        for d in documents
        if d.meta.method != "survey"
    }
    groups = Counter(group for _, _, group in schools)
    assert len(schools) >= 24 and groups["pd"] == groups["comparison"]
    assert len({d.format for d in documents}) >= 4
    methods = {d.meta.method for d in documents}
    assert {"kii", "fgd", "classroom_observation", "survey"} <= methods
    assert any(d.meta.territory == "Zanzibar" for d in documents)


def test_every_segment_is_exact_text(sample: Project) -> None:
    for info in sample.documents():
        view = sample.document(info.name)
        assert view.segments, info.name
        for segment in view.segments:
            assert view.text[segment.start : segment.end] == segment.text


def test_reference_codings_load(sample: Project) -> None:
    files = sorted((SAMPLE.parent / "sample-codings").glob("*.csv"))
    if not files:
        pytest.fail("corpora/sample-codings/ holds no reference codings")
    added, _ = sample.load_codings(files)
    coders = sample.store.list_coders()
    assert {"ref-a", "ref-b"} <= set(coders)
    documents = sample.documents()
    assert all(d.coded_segments > 0 for d in documents if "#" not in d.name)
    second = sample.store.db.execute(
        "SELECT count(DISTINCT doc) FROM codings c JOIN coders p ON p.num = c.coder "
        "WHERE p.name = 'ref-b'"
    ).fetchone()[0]
    assert second >= 10 and added > 500


def test_unchanged_reimport_of_the_sample(sample: Project) -> None:
    report = sample.import_files([SAMPLE], ImportOptions(metadata=SAMPLE / "metadata.csv"))
    assert report.added == [] and report.updated == [] and len(report.unchanged) == 85
