"""Coding actions: every one saved at once, undoable and redoable by its coder, also after
the project was closed and opened again."""

from __future__ import annotations

from pathlib import Path

import pytest

from brightspots.errors import ConflictError, InputError, NotFoundError
from brightspots.project import Project
from brightspots.segment import SpacySegmenter
from tests.conftest import HEAD_TEACHER, write


@pytest.fixture
def coded(project: Project, tmp_path: Path) -> Project:
    project.import_files([write(tmp_path / "ht.txt", HEAD_TEACHER)])
    return project


def snapshot(project: Project) -> tuple[object, ...]:
    """The project's coding content, by uid: what undo must restore exactly (integer row
    numbers and the events log are allowed to differ)."""
    db = project.store.db
    codes = db.execute(
        "SELECT c.uid, c.key, c.name, p.uid, c.definition, c.inclusion, c.exclusion, "
        "c.examples, c.colour, c.shortcut, c.position, c.created_at FROM codes c "
        "LEFT JOIN codes p ON p.num = c.parent ORDER BY c.uid"
    ).fetchall()
    mapping = db.execute(
        "SELECT c.uid, f.key FROM code_practices m JOIN codes c ON c.num = m.code "
        "JOIN framework_items f ON f.num = m.practice ORDER BY 1, 2"
    ).fetchall()
    codings = db.execute(
        'SELECT g.uid, d.uid, g.start, g."end", k.uid, p.name, g.snippet, g.origin, g.status, '
        "g.created_at FROM codings g JOIN documents d ON d.num = g.doc "
        "JOIN codes k ON k.num = g.code JOIN coders p ON p.num = g.coder ORDER BY g.uid"
    ).fetchall()
    memos = sorted(tuple(m.items()) for m in project.store.list_memos())
    return codes, mapping, codings, memos


def span_of(project: Project, words: str) -> tuple[int, int]:
    text = project.document("ht.txt").text
    start = text.index(words)
    return start, start + len(words)


def codings(project: Project) -> list[tuple[str, str, str]]:
    return [(c["code"], c["snippet"], c["coder"]) for c in project.document("ht.txt").codings]


def test_apply_a_code_to_part_of_a_sentence(coded: Project) -> None:
    start, end = span_of(coded, "we call it one-to-five")
    coding = coded.apply_code("ht.txt", start - 1, end, "mentoring-one-to-five", "ana")
    assert coding["snippet"] == "we call it one-to-five"  # the spaces around are left out
    assert codings(coded) == [("mentoring-one-to-five", "we call it one-to-five", "ana")]
    again = coded.apply_code("ht.txt", start, end, "mentoring-one-to-five", "ana")
    assert again["uid"] == coding["uid"] and len(codings(coded)) == 1


def test_undo_and_redo_survive_a_restart(coded: Project, tmp_path: Path) -> None:
    start, end = span_of(coded, "They come on Fridays.")
    coding = coded.apply_code("ht.txt", start, end, "parent-teacher-contact", "ana")
    coded.remove_coding(coding["uid"], "ana")
    assert codings(coded) == []
    path = coded.store.path
    coded.close()
    with Project.open(path, segmenter=SpacySegmenter()) as reopened:
        step = reopened.undo("ana")
        assert step is not None and step.action == "coding.remove"
        assert codings(reopened) == [("parent-teacher-contact", "They come on Fridays.", "ana")]
        assert reopened.undo("ana") is not None  # the apply itself
        assert codings(reopened) == [] and reopened.undo("ana") is None
    with Project.open(path, segmenter=SpacySegmenter()) as again:
        assert again.redo("ana") is not None
        assert len(codings(again)) == 1
        assert again.redo("ana") is not None and codings(again) == []
        assert again.redo("ana") is None


def test_a_new_action_clears_redo_and_coders_have_their_own_history(coded: Project) -> None:
    a = span_of(coded, "They come on Fridays.")
    b = span_of(coded, "Some of them, not all.")
    coded.apply_code("ht.txt", *a, "parent-teacher-contact", "ana")
    coded.apply_code("ht.txt", *b, "parent-teacher-contact", "bo")
    coded.undo("ana")
    assert codings(coded) == [("parent-teacher-contact", "Some of them, not all.", "bo")]
    coded.apply_code("ht.txt", *a, "parents-home-learning", "ana")
    assert coded.redo("ana") is None
    done, undone = coded.history("ana")
    assert [s.describe() for s in done] == [
        "coded “They come on Fridays.” as parents-home-learning"
    ] and undone == []


def test_memos_on_segment_document_and_code(coded: Project) -> None:
    start, end = span_of(coded, "It works.")
    memo = coded.add_memo("segment", "Check with the teachers' FGD.", "ana",
                          document="ht.txt", start=start, end=end)  # fmt: skip
    coded.add_memo("document", "Interview cut short by the bell.", "ana", document="ht.txt")
    coded.add_memo("code", "Often hedged in ET.", "ana", code="mentoring-one-to-five")
    assert [m["text"] for m in coded.memos(document="ht.txt")] == [
        "Interview cut short by the bell.",
        "Check with the teachers' FGD.",
    ]
    coded.edit_memo(memo["uid"], "Check with the teachers' focus group.", "ana")
    coded.remove_memo(memo["uid"], "ana")
    assert len(coded.memos(document="ht.txt")) == 1
    coded.undo("ana")
    coded.undo("ana")
    texts = [m["text"] for m in coded.memos(document="ht.txt")]
    assert "Check with the teachers' FGD." in texts
    assert [m["text"] for m in coded.memos(code="mentoring-one-to-five")] == ["Often hedged in ET."]


def test_codebook_edits_are_undoable(coded: Project) -> None:
    before = snapshot(coded)
    new = coded.add_code("Teacher home visits", "ana", practices=["p09-parental-engagement"],
                         definition="Teachers visit pupils' homes.")  # fmt: skip
    assert new["key"] == "teacher-home-visits"
    coded.edit_code("teacher-home-visits", "ana", name="Home visits by teachers",
                    parent="parent-teacher-contact", colour="#aa3377")  # fmt: skip
    code = coded.store.get_code("teacher-home-visits")
    assert code is not None and code["name"] == "Home visits by teachers"
    assert code["parent"] == coded.store.get_code("parent-teacher-contact")["uid"]  # type: ignore[index]
    with pytest.raises(InputError, match="own descendant"):
        coded.edit_code("parent-teacher-contact", "ana", parent="teacher-home-visits")
    with pytest.raises(InputError, match="already a code named"):
        coded.edit_code("teacher-home-visits", "ana", name="Positive discipline")
    with pytest.raises(InputError, match="no practice p99"):
        coded.add_code("Other", "ana", practices=["p99"])
    coded.undo("ana")
    coded.undo("ana")
    assert snapshot(coded) == before


def test_merge_moves_codings_and_undo_restores_everything(coded: Project) -> None:
    a = span_of(coded, "They come on Fridays.")
    b = span_of(coded, "Some of them, not all.")
    coded.apply_code("ht.txt", *a, "parents-home-learning", "ana")
    coded.apply_code("ht.txt", *b, "parents-home-learning", "ana")
    coded.apply_code("ht.txt", *a, "parent-teacher-contact", "ana")  # same span on the target
    coded.add_memo("code", "Merge candidate.", "ana", code="parents-home-learning")
    before = snapshot(coded)
    moved = coded.merge_codes("parents-home-learning", "parent-teacher-contact", "ana")
    assert moved == 1
    assert sorted(codings(coded)) == [
        ("parent-teacher-contact", "Some of them, not all.", "ana"),
        ("parent-teacher-contact", "They come on Fridays.", "ana"),
    ]
    assert coded.store.get_code("parents-home-learning") is None
    assert coded.memos(code="parent-teacher-contact")[0]["text"] == "Merge candidate."
    coded.undo("ana")
    assert snapshot(coded) == before
    coded.redo("ana")
    assert coded.store.get_code("parents-home-learning") is None


def test_delete_is_refused_while_codings_exist(coded: Project) -> None:
    coded.apply_code("ht.txt", *span_of(coded, "It works."), "mentoring-one-to-five", "ana")
    before = snapshot(coded)
    with pytest.raises(InputError, match="has 1 coding"):
        coded.remove_code("mentoring-one-to-five", "ana")
    assert coded.remove_code("mentoring-one-to-five", "ana", force=True) == 1
    assert codings(coded) == []
    coded.undo("ana")
    assert snapshot(coded) == before


def test_bad_actions_say_what_is_wrong(coded: Project) -> None:
    with pytest.raises(NotFoundError, match="no code 'nope'"):
        coded.apply_code("ht.txt", 0, 5, "nope", "ana")
    with pytest.raises(InputError, match="outside"):
        coded.apply_code("ht.txt", 0, 10**6, "mentoring-one-to-five", "ana")
    start = coded.document("ht.txt").text.index("\n\n")
    with pytest.raises(InputError, match="only spaces"):
        coded.apply_code("ht.txt", start, start + 2, "mentoring-one-to-five", "ana")
    with pytest.raises(NotFoundError):
        coded.apply_code("missing.txt", 0, 5, "mentoring-one-to-five", "ana")
    # capitals and digits are the workbench's keys (A accepts a suggestion, 1-9 recent codes)
    for shortcut in ("A", "7", "ab"):
        with pytest.raises(InputError, match="one lowercase letter"):
            coded.add_code("Shouting", "ana", shortcut=shortcut)


def test_a_new_code_can_sit_under_a_parent_given_by_key(coded: Project) -> None:
    child = coded.add_code("Weekly one-to-five", "ana", parent="mentoring-one-to-five")
    stored = coded.store.get_code(child["key"])
    assert stored is not None
    parent = coded.store.get_code("mentoring-one-to-five")
    assert parent is not None and stored["parent"] == parent["uid"]
    # a tuple of examples is the same as a list: no empty edit is recorded
    coded.edit_code(child["key"], "ana", examples=("a",))
    steps, _ = coded.history("ana")
    coded.edit_code(child["key"], "ana", examples=("a",), name="  Weekly one-to-five ")
    assert coded.history("ana")[0] == steps


def test_undo_that_others_have_built_on_is_refused_and_changes_nothing(coded: Project) -> None:
    code = coded.add_code("Parent visits", "ana")
    text = coded.document("ht.txt").text
    start = text.index("They come")
    coded.apply_code("ht.txt", start, start + 9, code["key"], "bo")
    before = snapshot(coded)
    with pytest.raises(ConflictError, match="cannot undo"):
        coded.undo("ana")  # bo has coded with the code ana would remove
    assert snapshot(coded) == before
    assert coded.undo("bo") is not None  # bo's own step still undoes
    assert coded.undo("ana") is not None  # and then ana's can
