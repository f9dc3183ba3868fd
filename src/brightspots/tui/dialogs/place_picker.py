"""Choose where a code goes (a practice, under another code, the top level) by typing part
of the place's name: fuzzy, best matches first, as in the code picker."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from brightspots.tui.dialogs.code_picker import fuzzy_score


@dataclass(frozen=True)
class Place:
    id: str
    label: str


class PlacePickerDialog(ModalScreen[str | None]):
    """Returns the chosen place's id, or None."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, places: Sequence[Place], title: str) -> None:
        super().__init__()
        self.places = list(places)
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(id="place-picker"):
            yield Input(placeholder=f"{self.title_text}: type to filter", id="place-picker-input")
            yield OptionList(id="place-picker-options")

    def on_mount(self) -> None:
        self._fill("")

    @on(Input.Changed, "#place-picker-input")
    def _changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def _fill(self, query: str) -> None:
        scored = []
        for position, place in enumerate(self.places):
            score = fuzzy_score(query, place.label)
            if score is not None:
                scored.append((-score, position, place))
        options = self.query_one("#place-picker-options", OptionList)
        options.clear_options()
        for _, _, place in sorted(scored, key=lambda item: (item[0], item[1])):
            options.add_option(Option(Text(place.label), id=place.id))
        if scored:
            options.highlighted = 0

    @on(Input.Submitted, "#place-picker-input")
    def _submitted(self) -> None:
        options = self.query_one("#place-picker-options", OptionList)
        if options.highlighted is not None:
            self.dismiss(options.get_option_at_index(options.highlighted).id)

    @on(OptionList.OptionSelected, "#place-picker-options")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def key_down(self) -> None:
        self.query_one("#place-picker-options", OptionList).action_cursor_down()

    def key_up(self) -> None:
        self.query_one("#place-picker-options", OptionList).action_cursor_up()
