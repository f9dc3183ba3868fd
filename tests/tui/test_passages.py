"""Retrieval and project-wide find, driven by key presses: the listed passages come from the
store, filters narrow them, and enter opens the passage selected in its transcript."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Select

from brightspots.project import Project
from brightspots.tui.app import WorkbenchApp
from brightspots.tui.screens.coding import CodingScreen
from brightspots.tui.screens.passages import FindScreen, RetrievalScreen
from brightspots.tui.widgets.table import RowTable
from brightspots.tui.widgets.transcript import TranscriptView
from tests.tui.test_workbench import drive


def rows(app: WorkbenchApp) -> list[tuple[str, ...]]:
    return app.screen.query_one(RowTable).rows


async def choose(pilot: Pilot[None], key: str, words: str) -> None:
    await pilot.press(key)
    await pilot.pause()
    await pilot.press(*words)
    await pilot.press("enter")
    await pilot.pause()


def test_retrieve_a_practice_filter_and_jump_to_the_passage(two_schools: Path) -> None:
    async def script(pilot: Pilot[None], app: WorkbenchApp) -> None:
        await choose(pilot, "R", "peer mentoring")
        assert isinstance(app.screen, RetrievalScreen)
        assert app.screen.scope == "practice"
        # both codes of the practice, in both countries
        assert [(r[0], r[1], r[5], r[6]) for r in rows(app)] == [
            ("ht.txt", "ET", "One-to-five mentoring groups", "ana"),
            ("teacher.txt", "TD", "New-teacher induction", "ben"),
            ("teacher.txt", "TD", "One-to-five mentoring groups", "ana"),
        ]
        # filter by country: only Chad's passages
        app.screen.query_one("#filter-country", Select).value = "TD"
        await pilot.pause()
        assert {r[1] for r in rows(app)} == {"TD"}
        assert len(rows(app)) == 2
        # enter opens the transcript with the passage selected
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        assert app.screen.document_name == "teacher.txt"
        transcript = app.screen.query_one(TranscriptView)
        start, end = transcript.selection()
        assert app.screen.view.text[start:end] == "My mentor visits"
        # and q goes back to the list
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, RetrievalScreen)

    drive(two_schools, script)


def test_retrieve_a_code_from_the_codebook_tree(two_schools: Path) -> None:
    async def script(pilot: Pilot[None], app: WorkbenchApp) -> None:
        await pilot.press("enter")  # open the first document
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        await pilot.press("tab")  # to the codebook tree
        await pilot.pause()
        tree = app.screen.query_one("#codebook")
        assert tree.has_focus, app.focused
        # walk down to the first code leaf
        for _ in range(40):
            node = tree.cursor_node  # type: ignore[attr-defined]
            if node is not None and str(node.data or "").startswith("code:"):
                break
            await pilot.press("space" if node is not None and not node.is_expanded else "down")
            await pilot.pause()
        code = str(tree.cursor_node.data).removeprefix("code:")  # type: ignore[attr-defined]
        await pilot.press("R")
        await pilot.pause()
        assert isinstance(app.screen, RetrievalScreen)
        assert (app.screen.scope, app.screen.key) == ("code", code)

    drive(two_schools, script)


def test_blind_retrieval_lists_only_my_passages(two_schools: Path) -> None:
    async def script(pilot: Pilot[None], app: WorkbenchApp) -> None:
        await choose(pilot, "R", "peer mentoring")
        assert {r[6] for r in rows(app)} == {"ben"}

    drive(two_schools, script, coder="ben", blind=True)


def test_find_across_the_project_accents_optional(two_schools: Path) -> None:
    async def script(pilot: Pilot[None], app: WorkbenchApp) -> None:
        await choose(pilot, "F", "fridays")
        assert isinstance(app.screen, FindScreen)
        assert [r[0] for r in rows(app)] == ["ht.txt"]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        start, end = app.screen.query_one(TranscriptView).selection()
        assert "Fridays" in app.screen.view.text[start:end]

    drive(two_schools, script)


def test_an_unknown_scope_is_a_clear_error(two_schools: Path) -> None:
    with Project.open(two_schools) as project:
        with pytest.raises(Exception, match="did you mean mentoring-one-to-five"):
            project.passages("code", "mentoring-one-to-fiv")
        total, passages = project.passages("focus_area", "fa1-teacher-skills", {"country": "ET"})
        assert total == 1 and passages[0].meta.school_group == "pd"
        before, passage, _ = project.context("ht.txt", passages[0].start, passages[0].end, 10)
        assert passage == passages[0].text and len(before) <= 10
