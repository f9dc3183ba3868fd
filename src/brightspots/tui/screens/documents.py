"""The documents of the project: filter by any attribute or word, sort, open one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from brightspots.listing import DOCUMENT_COLUMNS, document_row
from brightspots.models import DocumentInfo

if TYPE_CHECKING:
    from brightspots.tui.app import WorkbenchApp

COLUMNS = DOCUMENT_COLUMNS


def matches(row: tuple[str, ...], query: str) -> bool:
    """Every word of the filter appears in some cell (`TD pd head` finds Chad's PD heads)."""
    haystack = " ".join(row).casefold()
    return all(word in haystack for word in query.casefold().split())


class DocumentsScreen(Screen[None]):
    BINDINGS = [
        Binding("slash", "focus_filter", "Filter"),
        Binding("s", "sort", "Sort by column"),
        Binding("r", "reload", "Reload"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.documents: list[DocumentInfo] = []
        self.sorted_by = 0
        self.descending = False

    @property
    def workbench(self) -> WorkbenchApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static(id="documents-title")
        yield Input(
            placeholder="Filter: words in any column (country, school, role…)",
            id="documents-filter",
        )
        yield DataTable(id="documents-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for column in COLUMNS:
            table.add_column(column, key=column)
        self.action_reload()
        table.focus()

    def on_screen_resume(self) -> None:
        self.action_reload()  # coded shares change while coding

    def action_reload(self) -> None:
        app = self.workbench
        self.documents = app.project.documents(coder=app.coder)
        self._fill()

    def _fill(self) -> None:
        table = self.query_one(DataTable)
        query = self.query_one("#documents-filter", Input).value
        rows = [document_row(d) for d in self.documents]
        shown = [r for r in rows if matches(r, query)]
        numeric = COLUMNS[self.sorted_by] == "segments"
        shown.sort(
            key=lambda r: int(r[self.sorted_by]) if numeric else r[self.sorted_by],
            reverse=self.descending,
        )
        cursor = table.cursor_row
        table.clear()
        for row in shown:
            table.add_row(*row, key=row[0])
        if shown:
            table.move_cursor(row=min(cursor, len(shown) - 1))
        blind = " · blind" if self.workbench.blind else ""
        self.query_one("#documents-title", Static).update(
            f"{self.workbench.project.store.path.name} · coder {self.workbench.coder}{blind} · "
            f"{len(shown)} of {len(rows)} documents · enter opens one"
        )

    @on(Input.Changed, "#documents-filter")
    def _filter(self) -> None:
        self._fill()

    @on(Input.Submitted, "#documents-filter")
    def _filter_done(self) -> None:
        self.query_one(DataTable).focus()

    def action_focus_filter(self) -> None:
        self.query_one("#documents-filter", Input).focus()

    def action_sort(self) -> None:
        table = self.query_one(DataTable)
        column = table.cursor_column if table.cursor_type == "cell" else self.sorted_by + 1
        self._sort_by(column % len(COLUMNS))

    @on(DataTable.HeaderSelected)
    def _header(self, event: DataTable.HeaderSelected) -> None:
        self._sort_by(event.column_index)

    def _sort_by(self, column: int) -> None:
        self.descending = not self.descending if column == self.sorted_by else False
        self.sorted_by = column
        self.notify(f"Sorted by {COLUMNS[column]}" + (" (descending)" if self.descending else ""))
        self._fill()

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.workbench.open_document(str(event.row_key.value))
