"""The codebook editing screen driven by real key presses; assertions read the store."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Static, Tree

from brightspots.models import Code
from brightspots.project import Project
from brightspots.tui.app import WorkbenchApp
from brightspots.tui.dialogs.code_form import CodeFormDialog
from brightspots.tui.dialogs.confirm import ConfirmDialog
from brightspots.tui.screens.codebook import CodebookScreen, Node, descendants
from brightspots.tui.screens.coding import CodingScreen
from brightspots.tui.screens.documents import DocumentsScreen
from brightspots.tui.widgets.transcript import TranscriptView
from tests.tui.test_workbench import drive

ONE_TO_FIVE = "mentoring-one-to-five"
NEW_TEACHERS = "mentoring-new-teachers"
PEER_MENTORING = "p01-peer-mentoring"
FRIDAYS = "They come on Fridays."


def codes(path: Path) -> dict[str, Code]:
    with Project.open(path) as project:
        codebook = project.codebook()
        assert codebook is not None
        return {c.id: c for c in codebook.codes}


def codings(path: Path) -> list[tuple[str, str]]:
    with Project.open(path) as project:
        found = project.document("ht.txt").codings
        return sorted((str(c["code"]), str(c["snippet"])) for c in found)


def code(path: Path, passage: str, key: str, coder: str = "ana") -> None:
    with Project.open(path) as project:
        start = project.document("ht.txt").text.index(passage)
        project.apply_code("ht.txt", start, start + len(passage), key, coder)


async def open_codebook(pilot: Pilot[None], app: WorkbenchApp) -> CodebookScreen:
    app.push_screen(CodebookScreen())
    await pilot.pause()
    assert isinstance(app.screen, CodebookScreen)
    return app.screen


async def go_to(pilot: Pilot[None], words: str) -> None:
    """Put the cursor on a code with the find picker."""
    await pilot.press("slash")
    await pilot.pause()
    await pilot.press(*words, "enter")
    await pilot.pause()


async def to_one_to_five(pilot: Pilot[None], screen: CodebookScreen) -> None:
    """Arrow down to the first code (quicker than typing in the find picker)."""
    await pilot.press("down", "down", "down")
    assert cursor(screen) == Node("code", ONE_TO_FIVE, PEER_MENTORING)


async def answer(pilot: Pilot[None], *keys: str) -> None:
    await pilot.press(*keys)
    await pilot.pause()


def cursor(screen: CodebookScreen) -> Node | None:
    tree: Tree[Node] = screen.query_one("#codebook-tree", Tree)
    return tree.cursor_node.data if tree.cursor_node else None


def details(screen: CodebookScreen) -> str:
    return str(screen.query_one("#codebook-details", Static).render())


def test_descendants_follow_parents_at_any_depth() -> None:
    tree = [Code("a", "A"), Code("b", "B", parent="a"), Code("c", "C", parent="b"), Code("d", "D")]
    assert descendants(tree, "a") == {"b", "c"}
    assert descendants(tree, "d") == set()


def test_find_add_to_the_highlighted_practice_delete_and_go_back(study: Path) -> None:
    async def script(pilot: Pilot[None], app: WorkbenchApp) -> None:
        screen = await open_codebook(pilot, app)
        await go_to(pilot, "one-to")
        assert cursor(screen) == Node("code", ONE_TO_FIVE, PEER_MENTORING)
        assert "One-to-five mentoring groups" in details(screen)
        await answer(pilot, "shift+left")  # up to the practice
        assert cursor(screen) == Node("practice", PEER_MENTORING)
        await answer(pilot, "a")
        await answer(pilot, *"Buddies", "enter")
        assert cursor(screen) == Node("code", "buddies", PEER_MENTORING)
        added = codes(study)["buddies"]
        assert (added.name, added.practices, added.parent) == ("Buddies", (PEER_MENTORING,), None)
        await answer(pilot, "d")  # no codings: a plain confirmation
        assert isinstance(app.screen, ConfirmDialog)
        assert "Delete the code “Buddies”?" in app.screen.question
        await answer(pilot, "y")
        assert "buddies" not in codes(study)
        assert cursor(screen) is not None
        await answer(pilot, "q")
        assert isinstance(app.screen, DocumentsScreen)

    drive(study, script)


def test_rename_then_undo_and_redo(study: Path) -> None:
    async def script(pilot: Pilot[None], app: WorkbenchApp) -> None:
        screen = await open_codebook(pilot, app)
        await to_one_to_five(pilot, screen)
        await answer(pilot, "r")
        await answer(pilot, "ctrl+a", "ctrl+k", *"Circles", "enter")
        assert codes(study)[ONE_TO_FIVE].name == "Circles"
        assert cursor(screen) == Node("code", ONE_TO_FIVE, PEER_MENTORING)
        await answer(pilot, "u")
        assert codes(study)[ONE_TO_FIVE].name == "One-to-five mentoring groups"
        assert cursor(screen) == Node("code", ONE_TO_FIVE, PEER_MENTORING)
        await answer(pilot, "ctrl+r")
        await answer(pilot, "r")
        await answer(pilot, "ctrl+a", "ctrl+k", "enter")  # no name: the core refuses it
        assert isinstance(app.screen, CodebookScreen)

    drive(study, script)
    assert codes(study)[ONE_TO_FIVE].name == "Circles"


def test_edit_the_texts_of_a_code(study: Path) -> None:
    before = codes(study)[ONE_TO_FIVE]

    async def script(pilot: Pilot[None], app: WorkbenchApp) -> None:
        screen = await open_codebook(pilot, app)
        await to_one_to_five(pilot, screen)
        await answer(pilot, "e")
        assert isinstance(app.screen, CodeFormDialog)
        await answer(pilot, "f7", "x", "escape")  # cancelled
        assert codes(study)[ONE_TO_FIVE].definition == before.definition
        await answer(pilot, "e")
        await answer(pilot, "f7", *"In pairs", "ctrl+s")
        assert isinstance(app.screen, CodebookScreen)
        assert "In pairs" in details(screen)

    drive(study, script)
    after = codes(study)[ONE_TO_FIVE]
    assert after.definition == "In pairs"
    assert (after.inclusion, after.examples, after.key) == (
        before.inclusion,
        before.examples,
        before.key,
    )
    with Project.open(study) as project:
        done, _ = project.history("ana")
        assert done[-1].describe() == f"changed definition of code {before.name!r}"


def test_move_to_another_practice_then_under_a_code(study: Path) -> None:
    async def script(pilot: Pilot[None], app: WorkbenchApp) -> None:
        screen = await open_codebook(pilot, app)
        await to_one_to_five(pilot, screen)
        await answer(pilot, "m")
        await answer(pilot, *"right lev", "enter")
        moved = codes(study)[ONE_TO_FIVE]
        assert (moved.practices, moved.parent) == (("p04-teaching-at-right-level",), None)
        assert cursor(screen) == Node("code", ONE_TO_FIVE, "p04-teaching-at-right-level")
        await answer(pilot, "m")
        await answer(pilot, *"under new-t", "enter")
        tree: Tree[Node] = screen.query_one("#codebook-tree", Tree)
        assert tree.cursor_node is not None and tree.cursor_node.parent is not None
        assert tree.cursor_node.parent.data == Node("code", NEW_TEACHERS, PEER_MENTORING)
        # Under a code of another practice, it takes that practice so that it shows under it.
        moved = codes(study)[ONE_TO_FIVE]
        assert (moved.parent, moved.practices) == (NEW_TEACHERS, (PEER_MENTORING,))
        await answer(pilot, "m")
        await answer(pilot, *"top level", "enter")
        assert cursor(screen) == Node("code", ONE_TO_FIVE, PEER_MENTORING)

    drive(study, script)
    moved = codes(study)[ONE_TO_FIVE]
    assert (moved.parent, moved.practices) == (None, (PEER_MENTORING,))


def test_merge_moves_codings_to_the_surviving_code_and_undo_brings_them_back(
    study: Path,
) -> None:
    strong = "Each strong teacher takes five others, we call it one-to-five."
    code(study, strong, ONE_TO_FIVE)
    code(study, FRIDAYS, ONE_TO_FIVE)
    code(study, strong, NEW_TEACHERS)  # the survivor already has this span: not doubled
    before = codings(study)

    async def script(pilot: Pilot[None], app: WorkbenchApp) -> None:
        screen = await open_codebook(pilot, app)
        await to_one_to_five(pilot, screen)
        await answer(pilot, "M")
        await answer(pilot, *"new-t", "enter")
        assert isinstance(app.screen, ConfirmDialog)
        assert "2 coding(s) move to “New-teacher induction”" in app.screen.question
        await answer(pilot, "y")
        assert ONE_TO_FIVE not in codes(study)
        assert codings(study) == [(NEW_TEACHERS, strong), (NEW_TEACHERS, FRIDAYS)]
        assert cursor(screen) == Node("code", NEW_TEACHERS, PEER_MENTORING)
        await answer(pilot, "u")
        assert cursor(screen) == Node("code", ONE_TO_FIVE, PEER_MENTORING)

    drive(study, script)
    assert codings(study) == before


def test_delete_is_refused_while_codings_exist_unless_merged_or_confirmed(study: Path) -> None:
    code(study, FRIDAYS, ONE_TO_FIVE)

    async def script(pilot: Pilot[None], app: WorkbenchApp) -> None:
        screen = await open_codebook(pilot, app)
        await to_one_to_five(pilot, screen)
        await answer(pilot, "d")
        assert isinstance(app.screen, ConfirmDialog)
        assert "has 1 coding(s)" in app.screen.question
        await answer(pilot, "n")  # cancel: nothing changes
        assert codings(study) == [(ONE_TO_FIVE, FRIDAYS)]
        await answer(pilot, "d", "m")  # merge into…
        await answer(pilot, *"new-t", "enter")
        await answer(pilot, "y")
        assert ONE_TO_FIVE not in codes(study)
        assert codings(study) == [(NEW_TEACHERS, FRIDAYS)]
        await answer(pilot, "u")
        assert cursor(screen) == Node("code", ONE_TO_FIVE, PEER_MENTORING)
        await answer(pilot, "d", "d")  # delete with its codings
        assert ONE_TO_FIVE not in codes(study)
        assert codings(study) == []
        assert cursor(screen) is not None
        await answer(pilot, "u")
        assert cursor(screen) == Node("code", ONE_TO_FIVE, PEER_MENTORING)

    drive(study, script)
    assert codings(study) == [(ONE_TO_FIVE, FRIDAYS)]


def test_a_merge_in_the_editor_reaches_the_open_transcript(study: Path) -> None:
    code(study, FRIDAYS, ONE_TO_FIVE)

    async def script(pilot: Pilot[None], app: WorkbenchApp) -> None:
        await answer(pilot, "enter")  # open the transcript
        coding = app.screen
        assert isinstance(coding, CodingScreen)
        assert {c["code"] for c in coding.query_one(TranscriptView).codings} == {ONE_TO_FIVE}
        await answer(pilot, "C")
        screen = app.screen
        assert isinstance(screen, CodebookScreen)
        await to_one_to_five(pilot, screen)
        await answer(pilot, "M")
        await answer(pilot, *"new-t", "enter")
        await answer(pilot, "y", "q")
        assert app.screen is coding
        assert {c["code"] for c in coding.query_one(TranscriptView).codings} == {NEW_TEACHERS}
        assert ONE_TO_FIVE not in {c.id for c in coding.codebook}

    drive(study, script)
