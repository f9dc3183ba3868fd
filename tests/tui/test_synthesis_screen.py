"""The synthesis screen, driven by key presses: the matrix shows what `Project.synthesize`
computes, a focus area opens into its practices, and a cell leads to its quotes (and every
passage behind it) and a quote to its transcript, with the passage selected."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from brightspots.project import Project
from brightspots.tui.app import WorkbenchApp
from brightspots.tui.screens.coding import CodingScreen
from brightspots.tui.screens.passages import QuotesScreen, RetrievalScreen
from brightspots.tui.screens.synthesis import SynthesisScreen, cell_look
from brightspots.tui.widgets.filter_bar import FilterBar
from brightspots.tui.widgets.matrix_grid import MatrixGrid
from brightspots.tui.widgets.table import RowTable
from brightspots.tui.widgets.transcript import TranscriptView
from tests.tui.test_workbench import drive

ONE_TO_FIVE = "Each strong teacher takes five others, we call it one-to-five."


async def settle(pilot: Pilot[None]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def practice_of(path: Path, code: str) -> tuple[str, str]:
    """(practice, focus area) the code maps to."""
    with Project.open(path) as project:
        synthesis = project.synthesize()
        practice = next(i for i in synthesis.items if code in i.codes)
        assert practice.focus_area is not None
        return practice.key, practice.focus_area


def test_a_cell_leads_to_its_quotes_and_a_quote_to_its_transcript(two_schools: Path) -> None:
    practice, area = practice_of(two_schools, "mentoring-one-to-five")
    with Project.open(two_schools) as project:
        expected = project.synthesize().practice_by_country.row(practice)

    async def script(pilot: Pilot[None], app: WorkbenchApp) -> None:
        await pilot.press("P")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SynthesisScreen)
        grid = screen.query_one(MatrixGrid)
        assert grid.columns == ("ET", "TD", "all")
        keys = [r.key for r in grid.rows]
        assert practice not in keys  # focus areas start closed
        await pilot.press(*["j"] * keys.index(area), "space")
        keys = [r.key for r in grid.rows]
        assert practice in keys
        await pilot.press(*["j"] * (keys.index(practice) - keys.index(area)))
        assert grid.current_key() == practice
        row = grid.rows[grid.cursor[0]]
        assert row.cells[0] == cell_look(expected.cells["ET"], "pd")
        assert row.cells[0][0] == "1/1"  # the Ethiopian PD school has it
        detail = str(screen.query_one("#synthesis-detail").render())
        assert "PD schools 1 of 1" in detail

        await pilot.press("v", "v")  # the difference
        assert grid.rows[grid.cursor[0]].cells[2][0] == cell_look(expected.total, "difference")[0]
        await pilot.press("v")  # back to PD schools

        await pilot.press("enter")  # the cell: Ethiopia, PD schools
        await pilot.pause()
        quotes = app.screen
        assert isinstance(quotes, QuotesScreen)
        assert quotes.query_one(FilterBar).chosen() == {"country": "ET", "school_group": "pd"}
        table = quotes.query_one(RowTable)
        assert table.row_count == 1 and ONE_TO_FIVE in table.rows[0][-1]
        assert table.rows[0][:4] == ("ET", "pd", "head teacher", "kii")  # a role, not "HT"
        await pilot.press("a")  # every passage behind the cell
        await pilot.pause()
        passages = app.screen
        assert isinstance(passages, RetrievalScreen)
        assert passages.filters() == {"country": "ET", "school_group": "pd"}
        assert passages.query_one(RowTable).row_count == 1
        await pilot.press("q")
        await pilot.pause()
        assert app.screen is quotes
        await pilot.press("enter")
        await pilot.pause()
        coding = app.screen
        assert isinstance(coding, CodingScreen) and coding.document_name == "ht.txt"
        start, end = coding.query_one(TranscriptView).selection()
        with Project.open(two_schools) as project:
            assert project.document("ht.txt").text[start:end] == ONE_TO_FIVE
        await pilot.press("q", "q")
        await pilot.pause()
        assert app.screen is screen

    drive(two_schools, script)


def test_whose_codings_count(two_schools: Path) -> None:
    async def script(pilot: Pilot[None], app: WorkbenchApp) -> None:
        await pilot.press("P")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SynthesisScreen)
        everyone = screen.synthesis
        await pilot.press("c")
        await pilot.pause()
        await pilot.press(*"ben", "enter")
        await settle(pilot)
        assert screen.coders.coder == "ben"
        assert screen.synthesis is not None and screen.synthesis != everyone
        assert screen.synthesis.coders == ("ben",)
        assert "ben's codings" in str(screen.query_one("#synthesis-title").render())

    drive(two_schools, script)
