"""Review one code across the project: its best uncoded candidates, one at a time, each in
its context with its document's attributes and its score; accept (an ordinary, undoable
coding with origin "suggestion"), reject (never suggested there again), skip, or open the
passage in its transcript.

The candidates are found in a worker thread (fitting the app's suggester first if no one
has yet; see `tui/suggestion_job.py`), with progress shown meanwhile."""

from __future__ import annotations

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

from brightspots.models import Code, DocumentInfo
from brightspots.project import Project
from brightspots.suggester import Suggester, Suggestion
from brightspots.tui.actions import ReportsWorkerFailure, safely
from brightspots.tui.suggestion_job import (
    ProgressLine,
    SuggestionJob,
)
from brightspots.tui.widgets.suggestion_panel import evidence_text

if TYPE_CHECKING:
    from brightspots.tui.app import WorkbenchApp

LIMIT = 50  # candidates per review; reviewing again brings the next ones
CONTEXT = 400  # characters of the document either side of a candidate


def code_summary(code: Code) -> Text:
    """What a reviewer weighs a passage against: the code's definition and its rules."""
    text = Text.assemble((code.name, "bold"), "\n")
    text.append(code.definition or "No definition.", "" if code.definition else "dim")
    if code.inclusion:
        text.append("\nInclude ", "bold").append(code.inclusion)
    if code.exclusion:
        text.append("\nExclude ", "bold").append(code.exclusion)
    return text


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def attributes(info: DocumentInfo | None) -> str:
    if info is None:
        return ""
    m = info.meta
    parts = [
        f"{m.country}{' ' + m.territory if m.territory else ''} {m.school_id}",
        m.school_group,
        (m.respondent_role or "-").replace("_", " "),
        m.method or "-",
    ]
    return " · ".join(p for p in parts if p)


class ReviewScreen(ReportsWorkerFailure, Screen[None]):
    BINDINGS = [
        Binding("a,A", "accept", "Accept"),
        Binding("x,X", "reject", "Reject"),
        Binding("space,j,down", "move(1)", "Skip"),
        Binding("k,up", "move(-1)", "Previous"),
        Binding("enter,o", "open", "Open in transcript"),
        Binding("r", "more", "Next candidates"),
        Binding("q,escape", "back", "Back"),
    ]

    class Progressed(Message):
        """The worker's progress (a newer one replaces an older one still queued)."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, ReviewScreen.Progressed)

    class Loaded(Message):
        def __init__(self, candidates: list[Suggestion], documents: dict[str, DocumentInfo]):
            super().__init__()
            self.candidates = candidates
            self.documents = documents

    def __init__(self, code: str) -> None:
        super().__init__()
        self.code_key = code
        self.candidates: list[Suggestion] = []
        self.documents: dict[str, DocumentInfo] = {}
        self.verdicts: dict[int, str] = {}  # candidate index -> "accepted" | "rejected"
        self.position = 0
        self.loaded = False
        self.status = ""
        self.code: Code | None = None

    @property
    def workbench(self) -> WorkbenchApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static(id="review-title")
        with VerticalScroll(id="review-body"):
            yield Static(id="review-candidate")
        yield Static(id="review-code")
        yield Footer()

    def on_mount(self) -> None:
        self._show_code()
        self.action_more()

    def on_screen_resume(self) -> None:
        """Back from the transcript or the codebook editor: the code may have changed."""
        self._show_code()
        self._draw()

    def _show_code(self) -> None:
        self.code = next((c for c in self.workbench.codes() if c.id == self.code_key), None)
        if self.code is not None:
            self.query_one("#review-code", Static).update(code_summary(self.code))

    def action_more(self) -> None:
        """Find the best candidates (again: those judged are left out, so the next come)."""
        app = self.workbench
        self.loaded, self.candidates, self.verdicts, self.position = False, [], {}, 0
        job, learning = app.suggestion_job()
        self.status = learning
        self._draw()
        self._find(job, learning)

    # --- the work --------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="review")
    def _find(self, job: SuggestionJob, learning: str) -> None:
        worker = get_current_worker()

        def cancelled() -> bool:
            return worker.is_cancelled

        def show(text: str) -> None:
            self.post_message(self.Progressed(text))

        def review(
            project: Project, suggester: Suggester
        ) -> tuple[list[Suggestion], dict[str, DocumentInfo]]:
            show("Scoring the project's uncoded passages…")
            found = project.review_code(
                self.code_key,
                [job.coder],
                limit=LIMIT,
                suggester=suggester,
                progress=ProgressLine("Scoring the project's uncoded passages…", show, "scoring"),
                cancelled=cancelled,
            )
            names = {s.passage.document for s in found}
            return found, {d.name: d for d in project.documents() if d.name in names}

        found, documents = job.run(review, ProgressLine(learning, show, "fitting"), cancelled)
        if not worker.is_cancelled:
            self.post_message(self.Loaded(found, documents))

    @on(Progressed)
    def _progressed(self, message: Progressed) -> None:
        if not self.loaded:
            self.status = message.text
            self._draw()

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.candidates, self.documents = message.candidates, message.documents
        self.loaded = True
        self.position = 0
        self._draw()

    def failed(self, message: str) -> None:
        self.status = f"Suggestions unavailable: {message}"
        self._draw()
        self.notify(message, title="No candidates", severity="error", markup=False)

    # --- actions ---------------------------------------------------------------------------

    def current(self) -> Suggestion | None:
        if self.loaded and 0 <= self.position < len(self.candidates):
            return self.candidates[self.position]
        return None

    def action_accept(self) -> None:
        self._judge("accepted")

    def action_reject(self) -> None:
        self._judge("rejected")

    def _judge(self, verdict: str) -> None:
        candidate = self.current()
        if candidate is None:
            return
        done = self.verdicts.get(self.position)
        if done is not None:
            self.notify(f"Already {done}.")
            return
        app = self.workbench

        def act() -> None:
            if verdict == "accepted":
                app.project.accept_suggestion(candidate, app.coder)
                app.remember(candidate.code)
            else:
                app.project.reject_suggestion(candidate, app.coder)

        if safely(self, act):
            self.verdicts[self.position] = verdict
            self.action_move(1)

    def action_move(self, delta: int) -> None:
        if self.loaded:
            self.position = max(0, min(self.position + delta, len(self.candidates)))
            self._draw()

    def action_open(self) -> None:
        candidate = self.current()
        p = candidate.passage if candidate else None
        if p is not None and p.document is not None and p.start is not None and p.end is not None:
            self.workbench.open_document(p.document, (p.start, p.end))

    def action_back(self) -> None:
        self.app.pop_screen()

    # --- drawing ---------------------------------------------------------------------------

    def _draw(self) -> None:
        code = self.code
        name = code.name if code else self.code_key
        parts = ["Review", name]
        if self.loaded and self.candidates:
            shown = min(self.position + 1, len(self.candidates))
            accepted = sum(v == "accepted" for v in self.verdicts.values())
            rejected = len(self.verdicts) - accepted
            parts += [f"{shown} of {len(self.candidates)}", f"{accepted} accepted"]
            parts += [f"{rejected} rejected"]
        self.query_one("#review-title", Static).update(escape(" · ".join(parts)))
        self.query_one("#review-candidate", Static).update(self._candidate_text())

    def _candidate_text(self) -> Text | str:
        if not self.loaded:
            return Text(self.status, "dim")
        if not self.candidates:
            return Text("No uncoded passage to suggest for this code.", "dim")
        candidate = self.current()
        if candidate is None:
            reviewed = len(self.verdicts)
            return Text(
                f"All {len(self.candidates)} candidates seen ({reviewed} judged). "
                "k goes back; r finds the next candidates; q returns.",
                "dim",
            )
        p = candidate.passage
        assert p.document is not None and p.start is not None and p.end is not None
        text = Text.assemble(
            (p.document, "bold"), "  ", (attributes(self.documents.get(p.document)), "dim")
        )
        text.append(f"\n{round(100 * candidate.score)}% likely", "bold")
        rank = (
            "its best code" if candidate.rank == 1 else f"its {ordinal(candidate.rank)} best code"
        )
        text.append(f" · {rank} · ").append_text(evidence_text(candidate))
        verdict = self.verdicts.get(self.position)
        if verdict:
            text.append(f"  [{verdict}]", "green" if verdict == "accepted" else "red")
        before, passage, after = self.workbench.project.context(p.document, p.start, p.end, CONTEXT)
        text.append("\n\n" + ("…" if p.start > len(before) else ""))
        text.append(" ".join(before.split()) + " ").append(passage, "bold reverse")
        text.append(" " + " ".join(after.split()) + ("…" if len(after) >= CONTEXT else ""))
        return text
