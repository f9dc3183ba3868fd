"""Which coders to compare: the project's coders, two or more ticked."""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, SelectionList


class CodersDialog(ModalScreen[tuple[str, ...] | None]):
    """Returns the ticked coders in the project's order (at least two), or None (escape).
    Space or enter ticks the highlighted coder; ctrl+s (or the button) compares."""

    BINDINGS = [
        Binding("ctrl+s", "compare", "Compare"),
        Binding("escape", "dismiss(None)", "Cancel"),
    ]

    def __init__(self, coders: Sequence[str], ticked: Sequence[str]) -> None:
        super().__init__()
        self.coders = list(coders)
        self.ticked = set(ticked)

    def compose(self) -> ComposeResult:
        with Vertical(id="coders"):
            yield Label("Compare the codings of (space ticks; ctrl+s compares):")
            yield SelectionList[str](
                *[(name, name, name in self.ticked) for name in self.coders],
                id="coders-list",
            )
            yield Button("Compare (ctrl+s)", variant="primary", id="coders-compare")

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()

    @on(Button.Pressed, "#coders-compare")
    def action_compare(self) -> None:
        chosen = set(self.query_one("#coders-list", SelectionList).selected)
        if len(chosen) < 2:
            self.notify("Tick at least two coders to compare.", severity="warning")
            return
        self.dismiss(tuple(c for c in self.coders if c in chosen))
