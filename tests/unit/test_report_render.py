"""The three report formats, parsed back: what the document model holds is in the file.

HTML is checked as HTML5 in its XML form: it must parse with a strict XML parser, and an
HTML parser must build the very same tree from it (so no element is closed implicitly by
HTML's rules, e.g. a table inside a paragraph). Everything must be inside the file."""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import pytest
from lxml import etree
from lxml import html as lxml_html

from brightspots.errors import InputError
from brightspots.report import write_report
from brightspots.report.document import Report, Section
from brightspots.report.docx import render_docx
from brightspots.report.html import render_html
from brightspots.report.markdown import render_markdown
from brightspots.report.writer import pictures_folder
from tests.report_sample import sample_report

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
HTML5_ELEMENTS = {
    "html", "head", "meta", "title", "style", "body", "header", "main", "nav", "section",
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "ul", "ol", "li", "a", "strong", "em", "div",
    "table", "caption", "thead", "tbody", "tr", "th", "td", "figure", "figcaption", "img",
    "blockquote", "br",
}  # fmt: skip


@pytest.fixture(scope="module")
def report() -> Report:
    return sample_report()


# --- HTML ------------------------------------------------------------------------------


def test_html_is_well_formed_and_parses_the_same_as_html(report: Report) -> None:
    data = render_html(report).encode("utf-8")
    assert data.startswith(b"<!DOCTYPE html>\n")
    strict = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    loose = lxml_html.document_fromstring(data)
    tags = [e.tag for e in strict.iter() if isinstance(e.tag, str)]
    assert tags == [e.tag for e in loose.iter() if isinstance(e.tag, str)]
    assert set(tags) <= HTML5_ELEMENTS
    assert strict.get("lang") == "en"
    assert strict.find("head/meta").get("charset") == "utf-8"
    assert strict.findtext("head/title") == report.title


def test_html_is_self_contained(report: Report) -> None:
    tree = etree.fromstring(render_html(report).encode("utf-8"))
    assert not tree.findall(".//script") and not tree.findall(".//link")
    images = tree.findall(".//img")
    assert len(images) == len(report.figures()) == 2
    for image, figure in zip(images, report.figures(), strict=True):
        source = image.get("src")
        assert source.startswith("data:image/png;base64,")
        assert base64.b64decode(source.split(",", 1)[1]) == figure.png
        assert image.get("alt") == figure.alt
    for element in tree.iter():
        for attribute in ("src", "href"):
            value = element.get(attribute)
            assert value is None or value.startswith(("data:", "#")), value


def test_html_ids_are_unique_and_every_link_lands(report: Report) -> None:
    tree = etree.fromstring(render_html(report).encode("utf-8"))
    ids = [e.get("id") for e in tree.iter() if e.get("id")]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z0-9-]+", i) for i in ids)
    links = [a.get("href")[1:] for a in tree.iter("a")]
    assert links and set(links) <= set(ids)


def test_html_holds_headings_tables_and_quotes(report: Report) -> None:
    tree = etree.fromstring(render_html(report).encode("utf-8"))
    headings = [(e.tag, e.text) for e in tree.iter("h1", "h2", "h3")]
    assert headings[0] == ("h1", report.title)
    assert ("h2", "Summary of findings") in headings
    assert ("h3", "Focus areas") in headings  # a subsection is one level down
    tables = tree.findall(".//table")
    assert [t.findtext("caption") for t in tables] == [t.caption for t in report.tables()]
    matrix = tables[0]
    assert [th.text for th in matrix.find("thead/tr")] == list(report.tables()[0].header)
    group = matrix.find("tbody/tr")
    assert group.get("class") == "group" and group[0].get("colspan") == "4"
    assert matrix.find("tbody/tr[2]/td[3]/br") is not None  # a line break inside a cell
    shaded = [td for td in matrix.iter("td") if td.get("style")]
    assert shaded and all("background-color:#" in td.get("style") for td in shaded)
    quote = tree.find(".//figure[@class='quote']")
    assert "<one-to-five>" in quote.findtext("blockquote/p")  # escaped, kept as text
    assert "head teacher" in quote.findtext("figcaption")
    summary = tree.find(".//section[@id='summary-of-findings']/p")
    assert summary.findtext("strong") == "peer mentoring" and summary.findtext("em") == "p"


# --- DOCX ------------------------------------------------------------------------------


def test_docx_has_real_headings_tables_and_pictures(report: Report) -> None:
    import docx

    document = docx.Document(io.BytesIO(render_docx(report)))
    styles = [(p.style.name, p.text) for p in document.paragraphs if p.style is not None]
    assert styles[0] == ("Title", report.title)
    headings = [(name, text) for name, text in styles if name.startswith("Heading")]
    assert headings == [(f"Heading {level}", section.title) for level, section in report.walk()]
    assert len(document.tables) == 2
    matrix = document.tables[0]
    assert [c.text for c in matrix.rows[0].cells] == list(report.tables()[0].header)
    header_properties = matrix.rows[0]._tr.trPr.xml
    assert "w:tblHeader" in header_properties  # repeats on every page
    assert matrix.rows[1].cells[0].text == "Improving teachers' skills"
    assert len({id(c._tc) for c in matrix.rows[1].cells}) == 1  # the group row is merged
    assert "w:shd" in matrix.rows[2].cells[1]._tc.xml
    assert matrix.rows[2].cells[1].text == "0%"
    assert matrix.rows[2].cells[3].text == "50%\n(of 4)"  # a line break inside a cell
    distinctive = document.tables[1]
    assert [c.text for c in distinctive.rows[2].cells][-2:] == ["0.620*", "9"]
    shapes = document.inline_shapes
    assert len(shapes) == 2
    assert [s._inline.docPr.get("descr") for s in shapes] == [f.alt for f in report.figures()]
    blobs = [p.blob for p in document.part.package.parts if p.content_type == "image/png"]
    assert sorted(blobs) == sorted(f.png for f in report.figures())


def test_docx_captions_quotes_and_pages(report: Report) -> None:
    import docx
    from docx.enum.section import WD_ORIENT

    document = docx.Document(io.BytesIO(render_docx(report)))
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert captions == [
        "Table 1: Share of PD schools with each practice, by country",
        "Figure 1: PD schools by country",
        "Figure 2: Focus areas",
        "Table 2: Practices most distinctive of PD schools",
    ]
    assert "SEQ Figure" in document.element.xml
    quotes = [p.text for p in document.paragraphs if p.style.name == "Quote"]
    assert quotes[0].startswith("“Each strong teacher") and "head teacher" in quotes[1]
    # The section with the wide table is on landscape pages; the report starts portrait.
    orientations = [s.orientation for s in document.sections]
    assert orientations[0] == WD_ORIENT.PORTRAIT and WD_ORIENT.LANDSCAPE in orientations
    assert document.core_properties.title == report.title


# --- Markdown ----------------------------------------------------------------------------


def test_markdown_tables_links_and_escapes(report: Report) -> None:
    text, pictures = render_markdown(report, "report_files")
    lines = text.splitlines()
    assert lines[0] == f"# {report.title}"
    assert "## Summary of findings" in lines and "### Focus areas" in lines
    assert "| Practice | Ethiopia | Chad | Brazil |" in lines
    assert "| --- | ---: | ---: | ---: |" in lines
    assert "| Peer mentoring \\| induction | 75% | 25% | +50 pp | \\<0.001 | 16 |" in lines
    assert "| Peer mentoring and induction | 0% | 25% | 50%<br>(of 4) |" in lines
    assert "- \\# not a heading" in lines
    assert "1. first" in lines and "2. second" in lines
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert links == [f"report_files/{name}" for name in pictures]
    assert set(pictures.values()) == {f.png for f in report.figures()}
    assert "> — *Ethiopia / PD / head teacher / KII / et-s01-kii*" in lines


def test_markdown_file_links_resolve(tmp_path: Path, report: Report) -> None:
    path = write_report(report, tmp_path / "my report.md")
    folder = pictures_folder(path)
    assert folder == tmp_path / "my report_files"
    text = path.read_text(encoding="utf-8")
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert links and all(link.startswith("my%20report_files/") for link in links)
    for link in links:
        target = tmp_path / link.replace("%20", " ")
        assert target.read_bytes().startswith(PNG_SIGNATURE)


# --- choosing the format ----------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".html", ".HTML", ".docx", ".md"])
def test_write_report_picks_the_format_by_suffix(
    tmp_path: Path, report: Report, suffix: str
) -> None:
    path = write_report(report, tmp_path / f"report{suffix}")
    head = path.read_bytes()[:16]
    if suffix.lower() == ".docx":
        assert head.startswith(b"PK")
    elif suffix.lower() == ".html":
        assert head.startswith(b"<!DOCTYPE html>")
    else:
        assert head.startswith(b"# ")


@pytest.mark.parametrize("name", ["report.pdf", "report"])
def test_an_unknown_suffix_names_the_allowed_ones(
    tmp_path: Path, report: Report, name: str
) -> None:
    with pytest.raises(InputError) as raised:
        write_report(report, tmp_path / name)
    assert ".html, .docx, .md" in raised.value.message
    assert not list(tmp_path.iterdir())


def test_an_empty_report_still_renders(tmp_path: Path) -> None:
    empty = Report(title="Nothing yet", sections=(Section("Summary of findings"),))
    for suffix in (".html", ".docx", ".md"):
        assert write_report(empty, tmp_path / f"empty{suffix}").stat().st_size > 0
    assert not pictures_folder(tmp_path / "empty.md").exists()
