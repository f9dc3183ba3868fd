"""Every key of the current screen, generated from the live bindings so it cannot go stale."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

# Bindings that show=False hides from the footer still belong in the help.
EXTRA = [
    ("1–9", "apply a recent code"),
    ("a–z", "a code's shortcut letter applies it (when the letter is not a workbench key)"),
]


def key_lines(bindings: Iterable[tuple[str, str]]) -> list[str]:
    seen: set[tuple[str, str]] = set()
    lines = []
    for key, description in bindings:
        if description and (key, description) not in seen:
            seen.add((key, description))
            lines.append(f"  {key:<22} {description}")
    return lines


class HelpDialog(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,q", "dismiss(None)", "Close")]

    def __init__(self, bindings: list[tuple[str, str]], title: str) -> None:
        super().__init__()
        self.bindings = bindings
        self.title_text = title

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(f"[b]{self.title_text}: keys[/b]\n" + "\n".join(key_lines(self.bindings)))
