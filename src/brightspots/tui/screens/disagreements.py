"""Settle the coders' disagreements one passage at a time: each disputed passage (for one
code, or for every code) in its context, with its document's attributes and every coder's
codes and spans there. One key settles it as codings of the `consensus` coder: `1`/`a`
takes the first coder's codes, `2`/`b` the second's (`3`–`9` the next coders'), `+` both
(every code any gave), `0`/`n` neither (only the codes all gave). Each decision is one step
in the adjudicator's history, so `u` (or `u` in a transcript) takes it back.

Passages settled earlier are listed too, marked, and the walk starts at the first one not
settled. The list is found in a worker thread with its own connection, as the agreement
screen's figures are; settling runs on the UI thread through the app's `Project`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rich.markup import escape
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.worker import get_current_worker

from brightspots.adjudication import ACTION, Disagreement
from brightspots.coding import Step
from brightspots.models import DocumentInfo
from brightspots.project import Project
from brightspots.tui.actions import ReportsWorkerFailure, safely
from brightspots.tui.screens.review import attributes

if TYPE_CHECKING:
    from brightspots.tui.app import WorkbenchApp

CONTEXT = 300  # characters of the document either side of a passage
CHOICES = {"both": "both coders' codes", "neither": "neither: only the codes all gave"}


def letter(position: int) -> str:
    return chr(ord("a") + position)


class DisagreementScreen(ReportsWorkerFailure, Screen[None]):
    BINDINGS = [
        Binding("1,a", "settle('1')", "Accept A"),
        Binding("2,b", "settle('2')", "Accept B"),
        *[Binding(str(n), f"settle('{n}')", f"Accept coder {n}", show=False) for n in range(3, 10)],
        Binding("plus", "settle('both')", "Both"),
        Binding("0,n", "settle('neither')", "Neither"),
        Binding("u", "undo", "Undo"),
        Binding("j,down,space", "move(1)", "Next"),
        Binding("k,up", "move(-1)", "Previous"),
        Binding("o,enter", "open", "Open in transcript"),
        Binding("q,escape", "back", "Back"),
    ]

    class Loaded(Message):
        def __init__(self, found: list[Disagreement], documents: dict[str, DocumentInfo]):
            super().__init__()
            self.found = found
            self.documents = documents

    def __init__(
        self,
        coders: Sequence[str],
        code: str | None = None,
        filters: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__()
        self.coders = tuple(coders)
        self.code = code
        self.filters = dict(filters or {})
        self.items: list[Disagreement] = []
        self.documents: dict[str, DocumentInfo] = {}
        self.settled: dict[int, str] = {}  # index -> how it was settled
        self.position = 0
        self.loaded = False
        self.status = "Finding the disputed passages…"

    @property
    def workbench(self) -> WorkbenchApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static(id="disagreement-title")
        with VerticalScroll(id="disagreement-body"):
            yield Static(id="disagreement-passage")
        yield Footer()

    def on_mount(self) -> None:
        self._draw()
        self._find(self.workbench.project.store.path)

    def on_screen_resume(self) -> None:
        self._draw()  # back from the transcript: the codes' names may have changed

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys for a third coder and beyond only when the passage has one."""
        if action == "settle" and parameters and str(parameters[0]).isdigit():
            current = self.current()
            return current is not None and int(str(parameters[0])) <= max(2, len(current.coders))
        return True

    # --- the work --------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="disagreements")
    def _find(self, path: Path) -> None:
        worker = get_current_worker()
        with Project.open(path) as project:
            found = project.disagreements(
                self.coders, self.code, self.filters or None, include_settled=True
            )
            names = {d.document for d in found}
            documents = {d.name: d for d in project.documents() if d.name in names}
        if not worker.is_cancelled:
            self.post_message(self.Loaded(found, documents))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.items, self.documents = message.found, message.documents
        self.settled = {i: "settled earlier" for i, d in enumerate(self.items) if d.settled}
        self.loaded = True
        self.position = next((i for i in range(len(self.items)) if i not in self.settled), 0)
        self._draw()
        self.refresh_bindings()

    def failed(self, message: str) -> None:
        self.status = f"No disagreements: {message}"
        self._draw()
        self.notify(message, title="Disagreements", severity="error", markup=False)

    # --- actions ---------------------------------------------------------------------------

    def current(self) -> Disagreement | None:
        if self.loaded and 0 <= self.position < len(self.items):
            return self.items[self.position]
        return None

    def action_settle(self, choice: str) -> None:
        """`choice`: a coder's number (1 the first), `both` or `neither`."""
        disagreement = self.current()
        if disagreement is None:
            return
        if choice.isdigit():
            number = int(choice)
            if not 1 <= number <= len(disagreement.coders):
                self.notify(f"This passage has {len(disagreement.coders)} coders.")
                return
            choice = disagreement.coders[number - 1]
            said = f"{choice}'s codes"
        else:
            said = CHOICES[choice]
        app = self.workbench
        if safely(self, lambda: app.project.adjudicate(disagreement, choice, app.coder)):
            self.settled[self.position] = said
            self.position = next(
                (i for i in range(self.position + 1, len(self.items)) if i not in self.settled),
                len(self.items),
            )
            self._moved()

    def action_undo(self) -> None:
        """Undo the adjudicator's last step (a decision here, or whatever they did last)."""
        app = self.workbench
        undone: list[Step | None] = []
        if not safely(self, lambda: undone.append(app.project.undo(app.coder))):
            return
        step = undone[0]
        if step is None:
            self.notify("Nothing to undo.")
            return
        if step.action == ACTION:
            decision = step.payload["decision"]
            where = (decision["document"], decision["start"], decision["end"])
            for i, d in enumerate(self.items):
                if (d.document_id, d.start, d.end) == where:
                    self.settled.pop(i, None)
                    self.position = i
                    break
        self.notify(f"Undone: {step.describe()}", markup=False)
        self._moved()

    def action_move(self, delta: int) -> None:
        if self.loaded:
            self.position = max(0, min(self.position + delta, len(self.items)))
            self._moved()

    def action_open(self) -> None:
        disagreement = self.current()
        if disagreement is not None:
            self.workbench.open_document(
                disagreement.document, (disagreement.start, disagreement.end)
            )

    def action_back(self) -> None:
        self.app.pop_screen()

    def _moved(self) -> None:
        self.query_one("#disagreement-body", VerticalScroll).scroll_home(animate=False)
        self._draw()
        self.refresh_bindings()

    # --- drawing ---------------------------------------------------------------------------

    def _draw(self) -> None:
        names = {c.id: c.name for c in self.workbench.codes()}
        parts = ["Disagreements", names.get(self.code, self.code) if self.code else "every code"]
        parts.append(" vs ".join(self.coders))
        parts += [f"{k.replace('_', ' ')} {v}" for k, v in self.filters.items()]
        if self.loaded and self.items:
            shown = min(self.position + 1, len(self.items))
            parts += [f"{shown} of {len(self.items)}", f"{len(self.settled)} settled"]
        self.query_one("#disagreement-title", Static).update(escape(" · ".join(parts)))
        self.query_one("#disagreement-passage", Static).update(self._passage_text(names))

    def _passage_text(self, names: dict[str, str]) -> Text:
        if not self.loaded:
            return Text(self.status, "dim")
        if not self.items:
            return Text("The coders agree on every passage here: nothing to settle.", "dim")
        d = self.current()
        if d is None:
            left = len(self.items) - len(self.settled)
            return Text(
                f"End of the {len(self.items)} disputed passages: {len(self.settled)} settled, "
                f"{left} not. k goes back; u undoes the last decision; q returns.",
                "dim",
            )
        text = Text.assemble(
            (d.document, "bold"), "  ", (attributes(self.documents.get(d.document)), "dim")
        )
        settled = self.settled.get(self.position)
        if settled:
            text.append(f"  [settled: {settled}]", "green")
        disputed = ", ".join(names.get(c, c) for c in d.disputed)
        text.append("\nDisputed: ", "bold").append(disputed, "yellow")
        before, passage, after = self.workbench.project.context(d.document, d.start, d.end, CONTEXT)
        text.append("\n\n" + ("…" if d.start > len(before) else ""))
        text.append(" ".join(before.split()) + " ").append(passage, "bold reverse")
        text.append(" " + " ".join(after.split()) + ("…" if len(after) >= CONTEXT else ""))
        for n, coder in enumerate(d.coders):
            text.append(f"\n\n{n + 1}/{letter(n)}  {coder}", "bold")
            codes = d.codes.get(coder, ())
            if not codes:
                text.append("\n  no code here", "dim")
            for code in codes:
                style = "yellow" if code in d.disputed else ""
                text.append("\n  • ").append(names.get(code, code), style)
                for c, start, end in d.spans.get(coder, ()):
                    if c != code:
                        continue
                    if (start, end) == (d.start, d.end):
                        text.append("  the whole passage", "dim")
                    else:
                        quoted = " ".join(passage[start - d.start : end - d.start].split())
                        text.append(f"  “{quoted}”", "dim")
        return text
