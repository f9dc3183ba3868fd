"""The coding screen's suggestion panel: codes suggested for the segment under the cursor,
best first, each with its calibrated score (the estimated chance that it is right) and the
evidence behind the code ("codebook only", "12 coded passages"; too little is marked).

It fits the app's suggester (once per app) and scores the document's uncoded segments in a
worker thread (see `tui/suggestion_job.py`), showing progress meanwhile; the worker is
cancelled when the screen goes. The coding screen says which span the cursor is on and
which spans the coder has coded; suggestions for those spans are not shown."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.message import Message
from textual.widgets import Static
from textual.worker import get_current_worker

from brightspots.project import Project
from brightspots.suggester import Suggester, Suggestion
from brightspots.tui.actions import ReportsWorkerFailure
from brightspots.tui.suggestion_job import (
    ProgressLine,
    SuggestionJob,
)

if TYPE_CHECKING:
    from brightspots.tui.app import WorkbenchApp

TOP_K = 5  # asked for each segment, so that a rejected code makes way for the next
SHOWN = 3
HINT = "A accept · X reject · O next"


def evidence_text(suggestion: Suggestion, short: bool = False) -> Text:
    """The evidence behind a code ("12 coded passages"); too little is marked (with ⚠
    where room is short)."""
    if not suggestion.low_evidence:
        return Text(suggestion.evidence, "dim")
    if short:
        return Text.assemble(("⚠ ", "yellow"), (suggestion.evidence, "dim"))
    return Text.assemble((suggestion.evidence, "dim"), (" · low evidence", "yellow"))


class SuggestionPanel(ReportsWorkerFailure, Static):
    """Hidden until the coder shows it; `load()` starts the work."""

    class Progressed(Message):
        """The worker's progress (a newer one replaces an older one still queued)."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, SuggestionPanel.Progressed)

    class Loaded(Message):
        def __init__(self, suggestions: list[Suggestion]) -> None:
            super().__init__()
            self.suggestions = suggestions

    def __init__(self, document: str, id: str | None = None) -> None:
        super().__init__(id=id)
        self.document = document
        self.suggestions: list[Suggestion] = []
        self.loaded = False
        self.started = False
        self.status = ""
        self.span: tuple[int, int] | None = None
        self.coded: list[tuple[int, int]] = []  # spans the coder has coded
        self.marked = 0

    @property
    def workbench(self) -> WorkbenchApp:
        return self.app  # type: ignore[return-value]

    def on_mount(self) -> None:
        self.border_title = "Suggestions"

    def on_resize(self) -> None:
        self._draw()

    # --- what the screen tells it ----------------------------------------------------------

    def point_at(self, span: tuple[int, int]) -> None:
        """The cursor moved to another segment: its suggestions, the best one marked."""
        if span != self.span:
            self.span = span
            self.marked = 0
            self._draw()

    def set_coded(self, spans: list[tuple[int, int]]) -> None:
        self.coded = spans
        self._draw()

    def drop(self, suggestion: Suggestion) -> None:
        """A rejected suggestion goes (the next code for the passage moves up)."""
        self.suggestions = [s for s in self.suggestions if s is not suggestion]
        self._draw()

    def here(self) -> list[Suggestion]:
        """The suggestions shown: for passages overlapping the cursor's segment that the
        coder has not coded."""
        if self.span is None or not self.loaded:
            return []
        a, b = self.span
        return [
            s
            for s in self.suggestions
            if _overlap(s, a, b) and not any(_overlap(s, x, y) for x, y in self.coded)
        ][:SHOWN]

    def marked_suggestion(self) -> Suggestion | None:
        here = self.here()
        return here[min(self.marked, len(here) - 1)] if here else None

    def mark_next(self) -> None:
        count = len(self.here())
        self.marked = (self.marked + 1) % count if count else 0
        self._draw()

    # --- the work --------------------------------------------------------------------------

    def load(self) -> None:
        """Fit the suggester (unless the app has) and score this document, in a worker."""
        app = self.workbench
        self.started, self.loaded = True, False
        job, learning = app.suggestion_job()
        self.status = learning
        self._draw()
        self._score(job, learning)

    @work(thread=True, exclusive=True, exit_on_error=False, group="suggestions")
    def _score(self, job: SuggestionJob, learning: str) -> None:
        worker = get_current_worker()

        def cancelled() -> bool:
            return worker.is_cancelled

        def show(text: str) -> None:
            self.post_message(self.Progressed(text))

        def score(project: Project, suggester: Suggester) -> list[Suggestion]:
            show("Scoring this document's segments…")
            return project.suggest(
                [self.document], [job.coder], TOP_K, suggester=suggester, cancelled=cancelled
            )

        found = job.run(score, ProgressLine(learning, show, "fitting"), cancelled)
        if not worker.is_cancelled:
            self.post_message(self.Loaded(found))

    @on(Progressed)
    def _progressed(self, message: Progressed) -> None:
        if not self.loaded:
            self.status = message.text
            self._draw()

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.suggestions = message.suggestions
        self.loaded = True
        self.status = ""
        self._draw()

    def failed(self, message: str) -> None:
        self.status = f"Suggestions unavailable: {message}"
        self.started = False  # showing the panel again tries again
        self._draw()
        self.notify(message, title="No suggestions", severity="error", markup=False)

    # --- drawing ---------------------------------------------------------------------------

    def _draw(self) -> None:
        here = self.here()
        # a list cuts long code names short; a status or an error wraps
        self.set_class(bool(here), "-list")
        if not self.loaded:
            self.update(Text(self.status, "dim"))
            return
        if not here:
            self.update(Text(self._nothing(), "dim"))
            return
        text = Text()
        marked = min(self.marked, len(here) - 1)
        for i, s in enumerate(here):
            text.append("▸ " if i == marked else "  ", "bold yellow")
            text.append(f"{round(100 * s.score):>3}% ", "bold" if i == marked else "")
            text.append(s.name + "\n", "bold" if i == marked else "")
            text.append(" " * 7).append_text(evidence_text(s, short=True)).append("\n")
        wide = self.content_size.width >= len(HINT)
        text.append(HINT if wide else HINT.replace(" · ", " "), "dim")
        self.update(text)

    def _nothing(self) -> str:
        span = self.span
        if span is not None and any(x < span[1] and y > span[0] for x, y in self.coded):
            return "You have coded this segment."
        return "No suggestion for this segment."


def _overlap(suggestion: Suggestion, start: int, end: int) -> bool:
    p = suggestion.passage
    return p.start is not None and p.end is not None and p.start < end and p.end > start
