"""The themes screen, driven by key presses with the fake embedder: the last run is shown,
a theme is promoted to a code and its passages coded one by one, another is merged into an
existing code, another dismissed and restored; a new run goes through the worker and can be
cancelled. Assertions read the store."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
from textual.pilot import Pilot

from brightspots.embedding import EmbeddingCancelled
from brightspots.project import Project
from brightspots.segment import SpacySegmenter
from brightspots.themes import Theme, ThemeResult
from brightspots.tui.app import WorkbenchApp
from brightspots.tui.screens.coding import CodingScreen
from brightspots.tui.screens.themes import ThemesScreen
from brightspots.tui.widgets.table import RowTable
from tests.conftest import write
from tests.fakes import FakeEmbedder
from tests.tui.test_workbench import drive
from tests.unit.test_themes import DOCUMENTS, transcript


def about(result: ThemeResult | None, word: str) -> Theme:
    assert result is not None
    return next(t for t in result.themes if word in [k.word for k in t.keywords[:3]])


async def highlight(pilot: Pilot[None], word: str) -> Theme:
    """Move the themes table's cursor to the theme about `word`."""
    screen = pilot.app.screen
    assert isinstance(screen, ThemesScreen)
    table = screen.query_one("#themes-table", RowTable)
    table.focus()
    theme = about(screen.result, word)
    await pilot.press("g", *["j"] * table.keys.index(str(theme.id)))
    assert screen.current() == theme
    return theme


def themes_of(path: Path) -> ThemeResult:
    with Project.open(path) as project:
        result = project.last_themes()
    assert result is not None
    return result


def codings(path: Path) -> list[tuple[str, str, str, str]]:
    with Project.open(path) as project:
        rows = project.store.db.execute(
            "SELECT c.key, g.snippet, k.name, g.origin FROM codings g JOIN codes c ON c.num = "
            "g.code JOIN coders k ON k.num = g.coder ORDER BY g.num"
        )
        return [tuple(r) for r in rows]


def test_promote_a_theme_then_code_its_passages_after_reading_them(themed: Path) -> None:
    async def script(pilot: Pilot[None], app: WorkbenchApp) -> None:
        await pilot.press("T")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ThemesScreen)
        assert screen.job is None  # the saved run is shown, not found again
        title = str(screen.query_one("#themes-title").render())
        assert "3 themes" in title and "uncoded passages" in title

        football = await highlight(pilot, "football")
        await pilot.press("a")  # not a code yet: nothing is coded
        await pilot.pause()
        assert codings(themed) == []
        await pilot.press("p")  # the name is asked, the label offered
        await pilot.pause()
        await pilot.press("ctrl+u", *"Play at school", "enter")
        await pilot.pause()
        promoted = themes_of(themed).theme(football.id)
        assert promoted.status == "promoted"
        with Project.open(themed) as project:
            code = project.store.get_code(promoted.code or "")
        assert code is not None and code["name"] == "Play at school"
        assert "football" in code["definition"]  # the keywords, as a draft
        assert codings(themed) == []  # promoting codes nothing

        passages = screen.query_one("#themes-passages", RowTable)
        assert passages.row_count == football.size
        await pilot.press("enter")  # from the themes to the theme's passages
        assert passages.has_focus
        first = football.members[0]
        assert first.text in str(screen.query_one("#themes-detail").render())
        await pilot.press("a", "a")  # the first two, read and coded
        await pilot.pause()
        expected = [(code["key"], m.text, "ana", "theme") for m in football.members[:2]]
        assert codings(themed) == expected
        assert passages.rows[0][0] == passages.rows[1][0] == "✓"
        await pilot.press("k", "a")  # on a coded passage: `a` takes the coding back
        await pilot.pause()
        assert codings(themed) == expected[:1]

        await pilot.press("o")  # the passage in its transcript, selected
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        member = football.members[1]
        assert app.screen.document_name == member.document
        await pilot.press("q")
        await pilot.pause()
        assert app.screen is screen

    drive(themed, script)


def test_merge_dismiss_and_restore(themed: Path) -> None:
    async def script(pilot: Pilot[None], app: WorkbenchApp) -> None:
        await pilot.press("T")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ThemesScreen)
        homework = await highlight(pilot, "homework")
        await pilot.press("m")  # merge: pick the existing code
        await pilot.pause()
        await pilot.press(*"parent", "enter")
        await pilot.pause()
        merged = themes_of(themed).theme(homework.id)
        assert merged.status == "promoted" and merged.code == "parent-involvement"
        assert (
            "→ Parent involvement"
            in screen.query_one("#themes-table", RowTable).rows[
                screen.query_one("#themes-table", RowTable).cursor_row
            ]
        )
        await pilot.press("d")  # a theme that is a code is not dismissed
        await pilot.pause()
        assert themes_of(themed).theme(homework.id).status == "promoted"

        punctuality = await highlight(pilot, "time")
        await pilot.press("d")
        await pilot.pause()
        assert themes_of(themed).theme(punctuality.id).status == "dismissed"
        await pilot.press("d")
        await pilot.pause()
        assert themes_of(themed).theme(punctuality.id).status == "candidate"
        with Project.open(themed) as project:
            actions = [r[0] for r in project.store.db.execute("SELECT action FROM events")]
        assert {"theme.merge", "theme.dismiss", "theme.restore"} <= set(actions)

    drive(themed, script)


class GatedEmbedder(FakeEmbedder):
    """Embeds only once the gate is open (until then a run can be cancelled); its own
    name, so the project's cache has nothing for it."""

    def __init__(self) -> None:
        super().__init__("gated-words")
        self.gate = threading.Event()

    def encode(
        self,
        texts: Sequence[str],
        progress: Callable[[int, int, str], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> npt.NDArray[np.float32]:
        while not self.gate.wait(0.01):
            if cancelled is not None and cancelled():
                raise EmbeddingCancelled("cancelled")
        return super().encode(texts, progress, cancelled)


def test_a_new_run_in_the_worker_and_a_cancelled_one(themed: Path) -> None:
    embedder = GatedEmbedder()

    async def script(pilot: Pilot[None], app: WorkbenchApp) -> None:
        await pilot.press("T")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ThemesScreen)
        before = screen.result
        assert before is not None

        await pilot.press("u", "r")  # every passage this time
        job = screen.job
        assert job is not None
        await pilot.press("escape")  # cancels the run, stays on the screen
        await pilot.pause()
        assert app.screen is screen and screen.job is None
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.result == before and "Cancelled" in screen.status

        embedder.gate.set()
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        after = screen.result
        assert after is not None and after.scope == "all" and after.uid != before.uid
        assert themes_of(themed).uid == after.uid  # the new run replaces the kept one
        assert not screen.query_one("#themes-progress").has_class("-running")
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ThemesScreen)

    drive(themed, script, embedder=embedder)


def test_the_first_visit_finds_themes(tmp_path: Path, segmenter: SpacySegmenter) -> None:
    path = tmp_path / "fresh.bsp"
    with Project.create(path, empty=True, segmenter=segmenter) as project:
        files = [
            write(tmp_path / "files" / f"{country}-{i}.txt", transcript(i, country, group))
            for i, (country, group) in enumerate(DOCUMENTS)
        ]
        project.import_files(files)

    async def script(pilot: Pilot[None], app: WorkbenchApp) -> None:
        await pilot.press("T")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ThemesScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.result is not None and screen.job is None
        assert themes_of(path).uid == screen.result.uid
        detail = str(screen.query_one("#themes-detail").render())
        assert screen.result.themes or "No recurring idea" in detail

    drive(path, script)
