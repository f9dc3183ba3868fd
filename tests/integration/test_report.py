"""The report end to end on a small project whose figures can be counted by hand.

Six schools in two countries, one head teacher's interview each, coded by `ana`:
- peer mentoring (`mentoring-one-to-five`) in the three PD schools and no comparison school:
  PD 3/3, comparison 0/3, +100 percentage points, Fisher p = 0.1 ([[3, 0], [0, 3]]);
- parental engagement (`parent-teacher-contact`) in one PD school (ET-P1) and two
  comparison schools (ET-C1, TD-C1): PD 1/3, comparison 2/3, -33 points, p = 1.0;
- a barrier code mapped to no practice (`context-resource-constraints`) in TD-C2.
The head teachers' speaker labels are their names (`Bekele:`): no report may show them."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from brightspots.agreement import agreement
from brightspots.coder_set import CoderSet
from brightspots.findings import Synthesis
from brightspots.project import Project
from brightspots.quotes import quotes_by_practice
from brightspots.report import write_report, write_tables
from brightspots.report.compose import (
    ReportCancelled,
    ReportInputs,
    compose_report,
    compose_tables,
)
from brightspots.report.document import Figure, Quote, Report, Table, plain
from brightspots.segment import SpacySegmenter
from brightspots.synthesis import synthesize
from tests.conftest import write

NAMES = ("Bekele", "Mahamat", "Abdoulaye", "Tigist", "Hawa", "Almaz")
SCHOOLS = (  # country, school, group, name, what the head teacher says
    ("ET", "ET-P1", "pd", "Bekele", ("mentoring", "parents")),
    ("ET", "ET-P2", "pd", "Tigist", ("mentoring",)),
    ("ET", "ET-C1", "comparison", "Almaz", ("parents",)),
    ("TD", "TD-P1", "pd", "Mahamat", ("mentoring",)),
    ("TD", "TD-C1", "comparison", "Hawa", ("parents",)),
    ("TD", "TD-C2", "comparison", "Abdoulaye", ("money",)),
)
SAYS = {
    "mentoring": (
        "mentoring-one-to-five",
        "Each strong teacher takes five others, we call it one-to-five, and they meet weekly.",
    ),
    "parents": (
        "parent-teacher-contact",
        "Parents come on Fridays to talk with the class teacher about their child's progress.",
    ),
    "money": (
        "context-resource-constraints",
        "We have no budget for chalk or books this year, so the pupils share what there is.",
    ),
}


def interview(country: str, school: str, group: str, name: str, topics: tuple[str, ...]) -> str:
    # The name labels two turns at least, so the reader takes it for a speaker label.
    turns = "\n".join(f"{name}: {SAYS[topic][1]}" for topic in topics)
    turns += f"\nInterviewer: Anything else?\n{name}: That is how we work here."
    return (
        f"---\ncountry: {country}\nschool_id: {school}\nschool_group: {group}\n"
        "respondent_role: head_teacher\nmethod: kii\nlanguage: en\n---\n"
        f"Interviewer: How does your school work?\n{turns}\n"
    )


@pytest.fixture(scope="module")
def project(
    tmp_path_factory: pytest.TempPathFactory, segmenter: SpacySegmenter
) -> Iterator[Project]:
    folder = tmp_path_factory.mktemp("study")
    files = [
        write(folder / "corpus" / f"{school.lower()}-kii.txt", interview(*row))
        for row in SCHOOLS
        for school in [row[1]]
    ]
    with Project.create(folder / "study.bsp", segmenter=segmenter) as created:
        created.import_files(files)
        for _, school, _, _, topics in SCHOOLS:
            document = f"{school.lower()}-kii.txt"
            text = created.document(document).text
            for topic in topics:
                code, sentence = SAYS[topic]
                start = text.index(sentence)
                created.apply_code(document, start, start + len(sentence), code, "ana")
                if school == "ET-P1":  # a second coder, for the agreement section
                    created.apply_code(document, start, start + len(sentence), code, "ben")
        yield created


@pytest.fixture(scope="module")
def synthesis(project: Project) -> Synthesis:
    return synthesize(project.store, CoderSet.one("ana").coders())


@pytest.fixture(scope="module")
def inputs(project: Project) -> ReportInputs:
    framework = project.framework()
    assert framework is not None
    coders = CoderSet.one("ana")
    return ReportInputs(
        framework=framework,
        codebook=project.codebook(),
        documents=project.documents(),
        coders=project.status().coders,
        coder_set=coders,
        quotes=quotes_by_practice(project.store, coders.coders()),
        agreement=agreement(project.store, ["ana", "ben"]),
        project="study",
    )


@pytest.fixture(scope="module")
def report(synthesis: Synthesis, inputs: ReportInputs) -> Report:
    return compose_report(synthesis, inputs)


def section(report: Report, title: str) -> list[str]:
    """The plain text of a section's own paragraphs and list items."""
    for _, found in report.walk():
        if found.title == title:
            texts = []
            for block in found.blocks:
                if hasattr(block, "content"):
                    texts.append(plain(block.content))
                elif hasattr(block, "items"):
                    texts += [plain(item) for item in block.items]
            return texts
    raise AssertionError(f"no section {title!r}")


def table(report: Report, name: str) -> Table:
    return next(t for t in report.tables() if t.name == name)


def cells(found: Table, row_name: str) -> list[str]:
    row = next(r for r in found.rows if not r.group and r.cells[0].display() == row_name)
    return [c.display() for c in row.cells]


def test_the_report_is_in_the_order_a_reader_wants(report: Report) -> None:
    assert [s.title for s in report.sections] == [
        "Summary of findings",
        "Method and corpus",
        "Practices by country",
        "Focus areas",
        "Distinctive practices",
        "By respondent role and method",
        "Quotes per practice",
        "Appendix",
    ]
    assert report.subtitle.startswith("study · Data Must Speak")
    assert "ana's codings" in report.subtitle


def test_the_summary_states_the_hand_counted_figures(report: Report) -> None:
    summary = section(report, "Summary of findings")
    assert summary[0].startswith(
        "This synthesis rests on 6 documents from 6 schools (3 PD, 3 comparison) in "
        "2 countries (Ethiopia and Chad), using ana's codings."
    )
    mentoring = next(s for s in summary if s.startswith("Peer mentoring and induction"))
    assert (
        "present in 100% (3/3) of PD schools against 0% (0/3) of comparison schools, "
        "+100 percentage points; p = 0.100" in mentoring
    )
    assert "Few schools" in mentoring
    assert any(
        s.startswith("More common in comparison schools: Parental engagement") for s in summary
    )
    assert any("p = 1.000" in s and "-33 percentage points" in s for s in summary)
    assert any("1 code mapped to no practice carries 1 coding" in s for s in summary)
    assert any("fewer than 5 PD or comparison schools" in s for s in summary)


def test_the_matrices_read_as_counted(report: Report) -> None:
    pd = table(report, "pd-practice-by-country")
    assert pd.header == ("Practice", "Ethiopia", "Chad", "All countries")
    assert cells(pd, "Peer mentoring and induction") == [
        "Peer mentoring and induction",
        "2/2*",
        "1/1*",
        "3/3*",
    ]
    comparison = table(report, "comparison-practice-by-country")
    assert cells(comparison, "Parental engagement in learning")[1:] == ["1/1*", "1/2*", "2/3*"]
    difference = table(report, "difference-practice-by-country")
    assert cells(difference, "Peer mentoring and induction")[-1] == "+100 pp\np=.10*"
    distinctive = table(report, "distinctive")
    first = distinctive.rows[0].cells
    assert [c.display() for c in first[:2]] == ["1", "Peer mentoring and induction"]
    assert first[3].display() == "3/3" and first[7].display() == "+100 pp*"
    assert first[8].value == pytest.approx(0.1)


def test_the_method_section_counts_the_corpus(report: Report) -> None:
    corpus = table(report, "corpus-by-country")
    assert [c.display() for c in corpus.rows[0].cells[:5]] == ["Ethiopia", "2", "1", "0", "3"]
    roles = table(report, "corpus-by-respondent-role")
    assert [c.display() for c in roles.rows[0].cells] == ["head teacher", "6", "6"]
    coders = section(report, "Coders and agreement")
    assert coders[0].startswith(
        "Coders in the project: ana and ben. This report uses ana's codings."
    )
    assert "Agreement between ana and ben on 1 document" in coders[1]
    assert table(report, "agreement").rows


def test_quotes_are_attributed_without_names(report: Report) -> None:
    quotes = [b for b in report.blocks() if isinstance(b, Quote)]
    mentoring = [q for q in quotes if "one-to-five" in q.text]
    assert len(mentoring) == 3  # one per PD school: three schools, two countries
    assert {q.attribution.split(" · ")[0] for q in mentoring} == {"Ethiopia", "Chad"}
    assert all(" · head teacher · KII · " in q.attribution for q in quotes)
    for quote in quotes:
        assert not any(name in quote.text or name in quote.attribution for name in NAMES)


def test_figures_are_drawn(report: Report) -> None:
    figures = {f.name: f for f in report.blocks() if isinstance(f, Figure)}
    assert set(figures) == {"heatmap-pd", "heatmap-comparison", "focus-areas"}
    assert all(f.png.startswith(b"\x89PNG") and f.alt for f in figures.values())


def test_every_format_is_written_and_reads_back(tmp_path: Path, report: Report) -> None:
    import docx

    html = write_report(report, tmp_path / "report.html").read_bytes()
    tree = etree.fromstring(html)
    assert [img.get("src")[:22] for img in tree.iter("img")] == ["data:image/png;base64,"] * 3
    assert not [e for e in tree.iter() if (e.get("src") or "#").startswith("http")]
    document = docx.Document(str(write_report(report, tmp_path / "report.docx")))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == [s.title for s in report.sections]
    assert len(document.tables) == len(report.tables())
    assert len(document.inline_shapes) == 3
    markdown = write_report(report, tmp_path / "report.md").read_text(encoding="utf-8")
    for link in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", markdown):
        assert (tmp_path / link).is_file()
    texts = [html.decode("utf-8"), markdown, "\n".join(p.text for p in document.paragraphs)]
    for text in texts:
        assert "one-to-five" in text
        assert not [name for name in NAMES if name in text]


def test_the_tables_export_every_matrix_as_numbers(
    tmp_path: Path, synthesis: Synthesis, inputs: ReportInputs
) -> None:
    from openpyxl import load_workbook

    tables = compose_tables(synthesis, inputs)
    write_tables(tables, tmp_path / "tables.xlsx")
    workbook = load_workbook(tmp_path / "tables.xlsx")
    assert workbook.sheetnames == [
        "practice_by_country", "focus_area_by_country", "practice_by_respondent_role",
        "focus_area_by_respondent_role", "practice_by_method", "focus_area_by_method",
        "distinctive", "reach", "unmapped_codes", "corpus", "quotes",
    ]  # fmt: skip
    sheet = workbook["practice_by_country"]
    header = [c.value for c in sheet[1]]
    rows = [
        dict(zip(header, (c.value for c in r), strict=True)) for r in sheet.iter_rows(min_row=2)
    ]
    mentoring = next(
        r for r in rows if r["practice_id"] == "p01-peer-mentoring" and r["country"] == "all"
    )
    assert (mentoring["pd_present"], mentoring["pd_schools"], mentoring["comparison_present"]) == (
        3,
        3,
        0,
    )
    assert mentoring["difference"] == 1.0 and mentoring["p_value"] == pytest.approx(0.1)
    assert mentoring["small"] == 1
    write_tables(tables, tmp_path / "tables.csv")
    lines = list(csv.reader(io.StringIO((tmp_path / "tables.csv").read_text(encoding="utf-8-sig"))))
    assert lines[0] == ["table", "row", "column", "value"]
    assert ["practice_by_country", "Peer mentoring and induction / ET", "pd_present", "2"] in lines
    assert ["unmapped_codes", "Barrier: resource constraints", "codings", "1"] in lines
    exported = (tmp_path / "tables.csv").read_text(encoding="utf-8-sig")
    assert not [name for name in NAMES if name in exported]


def test_progress_is_reported_and_a_cancel_stops_the_report(
    synthesis: Synthesis, inputs: ReportInputs
) -> None:
    seen: list[tuple[int, int, str]] = []
    compose_report(
        synthesis, inputs, progress=lambda done, total, what: seen.append((done, total, what))
    )
    assert seen[0][0] == 0 and seen[-1][0] == seen[-1][1] and seen[-1][2] == "done"
    with pytest.raises(ReportCancelled):
        compose_report(synthesis, inputs, cancelled=lambda: True)


def test_a_project_with_nothing_coded_still_reports(
    tmp_path: Path, project: Project, inputs: ReportInputs
) -> None:
    # Nobody's codings: the synthesis of a coder who has coded nothing yet.
    project.store.ensure_coder("newcomer")
    nothing = synthesize(project.store, ("newcomer",))
    report = compose_report(nothing, ReportInputs(
        framework=inputs.framework, codebook=inputs.codebook, documents=inputs.documents,
        coders=inputs.coders, coder_set=CoderSet.one("newcomer"),
    ))  # fmt: skip
    assert section(report, "Summary of findings")[0].startswith("No school counts yet")
    assert "Quotes per practice" not in [s.title for s in report.sections]
    for suffix in (".html", ".docx", ".md"):
        assert write_report(report, tmp_path / f"empty{suffix}").stat().st_size > 0
