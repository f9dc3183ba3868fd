"""The agreement screen and the disagreement walker, driven by key presses: the table shows
what `Project.agreement` computes, and adjudication through keys is saved as codings of the
`consensus` coder, taken back by undo."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Select

from brightspots.coder_set import CONSENSUS
from brightspots.importer import ImportOptions
from brightspots.project import Project
from brightspots.segment import SpacySegmenter
from brightspots.tui.app import WorkbenchApp
from brightspots.tui.dialogs.coders import CodersDialog
from brightspots.tui.screens.agreement import AgreementScreen, row
from brightspots.tui.screens.disagreements import CHOICES, DisagreementScreen
from brightspots.tui.widgets.table import RowTable
from tests.conftest import HEAD_TEACHER, write
from tests.tui.conftest import TEACHER
from tests.tui.test_workbench import drive

# (coder, document, words the coded sentence starts with, code)
CODINGS = [
    ("ana", "ht.txt", "Each strong teacher", "mentoring-one-to-five"),
    ("ana", "ht.txt", "They come on Fridays", "parent-teacher-contact"),
    ("ana", "teacher.txt", "The one-to-five", "mentoring-one-to-five"),
    ("ben", "ht.txt", "Each strong teacher", "mentoring-one-to-five"),
    ("ben", "ht.txt", "Some of them", "parent-teacher-contact"),
    ("ben", "teacher.txt", "The one-to-five", "mentoring-one-to-five"),
    ("ben", "teacher.txt", "My mentor", "mentoring-new-teachers"),
    ("chloe", "ht.txt", "Each strong teacher", "mentoring-one-to-five"),
    ("chloe", "teacher.txt", "My mentor", "mentoring-one-to-five"),
]


@pytest.fixture
def team(tmp_path: Path, segmenter: SpacySegmenter) -> Path:
    """Two short documents coded by ana, ben and chloe. Ana and ben disagree on three
    sentences: "They come on Fridays." (ana's), "Some of them, not all." (ben's) and "My
    mentor visits me and we plan together." (ben's)."""
    path = tmp_path / "team.bsp"
    with Project.create(path, segmenter=segmenter) as project:
        project.import_files([write(tmp_path / "ET" / "ht.txt", HEAD_TEACHER)])
        defaults = {"country": "TD", "school_id": "TD-S02", "school_group": "comparison"}
        project.import_files(
            [write(tmp_path / "TD" / "teacher.txt", TEACHER)], ImportOptions(defaults=defaults)
        )
        for coder, document, words, code in CODINGS:
            text = project.document(document).text
            start = text.index(words)
            end = text.index(".", start) + 1
            project.apply_code(document, start, end, code, coder)
    return path


def consensus(path: Path) -> list[tuple[str, str, str]]:
    with Project.open(path) as project:
        return sorted(
            (name, c["code"], c["snippet"])
            for name in ("ht.txt", "teacher.txt")
            for c in project.document(name).codings
            if c["coder"] == CONSENSUS
        )


async def settle(pilot: Pilot[None]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_agreement_table_matches_the_core_and_coders_can_be_chosen(team: Path) -> None:
    with Project.open(team) as project:
        two = project.agreement(["ana", "ben"]).codes
        three = project.agreement(["ana", "ben", "chloe"]).codes
        in_chad = project.agreement(["ana", "ben"], {"country": "TD"}).codes

    async def script(pilot: Pilot[None], app: WorkbenchApp) -> None:
        await pilot.press("I")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AgreementScreen)
        assert screen.coders == ("ana", "ben")  # the first two coders by default
        table = screen.query_one(RowTable)
        assert table.rows == [row(c) for c in two]
        assert all(r[-1].startswith("flagged: only") for r in table.rows)  # too few units
        title = str(screen.query_one("#agreement-title").render())
        assert "ana, ben" in title and "2 documents" in title

        screen.query_one("#filter-country", Select).value = "TD"
        await settle(pilot)
        assert table.rows == [row(c) for c in in_chad]

        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, CodersDialog)
        await pilot.press("down", "down", "space", "ctrl+s")  # tick chloe too
        await settle(pilot)
        assert app.screen is screen and screen.coders == ("ana", "ben", "chloe")
        screen.query_one("#filter-country", Select).clear()
        await settle(pilot)
        assert table.rows == [row(c) for c in three]

    drive(team, script)


def test_figures_of_codes_with_enough_units(team: Path) -> None:
    with Project.open(team) as project:
        codes = project.agreement(["ana", "ben"], min_units=1).codes

    async def script(pilot: Pilot[None], app: WorkbenchApp) -> None:
        app.push_screen(AgreementScreen(("ana", "ben"), min_units=1))
        await settle(pilot)
        table = app.screen.query_one(RowTable)
        assert table.rows == [row(c) for c in codes]
        one_to_five = table.rows[table.keys.index("mentoring-one-to-five")]
        assert one_to_five[3:] == ("100.0%", "1.000", "1.000", "almost perfect · reliable")
        detail = str(app.screen.query_one("#agreement-detail").render())
        assert "ana – ben: 100.0% of 9 units" in detail

    drive(team, script)


def test_walk_and_settle_disagreements_then_undo(team: Path) -> None:
    async def script(pilot: Pilot[None], app: WorkbenchApp) -> None:
        await pilot.press("I")
        await settle(pilot)
        await pilot.press("w")  # every code's disagreements
        await settle(pilot)
        walker = app.screen
        assert isinstance(walker, DisagreementScreen)
        assert [d.text for d in walker.items] == [
            "They come on Fridays.",
            "Some of them, not all.",
            "My mentor visits me and we plan together.",
        ]
        shown = str(walker.query_one("#disagreement-passage").render())
        assert "ht.txt" in shown and "1/a  ana" in shown and "2/b  ben" in shown
        assert "1 of 3 · 0 settled" in str(walker.query_one("#disagreement-title").render())

        await pilot.press("a", "plus", "n")  # accept ana's, both, neither
        await pilot.pause()
        assert walker.settled == {0: "ana's codes", 1: CHOICES["both"], 2: CHOICES["neither"]}
        assert "3 settled" in str(walker.query_one("#disagreement-title").render())

        await pilot.press("u")  # neither: nothing recorded, but no longer settled
        await pilot.pause()
        assert walker.position == 2 and 2 not in walker.settled

    drive(team, script)
    assert consensus(team) == [
        ("ht.txt", "parent-teacher-contact", "Some of them, not all."),
        ("ht.txt", "parent-teacher-contact", "They come on Fridays."),
    ]

    async def undo(pilot: Pilot[None], app: WorkbenchApp) -> None:
        await pilot.press("I")
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        walker = app.screen
        assert isinstance(walker, DisagreementScreen)
        assert walker.settled == {0: "settled earlier", 1: "settled earlier"}
        assert walker.position == 2  # the first one not settled
        await pilot.press("u", "u")
        await pilot.pause()
        assert walker.settled == {} and walker.position == 0

    drive(team, undo)
    assert consensus(team) == []


def test_enter_walks_one_codes_disagreements_and_o_opens_the_transcript(team: Path) -> None:
    async def script(pilot: Pilot[None], app: WorkbenchApp) -> None:
        await pilot.press("I")
        await settle(pilot)
        table = app.screen.query_one(RowTable)
        table.move_cursor(table.keys.index("mentoring-new-teachers"))
        await pilot.press("enter")
        await settle(pilot)
        walker = app.screen
        assert isinstance(walker, DisagreementScreen)
        assert [d.text for d in walker.items] == ["My mentor visits me and we plan together."]
        await pilot.press("2")  # ben's
        await pilot.pause()
        await pilot.press("k", "o")
        await pilot.pause()
        assert type(app.screen).__name__ == "CodingScreen"

    drive(team, script)
    assert consensus(team) == [
        ("teacher.txt", "mentoring-new-teachers", "My mentor visits me and we plan together.")
    ]


def test_blind_mode_has_no_agreement(team: Path) -> None:
    async def script(pilot: Pilot[None], app: WorkbenchApp) -> None:
        await pilot.press("I")
        await pilot.pause()
        assert not isinstance(app.screen, AgreementScreen)

    drive(team, script, blind=True)


def test_what_the_coders_agreed_on_joins_the_consensus(team: Path) -> None:
    async def script(pilot: Pilot[None], app: WorkbenchApp) -> None:
        await pilot.press("I")
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        one_to_five = "mentoring-one-to-five"
        assert consensus(team) == [
            (
                "ht.txt",
                one_to_five,
                "Each strong teacher takes five others, we call it one-to-five.",
            ),
            ("teacher.txt", one_to_five, "The one-to-five group meets weekly."),
        ]
        await pilot.press("a")  # again: nothing new
        await pilot.pause()
        assert len(consensus(team)) == 2

    drive(team, script, coder="lead")
