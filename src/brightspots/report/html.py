"""The report as one self-contained HTML file.

Everything is inside the file: the style sheet inline, pictures as base64 `data:` URIs, no
script and no external link. A synthesis lead can mail it or open it offline in any
browser. The markup is HTML5 written in its XML-compatible form (void elements closed,
every attribute quoted), so that it parses both as HTML and as XML: the tests parse it back
with a strict XML parser."""

from __future__ import annotations

import base64
from html import escape

from brightspots.report.document import (
    Block,
    BulletList,
    Cell,
    Figure,
    Inline,
    Paragraph,
    Quote,
    Report,
    Row,
    Section,
    Table,
    ink,
    runs,
    slug,
    unique_names,
)

STYLE = """
:root { --ink: #1f2328; --muted: #59636e; --rule: #d1d9e0; --accent: #0b5394; }
* { box-sizing: border-box; }
body { font-family: "Segoe UI", system-ui, -apple-system, "Helvetica Neue", Arial, sans-serif;
  color: var(--ink); line-height: 1.5; margin: 0 auto; max-width: 64rem; padding: 2rem 1.5rem; }
h1 { font-size: 2rem; margin: 0 0 .25rem; color: var(--accent); }
h2 { font-size: 1.5rem; margin-top: 2.5rem; border-bottom: 2px solid var(--rule);
  padding-bottom: .25rem; color: var(--accent); }
h3 { font-size: 1.2rem; margin-top: 2rem; }
h4, h5, h6 { font-size: 1rem; margin-top: 1.5rem; }
p.subtitle { color: var(--muted); font-size: 1.1rem; margin-top: 0; }
p.note, .table-notes { color: var(--muted); font-size: .85rem; }
nav.contents { background: #f6f8fa; border: 1px solid var(--rule); border-radius: 6px;
  padding: .75rem 1.25rem; margin: 1.5rem 0; }
nav.contents ol { margin: .25rem 0; padding-left: 1.25rem; }
nav.contents a { color: var(--accent); text-decoration: none; }
.table-wrap { overflow-x: auto; margin: 1rem 0; }
table { border-collapse: collapse; font-size: .85rem; font-variant-numeric: tabular-nums; }
caption { caption-side: top; text-align: left; font-weight: 600; padding-bottom: .4rem; }
th, td { border: 1px solid var(--rule); padding: .3rem .5rem; vertical-align: top; }
thead th { background: #eef2f6; text-align: left; position: sticky; top: 0; }
tbody th { text-align: left; font-weight: normal; }
tbody th.name { min-width: 12rem; }
td.num, th.num { text-align: right; white-space: nowrap; }
thead th.num { text-align: right; }
tr.group th { background: #f6f8fa; text-align: left; font-weight: 600; }
figure { margin: 1.5rem 0; }
figure img { max-width: 100%; height: auto; border: 1px solid var(--rule); }
figcaption { color: var(--muted); font-size: .9rem; margin-top: .4rem; }
figure.quote { margin: 1rem 0; padding: .5rem 1rem; border-left: 4px solid var(--accent);
  background: #f6f8fa; }
figure.quote blockquote { margin: 0; }
figure.quote p { margin: 0 0 .3rem; }
figure.quote figcaption { font-size: .85rem; margin: 0; }
@media print {
  @page { size: A4; margin: 1.5cm; }
  body { max-width: none; padding: 0; font-size: 10pt; }
  h2 { break-before: page; }
  figure, tr, caption { break-inside: avoid; }
  h2, h3, h4, caption { break-after: avoid; }
  .table-wrap { overflow: visible; }
  table { font-size: 7pt; }
  tbody th.name { min-width: 9rem; }
  thead { display: table-header-group; }
  thead th { position: static; }
}
"""


def render_html(report: Report) -> str:
    """The whole report as an HTML5 document (a str; write it as UTF-8)."""
    levels = report.walk()
    anchors = unique_names([section.id for _, section in levels])
    anchor_of = {id(section): anchor for (_, section), anchor in zip(levels, anchors, strict=True)}
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8" />',
        '<meta name="viewport" content="width=device-width, initial-scale=1" />',
        '<meta name="generator" content="brightspots" />',
        f"<title>{escape(report.title)}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{escape(report.title)}</h1>",
    ]
    if report.subtitle:
        out.append(f'<p class="subtitle">{escape(report.subtitle)}</p>')
    out.append("</header>")
    out += [_paragraph(p) for p in report.lead]
    out.append(_contents(report, anchor_of))
    out.append("<main>")
    for section in report.sections:
        out += _section(section, 1, anchor_of)
    out += ["</main>", "</body>", "</html>", ""]
    return "\n".join(out)


def _contents(report: Report, anchor_of: dict[int, str]) -> str:
    """A list of the top two levels of sections, linked to their headings."""
    items = []
    for section in report.sections:
        children = [b for b in section.blocks if isinstance(b, Section)]
        inner = ""
        if children:
            inner = "<ol>" + "".join(_link(c, anchor_of) for c in children) + "</ol>"
        items.append(_link(section, anchor_of, inner))
    return (
        '<nav class="contents" aria-label="Contents"><strong>Contents</strong>'
        f"<ol>{''.join(items)}</ol></nav>"
    )


def _link(section: Section, anchor_of: dict[int, str], inner: str = "") -> str:
    return f'<li><a href="#{anchor_of[id(section)]}">{escape(section.title)}</a>{inner}</li>'


def _section(section: Section, level: int, anchor_of: dict[int, str]) -> list[str]:
    tag = f"h{min(level + 1, 6)}"
    out = [
        f'<section id="{anchor_of[id(section)]}">',
        f"<{tag}>{escape(section.title)}</{tag}>",
    ]
    for block in section.blocks:
        if isinstance(block, Section):
            out += _section(block, level + 1, anchor_of)
        else:
            out.append(_block(block))
    out.append("</section>")
    return out


def _block(block: Block) -> str:
    if isinstance(block, Paragraph):
        return _paragraph(block)
    if isinstance(block, BulletList):
        tag = "ol" if block.ordered else "ul"
        items = "".join(f"<li>{_inline(item)}</li>" for item in block.items)
        return f"<{tag}>{items}</{tag}>"
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Figure):
        return _figure(block)
    return _quote(block)


def _paragraph(paragraph: Paragraph) -> str:
    css = ' class="note"' if paragraph.style == "note" else ""
    return f"<p{css}>{_inline(paragraph.content)}</p>"


def _inline(content: Inline) -> str:
    parts = []
    for run in runs(content):
        text = escape(run.text)
        if run.emphasis:
            text = f"<em>{text}</em>"
        if run.strong:
            text = f"<strong>{text}</strong>"
        parts.append(text)
    return "".join(parts)


def _table(table: Table) -> str:
    figures = table.figure_columns()
    numeric = ' class="num"'
    head = "".join(
        f'<th scope="col"{numeric if figure else ""}>{escape(title)}</th>'
        for title, figure in zip(table.header, figures, strict=True)
    )
    body = "".join(_row(row, table) for row in table.rows)
    notes = "".join(f"<p>{escape(note)}</p>" for note in table.notes)
    notes_html = f'<div class="table-notes">{notes}</div>' if notes else ""
    return (
        f'<div class="table-wrap"><table id="table-{slug(table.name)}">'
        f"<caption>{escape(table.caption)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{notes_html}</div>"
    )


def _row(row: Row, table: Table) -> str:
    if row.group:
        label = escape(row.cells[0].display())
        span = len(table.header)
        return f'<tr class="group"><th scope="rowgroup" colspan="{span}">{label}</th></tr>'
    cells = []
    figures = table.figure_columns()
    for index, cell in enumerate(row.cells):
        tag = "th" if index < table.key_columns else "td"
        scope = ' scope="row"' if tag == "th" else ""
        attributes = _cell_attributes(cell, figures[index] or cell.numeric)
        if tag == "th" and not cell.numeric:
            attributes += ' class="name"'  # a row's name: room enough not to wrap word by word
        cells.append(f"<{tag}{scope}{attributes}>{_cell_text(cell)}</{tag}>")
    return f"<tr>{''.join(cells)}</tr>"


def _cell_attributes(cell: Cell, figure: bool) -> str:
    attributes = ' class="num"' if figure else ""
    if cell.shade:
        attributes += f' style="background-color:{cell.shade};color:{ink(cell.shade)}"'
    return attributes


def _cell_text(cell: Cell) -> str:
    text = "<br />".join(escape(line) for line in cell.display().split("\n"))
    return f"<strong>{text}</strong>" if cell.strong else text


def _figure(figure: Figure) -> str:
    data = base64.b64encode(figure.png).decode("ascii")
    return (
        f'<figure id="figure-{slug(figure.name)}">'
        f'<img src="data:image/png;base64,{data}" alt="{escape(figure.alt)}" />'
        f"<figcaption>{escape(figure.caption)}</figcaption></figure>"
    )


def _quote(quote: Quote) -> str:
    # The attribution goes outside the blockquote, as HTML5 asks (a figure's caption).
    return (
        f'<figure class="quote"><blockquote><p>{escape(quote.text)}</p></blockquote>'
        f"<figcaption>— {escape(quote.attribution)}</figcaption></figure>"
    )
