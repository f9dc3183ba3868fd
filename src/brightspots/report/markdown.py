"""The report as Markdown (GitHub-flavoured: pipe tables), with its pictures as PNG files.

Markdown cannot hold pictures, so they go into a folder beside the report, named after it
(`report.md` -> `report_files/`), and are linked with relative paths: the pair can be
moved together, committed to a repository, or turned into other formats with pandoc.
Cell shading has no Markdown form and is left out; the values are all there."""

from __future__ import annotations

import re
from urllib.parse import quote

from brightspots.report.document import (
    Block,
    BulletList,
    Figure,
    Inline,
    Paragraph,
    Quote,
    Report,
    Section,
    Table,
    runs,
    slug,
)

# Characters that would start Markdown syntax where a text begins, or inside a line.
_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")


def figure_file(figure: Figure) -> str:
    """The file name of a figure's PNG inside the pictures' folder."""
    return f"{slug(figure.name)}.png"


def render_markdown(report: Report, folder: str) -> tuple[str, dict[str, bytes]]:
    """The Markdown text, and the pictures to write into `folder` (a path relative to the
    report, used in the links) as {file name: PNG bytes}."""
    out = [f"# {_escape(report.title)}", ""]
    if report.subtitle:
        out += [f"*{_escape(report.subtitle)}*", ""]
    for paragraph in report.lead:
        out += [_inline(paragraph.content), ""]
    pictures: dict[str, bytes] = {}
    for section in report.sections:
        out += _section(section, 2, folder, pictures)
    return "\n".join(out).rstrip("\n") + "\n", pictures


def _section(section: Section, level: int, folder: str, pictures: dict[str, bytes]) -> list[str]:
    out = ["#" * min(level, 6) + " " + _escape(section.title), ""]
    for block in section.blocks:
        if isinstance(block, Section):
            out += _section(block, level + 1, folder, pictures)
        else:
            out += [*_block(block, folder, pictures), ""]
    return out


def _block(block: Block, folder: str, pictures: dict[str, bytes]) -> list[str]:
    if isinstance(block, Paragraph):
        text = _inline(block.content)
        return [f"<small>{text}</small>" if block.style == "note" else text]
    if isinstance(block, BulletList):
        return [
            (f"{number}. " if block.ordered else "- ") + _inline(item)
            for number, item in enumerate(block.items, start=1)
        ]
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Figure):
        name = figure_file(block)
        pictures[name] = block.png
        return [
            f"![{_escape(block.alt)}]({quote(folder)}/{name})",
            "",
            f"*{_escape(block.caption)}*",
        ]
    return _quote(block)


def _table(table: Table) -> list[str]:
    out = [f"**{_escape(table.caption)}**", ""]
    out.append("| " + " | ".join(_cell(h) for h in table.header) + " |")
    aligns = ["---:" if figure else "---" for figure in table.figure_columns()]
    out.append("| " + " | ".join(aligns) + " |")
    for row in table.rows:
        if row.group:
            # A heading row: its label in bold in the first column, the rest empty.
            label = f"**{_cell(row.cells[0].display())}**"
            out.append("| " + " | ".join([label] + [""] * (len(table.header) - 1)) + " |")
            continue
        shown = []
        for cell in row.cells:
            text = _cell(cell.display())
            shown.append(f"**{text}**" if cell.strong and text else text)
        out.append("| " + " | ".join(shown) + " |")
    for note in table.notes:
        out += ["", f"<small>{_escape(note)}</small>"]
    return out


def _quote(quote: Quote) -> list[str]:
    lines = [f"> {_escape(line)}" if line else ">" for line in quote.text.splitlines()]
    return [*lines, ">", f"> — *{_escape(quote.attribution)}*"]


def _inline(content: Inline) -> str:
    parts = []
    for run in runs(content):
        text = _escape(run.text)
        if not text.strip():
            parts.append(text)
            continue
        # Markers must hug the words (`**word**`), so spaces stay outside them.
        lead = text[: len(text) - len(text.lstrip())]
        trail = text[len(text.rstrip()) :]
        core = text.strip()
        if run.emphasis:
            core = f"*{core}*"
        if run.strong:
            core = f"**{core}**"
        parts.append(lead + core + trail)
    return "".join(parts)


def _escape(text: str) -> str:
    escaped = _SPECIAL.sub(r"\\\1", text)
    # A line that starts like a heading, list or numbered item must not become one.
    escaped = re.sub(r"^(\s*)([#+-])(\s)", r"\1\\\2\3", escaped, flags=re.MULTILINE)
    return re.sub(r"^(\s*\d+)\.(\s)", r"\1\\.\2", escaped, flags=re.MULTILINE)


def _cell(text: str) -> str:
    """A table cell's text on one line (pipes escaped, line breaks as <br>)."""
    return "<br>".join(_escape(line) for line in text.splitlines()) if text else ""
