"""The workbench driven by real key presses (Textual's Pilot); assertions read the store."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

from textual.pilot import Pilot

from brightspots.embedding import Embedder
from brightspots.importer import ImportOptions
from brightspots.project import Project
from brightspots.tui.app import CODER_KEY, WorkbenchApp
from brightspots.tui.screens.coding import CodingScreen
from brightspots.tui.widgets.table import RowTable
from brightspots.tui.widgets.transcript import TranscriptView
from tests.conftest import HEAD_TEACHER, write
from tests.fakes import FakeEmbedder

SIZE = (120, 36)


def drive(path: Path, script: Callable[[Pilot[None], WorkbenchApp], Awaitable[None]],
          coder: str | None = "ana", blind: bool = False,
          embedder: Embedder | None = None) -> None:  # fmt: skip
    # The fake embedder: a test that shows suggestions never loads the real model.
    project = Project.open(path, embedder=embedder or FakeEmbedder())
    app = WorkbenchApp(project, coder, blind)

    async def run() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await script(pilot, app)

    try:
        asyncio.run(run())
    finally:
        project.close()


def stored(path: Path) -> list[tuple[str, str, str]]:
    with Project.open(path) as project:
        return [(c["code"], c["snippet"], c["coder"]) for c in project.document("ht.txt").codings]


async def open_document(pilot: Pilot[None]) -> TranscriptView:
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, CodingScreen)
    return pilot.app.screen.query_one(TranscriptView)


async def pick(pilot: Pilot[None], words: str) -> None:
    await pilot.press("enter")
    await pilot.pause()
    await pilot.press(*words)
    await pilot.press("enter")
    await pilot.pause()


def test_code_a_sentence_with_the_picker(study: Path) -> None:
    async def script(pilot: Pilot[None], app: WorkbenchApp) -> None:
        transcript = await open_document(pilot)
        await pilot.press("j")  # the head teacher's one-to-five sentence
        assert "one-to-five" in transcript.view.segments[transcript.cursor].text
        await pick(pilot, "one-to-five")

    drive(study, script)
    assert stored(study) == [(
        "mentoring-one-to-five",
        "Each strong teacher takes five others, we call it one-to-five.",
        "ana",
    )]  # fmt: skip


def test_narrow_to_part_of_a_sentence_then_undo_and_redo(study: Path) -> None:
    async def script(pilot: Pilot[None], app: WorkbenchApp) -> None:
        await open_document(pilot)
        await pilot.press("j")
        await pilot.press("right_curly_bracket", "right_curly_bracket")  # start two words on
        await pick(pilot, "one-to-five")
        await pilot.press("u")
        await pilot.pause()
        assert stored(study) == []
        await pilot.press("ctrl+r")
        await pilot.pause()

    drive(study, script)
    assert stored(study) == [(
        "mentoring-one-to-five", "teacher takes five others, we call it one-to-five.", "ana"
    )]  # fmt: skip


def test_extend_across_segments_repeat_recent_and_shortcut(study: Path) -> None:
    async def script(pilot: Pilot[None], app: WorkbenchApp) -> None:
        await open_document(pilot)
        await pilot.press("G")  # last segment: "Some of them, not all."
        await pilot.press("K")  # extend up to "They come on Fridays."
        await pick(pilot, "parent teacher contact")
        await pilot.press("k", "k", "k")
        await pilot.press("period")  # repeat the last code
        await pilot.press("g", "1")  # recent code 1 on the first segment
        await pilot.press("m")  # the codebook's shortcut letter for one-to-five mentoring
        await pilot.pause()

    drive(study, script)
    codings = stored(study)
    assert (
        "parent-teacher-contact",
        "They come on Fridays. Some of them, not all.",
        "ana",
    ) in codings
    assert len([c for c in codings if c[0] == "parent-teacher-contact"]) == 3
    assert any(c[0] == "mentoring-one-to-five" for c in codings)


def test_remove_a_code_and_undo_after_a_restart(study: Path) -> None:
    async def code_then_remove(pilot: Pilot[None], app: WorkbenchApp) -> None:
        await open_document(pilot)
        await pilot.press("j")
        await pick(pilot, "one-to-five")
        await pilot.press("x")
        await pilot.pause()
        assert stored(study) == []

    drive(study, code_then_remove)

    async def undo_later(pilot: Pilot[None], app: WorkbenchApp) -> None:
        await open_document(pilot)
        await pilot.press("u")
        await pilot.pause()

    drive(study, undo_later)
    assert [c[0] for c in stored(study)] == ["mentoring-one-to-five"]


def test_blind_mode_hides_other_coders(study: Path) -> None:
    with Project.open(study) as project:
        text = project.document("ht.txt").text
        start = text.index("They come")
        project.apply_code("ht.txt", start, start + 9, "parent-teacher-contact", "bo")

    seen: dict[str, int] = {}

    async def script(pilot: Pilot[None], app: WorkbenchApp) -> None:
        transcript = await open_document(pilot)
        seen["codings"] = len(transcript.codings)

    drive(study, script, blind=True)
    assert seen["codings"] == 0
    drive(study, script, blind=False)
    assert seen["codings"] == 1


def test_the_coder_is_asked_once_and_remembered(study: Path) -> None:
    async def script(pilot: Pilot[None], app: WorkbenchApp) -> None:
        await pilot.press(*"zoe", "enter")
        await pilot.pause()

    drive(study, script, coder=None)
    with Project.open(study) as project:
        assert project.store.get_meta(CODER_KEY) == "zoe"
    assert WorkbenchApp(Project.open(study)).coder == "zoe"


def test_documents_filter(study: Path, tmp_path: Path) -> None:
    with Project.open(study) as project:
        project.import_files(
            [
                write(
                    tmp_path / "other.txt",
                    HEAD_TEACHER.replace("country: ET", "country: TD")
                    .replace("ET-S01", "TD-S02")
                    .replace("one", "un"),
                )
            ]
        )

    async def script(pilot: Pilot[None], app: WorkbenchApp) -> None:
        await pilot.press("slash", *"TD")
        await pilot.pause()
        table = app.screen.query_one("#documents-table")
        assert table.row_count == 1  # type: ignore[attr-defined]

    drive(study, script)


def test_memo_on_the_selection_then_edit_and_undo(study: Path) -> None:
    async def script(pilot: Pilot[None], app: WorkbenchApp) -> None:
        transcript = await open_document(pilot)
        await pilot.press("j", "M")
        await pilot.pause()
        await pilot.press(*"Ask the teachers", "ctrl+s")
        await pilot.pause()
        assert "✎" in transcript._margin(1)
        assert "Ask the teachers" in str(app.screen.query_one("#memos").render())
        await pilot.press("M")
        await pilot.pause()
        await pilot.press(*" too", "ctrl+s")
        await pilot.pause()

    drive(study, script)
    with Project.open(study) as project:
        memos = project.memos(document="ht.txt")
        assert [(m["target"], m["text"], m["coder"]) for m in memos] == [
            ("segment", "Ask the teachers too", "ana")
        ]
        project.undo("ana")
        assert project.memos(document="ht.txt")[0]["text"] == "Ask the teachers"


def test_find_in_the_document_ignores_case_and_accents(study: Path) -> None:
    async def script(pilot: Pilot[None], app: WorkbenchApp) -> None:
        transcript = await open_document(pilot)
        await pilot.press("slash")
        await pilot.pause()
        await pilot.press(*"FRIDAYS", "enter")
        await pilot.pause()
        assert transcript.view.segments[transcript.cursor].text == "They come on Fridays."

    drive(study, script)


def test_help_lists_the_keys_of_the_screen(study: Path) -> None:
    async def script(pilot: Pilot[None], app: WorkbenchApp) -> None:
        await open_document(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        text = str(app.screen.query_one("#help Static").render())
        for words in ("Undo", "Memo", "Find", "Next uncoded", "recent code"):
            assert words in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)

    drive(study, script)


def test_the_command_palette_offers_every_action_of_the_screen(study: Path) -> None:
    async def script(pilot: Pilot[None], app: WorkbenchApp) -> None:
        await open_document(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for action in ("Code", "Undo", "Memo", "Next uncoded", "Retrieve", "Codebook", "Keys"):
            assert action in titles
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"next uncoded")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        assert app.screen.query_one(TranscriptView).cursor > 0

    drive(study, script)


def test_memos_on_the_document_and_on_a_code_show_where_they_belong(study: Path) -> None:
    async def script(pilot: Pilot[None], app: WorkbenchApp) -> None:
        await open_document(pilot)
        await pilot.press("D")
        await pilot.pause()
        await pilot.press(*"Recorded outdoors", "ctrl+s")
        await pilot.pause()
        # a document memo is shown beside every segment
        await pilot.press("G")
        await pilot.pause()
        assert "Recorded outdoors" in str(app.screen.query_one("#memos").render())
        # a code memo, written in the codebook editor, shows with the code's definition
        await pilot.press("C")
        await pilot.pause()
        await pilot.press("down", "down", "down", "n")
        await pilot.pause()
        await pilot.press(*"Check the ratio", "ctrl+s")
        await pilot.pause()
        assert "Check the ratio" in str(app.screen.query_one("#codebook-details").render())
        await pilot.press("q", "tab", "down", "space", "down", "space", "down")
        await pilot.pause()
        assert "Check the ratio" in str(app.screen.query_one("#code-details").render())

    drive(study, script)
    with Project.open(study) as project:
        assert [m["text"] for m in project.memos(code="mentoring-one-to-five")] == [
            "Check the ratio"
        ]
        assert [m["target"] for m in project.memos(document="ht.txt")] == ["document"]


def test_documents_containing_words(study: Path, tmp_path: Path) -> None:
    with Project.open(study) as project:
        other = write(tmp_path / "other.txt", "Interviewer: Hello?\nTeacher: We plant trees.\n")
        project.import_files([other], ImportOptions(defaults={"country": "TD", "school_id": "X"}))

    async def script(pilot: Pilot[None], app: WorkbenchApp) -> None:
        await pilot.press("t")
        await pilot.pause()
        await pilot.press(*"fridays", "enter")
        await pilot.pause()
        assert [r[0] for r in app.screen.query_one(RowTable).rows] == ["ht.txt"]

    drive(study, script)
