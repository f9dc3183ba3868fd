"""A question answered with one of a few buttons, each of which its letter also presses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.events import Key
from textual.screen import ModalScreen
from textual.widgets import Button, Static
from textual.widgets.button import ButtonVariant


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    key: str  # one letter that picks it without moving to its button
    variant: ButtonVariant = "default"


CANCEL = Choice("cancel", "Cancel", "n")


class ConfirmDialog(ModalScreen[str | None]):
    """Returns the chosen value, or None (escape). The focused button starts on `focus`
    (Cancel by default), so that enter on its own never destroys anything."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, question: str, choices: Sequence[Choice], focus: str = CANCEL.value) -> None:
        super().__init__()
        self.question = question
        self.choices = list(choices)
        self.initial = focus

    @classmethod
    def yes_no(cls, question: str, verb: str) -> ConfirmDialog:
        """`verb` (y) or Cancel (n): returns "yes" or "cancel"."""
        return cls(question, [Choice("yes", verb, "y", "warning"), CANCEL])

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm"):
            yield Static(self.question, markup=False, id="confirm-question")
            with Horizontal(id="confirm-buttons"):
                for choice in self.choices:
                    yield Button(
                        f"{choice.label} ({choice.key})", variant=choice.variant, name=choice.value
                    )

    def on_mount(self) -> None:
        for button in self.query(Button):
            if button.name == self.initial:
                button.focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.name)

    def on_key(self, event: Key) -> None:
        choice = next((c for c in self.choices if c.key == event.character), None)
        if choice is not None:
            event.stop()
            self.dismiss(choice.value)
