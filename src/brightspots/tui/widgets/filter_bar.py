"""Menus that narrow a screen to documents with some attributes (country, school group,
respondent role), shared by retrieval, find and the agreement screen. Each menu lists the
values the project's documents take; a change posts Textual's `Select.Changed`, which the
screen handles by reading `chosen()`."""

from __future__ import annotations

from collections.abc import Mapping

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Select

from brightspots.project import Project

FILTERS = (("country", "Country"), ("school_group", "Group"), ("respondent_role", "Role"))


def menu_id(column: str) -> str:
    return f"filter-{column.replace('_', '-')}"


class FilterBar(Horizontal):
    """One menu per attribute in `FILTERS`, "all" until a value is chosen."""

    def __init__(
        self, project: Project, *, id: str | None = None, preset: Mapping[str, str] | None = None
    ) -> None:
        """`preset`: values chosen from the start (a synthesis cell's country and group)."""
        super().__init__(id=id, classes="filter-bar")
        self.project = project
        self.preset = dict(preset or {})

    def compose(self) -> ComposeResult:
        for column, label in FILTERS:
            values = self.project.attribute_values(column)
            menu: Select[str] = Select(
                [(v.replace("_", " "), v) for v in values],
                prompt=f"{label}: all",
                id=menu_id(column),
            )
            chosen = self.preset.get(column)
            if chosen in values:
                menu.value = chosen
            yield menu

    def chosen(self) -> dict[str, str]:
        """The attributes a value is chosen for, by column."""
        found = {}
        for column, _ in FILTERS:
            value = self.query_one(f"#{menu_id(column)}", Select).value
            if isinstance(value, str):
                found[column] = value
        return found

    def focus_first(self) -> None:
        self.query_one(Select).focus()


def described(filters: dict[str, str]) -> str:
    """The chosen filters in a title line: `country TD · school group comparison`."""
    return " · ".join(f"{k.replace('_', ' ')} {v}" for k, v in filters.items())
