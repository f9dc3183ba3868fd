"""The texts that say when to use a code (definition, inclusion, exclusion, examples), and
its colour and shortcut letter, edited together in one form."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, TextArea

from brightspots.models import Code

TEXTS = (
    ("definition", "Definition"),
    ("inclusion", "Include when"),
    ("exclusion", "Exclude when (and which code to use instead)"),
    ("examples", "Examples, one per line"),
)


def form_values(texts: dict[str, str], colour: str, shortcut: str) -> dict[str, Any]:
    """The form's fields as `edit_code` takes them: texts trimmed, one example per
    non-empty line, an empty colour or shortcut meaning none."""
    values: dict[str, Any] = {k: v.strip() for k, v in texts.items() if k != "examples"}
    values["examples"] = [line.strip() for line in texts["examples"].splitlines() if line.strip()]
    values["colour"] = colour.strip() or None
    values["shortcut"] = shortcut.strip() or None
    return values


class CodeFormDialog(ModalScreen[dict[str, Any] | None]):
    """Returns every field of the form (ctrl+s), or None (escape)."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "dismiss(None)", "Cancel"),
    ]

    def __init__(self, code: Code) -> None:
        super().__init__()
        self.code = code

    def compose(self) -> ComposeResult:
        code = self.code
        with VerticalScroll(id="code-form"):
            yield Label(f"{code.name} — ctrl+s saves, escape cancels", markup=False)
            for field, title in TEXTS:
                text = "\n".join(code.examples) if field == "examples" else getattr(code, field)
                yield Label(title, classes="code-form-label")
                yield TextArea(text, id=f"code-form-{field}", classes="code-form-text")
            with Horizontal(id="code-form-keys"):
                yield Label("Colour", classes="code-form-label")
                yield Input(code.colour or "", placeholder="#1f77b4", id="code-form-colour")
                yield Label("Shortcut", classes="code-form-label")
                yield Input(code.key or "", max_length=1, id="code-form-shortcut")

    def on_mount(self) -> None:
        self.query_one("#code-form-definition", TextArea).focus()

    def action_save(self) -> None:
        texts = {f: self.query_one(f"#code-form-{f}", TextArea).text for f, _ in TEXTS}
        self.dismiss(
            form_values(
                texts,
                self.query_one("#code-form-colour", Input).value,
                self.query_one("#code-form-shortcut", Input).value,
            )
        )
