"""The workbench application: one factory used by the CLI and the tests."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from pathlib import Path
from typing import Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from brightspots.embedding import Embedder
from brightspots.models import Code
from brightspots.project import Project
from brightspots.tui.dialogs.code_picker import CodePickerDialog, PickerDialog
from brightspots.tui.dialogs.coder import CoderDialog
from brightspots.tui.dialogs.help import EXTRA, HelpDialog
from brightspots.tui.dialogs.text import AskDialog
from brightspots.tui.screens.agreement import AgreementScreen
from brightspots.tui.screens.codebook import CodebookScreen
from brightspots.tui.screens.coding import CodingScreen
from brightspots.tui.screens.documents import DocumentsScreen
from brightspots.tui.screens.passages import FindScreen, RetrievalScreen, scope_choices
from brightspots.tui.screens.review import ReviewScreen
from brightspots.tui.screens.synthesis import SynthesisScreen
from brightspots.tui.screens.themes import ThemesScreen
from brightspots.tui.suggestion_job import SuggesterCache, SuggestionJob, learning_label

CODER_KEY = "workbench.coder"
SUGGESTIONS_KEY = "workbench.suggestions"  # "on" while the coder keeps the panel shown


class WorkbenchApp(App[None]):
    """Holds the open project, the coder's identity and their recently used codes."""

    CSS_PATH = "workbench.tcss"
    TITLE = "brightspots"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("question_mark", "help", "Keys"),
        Binding("R", "retrieve", "Retrieve"),
        Binding("F", "find_project", "Find in project"),
        Binding("C", "codebook", "Codebook"),
        Binding("V", "review", "Review a code's candidates", show=False),
        # not G (the transcript's and tables' go-to-bottom) nor K (shrink the selection)
        Binding("I", "agreement", "Inter-coder agreement", show=False),
        Binding("T", "themes", "Candidate themes", show=False),
        Binding("P", "synthesis", "Practices across countries (synthesis)", show=False),
    ]

    def __init__(self, project: Project, coder: str | None = None, blind: bool = False) -> None:
        super().__init__()
        self.project = project
        self.coder = coder or project.store.get_meta(CODER_KEY) or ""
        self.blind = blind
        self.recent: list[str] = []
        self.suggesters = SuggesterCache()
        self.show_suggestions = project.store.get_meta(SUGGESTIONS_KEY) == "on"

    def on_mount(self) -> None:
        if self.coder:
            self._remember_coder(self.coder)
        else:
            self.push_screen(CoderDialog(), self._remember_coder)

    def _remember_coder(self, name: str | None) -> None:
        self.coder = name or "me"
        with self.project.store.transaction():
            self.project.store.set_meta(CODER_KEY, self.coder)
        self.push_screen(DocumentsScreen())

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The command palette (ctrl+p) offers every action of the current screen, named as
        in the footer and the help, with its key."""
        yield from super().get_system_commands(screen)
        seen = set()
        for key, active in screen.active_bindings.items():
            binding = active.binding
            if not binding.description or binding.action in seen or not active.enabled:
                continue
            seen.add(binding.action)
            yield SystemCommand(
                binding.description,
                f"key: {binding.key_display or key}",
                partial(self.run_action, binding.action, active.node),
            )

    def action_help(self) -> None:
        if isinstance(self.screen, HelpDialog):
            return
        # the screen's own keys first, then the app's, then those of the focused widget
        order = {self.screen: 0, self: 1}
        active = sorted(
            self.screen.active_bindings.items(), key=lambda kb: order.get(kb[1].node, 2)
        )
        keys = [(b.binding.key_display or key, b.binding.description) for key, b in active]
        if isinstance(self.screen, CodingScreen):
            keys += EXTRA
        self.push_screen(HelpDialog(keys, type(self.screen).__name__.removesuffix("Screen")))

    def code_memos(self, code: str) -> list[dict[str, Any]]:
        """Memos on a code (only the coder's own in blind mode)."""
        memos = self.project.memos(code=code)
        return [m for m in memos if m["coder"] == self.coder] if self.blind else memos

    def codes(self) -> tuple[Code, ...]:
        codebook = self.project.codebook()
        return codebook.codes if codebook else ()

    def open_document(self, name: str, at: tuple[int, int] | None = None) -> None:
        """The coding screen on a document, with the span `at` selected when given."""
        if isinstance(self.screen, CodingScreen) and self.screen.document_name == name:
            self.screen.select_span(at)
            return
        self.push_screen(CodingScreen(name, at))

    def action_retrieve(self, scope: str | None = None, replace: bool = False) -> None:
        """Passages coded with a code, practice or focus area (`scope:key`; asked when
        not given)."""

        def chosen(choice: str | None) -> None:
            if not choice:
                return
            kind, key = choice.split(":", 1)
            if replace and isinstance(self.screen, RetrievalScreen):
                self.switch_screen(RetrievalScreen(kind, key))
            else:
                self.push_screen(RetrievalScreen(kind, key))

        if scope:
            chosen(scope)
            return
        codes = [(c.id, c.name) for c in self.codes()]
        choices = scope_choices(self.project.framework(), codes)
        self.push_screen(PickerDialog(choices, "Retrieve passages of"), chosen)

    def action_codebook(self) -> None:
        if not isinstance(self.screen, CodebookScreen):
            self.push_screen(CodebookScreen())

    def action_agreement(self) -> None:
        """How far the coders agree, per code; their disagreements to settle from there."""
        if self.blind:
            self.notify(
                "Agreement shows every coder's codings: not in blind mode.", severity="warning"
            )
        elif not isinstance(self.screen, AgreementScreen):
            self.push_screen(AgreementScreen())

    def action_synthesis(self) -> None:
        """The framework's practices by country, PD against comparison schools."""
        if not isinstance(self.screen, SynthesisScreen):
            self.push_screen(SynthesisScreen())

    def action_themes(self) -> None:
        """Recurring ideas among the passages (the last run, or a first one)."""
        if not isinstance(self.screen, ThemesScreen):
            self.push_screen(ThemesScreen())

    def action_find_project(self) -> None:
        def asked(query: str | None) -> None:
            if query and query.strip():
                self.push_screen(FindScreen(query.strip()))

        self.push_screen(
            AskDialog("Find across the project (every word; accents optional):"), asked
        )

    def action_review(self, code: str | None = None) -> None:
        """The best uncoded candidates for a code across the project (asked when not
        given)."""

        def chosen(key: str | None) -> None:
            if not key:
                return
            if isinstance(self.screen, ReviewScreen):
                self.switch_screen(ReviewScreen(key))
            else:
                self.push_screen(ReviewScreen(key))

        if code:
            chosen(code)
        else:
            self.push_screen(CodePickerDialog(self.codes(), "Review the candidates for"), chosen)

    def suggestion_job(self) -> tuple[SuggestionJob, str]:
        """What a suggestion worker needs (the embedder is the project's: tests give a fake
        one through `Project.open`), and the line to show while it learns."""
        ready = self.suggesters.fits(self.codes())
        job = SuggestionJob(
            self.project.store.path, self.project.embedder, self.coder, self.blind, self.suggesters
        )
        return job, learning_label(self.project, self.coder, self.blind, ready)

    def keep_suggestions_shown(self, shown: bool) -> None:
        """Remember whether the coder wants the suggestion panel (it costs a model)."""
        self.show_suggestions = shown
        with self.project.store.transaction():
            self.project.store.set_meta(SUGGESTIONS_KEY, "on" if shown else "off")

    def remember(self, code: str) -> None:
        """Most recent first; keys 1–9 apply these."""
        self.recent = [code, *(c for c in self.recent if c != code)][:9]


def create_app(
    path: Path, coder: str | None = None, blind: bool = False, embedder: Embedder | None = None
) -> WorkbenchApp:
    """`embedder` is the model suggestions use (the packaged MiniLM by default)."""
    return WorkbenchApp(Project.open(path, embedder=embedder), coder, blind)
