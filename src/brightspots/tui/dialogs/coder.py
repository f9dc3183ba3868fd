"""Who is coding: asked once per project, then remembered in it."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label


class CoderDialog(ModalScreen[str]):
    """Returns the coder's name (never empty)."""

    def compose(self) -> ComposeResult:
        with Vertical(id="coder"):
            yield Label("Your name or initials, as your codings will be attributed:")
            yield Input(placeholder="e.g. ana", id="coder-input")

    @on(Input.Submitted, "#coder-input")
    def _submitted(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss(event.value.strip())
