"""Code suggestions with a fake embedder: what the ranking learns from (codebook text,
examples, exclusions, feedback, the uncoded corpus), calibration, evidence flags, and the
project workflow (accept, reject, the cache)."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

from brightspots.errors import NotFoundError
from brightspots.models import Annotation, Code, Segment, Turn
from brightspots.project import Project
from brightspots.propagation import Graph, spread
from brightspots.store.migrations import SCHEMA_VERSION
from brightspots.suggester import (
    DEFAULT_CALIBRATION,
    Calibration,
    Example,
    Feedback,
    Passage,
    Suggester,
    SuggestSettings,
    fit_calibration,
)
from brightspots.suggestion import (
    accept_suggestion,
    fit_for_project,
    reject_suggestion,
    review_code,
    suggest_for_project,
    uncoded_passages,
)
from tests.conftest import write
from tests.fakes import FakeEmbedder

CODES = (
    Code(
        id="parents",
        name="Parent involvement",
        definition="parents and mothers come to school meetings and help with homework",
    ),
    Code(
        id="time",
        name="Time on task",
        definition="lessons start on time and teachers are present in class",
    ),
    Code(
        id="mentoring",
        name="Teacher mentoring",
        definition="experienced teachers support and follow new colleagues",
        exclusion="courses and workshops teachers attend outside the school (use `training`)",
    ),
    Code(
        id="training",
        name="External training",
        definition="teachers attend courses and workshops",
    ),
)


def share(suggester: Suggester, text: str, code: str) -> float:
    column = [c.id for c in suggester.codes_].index(code)
    return float(suggester.shares([text])[0, column])


def top(suggester: Suggester, text: str) -> str:
    return suggester.suggest([Passage(text)], top_k=1)[0][0].code


def test_codebook_text_alone_ranks_codes() -> None:
    suggester = Suggester(FakeEmbedder()).fit(CODES)
    assert top(suggester, "the mothers help with homework") == "parents"
    assert top(suggester, "lessons start on time") == "time"
    (best, *others) = suggester.suggest([Passage("mothers help with homework")], top_k=4)[0]
    assert [s.rank for s in (best, *others)] == [1, 2, 3, 4]
    assert best.score > max(s.score for s in others)
    assert best.evidence == "codebook only" and best.low_evidence
    assert suggester.calibration_.method == "default"


def test_examples_teach_a_code_its_description_lacks() -> None:
    codes = (*CODES, Code(id="garden", name="Garden"))
    passage = "goats graze near the river"
    before = Suggester(FakeEmbedder()).fit(codes)
    after = Suggester(FakeEmbedder()).fit(
        codes, [Example("garden", "the goats graze by the river bank")]
    )
    assert top(before, passage) != "garden"
    assert top(after, passage) == "garden"
    assert share(after, passage, "garden") > share(before, passage, "garden")


def test_examples_of_unknown_codes_are_ignored() -> None:
    suggester = Suggester(FakeEmbedder()).fit(CODES, [Example("gone", "some old passage")])
    assert set(suggester.coded_counts_) == {c.id for c in CODES}


def test_exclusion_is_a_negative() -> None:
    passage = "teachers attend workshops outside the school"
    without = (
        *CODES[:2],
        Code(id="mentoring", name="Teacher mentoring", definition=CODES[2].definition),
        CODES[3],
    )
    plain = Suggester(FakeEmbedder()).fit(without)
    excluded = Suggester(FakeEmbedder()).fit(CODES)
    assert share(excluded, passage, "mentoring") < share(plain, passage, "mentoring") / 2
    # A passage about mentoring itself is not pushed away.
    kept = "experienced teachers follow new colleagues"
    assert top(excluded, kept) == "mentoring"


def test_rejections_push_a_code_down_and_acceptances_count_as_evidence() -> None:
    passage = "parents meet the teachers about lessons"
    plain = Suggester(FakeEmbedder()).fit(CODES)
    taught = Suggester(FakeEmbedder()).fit(
        CODES,
        feedback=[
            Feedback("parents", passage, "rejected"),
            Feedback("time", "teachers are present in every lesson", "accepted"),
        ],
    )
    assert share(taught, passage, "parents") < share(plain, passage, "parents") / 2
    assert share(taught, "parents meet the teachers about the lessons", "parents") < share(
        plain, "parents meet the teachers about the lessons", "parents"
    )
    assert taught.coded_counts_["time"] == 1
    assert taught.evidence("time") == ("1 coded passage", True)


def test_evidence_flags_codes_with_few_coded_passages() -> None:
    examples = [Example("parents", f"mothers visit the school, day {i}") for i in range(6)]
    examples.append(Example("time", "the bell rings on time"))
    suggester = Suggester(FakeEmbedder()).fit(CODES, examples)
    assert suggester.evidence("parents") == ("6 coded passages", False)
    assert suggester.evidence("time") == ("1 coded passage", True)
    assert suggester.evidence("training") == ("codebook only", True)
    codebook_examples = (Code(id="a", name="A", examples=("one example",)), Code(id="b", name="B"))
    assert Suggester(FakeEmbedder()).fit(codebook_examples).evidence("a")[0] == "codebook only"


def test_calibration_is_monotone_and_fitted_when_there_is_enough() -> None:
    shares = np.linspace(0.001, 0.999, 50, dtype=np.float32).reshape(1, -1)
    for calibration in (DEFAULT_CALIBRATION, Calibration(2.0, -1.0, "fitted")):
        scores = calibration(shares)[0]
        assert np.all(np.diff(scores) > 0)
        assert 0 < scores[0] < scores[-1] < 1

    rng = np.random.default_rng(0)
    z = rng.normal(size=400)
    right = rng.random(400) < 1 / (1 + np.exp(-(2 * z - 0.5)))
    fitted = fit_calibration(z, right)
    assert fitted.method == "fitted" and fitted.points == 400
    assert fitted.slope == pytest.approx(2.0, abs=0.6)
    assert fit_calibration(z, np.ones(400, bool)) == DEFAULT_CALIBRATION
    assert fit_calibration(z, z < 0) == DEFAULT_CALIBRATION  # a score that falls with z


def test_calibration_is_fitted_on_held_out_coded_passages() -> None:
    topics = {
        "parents": "mothers fathers homework meeting",
        "time": "bell lessons punctual present",
        "mentoring": "experienced colleagues follow support",
        "training": "courses workshops certificate attend",
    }
    rng = np.random.default_rng(1)
    examples = [
        Example(code, " ".join(rng.choice(words.split(), 3)) + f" case {i}")
        for code, words in topics.items()
        for i in range(10)
    ]
    suggester = Suggester(FakeEmbedder()).fit(CODES, examples)
    assert suggester.calibration_.method == "fitted"
    assert suggester.calibration_.slope > 0
    texts = ["mothers homework", "bell punctual", "mothers bell", "courses colleagues"]
    shares = suggester.shares(texts).ravel()
    scores = suggester.scores(texts).ravel()
    order = np.argsort(shares)
    assert np.all(np.diff(scores[order]) >= 0)


def test_pool_spreads_scores_and_fitting_is_deterministic() -> None:
    pool = [f"mothers and goats near the river, day {i}" for i in range(30)]
    pool += [f"goats by the river meadow, week {i}" for i in range(30)]
    settings = SuggestSettings(min_pool=50)
    first = Suggester(FakeEmbedder(), settings).fit(CODES, pool=pool)
    second = Suggester(FakeEmbedder(), settings).fit(CODES, pool=pool)
    assert first.graph_ is not None and len(first.graph_) == 60
    assert float(np.abs(first.centre_).sum()) > 0
    passage = "goats by the river meadow"
    np.testing.assert_array_equal(first.shares([passage]), second.shares([passage]))
    # Nothing in it names parents, but its neighbours in the corpus mention mothers.
    alone = Suggester(FakeEmbedder(), settings).fit(CODES)
    assert share(first, passage, "parents") > share(alone, passage, "parents")


def test_label_spreading_matches_the_dense_formula() -> None:
    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(40, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    graph = Graph.build(vectors, 4)
    dense = np.zeros((40, 40))
    sims = vectors @ vectors.T
    for i, row in enumerate(graph.index):
        for j in row:
            dense[i, j] = max(sims[i, j], 0) / 2
    dense = dense + dense.T
    scale = 1 / np.sqrt(dense.sum(axis=1))
    normalised = dense * scale[:, None] * scale[None, :]
    values = rng.random((40, 3)).astype(np.float32)
    np.testing.assert_allclose(graph.apply(values), normalised @ values, rtol=1e-4, atol=1e-5)
    prior = values / values.sum(axis=1, keepdims=True)
    spread_scores = spread(graph, prior, 0.5)
    np.testing.assert_allclose(spread_scores.sum(axis=1), 1, rtol=1e-5)


def test_review_ranks_passages_for_one_code() -> None:
    suggester = Suggester(FakeEmbedder()).fit(CODES)
    passages = [Passage(t) for t in ("lessons start on time", "mothers help", "workshops")]
    reviewed = suggester.review("parents", passages, limit=2)
    assert reviewed[0].passage.text == "mothers help"
    assert len(reviewed) == 2 and reviewed[0].score >= reviewed[1].score
    assert reviewed[0].rank == 1


def test_a_codebook_is_needed() -> None:
    with pytest.raises(ValueError, match="at least one code"):
        Suggester(FakeEmbedder()).fit(())


# --- on a project ------------------------------------------------------------------------


class SentenceSegmenter:
    """Sentences by punctuation: enough for these tests, without loading spaCy."""

    def segment(
        self,
        text: str,
        turns: Sequence[Turn],
        annotations: Sequence[Annotation],
        language: str,
    ) -> tuple[Segment, ...]:
        found: list[Segment] = []
        for turn in turns:
            if turn.kind != "speech":
                continue
            for match in re.finditer(r"[^.!?\s][^.!?]*[.!?]?", text[turn.start : turn.end]):
                start = turn.start + match.start()
                end = turn.start + match.end()
                found.append(Segment(len(found), start, end, turn.index, text[start:end]))
        return tuple(found)


TRANSCRIPT = """---
country: ET
school_id: ET-S01
school_group: pd
respondent_role: head_teacher
method: kii
language: en
---
Interviewer: How do parents take part?
HT: Mothers come to the school meetings. They help with homework. Lessons start on time.
Interviewer: And the teachers?
HT: Experienced teachers follow the new colleagues. Some attend workshops in town.
"""


@pytest.fixture
def study(tmp_path: Path) -> Iterator[Project]:
    with Project.create(tmp_path / "study.bsp", segmenter=SentenceSegmenter()) as project:
        project.import_files([write(tmp_path / "files" / "ht.txt", TRANSCRIPT)])
        yield project


def test_suggest_accept_and_reject_on_a_project(study: Project) -> None:
    store = study.store
    fake = FakeEmbedder()
    passages = uncoded_passages(store)
    assert "Mothers come to the school meetings." in [p.text for p in passages]
    suggestions = suggest_for_project(store, fake, top_k=2)
    assert {s.passage for s in suggestions} == set(passages)
    assert all(s.passage.document == "ht.txt" for s in suggestions)

    mothers = next(s for s in suggestions if s.passage.text.startswith("Mothers") and s.rank == 1)
    coding = accept_suggestion(store, mothers, "ana")
    assert coding["origin"] == "suggestion" and coding["coder"] == "ana"
    assert store.list_feedback()[0]["verdict"] == "accepted"
    assert study.undo("ana") is not None  # an accepted suggestion is an ordinary coding
    assert study.redo("ana") is not None

    lessons = next(s for s in suggestions if s.passage.text.startswith("Lessons"))
    reject_suggestion(store, lessons, "ana")
    again = suggest_for_project(store, fake, top_k=100)
    assert mothers.passage not in {s.passage for s in again}  # coded now
    pairs = {(s.passage, s.code) for s in again}
    assert (lessons.passage, lessons.code) not in pairs
    theirs = suggest_for_project(store, fake, coders=["bo"], top_k=100)
    assert (lessons.passage, lessons.code) in {(s.passage, s.code) for s in theirs}
    actions = [row[0] for row in store.db.execute("SELECT action FROM events")]
    assert "suggestion.reject" in actions and "suggestion.accept" in actions


def test_project_suggestions_use_the_cache_and_learn_from_codings(study: Project) -> None:
    store = study.store
    fake = FakeEmbedder()
    fit_for_project(store, fake)
    assert fake.embedded  # the codebook and the uncoded segments
    fake.calls.clear()
    first = fit_for_project(store, fake)
    assert fake.calls == []  # everything came from the cache
    assert {first.evidence(c.id) for c in first.codes_} == {("codebook only", True)}

    code = first.codes_[0].id
    text = study.document("ht.txt").text
    start = text.index("Some attend")
    study.apply_code("ht.txt", start, text.index(".", start) + 1, code, "ana")
    learned = fit_for_project(store, fake)
    assert learned.coded_counts_[code] == 1
    assert fake.embedded == []  # the coded passage was an uncoded segment, hence cached

    reviewed = review_code(store, fake, first.codes_[1].name, limit=3, suggester=learned)
    assert len(reviewed) == 3
    assert all(s.code == first.codes_[1].id for s in reviewed)
    assert [s.score for s in reviewed] == sorted((s.score for s in reviewed), reverse=True)


def test_schema_v3_adds_the_feedback_table(tmp_path: Path) -> None:
    path = tmp_path / "old.bsp"
    Project.create(path, empty=True).close()
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE suggestion_feedback")
    conn.execute("PRAGMA user_version = 2")
    conn.commit()
    conn.close()
    with Project.open(path) as project:
        assert project.store.schema_version() == SCHEMA_VERSION >= 3
        assert project.store.list_feedback() == []


def test_the_project_facade_suggests_with_its_embedder(tmp_path: Path) -> None:
    path = tmp_path / "facade.bsp"
    with Project.create(path, segmenter=SentenceSegmenter()) as project:
        project.import_files([write(tmp_path / "files" / "ht.txt", TRANSCRIPT)])
    fake = FakeEmbedder()
    with Project.open(path, embedder=fake) as project:
        fitted = project.fit_suggester()
        suggestions = project.suggest(["ht.txt"], suggester=fitted, top_k=1)
        assert suggestions and all(s.rank == 1 for s in suggestions)
        with pytest.raises(NotFoundError, match="no document named 'nope"):
            project.suggest(["nope.txt"], suggester=fitted)
        project.reject_suggestion(suggestions[0], "ana")
        assert [f["verdict"] for f in project.suggestion_feedback()] == ["rejected"]
        assert project.embed(["Mothers come."]).shape == (1, fake.dimension)
