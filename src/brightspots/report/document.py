"""A report as plain data, before any file format.

`compose.py` builds one `Report` from a synthesis; each renderer (HTML, DOCX, Markdown)
walks the same tree, and `tables.py` writes its tables to XLSX or CSV. Keeping the content
here, free of any format, is what makes the three reports say the same thing, and lets
tests check the content without parsing a file.

Numbers stay numbers in `Cell.value` (so a spreadsheet gets numbers); how they read in a
document is `Cell.format`, turned into text by `display` in one place for every renderer."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

NumberFormat = Literal["int", "percent", "points", "p", "decimal"]
"""int: 12; percent: a share 0..1 shown as 45%; points: a difference of shares shown as
+12 pp; p: a p-value shown as 0.032 or <0.001; decimal: 0.71."""

Value = str | int | float | None


@dataclass(frozen=True)
class Text:
    """A run of inline text; `strong` and `emphasis` map to bold and italic everywhere."""

    text: str
    strong: bool = False
    emphasis: bool = False


Inline = str | Text | tuple[str | Text, ...]
"""What a paragraph or a list item holds: plain text, one run, or several runs."""


def runs(content: Inline) -> tuple[Text, ...]:
    """Any inline content as a tuple of runs."""
    if isinstance(content, str):
        return (Text(content),)
    if isinstance(content, Text):
        return (content,)
    return tuple(Text(part) if isinstance(part, str) else part for part in content)


def plain(content: Inline) -> str:
    return "".join(run.text for run in runs(content))


@dataclass(frozen=True)
class Paragraph:
    content: Inline
    style: Literal["body", "note"] = "body"  # note: smaller print (sources, caveats)


@dataclass(frozen=True)
class BulletList:
    items: tuple[Inline, ...]
    ordered: bool = False


@dataclass(frozen=True)
class Cell:
    """One table cell. `value` is what a spreadsheet stores; `text`, when given, is what a
    document shows instead of the formatted value (e.g. `3/5`); `shade` is a background
    colour as `#rrggbb` (the heat-map colouring of matrix tables); `mark` is appended to
    the shown text (e.g. `*` for a small count explained in the table's notes)."""

    value: Value
    format: NumberFormat | None = None
    text: str | None = None
    shade: str | None = None
    mark: str = ""
    strong: bool = False

    @property
    def numeric(self) -> bool:
        return isinstance(self.value, int | float) and not isinstance(self.value, bool)

    def display(self) -> str:
        shown = self.text if self.text is not None else display(self.value, self.format)
        return shown + self.mark


@dataclass(frozen=True)
class Row:
    """A table row; a `group` row is a heading inside the table (a focus area above its
    practices): renderers span it across the columns and spreadsheets keep its label."""

    cells: tuple[Cell, ...]
    group: bool = False


@dataclass(frozen=True)
class Table:
    """A table with one header row. `name` is short and unique within a report: the
    spreadsheet's sheet name and the `table` column of the long CSV. The first
    `key_columns` cells of a row name it (the `row` column of the long CSV)."""

    name: str
    caption: str
    header: tuple[str, ...]
    rows: tuple[Row, ...]
    notes: tuple[str, ...] = ()
    key_columns: int = 1
    wide: bool = False  # many columns: the DOCX puts it on a landscape page

    def __post_init__(self) -> None:
        for row in self.rows:
            if not row.group and len(row.cells) != len(self.header):
                raise ValueError(
                    f"table {self.name!r}: a row has {len(row.cells)} cells "
                    f"for {len(self.header)} columns"
                )
            if row.group and len(row.cells) != 1:
                raise ValueError(f"table {self.name!r}: a group row holds one cell")

    def figure_columns(self) -> list[bool]:
        """Which columns hold figures (right-aligned, never broken inside a figure): those
        past the row's name where some cell is a number or has a number format (a cell
        with no value, shown as a dash, is still in a column of figures)."""
        return [
            index >= self.key_columns
            and any(
                not row.group and (row.cells[index].numeric or row.cells[index].format is not None)
                for row in self.rows
            )
            for index in range(len(self.header))
        ]


@dataclass(frozen=True)
class Figure:
    """A picture (PNG bytes) with its caption and a text alternative for screen readers.
    `name` names the file when a renderer writes pictures beside the report."""

    name: str
    png: bytes
    caption: str
    alt: str
    width_cm: float = 16.0


@dataclass(frozen=True)
class Quote:
    """A passage and where it comes from (country / school group / role / method /
    document): never a person's name."""

    text: str
    attribution: str


Block = Paragraph | BulletList | Table | Figure | Quote


@dataclass(frozen=True)
class Section:
    """A heading and what follows it; sections nest (a subsection's level is one more)."""

    title: str
    blocks: tuple[Block | Section, ...] = ()
    anchor: str = ""

    @property
    def id(self) -> str:
        return self.anchor or slug(self.title)


@dataclass(frozen=True)
class Report:
    title: str
    sections: tuple[Section, ...]
    subtitle: str = ""
    lead: tuple[Paragraph, ...] = field(default=())  # under the title, before section 1

    def walk(self) -> list[tuple[int, Section]]:
        """Every section with its heading level (1 for the top), in document order."""
        found: list[tuple[int, Section]] = []

        def visit(section: Section, level: int) -> None:
            found.append((level, section))
            for block in section.blocks:
                if isinstance(block, Section):
                    visit(block, level + 1)

        for section in self.sections:
            visit(section, 1)
        return found

    def blocks(self) -> list[Block]:
        """Every block in document order (sections flattened)."""
        return [b for _, s in self.walk() for b in s.blocks if not isinstance(b, Section)]

    def tables(self) -> list[Table]:
        return [b for b in self.blocks() if isinstance(b, Table)]

    def figures(self) -> list[Figure]:
        return [b for b in self.blocks() if isinstance(b, Figure)]


def display(value: Value, format: NumberFormat | None = None) -> str:
    """How a value reads in a document; the same text in HTML, DOCX and Markdown."""
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    if isinstance(value, float) and math.isnan(value):
        return "–"
    if format == "percent":
        return f"{value:.0%}"
    if format == "points":
        points = round(value * 100)
        return "0 pp" if points == 0 else f"{points:+d} pp"
    if format == "p":
        return "<0.001" if value < 0.001 else f"{value:.3f}"
    if format == "decimal":
        return f"{value:.2f}"
    if format == "int" or isinstance(value, int):
        return f"{round(value):,}"
    return f"{value:g}"


def slug(text: str) -> str:
    """An id for anchors and file names: ASCII, lower case, words joined by hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "section"


def unique_names(names: Sequence[str]) -> list[str]:
    """`names` with repeats suffixed -2, -3...: anchors and file names must not collide."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        count = seen.get(name, 0) + 1
        seen[name] = count
        out.append(name if count == 1 else f"{name}-{count}")
    return out


def ink(shade: str) -> str:
    """Black or white, whichever reads better on the background `shade` (#rrggbb), by the
    WCAG relative luminance: the heat-map colours run from pale to dark."""
    red, green, blue = (int(shade[i : i + 2], 16) / 255 for i in (1, 3, 5))

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    luminance = 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    # Contrast with black (L + 0.05) / 0.05 against white 1.05 / (L + 0.05): equal at ~0.179.
    return "#000000" if luminance > 0.179 else "#ffffff"
