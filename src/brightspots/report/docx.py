"""The report as a Word document (python-docx), the form a synthesis lead finishes it in.

What makes it a document to work on rather than a print-out: headings use Word's own
`Heading N` styles (navigation pane, a table of contents in one click), tables are real
tables with a header row that repeats across pages, captions are `Caption` paragraphs with
SEQ fields (so Word can build a list of figures and renumber them), pictures are inline
with alternative text, quotes use the `Quote` style. Tables with many columns go on
landscape pages. Pages are A4. It opens in Word and LibreOffice (checked by rendering it
to PDF with LibreOffice)."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

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
    ink,
    runs,
)

if TYPE_CHECKING:
    from docx.document import Document as WordDocument
    from docx.table import _Cell

PAGE_WIDTH_CM = 21.0  # A4
PAGE_HEIGHT_CM = 29.7
MARGIN_CM = 2.0
TABLE_FONT_PT = 8.5
HEADER_FILL = "E7ECF2"
GROUP_FILL = "F3F5F8"
MUTED = "59636E"

# Elements that must come after <w:shd> inside <w:tcPr> (the schema fixes their order and
# Word refuses a file that breaks it).
_AFTER_SHADING = (
    "w:noWrap",
    "w:tcMar",
    "w:textDirection",
    "w:tcFitText",
    "w:vAlign",
    "w:hideMark",
    "w:headers",
    "w:cellIns",
    "w:cellDel",
    "w:cellMerge",
    "w:tcPrChange",
)


def render_docx(report: Report, created: datetime | None = None) -> bytes:
    """The whole report as .docx bytes; `created` is the date the file records (now)."""
    from docx import Document

    document = Document()
    _set_up(document, report, created or datetime.now(UTC))
    document.add_paragraph(report.title, style="Title")
    if report.subtitle:
        document.add_paragraph(report.subtitle, style="Subtitle")
    for paragraph in report.lead:
        _paragraph(document, paragraph)
    counters = {"Figure": 0, "Table": 0}
    for section in report.sections:
        _section(document, section, 1, counters)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _set_up(document: WordDocument, report: Report, created: datetime) -> None:
    from docx.shared import Cm, Pt

    section = document.sections[0]
    section.page_width, section.page_height = Cm(PAGE_WIDTH_CM), Cm(PAGE_HEIGHT_CM)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(MARGIN_CM))
    properties = document.core_properties
    properties.title = report.title
    properties.subject = report.subtitle
    properties.author = "brightspots"
    properties.last_modified_by = "brightspots"
    properties.comments = ""
    properties.created = properties.modified = created.replace(microsecond=0)
    properties.revision = 1
    normal = document.styles["Normal"]
    # The template's theme fonts differ between Word versions; Calibri is in every Word
    # and LibreOffice substitutes Carlito, which has the same widths: tables fit alike.
    normal.font.name = "Calibri"
    normal.font.size = Pt(10.5)
    normal.paragraph_format.space_after = Pt(6)
    caption = document.styles["Caption"]
    caption.font.size = Pt(9)
    caption.paragraph_format.space_after = Pt(4)


def _text_width_cm(document: WordDocument) -> float:
    section = document.sections[-1]
    page, left, right = section.page_width, section.left_margin, section.right_margin
    if page is None or left is None or right is None:  # never so in our own template
        return PAGE_WIDTH_CM - 2 * MARGIN_CM
    return float(page.cm - left.cm - right.cm)


def _orient(document: WordDocument, landscape: bool) -> None:
    """Start a new page in the given orientation, unless the current one already is."""
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.shared import Cm

    current = document.sections[-1]
    if (current.orientation == WD_ORIENT.LANDSCAPE) == landscape:
        return
    section = document.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    long, short = Cm(PAGE_HEIGHT_CM), Cm(PAGE_WIDTH_CM)
    section.page_width, section.page_height = (long, short) if landscape else (short, long)


def _section(
    document: WordDocument, section: Section, level: int, counters: dict[str, int]
) -> None:
    _orient(document, _landscape(section))
    document.add_heading(section.title, level=min(level, 9))
    blocks = section.blocks
    for index, block in enumerate(blocks):
        if isinstance(block, Section):
            _section(document, block, level + 1, counters)
        elif isinstance(block, Paragraph):
            # A paragraph that introduces a figure or table stays on its page.
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            _paragraph(document, block, keep=isinstance(following, Figure | Table))
        else:
            _block(document, block, counters)


def _landscape(section: Section) -> bool:
    """A section holding a wide table goes on landscape pages, its heading with it; so
    does one that only introduces its subsections when the first of them is landscape
    (else its heading would sit alone on a page before them)."""
    if any(isinstance(b, Table) and b.wide for b in section.blocks):
        return True
    if any(isinstance(b, Table | Figure) for b in section.blocks):
        return False
    children = [b for b in section.blocks if isinstance(b, Section)]
    return bool(children) and _landscape(children[0])


def _block(document: WordDocument, block: Block, counters: dict[str, int]) -> None:
    if isinstance(block, Paragraph):
        _paragraph(document, block)
    elif isinstance(block, BulletList):
        for number, item in enumerate(block.items, start=1):
            if block.ordered:
                # Word's "List Number" keeps counting across lists; numbers as text do not.
                paragraph = document.add_paragraph(style="List")
                paragraph.add_run(f"{number}.\t")
            else:
                paragraph = document.add_paragraph(style="List Bullet")
            _runs(paragraph, item)
    elif isinstance(block, Table):
        _table(document, block, counters)
    elif isinstance(block, Figure):
        _figure(document, block, counters)
    else:
        _quote(document, block)


def _paragraph(document: WordDocument, paragraph: Paragraph, keep: bool = False) -> None:
    from docx.shared import Pt, RGBColor

    added = document.add_paragraph()
    if keep:
        added.paragraph_format.keep_with_next = True
    for run in _runs(added, paragraph.content):
        if paragraph.style == "note":
            run.font.size = Pt(8.5)
            run.font.color.rgb = RGBColor.from_string(MUTED)


def _runs(paragraph: Any, content: Inline) -> list[Any]:
    added = []
    for part in runs(content):
        run = paragraph.add_run(part.text)
        run.bold = part.strong or None
        run.italic = part.emphasis or None
        added.append(run)
    return added


def _caption(document: WordDocument, kind: str, text: str, counters: dict[str, int]) -> Any:
    """`Table 3: text` or `Figure 2: text` in the Caption style, the number a SEQ field
    (with its value filled in, so it reads right before Word updates fields)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    counters[kind] += 1
    paragraph = document.add_paragraph(style="Caption")
    paragraph.add_run(f"{kind} ")
    # A complex field (begin, instruction, separate, result, end): Word and LibreOffice
    # both keep its result as ordinary text until fields are updated.
    for part in ("begin", f" SEQ {kind} \\* ARABIC ", "separate", str(counters[kind]), "end"):
        run = paragraph.add_run()
        if part in ("begin", "separate", "end"):
            mark = OxmlElement("w:fldChar")
            mark.set(qn("w:fldCharType"), part)
            run._r.append(mark)
        elif part.startswith(" SEQ"):
            instruction = OxmlElement("w:instrText")
            instruction.set(qn("xml:space"), "preserve")
            instruction.text = part
            run._r.append(instruction)
        else:
            run.text = part
    paragraph.add_run(f": {text}")
    return paragraph


def _table(document: WordDocument, table: Table, counters: dict[str, int]) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.shared import Cm, Pt, RGBColor

    caption = _caption(document, "Table", table.caption, counters)
    caption.paragraph_format.keep_with_next = True
    columns = len(table.header)
    widths = _column_widths(table, _text_width_cm(document))
    word = document.add_table(rows=1 + len(table.rows), cols=columns)
    word.style = "Table Grid"
    word.alignment = WD_TABLE_ALIGNMENT.LEFT
    word.autofit = False
    for index, width in enumerate(widths):
        word.columns[index].width = Cm(width)
    figures = table.figure_columns()

    header = word.rows[0]
    _row_properties(header, header=True)
    for index, title in enumerate(table.header):
        cell = header.cells[index]
        _fill(cell, title, bold=True, right=figures[index])
        _shade(cell, HEADER_FILL)

    for row, word_row in zip(table.rows, word.rows[1:], strict=True):
        _row_properties(word_row)
        if row.group:
            merged = word_row.cells[0].merge(word_row.cells[columns - 1])
            _fill(merged, row.cells[0].display(), bold=True)
            # A focus area's row stays on the page of its first practice.
            merged.paragraphs[0].paragraph_format.keep_with_next = True
            _shade(merged, GROUP_FILL)
            continue
        for index, cell in enumerate(row.cells):
            target = word_row.cells[index]
            run = _fill(
                target,
                cell.display(),
                bold=cell.strong or None,
                right=figures[index],
            )
            if cell.shade:
                _shade(target, cell.shade.lstrip("#").upper())
                run.font.color.rgb = RGBColor.from_string(ink(cell.shade).lstrip("#").upper())
    # Widths on every cell too: Word reads the cells', LibreOffice the grid's.
    for word_row in word.rows:
        for index, cell in enumerate(word_row.cells):
            if index < len(widths):
                cell.width = Cm(widths[index])
    for note in table.notes:
        paragraph = document.add_paragraph()
        run = paragraph.add_run(note)
        run.font.size = Pt(8)
        run.font.color.rgb = RGBColor.from_string(MUTED)
        paragraph.paragraph_format.space_after = Pt(2)
    document.add_paragraph().paragraph_format.space_after = Pt(0)


def _fill(cell: _Cell, text: str, bold: bool | None = None, right: bool = False) -> Any:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.space_before = Pt(0)
    if right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = paragraph.add_run(text)
    run.bold = bold
    run.font.size = Pt(TABLE_FONT_PT)
    return run


def _shade(cell: _Cell, fill: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = cell._tc.get_or_add_tcPr()
    for old in properties.findall(qn("w:shd")):
        properties.remove(old)
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    later = [properties.find(qn(tag)) for tag in _AFTER_SHADING]
    following = [element for element in later if element is not None]
    if following:
        following[0].addprevious(shading)
    else:
        properties.append(shading)


def _row_properties(row: Any, header: bool = False) -> None:
    """Never split a row across pages (a practice's figures stay on one line of sight);
    the header row also repeats on every page the table runs over."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    for tag in ("w:cantSplit", "w:tblHeader")[: 2 if header else 1]:  # schema order
        element = OxmlElement(tag)
        element.set(qn("w:val"), "true")
        properties.append(element)


def _column_widths(table: Table, available: float) -> list[float]:
    """Column widths in cm. Each column wants room for its longest line (at most 6 cm for
    the row's name, so that long texts get the room) and needs room for its longest word (a
    figure such as `+25 pp` or `12/12` counts as one word: it must not break). When the
    wants overflow the page, each column keeps its need and the room left is shared in
    proportion to what each wanted beyond it."""
    char_cm = TABLE_FONT_PT * 0.0215  # a wide-ish character at this size (bold header), cm
    padding = 0.45  # the cell's left and right margins, and a little air
    wants, needs = [], []
    for column, title in enumerate(table.header):
        cells = [row.cells[column] for row in table.rows if not row.group]
        figures = any(cell.numeric for cell in cells)
        lines = [line for cell in cells for line in cell.display().splitlines()]
        words = title.split() + [w for line in lines for w in ([line] if figures else line.split())]
        need = max((len(w) for w in words), default=1) * char_cm + padding
        longest = max([len(line) for line in lines] + [min(len(title), 14)]) * char_cm + padding
        cap = 6.0 if column < table.key_columns else 30.0
        needs.append(max(need, 0.9))
        wants.append(max(min(longest, cap), need, 0.9))
    if sum(wants) <= available:
        widths = wants
    elif sum(needs) <= available:
        room = available - sum(needs)
        extra = [want - need for want, need in zip(wants, needs, strict=True)]
        widths = [need + room * e / sum(extra) for need, e in zip(needs, extra, strict=True)]
    else:
        widths = [need * available / sum(needs) for need in needs]
    return [round(w, 2) for w in widths]


def _figure(document: WordDocument, figure: Figure, counters: dict[str, int]) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.keep_with_next = True
    width = min(figure.width_cm, _text_width_cm(document))
    shape = paragraph.add_run().add_picture(io.BytesIO(figure.png), width=Cm(width))
    properties = shape._inline.docPr
    properties.set("descr", figure.alt)
    properties.set("title", figure.caption)
    _caption(document, "Figure", figure.caption, counters)


def _quote(document: WordDocument, quote: Quote) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    text = document.add_paragraph(f"“{quote.text}”", style="Quote")
    text.paragraph_format.keep_with_next = True
    text.paragraph_format.space_after = Pt(0)
    source = document.add_paragraph(style="Quote")
    source.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = source.add_run(f"— {quote.attribution}")
    run.font.size = Pt(8.5)
    run.italic = False
    run.font.color.rgb = RGBColor.from_string(MUTED)
