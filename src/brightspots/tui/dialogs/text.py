"""Writing a memo (several lines) or a short search text."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, TextArea


class MemoDialog(ModalScreen[str | None]):
    """Returns the memo text (ctrl+s), or None (escape)."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save memo"),
        Binding("escape", "dismiss(None)", "Cancel"),
    ]

    def __init__(self, heading: str, text: str = "") -> None:
        super().__init__()
        self.heading = heading
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(id="memo"):
            yield Label(f"{self.heading} — ctrl+s saves, escape cancels")
            yield TextArea(self.text, id="memo-text")

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.move_cursor(area.document.end)  # go on writing where the memo ends
        area.focus()

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text)


class AskDialog(ModalScreen[str | None]):
    """One line of text (enter), or None (escape)."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, prompt: str, value: str = "") -> None:
        super().__init__()
        self.prompt = prompt
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical(id="ask"):
            yield Label(self.prompt)
            yield Input(self.value, id="ask-input")

    @on(Input.Submitted, "#ask-input")
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)
