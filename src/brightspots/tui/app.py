"""The workbench application: one factory used by the CLI and the tests."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.binding import Binding

from brightspots.models import Code
from brightspots.project import Project
from brightspots.tui.dialogs.coder import CoderDialog
from brightspots.tui.dialogs.help import EXTRA, HelpDialog
from brightspots.tui.screens.coding import CodingScreen
from brightspots.tui.screens.documents import DocumentsScreen

CODER_KEY = "workbench.coder"


class WorkbenchApp(App[None]):
    """Holds the open project, the coder's identity and their recently used codes."""

    CSS_PATH = "workbench.tcss"
    TITLE = "brightspots"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("question_mark", "help", "Keys"),
    ]

    def __init__(self, project: Project, coder: str | None = None, blind: bool = False) -> None:
        super().__init__()
        self.project = project
        self.coder = coder or project.store.get_meta(CODER_KEY) or ""
        self.blind = blind
        self.recent: list[str] = []

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

    def action_help(self) -> None:
        if isinstance(self.screen, HelpDialog):
            return
        keys = [
            (b.binding.key_display or key, b.binding.description)
            for key, b in self.screen.active_bindings.items()
        ]
        if isinstance(self.screen, CodingScreen):
            keys += EXTRA
        self.push_screen(HelpDialog(keys, type(self.screen).__name__.removesuffix("Screen")))

    def codes(self) -> tuple[Code, ...]:
        codebook = self.project.codebook()
        return codebook.codes if codebook else ()

    def open_document(self, name: str) -> None:
        self.push_screen(CodingScreen(name))

    def remember(self, code: str) -> None:
        """Most recent first; keys 1–9 apply these."""
        self.recent = [code, *(c for c in self.recent if c != code)][:9]


def create_app(path: Path, coder: str | None = None, blind: bool = False) -> WorkbenchApp:
    return WorkbenchApp(Project.open(path), coder, blind)
