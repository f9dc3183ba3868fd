"""SVG snapshots of each workbench screen at a fixed terminal size (pytest-textual-snapshot).

A failing snapshot means the screen looks different: look at the report pytest writes,
and if the change is intended, run `.venv/bin/python -m pytest tests/tui/test_snapshots.py
--snapshot-update` and commit the new SVGs (Textual is pinned exactly, so they change only
with our code)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from brightspots.project import Project
from brightspots.tui.app import WorkbenchApp
from tests.fakes import FakeEmbedder

Snap = Callable[..., bool]
SMALL = (80, 24)
WIDE = (120, 32)


@pytest.fixture
def workbench(two_schools: Path) -> Iterator[Callable[..., WorkbenchApp]]:
    opened: list[Project] = []

    def make(coder: str = "ana", blind: bool = False) -> WorkbenchApp:
        project = Project.open(two_schools, embedder=FakeEmbedder())
        opened.append(project)
        return WorkbenchApp(project, coder, blind)

    yield make
    for project in opened:
        project.close()


def keys(*presses: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """Press keys one at a time, letting the app settle after each (and its workers finish:
    `WAIT` in the presses waits for them)."""

    async def run(pilot: Pilot[Any]) -> None:
        for key in presses:
            if key == WAIT:
                await pilot.app.workers.wait_for_complete()
            else:
                await pilot.press(key)
            await pilot.pause()
        await pilot.pause(0.1)

    return run


WAIT = "<wait for workers>"


def test_documents(snap_compare: Snap, workbench: Callable[..., WorkbenchApp]) -> None:
    assert snap_compare(workbench(), terminal_size=WIDE, run_before=keys())


def test_coding_wide(snap_compare: Snap, workbench: Callable[..., WorkbenchApp]) -> None:
    """The transcript with a coded span in its colour, the margin naming the code, the
    codebook tree and the highlighted code's definition."""
    press = keys("j", "enter", "j", "tab", "space", "down", "space", "down")
    assert snap_compare(workbench(), terminal_size=WIDE, run_before=press)


def test_coding_small(snap_compare: Snap, workbench: Callable[..., WorkbenchApp]) -> None:
    """80x24: the margin gives way, the side panel keeps its share."""
    assert snap_compare(workbench(), terminal_size=SMALL, run_before=keys("j", "enter", "J"))


def test_code_picker(snap_compare: Snap, workbench: Callable[..., WorkbenchApp]) -> None:
    press = keys("enter", "j", "enter", *"ment")
    assert snap_compare(workbench(), terminal_size=SMALL, run_before=press)


def test_help(snap_compare: Snap, workbench: Callable[..., WorkbenchApp]) -> None:
    press = keys("enter", "question_mark")
    assert snap_compare(workbench(), terminal_size=WIDE, run_before=press)


def test_retrieval(snap_compare: Snap, workbench: Callable[..., WorkbenchApp]) -> None:
    press = keys("R", *"peer mentoring", "enter")
    assert snap_compare(workbench(), terminal_size=WIDE, run_before=press)


def test_find(snap_compare: Snap, workbench: Callable[..., WorkbenchApp]) -> None:
    press = keys("F", *"mentor", "enter")
    assert snap_compare(workbench(), terminal_size=SMALL, run_before=press)


def test_codebook_editor(snap_compare: Snap, workbench: Callable[..., WorkbenchApp]) -> None:
    press = keys("C", "down", "down", "down")
    assert snap_compare(workbench(), terminal_size=WIDE, run_before=press)


def test_coding_with_suggestions(
    snap_compare: Snap, workbench: Callable[..., WorkbenchApp]
) -> None:
    """The suggestion panel under the code details: the codes suggested for the cursor's
    segment with their scores and evidence, the best one marked."""
    press = keys("enter", "S", WAIT, "j", "j")
    assert snap_compare(workbench(), terminal_size=WIDE, run_before=press)


def test_review(snap_compare: Snap, workbench: Callable[..., WorkbenchApp]) -> None:
    """Reviewing one code's candidates: the passage in its context, its document, its score."""
    press = keys("V", *"parent teacher contact", "enter", WAIT)
    assert snap_compare(workbench(), terminal_size=WIDE, run_before=press)


def test_agreement(snap_compare: Snap, workbench: Callable[..., WorkbenchApp]) -> None:
    """Agreement between ana and ben per code (too few units here: every code flagged with
    its reason), and the overall figures."""
    press = keys("I", WAIT)
    assert snap_compare(workbench(), terminal_size=WIDE, run_before=press)


def test_disagreements(snap_compare: Snap, workbench: Callable[..., WorkbenchApp]) -> None:
    """A disputed passage in its context with each coder's codes and spans."""
    press = keys("I", WAIT, "w", WAIT)
    assert snap_compare(workbench(), terminal_size=WIDE, run_before=press)


def test_themes(snap_compare: Snap, themed: Path) -> None:
    with Project.open(themed, embedder=FakeEmbedder()) as project:
        app = WorkbenchApp(project, "ana")
        assert snap_compare(app, terminal_size=SMALL, run_before=keys("T", "enter"))


def test_synthesis(snap_compare: Snap, workbench: Callable[..., WorkbenchApp]) -> None:
    presses = keys("P", WAIT, "e", "j", "l")  # every focus area open, on a practice
    assert snap_compare(workbench(), terminal_size=SMALL, run_before=presses)
