"""The documents of the project: filter by any attribute or word, sort, open one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from brightspots.listing import DOCUMENT_COLUMNS, document_row
from brightspots.models import DocumentInfo
from brightspots.tui.dialogs.text import AskDialog
from brightspots.tui.widgets.table import RowTable

if TYPE_CHECKING:
    from brightspots.tui.app import WorkbenchApp

COLUMNS = DOCUMENT_COLUMNS


def sort_key(cell: str) -> tuple[int, float, str]:
    """Numbers (`120`, `45%`) sort as numbers, before text; text sorts as text."""
    try:
        return (0, float(cell.rstrip("%")), "")
    except ValueError:
        return (1, 0.0, cell.casefold())


def matches(row: tuple[str, ...], query: str) -> bool:
    """Every word of the filter appears in some cell (`TD pd head` finds Chad's PD heads)."""
    haystack = " ".join(row).casefold()
    return all(word in haystack for word in query.casefold().split())


class DocumentsScreen(Screen[None]):
    BINDINGS = [
        Binding("slash", "focus_filter", "Filter"),
        Binding("t", "text_filter", "Containing words"),
        Binding("s", "sort", "Sort by column"),
        Binding("r", "reload", "Reload"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.documents: list[DocumentInfo] = []
        self.rows: list[tuple[str, ...]] = []
        self.containing = ""  # only documents whose text holds these words (full-text index)
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
        yield RowTable(COLUMNS, id="documents-table")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(RowTable).focus()

    def on_screen_resume(self) -> None:
        self.action_reload()  # on first show, and after coding (coded shares change)

    def action_reload(self) -> None:
        app = self.workbench
        self.documents = app.project.documents(coder=app.coder, text=self.containing or None)
        self.rows = [document_row(d) for d in self.documents]
        self._fill()

    def _fill(self) -> None:
        table = self.query_one(RowTable)
        query = self.query_one("#documents-filter", Input).value
        shown = [r for r in self.rows if matches(r, query)] if query else list(self.rows)
        shown.sort(key=lambda r: sort_key(r[self.sorted_by]), reverse=self.descending)
        table.sorted_column, table.descending = self.sorted_by, self.descending
        table.set_rows(shown, [r[0] for r in shown])
        blind = " · blind" if self.workbench.blind else ""
        containing = f" containing “{self.containing}”" if self.containing else ""
        self.query_one("#documents-title", Static).update(
            escape(
                f"{self.workbench.project.store.path.name} · coder {self.workbench.coder}{blind}"
                f" · {len(shown)} of {len(self.rows)} documents{containing} · enter opens one"
            )
        )

    def action_text_filter(self) -> None:
        def asked(words: str | None) -> None:
            if words is not None:
                self.containing = words.strip()
                self.action_reload()

        self.app.push_screen(
            AskDialog(
                "Only documents containing (every word; accents optional; empty: all):",
                self.containing,
            ),
            asked,
        )

    @on(Input.Changed, "#documents-filter")
    def _filter(self) -> None:
        self._fill()

    @on(Input.Submitted, "#documents-filter")
    def _filter_done(self) -> None:
        self.query_one(RowTable).focus()

    def action_focus_filter(self) -> None:
        self.query_one("#documents-filter", Input).focus()

    def action_sort(self) -> None:
        self._sort_by((self.sorted_by + 1) % len(COLUMNS))

    @on(RowTable.HeaderSelected)
    def _header(self, event: RowTable.HeaderSelected) -> None:
        self._sort_by(event.column)

    def _sort_by(self, column: int) -> None:
        self.descending = not self.descending if column == self.sorted_by else False
        self.sorted_by = column
        self.notify(f"Sorted by {COLUMNS[column]}" + (" (descending)" if self.descending else ""))
        self._fill()

    @on(RowTable.RowSelected)
    def _open(self, event: RowTable.RowSelected) -> None:
        self.workbench.open_document(event.key)
