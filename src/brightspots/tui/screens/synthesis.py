"""The cross-country synthesis in the workbench: the framework's focus areas (opening into
their practices) by country — or by respondent role, or method — as a coloured matrix of
positive-deviant (PD) schools, comparison schools, or the difference between them.

Each cell counts schools where the practice is present (see synthesis.py for the rules),
shaded by share (or by the sign and size of the difference); cells with too few schools
for a test are drawn in italics. The highlighted cell is spelled out below: both groups'
counts, the difference, Fisher's p and its q-value. Enter on a practice's cell shows its
exemplar quotes (spread over countries, schools and roles, as the report chooses them; the
cell's country and group chosen in the filter menus; only the chosen coders' codings), `a`
there every passage behind the cell, and a passage opens its transcript at the passage.

The synthesis is one SQL aggregation per matrix (under a second on a DMS-size project), but
it still runs in a worker with its own connection, so the screen never freezes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rich.color import Color
from rich.markup import escape
from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.worker import get_current_worker

from brightspots.coder_set import CONSENSUS, CoderSet
from brightspots.findings import Cell, Matrix, Synthesis
from brightspots.project import Project
from brightspots.tui.actions import ReportsWorkerFailure
from brightspots.tui.dialogs.code_picker import PickerDialog
from brightspots.tui.screens.passages import QuotesScreen
from brightspots.tui.widgets.matrix_grid import GridRow, MatrixGrid

if TYPE_CHECKING:
    from brightspots.tui.app import WorkbenchApp

VIEWS = ("pd", "comparison", "difference")
VIEW_NAMES = {
    "pd": "PD schools",
    "comparison": "comparison schools",
    "difference": "PD minus comparison",
}
DIMENSIONS = ("country", "respondent_role", "method")
DIMENSION_NAMES = {"country": "country", "respondent_role": "respondent role", "method": "method"}
ALL = "all"  # the last column: every column together

EMPTY = Style(color="grey42")
AREA = Style(bold=True, color="white")
PRACTICE = Style(color="grey85")
_BASE = (38, 38, 38)
_HIGH = (46, 140, 60)  # a practice present in every school of the cell
_PD = (30, 110, 200)  # more often in PD schools
_COMPARISON = (200, 90, 40)  # more often in comparison schools


def _blend(low: tuple[int, int, int], high: tuple[int, int, int], weight: float) -> Color:
    weight = max(0.0, min(1.0, weight))
    r, g, b = (round(a + (z - a) * weight) for a, z in zip(low, high, strict=True))
    return Color.from_rgb(r, g, b)


def cell_look(cell: Cell | None, view: str) -> tuple[str, Style]:
    """A cell's text and style: `3/4` shaded by share, or `+50` (points) shaded by sign."""
    if cell is None:
        return "", EMPTY
    italic = cell.small
    if view == "difference":
        if cell.difference is None:
            return "–", EMPTY
        points = round(100 * cell.difference)
        tint = _PD if points >= 0 else _COMPARISON
        colour = _blend(_BASE, tint, abs(cell.difference))
        return f"{points:+d}", Style(bgcolor=colour, color="white", italic=italic)
    group = cell.pd if view == "pd" else cell.comparison
    if not group.schools:
        return "–", EMPTY
    colour = _blend(_BASE, _HIGH, group.share or 0.0)
    return f"{group.present}/{group.schools}", Style(bgcolor=colour, color="white", italic=italic)


def share(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def cell_text(name: str, column: str, cell: Cell) -> Text:
    """The highlighted cell in words."""
    where = "all columns" if column == ALL else column.replace("_", " ")
    text = Text.assemble((name, "bold"), " · ", (where, "bold"))
    text.append(
        f"\nPD schools {cell.pd.present} of {cell.pd.schools} ({share(cell.pd.share)}) · "
        f"comparison {cell.comparison.present} of {cell.comparison.schools} "
        f"({share(cell.comparison.share)})"
    )
    if cell.difference is not None:
        text.append(f" · difference {round(100 * cell.difference):+d} points")
    if cell.p_value is not None:
        q = f", q {cell.q_value:.3f}" if cell.q_value is not None else ""
        text.append(f" · Fisher p {cell.p_value:.3f}{q}")
    if cell.small:
        text.append("\ntoo few schools in a group for the test to show much", "yellow")
    return text


@dataclass(frozen=True)
class SynthesisJob:
    path: Path
    coders: CoderSet
    filters: Mapping[str, str]


class SynthesisScreen(ReportsWorkerFailure, Screen[None]):
    BINDINGS = [
        Binding("v", "view", "PD / comparison / difference"),
        Binding("b", "dimension", "Country / role / method"),
        Binding("c", "coders", "Whose codings"),
        Binding("space", "open_area", "Open / close"),
        Binding("e", "open_all", "Open / close all"),
        Binding("q,escape", "back", "Back"),
    ]

    class Computed(Message):
        def __init__(self, synthesis: Synthesis) -> None:
            super().__init__()
            self.synthesis = synthesis

    def __init__(self, coders: CoderSet | None = None) -> None:
        super().__init__()
        self.coders = coders or CoderSet.everyone()
        self.synthesis: Synthesis | None = None
        self.view = "pd"
        self.dimension = "country"
        self.opened: set[str] = set()
        self.status = ""

    @property
    def workbench(self) -> WorkbenchApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static(id="synthesis-title")
        yield MatrixGrid(id="synthesis-grid")
        yield Static(id="synthesis-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(MatrixGrid).focus()
        if self.workbench.blind:
            self.coders = CoderSet.one(self.workbench.coder)
        self.compute()

    # --- the work --------------------------------------------------------------------------

    def compute(self) -> None:
        self.status = "Computing…"
        self._draw()
        self._compute(SynthesisJob(self.workbench.project.store.path, self.coders, {}))

    @work(thread=True, exclusive=True, exit_on_error=False, group="synthesis")
    def _compute(self, job: SynthesisJob) -> None:
        worker = get_current_worker()
        with Project.open(job.path) as project:
            synthesis = project.synthesize(job.coders, job.filters or None)
        if not worker.is_cancelled:
            self.post_message(self.Computed(synthesis))

    @on(Computed)
    def _computed(self, message: Computed) -> None:
        self.synthesis, self.status = message.synthesis, ""
        self._draw()

    def failed(self, message: str) -> None:
        self.status = f"No synthesis: {message}"
        self._draw()
        self.notify(message, title="Synthesis", severity="error", markup=False)

    # --- actions ---------------------------------------------------------------------------

    def action_view(self) -> None:
        self.view = VIEWS[(VIEWS.index(self.view) + 1) % len(VIEWS)]
        self._draw()

    def action_dimension(self) -> None:
        self.dimension = DIMENSIONS[(DIMENSIONS.index(self.dimension) + 1) % len(DIMENSIONS)]
        self._draw()

    def action_coders(self) -> None:
        if self.workbench.blind:
            self.notify("Blind mode: only your own codings.", severity="warning")
            return
        coders = self.workbench.project.store.list_coders()
        choices = [("all", "Everyone's codings", "all")]
        choices += [
            (c, "The consensus (agreed and settled)" if c == CONSENSUS else f"{c}'s codings", c)
            for c in coders
        ]

        def chosen(choice: str | None) -> None:
            if choice:
                self.coders = self.workbench.project.coders_of(choice)
                self.compute()

        self.app.push_screen(PickerDialog(choices, "Whose codings count"), chosen)

    def action_open_area(self) -> None:
        key = self.query_one(MatrixGrid).current_key()
        if key is not None and key in self._area_keys():
            self.opened ^= {key}
            self._draw()

    def action_open_all(self) -> None:
        areas = self._area_keys()
        self.opened = set() if self.opened >= areas else set(areas)
        self._draw()

    @on(MatrixGrid.CellSelected)
    def _selected(self, event: MatrixGrid.CellSelected) -> None:
        if event.key in self._area_keys():
            self.action_open_area()
            return
        column = self._columns()[event.column]
        preset: dict[str, str] = {}
        if column != ALL:
            preset[self.dimension] = column
        if self.view in ("pd", "comparison"):
            preset["school_group"] = self.view
        found = self._cell(event.key, column)
        name = found[0] if found else event.key
        self.app.push_screen(QuotesScreen(event.key, name, preset, self.coders))

    @on(MatrixGrid.CellHighlighted)
    def _highlighted(self, event: MatrixGrid.CellHighlighted) -> None:
        self._show_detail(event.key, event.column)

    def action_back(self) -> None:
        self.app.pop_screen()

    # --- drawing ---------------------------------------------------------------------------

    def _matrices(self) -> tuple[Matrix, Matrix] | None:
        s = self.synthesis
        if s is None:
            return None
        return {
            "country": (s.focus_area_by_country, s.practice_by_country),
            "respondent_role": (s.focus_area_by_role, s.practice_by_role),
            "method": (s.focus_area_by_method, s.practice_by_method),
        }[self.dimension]

    def _area_keys(self) -> set[str]:
        matrices = self._matrices()
        return {r.key for r in matrices[0].rows} if matrices else set()

    def _columns(self) -> list[str]:
        matrices = self._matrices()
        return [*matrices[0].columns, ALL] if matrices else []

    def _cell(self, key: str, column: str) -> tuple[str, Cell] | None:
        matrices = self._matrices()
        if matrices is None:
            return None
        for matrix in matrices:
            for row in matrix.rows:
                if row.key == key:
                    return row.name, row.total if column == ALL else row.cells[column]
        return None

    def _draw(self) -> None:
        s = self.synthesis
        parts = ["Synthesis", self._whose()]
        if s is not None:
            parts.append(f"{s.schools:,} schools, {s.documents:,} documents")
        parts += [VIEW_NAMES[self.view], f"by {DIMENSION_NAMES[self.dimension]}", self.status]
        title = " · ".join(p for p in parts if p)
        self.query_one("#synthesis-title", Static).update(escape(title))
        matrices = self._matrices()
        grid = self.query_one(MatrixGrid)
        if matrices is None:
            grid.set_grid([], [])
            return
        areas, practices = matrices
        columns = self._columns()
        rows = []
        for area in areas.rows:
            is_open = area.key in self.opened
            label = ("▾ " if is_open else "▸ ") + area.name
            cells = tuple(cell_look(area.cells.get(c), self.view) for c in columns[:-1])
            rows.append(GridRow(area.key, label, (*cells, cell_look(area.total, self.view)), AREA))
            if is_open:
                for practice in practices.rows:
                    if practice.focus_area != area.key:
                        continue
                    cells = tuple(cell_look(practice.cells.get(c), self.view) for c in columns[:-1])
                    rows.append(
                        GridRow(
                            practice.key,
                            "   " + practice.name,
                            (*cells, cell_look(practice.total, self.view)),
                            PRACTICE,
                        )
                    )
        corner = "focus area / practice"
        grid.set_grid([c.replace("_", " ") for c in columns], rows, corner)
        if rows:
            self._show_detail(rows[grid.cursor[0]].key, grid.cursor[1])

    def _whose(self) -> str:
        kind = self.coders.kind
        if kind == "all":
            return "everyone's codings"
        if kind == "consensus":
            return "the consensus"
        return f"{self.coders.coder}'s codings"

    def _show_detail(self, key: str, column: int) -> None:
        detail = self.query_one("#synthesis-detail", Static)
        columns = self._columns()
        found = self._cell(key, columns[column]) if column < len(columns) else None
        if found is None:
            detail.update("")
            return
        name, cell = found
        text = cell_text(name, columns[column], cell)
        if key in self._area_keys():
            text.append("\nspace or enter opens the focus area into its practices", "dim")
        else:
            text.append("\nenter shows the cell's quotes (and from there every passage)", "dim")
        detail.update(text)
