"""Coding one transcript: the transcript with its cursor and selection, the codebook tree
(focus area > practice > code) with the highlighted code's definition, the codes suggested
for the segment under the cursor, and keys that apply, repeat, remove, undo and redo codes
and accept or reject suggestions. Every action is saved at once."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rich.markup import escape
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.events import DescendantFocus, Key
from textual.screen import Screen
from textual.widgets import Footer, Static, Tree

from brightspots.models import Code
from brightspots.project import DocumentView
from brightspots.suggester import Suggestion
from brightspots.tui.actions import mine, safely, write_memo
from brightspots.tui.dialogs.code_picker import CodePickerDialog
from brightspots.tui.dialogs.text import AskDialog
from brightspots.tui.screens.codebook import code_details
from brightspots.tui.widgets.suggestion_panel import SuggestionPanel
from brightspots.tui.widgets.transcript import TranscriptView

if TYPE_CHECKING:
    from brightspots.tui.app import WorkbenchApp

RECENT = 9


def fold(text: str) -> str:
    """Case and accents ignored: `ecole` finds `École`."""
    plain = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in plain if not unicodedata.combining(c))


def colours(codebook: list[Code]) -> dict[str, str]:
    return {c.id: c.colour or "#777777" for c in codebook}


class CodingScreen(Screen[None]):
    BINDINGS = [
        Binding("enter,space", "pick", "Code"),
        Binding("period", "repeat", "Repeat"),
        Binding("x", "uncode", "Uncode"),
        Binding("u", "undo", "Undo"),
        Binding("ctrl+r,U", "redo", "Redo"),
        Binding("n", "next_uncoded", "Next uncoded"),
        Binding("M", "memo", "Memo"),
        Binding("D", "document_memo", "Document memo", show=False),
        Binding("slash", "find", "Find"),
        Binding("R", "retrieve_here", "Retrieve"),
        Binding("tab", "app.focus_next", "Codebook", show=False),
        Binding("q", "back", "Documents"),
        *[Binding(str(i), f"recent({i})", show=False) for i in range(1, 10)],
        # Suggestions: capitals, as codebook shortcut letters are small letters.
        Binding("S", "toggle_suggestions", "Show/hide suggestions", show=False),
        Binding("A", "accept_suggestion", "Accept suggestion", show=False),
        Binding("X", "reject_suggestion", "Reject suggestion", show=False),
        Binding("O", "other_suggestion", "Next suggestion", show=False),
        Binding("V", "review_here", "Review a code's candidates", show=False),
    ]

    def __init__(self, name: str, at: tuple[int, int] | None = None) -> None:
        super().__init__()
        self.document_name = name
        self.at = at
        self.view: DocumentView = self.workbench.project.document(name)
        self.codebook: list[Code] = list(self.workbench.codes())
        self.memos: list[dict[str, Any]] = []
        self.last_find = ""
        self._shown: dict[str, str] = {}
        self._filled = False
        self.counts: dict[str, int] = {}

    @property
    def workbench(self) -> WorkbenchApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        view = self._visible(self.view)
        yield Static(self._title(), id="coding-title")
        with Horizontal():
            yield TranscriptView(view, colours(self.codebook), id="transcript")
            with Vertical(id="side"):
                yield Tree("Codebook", id="codebook")
                yield Static(id="code-details")
                yield SuggestionPanel(self.document_name, id="suggestions")
                yield Static(id="memos")
                yield Static(id="recent")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(TranscriptView).focus()
        self.select_span(self.at)
        # the transcript first: the side panels follow once it is on screen
        self.call_after_refresh(self._fill_side)

    def on_screen_resume(self) -> None:
        """Back from the codebook editor, retrieval or another coder's undo: codes may have
        been renamed, merged or deleted, and codings moved."""
        if not self._filled:
            return  # the first showing: on_mount draws everything
        codebook = list(self.workbench.codes())
        if codebook != self.codebook:
            self.codebook = codebook
            self.query_one(TranscriptView).colours = colours(codebook)
            self._fill_tree()
            panel = self.query_one(SuggestionPanel)
            if panel.started:
                panel.load()  # the suggester is fitted again on the new codebook
        self._reload_codings()
        self._reload_memos()

    def _fill_side(self) -> None:
        self._filled = True
        self._fill_tree()
        self._show_recent()
        self._reload_memos()
        if self.workbench.show_suggestions:
            self._show_suggestions()

    def select_span(self, at: tuple[int, int] | None) -> None:
        if at is not None:
            transcript = self.query_one(TranscriptView)
            transcript.select_span(*at)
            transcript.focus()

    def _title(self) -> str:
        m = self.view.info.meta
        return (
            f"{self.view.info.name} · {m.country} {m.school_id} {m.school_group} · "
            f"{m.respondent_role or '-'} · {m.method or '-'} · {self.workbench.coder}"
        )

    def _visible(self, view: DocumentView) -> DocumentView:
        """Blind mode: only the coder's own codings are shown."""
        if not self.workbench.blind:
            return view
        mine = tuple(c for c in view.codings if c["coder"] == self.workbench.coder)
        return DocumentView(view.info, view.text, view.turns, view.segments, view.annotations, mine)

    # --- the codebook panel --------------------------------------------------------------

    def _fill_tree(self) -> None:
        tree: Tree[str] = self.query_one("#codebook", Tree)
        tree.clear()
        app = self.workbench
        counts = self.counts = app.project.code_counts(app.coder if app.blind else None)
        framework = self.workbench.project.framework()
        placed: set[str] = set()
        for area in framework.focus_areas if framework else ():
            area_node = tree.root.add(area.name, data=f"focus_area:{area.id}", expand=False)
            for practice in area.practices:
                node = area_node.add(practice.name, data=f"practice:{practice.id}", expand=False)
                for code in (c for c in self.codebook if practice.id in c.practices):
                    node.add_leaf(self._code_label(code, counts), data=f"code:{code.id}")
                    placed.add(code.id)
        rest = [c for c in self.codebook if c.id not in placed]
        if rest:
            node = tree.root.add("Not mapped to a practice", expand=False)
            for code in rest:
                node.add_leaf(self._code_label(code, counts), data=f"code:{code.id}")
        tree.root.expand()

    @staticmethod
    def _code_label(code: Code, counts: dict[str, int]) -> Text:
        key = f"[{code.key}] " if code.key else ""
        return Text(f"{key}{code.name} ({counts.get(code.id, 0)})")  # not markup: [m] is text

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        """Entering the codebook tree recounts its codes (coding changes them)."""
        if event.widget.id != "codebook":
            return
        app = self.workbench
        self.counts = app.project.code_counts(app.coder if app.blind else None)
        tree: Tree[str] = self.query_one("#codebook", Tree)
        stack = list(tree.root.children)
        while stack:
            node = stack.pop()
            stack += node.children
            kind, _, key = (node.data or "").partition(":")
            code = self._code(key) if kind == "code" else None
            if code is not None:
                node.set_label(self._code_label(code, self.counts))

    @on(Tree.NodeHighlighted, "#codebook")
    def _highlighted(self, event: Tree.NodeHighlighted[str]) -> None:
        details = self.query_one("#code-details", Static)
        kind, _, key = (event.node.data or "").partition(":")
        code = self._code(key) if kind == "code" else None
        if code is None:
            details.update(self._framework_text(kind, key))
            return
        practices = self.workbench.project.framework()
        names = {p.id: p.name for p in practices.practices()} if practices else {}
        parent = self._code(code.parent) if code.parent else None
        details.update(
            code_details(
                code,
                self.counts.get(code.id, 0),
                [names.get(p, p) for p in code.practices],
                parent.name if parent else None,
                self.workbench.code_memos(code.id),
            )
        )

    @on(Tree.NodeSelected, "#codebook")
    def _tree_selected(self, event: Tree.NodeSelected[str]) -> None:
        kind, _, key = (event.node.data or "").partition(":")
        if kind == "code":
            self.apply(key)
            self.query_one(TranscriptView).focus()

    def _framework_text(self, kind: str, key: str) -> str:
        framework = self.workbench.project.framework()
        if framework is None or kind not in ("practice", "focus_area"):
            return ""
        items = framework.practices() if kind == "practice" else framework.focus_areas
        item = next((i for i in items if i.id == key), None)
        if item is None:
            return ""
        hint = "[dim]R lists its passages[/dim]"
        return f"[b]{escape(item.name)}[/b]\n{escape(item.description)}\n\n{hint}"

    def action_retrieve_here(self) -> None:
        """Passages of the code, practice or focus area highlighted in the codebook (or a
        choice of one)."""
        tree: Tree[str] = self.query_one("#codebook", Tree)
        node = tree.cursor_node
        scope = node.data if tree.has_focus and node is not None else None
        self.workbench.action_retrieve(scope)

    def _code(self, key: str | None) -> Code | None:
        return next((c for c in self.codebook if c.id == key), None)

    # --- actions ----------------------------------------------------------------------

    def apply(self, code: str) -> None:
        transcript = self.query_one(TranscriptView)
        start, end = transcript.selection()

        def act() -> None:
            self.workbench.project.apply_code(
                self.document_name, start, end, code, self.workbench.coder
            )
            self.workbench.remember(code)

        if safely(self, act):
            self._reload_codings()
            self._show_recent()

    def action_pick(self) -> None:
        self.app.push_screen(CodePickerDialog(self.codebook), self._picked)

    def _picked(self, code: str | None) -> None:
        if code:
            self.apply(code)

    def action_repeat(self) -> None:
        if self.workbench.recent:
            self.apply(self.workbench.recent[0])
        else:
            self.notify("No code applied yet: press enter to choose one.")

    def action_recent(self, number: int) -> None:
        recent = self.workbench.recent
        if number <= len(recent):
            self.apply(recent[number - 1])

    def on_key(self, event: Key) -> None:
        """A codebook shortcut letter applies its code (unless the letter is a workbench key)."""
        if event.character and event.character.isalnum():
            code = next((c for c in self.codebook if c.key == event.character), None)
            if code is not None:
                event.stop()
                self.apply(code.id)

    def action_uncode(self) -> None:
        transcript = self.query_one(TranscriptView)
        mine = [c for c in transcript.codings_in_selection() if c["coder"] == self.workbench.coder]
        if not mine:
            self.notify("None of your codes is on the selection.")
            return
        if len({c["code"] for c in mine}) == 1:
            self._remove(mine)
            return
        choices = [c for c in self.codebook if c.id in {m["code"] for m in mine}]

        def chosen(code: str | None) -> None:
            if code:
                self._remove([c for c in mine if c["code"] == code])

        self.app.push_screen(CodePickerDialog(choices, "Remove code"), chosen)

    def _remove(self, codings: list[Any]) -> None:
        def act() -> None:
            for c in codings:
                self.workbench.project.remove_coding(c["uid"], self.workbench.coder)

        if safely(self, act):
            self._reload_codings()

    def action_undo(self) -> None:
        self._history(self.workbench.project.undo, "Undone")

    def action_redo(self) -> None:
        self._history(self.workbench.project.redo, "Redone")

    def _history(self, step: Callable[[str], Any], verb: str) -> None:
        done = step(self.workbench.coder)
        if done is None:
            self.notify(f"Nothing to {verb.lower()[:-2]}.")
            return
        self.notify(f"{verb}: {done.describe()}")
        self.codebook = list(self.workbench.codes())
        self._reload_codings()

    def action_next_uncoded(self) -> None:
        transcript = self.query_one(TranscriptView)
        for segment in self.view.segments[transcript.cursor + 1 :]:
            if segment.role == "interviewer":
                continue
            if not transcript.is_coded(segment.index):
                transcript.move_to_segment(segment.index)
                return
        self.notify("No uncoded segment after this one.")

    # --- suggestions ------------------------------------------------------------------

    def action_toggle_suggestions(self) -> None:
        panel = self.query_one(SuggestionPanel)
        shown = not panel.display
        self.workbench.keep_suggestions_shown(shown)
        if shown:
            self._show_suggestions()
        else:
            panel.display = False

    def _show_suggestions(self) -> None:
        panel = self.query_one(SuggestionPanel)
        panel.display = True
        self._panel_coded()
        self._point_panel()
        if not panel.started:
            panel.load()

    def _point_panel(self) -> None:
        transcript = self.query_one(TranscriptView)
        if self.view.segments:
            segment = self.view.segments[transcript.cursor]
            self.query_one(SuggestionPanel).point_at((segment.start, segment.end))

    def _panel_coded(self) -> None:
        """The coder's coded spans: suggestions are for what they have not coded."""
        codings = self.query_one(TranscriptView).codings
        me = self.workbench.coder
        mine = [(c["start"], c["end"]) for c in codings if c["coder"] == me]
        self.query_one(SuggestionPanel).set_coded(mine)

    def _suggestion(self) -> Suggestion | None:
        """The marked suggestion for the cursor's segment, or None (and why, as a notice)."""
        panel = self.query_one(SuggestionPanel)
        if not panel.display:
            self.notify("Suggestions are hidden: S shows them.")
            return None
        if not panel.loaded:
            self.notify("Suggestions are not ready yet.")
            return None
        suggestion = panel.marked_suggestion()
        if suggestion is None:
            self.notify("No suggestion for this segment.")
        return suggestion

    def action_accept_suggestion(self) -> None:
        suggestion = self._suggestion()
        if suggestion is None:
            return
        app = self.workbench

        def act() -> None:
            app.project.accept_suggestion(suggestion, app.coder)
            app.remember(suggestion.code)

        if safely(self, act):
            self._reload_codings()
            self._show_recent()

    def action_reject_suggestion(self) -> None:
        suggestion = self._suggestion()
        if suggestion is None:
            return
        app = self.workbench
        if safely(self, lambda: app.project.reject_suggestion(suggestion, app.coder)):
            self.query_one(SuggestionPanel).drop(suggestion)
            self.notify(f"“{suggestion.name}” will not be suggested here again.", markup=False)

    def action_other_suggestion(self) -> None:
        self.query_one(SuggestionPanel).mark_next()

    def action_review_here(self) -> None:
        """Review the candidates for the code highlighted in the codebook (or a choice of
        one)."""
        tree: Tree[str] = self.query_one("#codebook", Tree)
        node = tree.cursor_node
        kind, _, key = (node.data or "").partition(":") if node is not None else ("", "", "")
        self.workbench.action_review(key if tree.has_focus and kind == "code" else None)

    # --- memos and find ---------------------------------------------------------------

    def action_memo(self) -> None:
        """A memo on the selection: a new one, or yours already on exactly this span."""
        start, end = self.query_one(TranscriptView).selection()
        quote = self.view.text[start:end]
        app = self.workbench
        write_memo(
            app,
            f"Memo on “{quote[:50]}{'…' if len(quote) > 50 else ''}”",
            mine(self.memos, app.coder, target="segment", start=start, end=end),
            lambda text: app.project.add_memo(
                "segment", text, app.coder, document=self.document_name, start=start, end=end
            ),
            self._reload_memos,
        )

    def action_document_memo(self) -> None:
        """Your memo on the whole document (shown beside every segment of it)."""
        app = self.workbench
        write_memo(
            app,
            f"Memo on the document {self.document_name}",
            mine(self.memos, app.coder, target="document"),
            lambda text: app.project.add_memo(
                "document", text, app.coder, document=self.document_name
            ),
            self._reload_memos,
        )

    def _reload_memos(self) -> None:
        self.memos = self.workbench.project.memos(document=self.document_name)
        if self.workbench.blind:
            self.memos = [m for m in self.memos if m["coder"] == self.workbench.coder]
        transcript = self.query_one(TranscriptView)
        transcript.set_memos(
            [(m["start"], m["end"]) for m in self.memos if m["target"] == "segment"]
        )
        self._show_memos(transcript.cursor)

    @on(TranscriptView.CursorMoved)
    def _cursor_moved(self, event: TranscriptView.CursorMoved) -> None:
        self._show_memos(event.segment)
        self._point_panel()

    def _show_memos(self, segment: int) -> None:
        if not self.view.segments:
            return
        s = self.view.segments[segment]
        here = [
            m
            for m in self.memos
            if m["target"] == "document"
            or (m["target"] == "segment" and m["start"] < s.end and m["end"] > s.start)
        ]
        lines = [f"✎ {m['coder']}: {m['text']}" for m in here]
        self._show("#memos", escape("\n".join(lines)))

    def action_find(self) -> None:
        def found(query: str | None) -> None:
            if not query:
                return
            self.last_find = query
            transcript = self.query_one(TranscriptView)
            wanted = fold(query)
            segments = self.view.segments
            order = [*segments[transcript.cursor + 1 :], *segments[: transcript.cursor + 1]]
            hit = next((s for s in order if wanted in fold(s.text)), None)
            if hit is None:
                self.notify(f"“{query}” is not in this document.")
            else:
                transcript.move_to_segment(hit.index)

        self.app.push_screen(
            AskDialog("Find in this document (accents optional):", self.last_find), found
        )

    def action_back(self) -> None:
        self.app.pop_screen()

    # --- helpers ------------------------------------------------------------------------

    def _reload_codings(self) -> None:
        codings = self.workbench.project.codings(self.document_name)
        if self.workbench.blind:
            codings = [c for c in codings if c["coder"] == self.workbench.coder]
        self.query_one(TranscriptView).set_codings(codings)
        self._panel_coded()

    def _show_recent(self) -> None:
        names = [
            f"{i}:{self._code(k).name if self._code(k) else k}"  # type: ignore[union-attr]
            for i, k in enumerate(self.workbench.recent[:RECENT], start=1)
        ]
        self._show("#recent", "Recent  " + "  ".join(names) if names else "")

    def _show(self, selector: str, content: str) -> None:
        """Update a side panel only when its content changes: an update costs a layout."""
        if self._shown.get(selector) != content:
            self._shown[selector] = content
            self.query_one(selector, Static).update(content)
