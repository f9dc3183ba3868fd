"""A table that draws only its visible rows.

Textual's DataTable measures every cell of every row as rows are added: 6,600 documents
took seconds before the first frame. This one takes column widths from plain string
lengths (capped), keeps rows as tuples of text, and renders a row only when it is on
screen, so a DMS-size project lists its documents at once."""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.segment import Segment as Cell
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

MAX_WIDTH = 48  # a column never takes more, so one long cell cannot push the rest away
GAP = 2

HEADER = Style(bold=True, color="cyan")
HEADER_SORTED = Style(bold=True, color="yellow")
ROW = Style(color="grey85")
ROW_ALT = Style(color="grey85", bgcolor="grey11")
CURSOR = Style(color="black", bgcolor="cyan")


class RowTable(ScrollView, can_focus=True):
    """Rows of text cells with a row cursor; enter (or a click) selects one."""

    BINDINGS = [
        Binding("j,down", "move(1)", "Down", show=False),
        Binding("k,up", "move(-1)", "Up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("g,home", "edge(0)", "First", show=False),
        Binding("G,end", "edge(1)", "Last", show=False),
        Binding("h,left", "scroll_left", "Scroll left", show=False),
        Binding("l,right", "scroll_right", "Scroll right", show=False),
        Binding("enter", "select", "Open", show=False),
    ]

    class RowHighlighted(Message):
        @property
        def control(self) -> RowTable:
            return self.table

        def __init__(self, table: RowTable, row: int) -> None:
            super().__init__()
            self.table = table
            self.row = row

    class RowSelected(Message):
        @property
        def control(self) -> RowTable:
            return self.table

        def __init__(self, table: RowTable, row: int, key: str) -> None:
            super().__init__()
            self.table = table
            self.row = row
            self.key = key

    class HeaderSelected(Message):
        @property
        def control(self) -> RowTable:
            return self.table

        def __init__(self, table: RowTable, column: int) -> None:
            super().__init__()
            self.table = table
            self.column = column

    def __init__(self, columns: Sequence[str], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.columns = tuple(columns)
        self.rows: list[tuple[str, ...]] = []
        self.keys: list[str] = []
        self.widths = [cell_len(c) for c in self.columns]
        self.cursor_row = 0
        self.sorted_column: int | None = None  # shown with an arrow in the header
        self.descending = False

    @property
    def row_count(self) -> int:
        return len(self.rows)

    def set_rows(self, rows: Sequence[tuple[str, ...]], keys: Sequence[str]) -> None:
        """Replace every row; the cursor stays on the same index where it can."""
        self.rows = list(rows)
        self.keys = list(keys)
        self.widths = [
            min(MAX_WIDTH, max([cell_len(title) + 2, *(len(r[i]) for r in self.rows)]))
            for i, title in enumerate(self.columns)
        ]
        self.virtual_size = Size(sum(self.widths) + GAP * len(self.widths), len(self.rows) + 1)
        self.cursor_row = max(0, min(self.cursor_row, len(self.rows) - 1))
        self.refresh()
        self._show_cursor()
        if self.rows:
            self.post_message(self.RowHighlighted(self, self.cursor_row))

    # --- drawing ------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        x = self.scroll_offset.x
        if y == 0:
            cells = [
                (title + (" ▼" if self.descending else " ▲"), HEADER_SORTED)
                if self.sorted_column == i
                else (title, HEADER)
                for i, title in enumerate(self.columns)
            ]
            return self._strip(cells, x)
        index = self.scroll_offset.y + y - 1
        if index >= len(self.rows):
            return Strip.blank(self.size.width)
        if index == self.cursor_row:
            style = CURSOR if self.has_focus else CURSOR + Style(bgcolor="grey30", color="white")
        else:
            style = ROW_ALT if index % 2 else ROW
        return self._strip([(cell, style) for cell in self.rows[index]], x, style)

    def _strip(self, cells: list[tuple[str, Style]], x: int, fill: Style | None = None) -> Strip:
        parts = []
        for (text, style), width in zip(cells, self.widths, strict=False):
            shown = text if len(text) <= width else text[: width - 1] + "…"
            parts.append(Cell(shown.ljust(width) + " " * GAP, style))
        line = Strip(parts).crop(x, x + self.size.width)
        return line.extend_cell_length(self.size.width, fill)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # --- movement -----------------------------------------------------------------------

    def move_cursor(self, row: int) -> None:
        if not self.rows:
            return
        row = max(0, min(row, len(self.rows) - 1))
        if row != self.cursor_row:
            self.cursor_row = row
            self.refresh()
            self.post_message(self.RowHighlighted(self, row))
        self._show_cursor()

    def _show_cursor(self) -> None:
        # the header takes the first line of the view
        self.scroll_to_region(
            Region(0, self.cursor_row, 1, 2), animate=False, spacing=None, immediate=True
        )

    def action_move(self, delta: int) -> None:
        self.move_cursor(self.cursor_row + delta)

    def action_page(self, direction: int) -> None:
        self.move_cursor(self.cursor_row + direction * max(1, self.size.height - 2))

    def action_edge(self, end: int) -> None:
        self.move_cursor(len(self.rows) - 1 if end else 0)

    def action_select(self) -> None:
        if self.rows:
            self.post_message(self.RowSelected(self, self.cursor_row, self.keys[self.cursor_row]))

    def on_click(self, event: events.Click) -> None:
        if event.y == 0:
            column = self._column_at(event.x + self.scroll_offset.x)
            if column is not None:
                self.post_message(self.HeaderSelected(self, column))
            return
        row = self.scroll_offset.y + event.y - 1
        if 0 <= row < len(self.rows):
            was = self.cursor_row
            self.move_cursor(row)
            if was == row or event.chain > 1:
                self.action_select()

    def _column_at(self, x: int) -> int | None:
        left = 0
        for i, width in enumerate(self.widths):
            left += width + GAP
            if x < left:
                return i
        return None
