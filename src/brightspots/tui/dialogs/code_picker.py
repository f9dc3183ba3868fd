"""Choose by typing part of a name: fuzzy, best matches first; enter chooses. Codes, and
anything else named (a practice or focus area to retrieve)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from brightspots.models import Code


def fuzzy_score(query: str, text: str) -> int | None:
    """Higher is better; None when some word of the query does not match. Words match in
    any order (`mentor new` finds "New-teacher induction … mentoring"), each as a
    substring (best) or as letters in order."""
    total = 0
    for word in query.casefold().split():
        score = _word_score(word, text.casefold())
        if score is None:
            return None
        total += score
    return total


def _word_score(word: str, text: str) -> int | None:
    if word in text:
        at = text.index(word)
        starts_word = at == 0 or not text[at - 1].isalnum()
        return 100 + 50 * starts_word - at // 10
    position, score, previous = 0, 0, -2
    for char in word:
        found = text.find(char, position)
        if found == -1:
            return None
        score += 3 if found == previous + 1 else 1  # runs of letters count more
        previous, position = found, found + 1
    return score


class PickerDialog(ModalScreen[str | None]):
    """Choices are (id, label, words to match besides the label); returns the id or None."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, choices: Sequence[tuple[str, str, str]], title: str) -> None:
        super().__init__()
        self.choices = list(choices)
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Input(placeholder=f"{self.title_text}: type to filter", id="picker-input")
            yield OptionList(id="picker-options")

    def on_mount(self) -> None:
        self._fill("")

    @on(Input.Changed, "#picker-input")
    def _changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def _fill(self, query: str) -> None:
        scored = []
        for position, (key, label, words) in enumerate(self.choices):
            score = fuzzy_score(query, f"{label} {words}")
            if score is not None:
                scored.append((-score, position, key, label))
        options = self.query_one("#picker-options", OptionList)
        options.clear_options()
        for _, _, key, label in sorted(scored):
            options.add_option(Option(escape(label), id=key))
        if scored:
            options.highlighted = 0

    @on(Input.Submitted, "#picker-input")
    def _submitted(self) -> None:
        options = self.query_one("#picker-options", OptionList)
        if options.highlighted is not None:
            self.dismiss(options.get_option_at_index(options.highlighted).id)

    @on(OptionList.OptionSelected, "#picker-options")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def key_down(self) -> None:
        self.query_one("#picker-options", OptionList).action_cursor_down()

    def key_up(self) -> None:
        self.query_one("#picker-options", OptionList).action_cursor_up()


class CodePickerDialog(PickerDialog):
    """Returns the chosen code's id, or None."""

    def __init__(self, codes: Sequence[Code], title: str = "Apply code") -> None:
        super().__init__(
            [(c.id, (f"[{c.key}] " if c.key else "") + c.name, c.id) for c in codes], title
        )
