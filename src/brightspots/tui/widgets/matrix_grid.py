"""A grid of coloured cells with a cell cursor: the synthesis matrix.

Rows carry a label (kept in view while the columns scroll sideways) and one cell per
column; each cell has its text and its own style, so shares can be shaded by value. The
cursor moves over cells; enter selects one, and the screen decides what that means (open a
focus area, show a cell's quotes). Like `RowTable`, only the visible lines are drawn."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from brightspots.tui.widgets.table import CURSOR, HEADER, ROW

CELL_WIDTH = 9
LABEL_WIDTH = 24  # the least a label gets; more when the columns leave room
CURSOR_BLURRED = CURSOR + Style(bgcolor="grey30", color="white")


@dataclass(frozen=True)
class GridRow:
    key: str
    label: str
    cells: tuple[tuple[str, Style], ...]
    label_style: Style = ROW


class MatrixGrid(ScrollView, can_focus=True):
    BINDINGS = [
        Binding("j,down", "move(1, 0)", "Down", show=False),
        Binding("k,up", "move(-1, 0)", "Up", show=False),
        Binding("l,right", "move(0, 1)", "Right", show=False),
        Binding("h,left", "move(0, -1)", "Left", show=False),
        Binding("g,home", "edge(0)", "First", show=False),
        Binding("G,end", "edge(1)", "Last", show=False),
        Binding("enter", "select", "Open", show=False),
    ]

    class CellHighlighted(Message):
        def __init__(self, grid: MatrixGrid, key: str, column: int) -> None:
            super().__init__()
            self.grid, self.key, self.column = grid, key, column

    class CellSelected(Message):
        def __init__(self, grid: MatrixGrid, key: str, column: int) -> None:
            super().__init__()
            self.grid, self.key, self.column = grid, key, column

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.columns: tuple[str, ...] = ()
        self.rows: list[GridRow] = []
        self.cursor = (0, 0)  # (row, column)
        self.first_column = 0  # the leftmost data column in view
        self.widest = 0  # the longest label
        self.corner = ""  # drawn above the labels

    def set_grid(self, columns: Sequence[str], rows: Sequence[GridRow], title: str = "") -> None:
        """Replace the grid; the cursor stays on the same row key where it can."""
        key = self.current_key()
        self.columns, self.rows, self.corner = tuple(columns), list(rows), title
        self.widest = max([cell_len(title), *(cell_len(r.label) for r in self.rows)], default=0)
        keys = [r.key for r in self.rows]
        row = keys.index(key) if key in keys else min(self.cursor[0], len(self.rows) - 1)
        self.cursor = (max(0, row), max(0, min(self.cursor[1], len(self.columns) - 1)))
        self.virtual_size = Size(self.size.width, len(self.rows) + 1)
        self.refresh()
        self._show_cursor()
        self._highlighted()

    def current_key(self) -> str | None:
        return self.rows[self.cursor[0]].key if self.rows else None

    # --- drawing ------------------------------------------------------------------------

    @property
    def label_width(self) -> int:
        """Whole labels where the columns leave room, else at least `LABEL_WIDTH`."""
        room = self.size.width - 1 - CELL_WIDTH * len(self.columns)
        return min(self.widest + 1, max(LABEL_WIDTH, room))

    def _visible_columns(self) -> range:
        room = max(1, (self.size.width - self.label_width - 1) // CELL_WIDTH)
        return range(self.first_column, min(len(self.columns), self.first_column + room))

    def render_line(self, y: int) -> Strip:
        shown = self._visible_columns()
        if y == 0:
            parts = [Segment(self.corner[: self.label_width].ljust(self.label_width + 1), HEADER)]
            parts += [
                Segment(self.columns[i][: CELL_WIDTH - 1].center(CELL_WIDTH), HEADER) for i in shown
            ]
            return Strip(parts).extend_cell_length(self.size.width)
        index = self.scroll_offset.y + y - 1
        if index >= len(self.rows):
            return Strip.blank(self.size.width)
        row = self.rows[index]
        label = (
            row.label
            if cell_len(row.label) <= self.label_width
            else row.label[: self.label_width - 1] + "…"
        )
        parts = [Segment(label.ljust(self.label_width + 1), row.label_style)]
        for i in shown:
            text, style = row.cells[i] if i < len(row.cells) else ("", ROW)
            if (index, i) == self.cursor:
                style = CURSOR if self.has_focus else CURSOR_BLURRED
            parts.append(Segment(text[:CELL_WIDTH].center(CELL_WIDTH), style))
        return Strip(parts).extend_cell_length(self.size.width)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def on_resize(self) -> None:
        self._show_cursor()

    # --- movement -----------------------------------------------------------------------

    def move_to(self, row: int, column: int) -> None:
        if not self.rows or not self.columns:
            return
        row = max(0, min(row, len(self.rows) - 1))
        column = max(0, min(column, len(self.columns) - 1))
        if (row, column) != self.cursor:
            self.cursor = (row, column)
            self.refresh()
            self._highlighted()
        self._show_cursor()

    def _highlighted(self) -> None:
        if self.rows and self.columns:
            self.post_message(
                self.CellHighlighted(self, self.rows[self.cursor[0]].key, self.cursor[1])
            )

    def _show_cursor(self) -> None:
        row, column = self.cursor
        shown = self._visible_columns()
        if column < shown.start:
            self.first_column = column
        elif column >= shown.stop:
            self.first_column = column - len(shown) + 1
        self.refresh()
        self.scroll_to_region(Region(0, row, 1, 2), animate=False, spacing=None, immediate=True)

    def action_move(self, rows: int, columns: int) -> None:
        self.move_to(self.cursor[0] + rows, self.cursor[1] + columns)

    def action_edge(self, end: int) -> None:
        self.move_to(len(self.rows) - 1 if end else 0, self.cursor[1])

    def action_select(self) -> None:
        if self.rows and self.columns:
            self.post_message(
                self.CellSelected(self, self.rows[self.cursor[0]].key, self.cursor[1])
            )

    def on_click(self, event: events.Click) -> None:
        row = self.scroll_offset.y + event.y - 1
        x = event.x - self.label_width - 1
        column = self.first_column + x // CELL_WIDTH if x >= 0 else self.cursor[1]
        if 0 <= row < len(self.rows) and column < len(self.columns):
            was = self.cursor
            self.move_to(row, column)
            if was == self.cursor or event.chain > 1:
                self.action_select()
