"""Lists of passages across the project, each with its document's attributes, filterable by
country, school group and role; enter opens the passage in its transcript.

* Retrieval: every passage coded with a code, with any code of a practice, or of a focus
  area (what NVivo calls a coding query, and the raw material of the synthesis).
* Find: every segment holding some words (the project's full-text index)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Select, Static

from brightspots.coder_set import CoderSet
from brightspots.errors import BrightspotsError
from brightspots.models import DocumentMeta, Framework
from brightspots.tui.dialogs.text import AskDialog
from brightspots.tui.widgets.filter_bar import FILTERS, FilterBar, described
from brightspots.tui.widgets.table import RowTable

if TYPE_CHECKING:
    from brightspots.tui.app import WorkbenchApp

# The most rows a table holds: beyond this a filter is the way to see the rest.
SHOWN = 2000
SCOPE_NAMES = {"code": "Code", "practice": "Practice", "focus_area": "Focus area"}
SNIPPET = 90


def scope_choices(
    framework: Framework | None, codes: list[tuple[str, str]]
) -> list[tuple[str, str, str]]:
    """Picker choices for retrieval: focus areas, practices, then codes (`scope:key`)."""
    choices = []
    for area in framework.focus_areas if framework else ():
        choices.append((f"focus_area:{area.id}", f"Focus area · {area.name}", area.id))
        choices += [
            (f"practice:{p.id}", f"Practice · {p.name}", f"{p.id} {area.name}")
            for p in area.practices
        ]
    choices += [(f"code:{key}", f"Code · {name}", key) for key, name in codes]
    return choices


def one_line(text: str, width: int = SNIPPET) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


class PassagesScreen(Screen[None]):
    """The shared frame: title, filter menus, a table of passages, the highlighted one in
    its context. Subclasses say how rows are found."""

    BINDINGS = [
        Binding("f", "focus_filters", "Filters"),
        Binding("q,escape", "back", "Back"),
    ]
    COLUMNS: tuple[str, ...] = ()

    def __init__(self, preset: Mapping[str, str] | None = None) -> None:
        """`preset`: document attributes chosen from the start; those without a menu (the
        method) stay fixed."""
        super().__init__()
        self.spans: dict[str, tuple[str, int, int]] = {}
        self.total = 0
        self.preset = dict(preset or {})

    @property
    def workbench(self) -> WorkbenchApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static(id="passages-title")
        yield FilterBar(self.workbench.project, id="passages-filters", preset=self.preset)
        yield RowTable(self.COLUMNS, id="passages-table")
        yield Static(id="passages-context")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(RowTable).focus()
        self.reload()

    def filters(self) -> dict[str, str]:
        fixed = {k: v for k, v in self.preset.items() if k not in dict(FILTERS)}
        return fixed | self.query_one(FilterBar).chosen()

    @on(Select.Changed)
    def _filtered(self) -> None:
        self.reload()

    def reload(self) -> None:
        raise NotImplementedError

    def fill(self, rows: Sequence[tuple[str, int, int, tuple[str, ...]]], title: str) -> None:
        """Rows are (document, start, end, cells)."""
        self.spans = {str(n): (d, a, b) for n, (d, a, b, _) in enumerate(rows)}
        self.query_one(RowTable).set_rows([r[3] for r in rows], list(self.spans))
        shown = (
            f"showing the first {len(rows):,} — filter to narrow" if self.total > len(rows) else ""
        )
        where = described(self.filters())
        parts = [title, f"{self.total:,} passages", where, shown, "enter opens one"]
        self.query_one("#passages-title", Static).update(escape(" · ".join(p for p in parts if p)))
        self._show_context(0 if rows else None)

    @on(RowTable.RowHighlighted, "#passages-table")
    def _highlighted(self, event: RowTable.RowHighlighted) -> None:
        self._show_context(event.row)

    def _show_context(self, row: int | None) -> None:
        context = self.query_one("#passages-context", Static)
        span = self.spans.get(str(row)) if row is not None else None
        if span is None:
            context.update("")
            return
        document, start, end = span
        before, passage, after = self.workbench.project.context(document, start, end, 100)
        context.update(
            f"[dim]{escape(document)}[/dim]\n…{escape(' '.join(before.split()))} "
            f"[b reverse]{escape(passage)}[/] {escape(' '.join(after.split()))}…"
        )

    @on(RowTable.RowSelected, "#passages-table")
    def _selected(self, event: RowTable.RowSelected) -> None:
        span = self.spans.get(event.key)
        if span is not None:
            self.workbench.open_document(span[0], (span[1], span[2]))

    def action_focus_filters(self) -> None:
        self.query_one(FilterBar).focus_first()

    def action_back(self) -> None:
        self.app.pop_screen()

    @staticmethod
    def attributes(meta: DocumentMeta) -> tuple[str, str, str]:
        return (
            meta.country + (f" {meta.territory}" if meta.territory else ""),
            meta.school_group,
            (meta.respondent_role or "-").replace("_", " "),
        )


class RetrievalScreen(PassagesScreen):
    """Passages coded with one code, a practice's codes, or a focus area's."""

    BINDINGS = [Binding("c", "choose", "Code / practice / area")]
    COLUMNS = ("document", "country", "group", "role", "method", "code", "coder", "passage")

    def __init__(
        self,
        scope: str,
        key: str,
        preset: Mapping[str, str] | None = None,
        coders: Sequence[str] | None = None,
    ) -> None:
        """`coders`: only their codings (a synthesis drawn from one coder or the consensus);
        blind mode always shows the coder's own."""
        super().__init__(preset)
        self.scope = scope
        self.key = key
        self.coders = list(coders) if coders is not None else None

    def reload(self) -> None:
        app = self.workbench
        coders = [app.coder] if app.blind else self.coders
        try:
            self.total, passages = app.project.passages(
                self.scope, self.key, self.filters(), coders, limit=SHOWN
            )
        except BrightspotsError as error:
            self.notify(error.message, title=error.title, severity="error")
            return
        rows = [
            (
                p.document,
                p.start,
                p.end,
                (
                    p.document,
                    *self.attributes(p.meta),
                    p.meta.method or "-",
                    p.code_name + (" (detached)" if p.status != "ok" else ""),
                    p.coder,
                    one_line(p.text),
                ),
            )
            for p in passages
        ]
        whose = f"coded by {', '.join(self.coders)}" if self.coders and not app.blind else ""
        title = " · ".join(p for p in (SCOPE_NAMES[self.scope], self._scope_name(), whose) if p)
        self.fill(rows, title)

    def _scope_name(self) -> str:
        if self.scope == "code":
            return next((c.name for c in self.workbench.codes() if c.id == self.key), self.key)
        framework = self.workbench.project.framework()
        names = {a.id: a.name for a in framework.focus_areas} if framework else {}
        names |= {p.id: p.name for p in framework.practices()} if framework else {}
        return names.get(self.key, self.key)

    def action_choose(self) -> None:
        self.workbench.action_retrieve(replace=True)


class QuotesScreen(PassagesScreen):
    """The exemplar quotes of a practice in a cell of the synthesis: passages spread over
    countries, schools and roles (as the report chooses them), attributed without names;
    `a` lists every passage behind the cell."""

    BINDINGS = [Binding("a", "all_passages", "Every passage")]
    COLUMNS = ("country", "group", "role", "method", "document", "quote")
    LIMIT = 12

    def __init__(
        self, practice: str, name: str, preset: Mapping[str, str], coders: CoderSet
    ) -> None:
        super().__init__(preset)
        self.practice, self.practice_name, self.coders = practice, name, coders

    def reload(self) -> None:
        app = self.workbench
        try:
            found = app.project.quotes(self.practice, self.coders, self.filters(), self.LIMIT)
        except BrightspotsError as error:
            self.notify(error.message, title=error.title, severity="error")
            return
        self.total = len(found)
        rows = [
            (
                q.document,
                q.start,
                q.end,
                (
                    q.country,
                    q.school_group,
                    (q.role or "-").replace("_", " "),
                    q.method or "-",
                    q.document,
                    one_line(q.text),
                ),
            )
            for q in found
        ]
        self.fill(rows, f"Quotes · {self.practice_name}")

    def action_all_passages(self) -> None:
        coders = self.coders.coders()
        self.app.push_screen(
            RetrievalScreen(
                "practice", self.practice, self.filters(), list(coders) if coders else None
            )
        )


class FindScreen(PassagesScreen):
    """Segments across the project holding every word of a query (accents optional)."""

    BINDINGS = [Binding("slash", "ask", "New search")]
    COLUMNS = ("document", "country", "group", "role", "method", "passage")

    def __init__(self, query: str) -> None:
        super().__init__()
        self.search = query

    def reload(self) -> None:
        self._search(self.search, self.filters())

    def _search(self, query: str, filters: dict[str, str]) -> None:
        hits = self.workbench.project.search(query, filters, limit=SHOWN)
        self.total = len(hits)
        rows = [
            (
                h.document,
                h.start,
                h.end,
                (h.document, *self.attributes(h.meta), h.meta.method or "-", one_line(h.text)),
            )
            for h in hits
        ]
        self.fill(rows, f"Find “{query}”")

    def action_ask(self) -> None:
        def asked(query: str | None) -> None:
            if query:
                self.search = query
                self.reload()

        self.app.push_screen(AskDialog("Find across the project:", self.search), asked)
