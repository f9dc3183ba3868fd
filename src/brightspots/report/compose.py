"""`compose_report`: the cross-country report, as a `Report`, from a synthesis.

The order is the one a synthesis lead sends: the findings first (generated sentences, each
with its figures), then how they were reached (method and corpus, coders, agreement), the
matrices with their heat maps, the focus areas, the ranking of distinctive practices, the
breakdowns by respondent role and method, the quotes per practice, and the framework and
codebook as an appendix. `compose_tables` gives the same figures as tidy data tables for
`--tables`.

Nothing here names a person: corpus counts are by country, group, role and method, and
quotes are attributed by the same metadata and the document's name."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from brightspots import findings as engine
from brightspots.errors import BrightspotsError
from brightspots.models import Cancelled, Progress
from brightspots.quotes import Quote as Exemplar
from brightspots.report import charts, matrices
from brightspots.report.appendix import appendix_section
from brightspots.report.document import (
    Block,
    Cell,
    Figure,
    Paragraph,
    Quote,
    Report,
    Row,
    Section,
    Table,
)
from brightspots.report.inputs import ReportInputs
from brightspots.report.matrices import focus_area_names, practice_names
from brightspots.report.method import corpus_data, method_section
from brightspots.report.summary import summary_blocks
from brightspots.report.wording import count
from brightspots.store.synthesis import Dimension


class ReportCancelled(BrightspotsError):
    """The report was cancelled before it was written; no file changed."""

    title = "Report cancelled"


class _Steps:
    """Progress and cancel checks between the slow steps (charts take about a second)."""

    def __init__(self, total: int, progress: Progress | None, cancelled: Cancelled | None):
        self.total, self.done = total, 0
        self.progress, self.cancelled = progress, cancelled

    def next(self, what: str) -> None:
        if self.cancelled is not None and self.cancelled():
            raise ReportCancelled("the report was cancelled; no file was written")
        if self.progress is not None:
            self.progress(self.done, self.total, what)
        self.done += 1

    def finish(self) -> None:
        if self.progress is not None:
            self.progress(self.total, self.total, "done")


def compose_report(
    synthesis: engine.Synthesis,
    inputs: ReportInputs,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> Report:
    """The whole report. `progress(done, total, what)` is called before each step and
    `cancelled()` checked there (raising `ReportCancelled`)."""
    steps = _Steps(7, progress, cancelled)
    areas = focus_area_names(synthesis)
    coders = inputs.coder_set.describe()
    steps.next("summary of findings")
    summary = Section("Summary of findings", tuple(summary_blocks(synthesis, areas, coders)))
    steps.next("method and corpus")
    method = method_section(synthesis, inputs)
    steps.next("heat maps")
    by_country = _by_country(synthesis, areas)
    steps.next("focus areas")
    focus = _focus_areas(synthesis, areas)
    steps.next("distinctive practices")
    distinctive = Section(
        "Distinctive practices",
        (
            Paragraph(
                "Practices ranked by the difference between the share of PD schools and the "
                "share of comparison schools where they are present, all countries together; "
                "then, for each practice, in how many countries it is found."
            ),
            matrices.distinctive_table(synthesis, areas),
            matrices.reach_table(synthesis, practice_names(synthesis)),
        ),
    )
    breakdowns = _breakdowns(synthesis, areas)
    steps.next("quotes")
    quotes = _quotes(synthesis, inputs.quotes)
    steps.next("appendix")
    appendix = appendix_section(synthesis, inputs)
    steps.finish()
    sections = [summary, method, by_country, focus, distinctive, breakdowns]
    if quotes is not None:
        sections.append(quotes)
    sections.append(appendix)
    return Report(title=inputs.title, subtitle=_subtitle(inputs), sections=tuple(sections))


def compose_tables(synthesis: engine.Synthesis, inputs: ReportInputs) -> tuple[Table, ...]:
    """The synthesis as tidy data tables (see `matrices.data_table`) plus the corpus and
    the quotes: what `--tables` writes."""
    areas = focus_area_names(synthesis)
    tables = [matrices.data_table(m, areas) for m in synthesis.matrices()]
    tables += [
        matrices.distinctive_data(synthesis, areas),
        matrices.reach_data(synthesis, practice_names(synthesis)),
        matrices.unmapped_data(synthesis),
        corpus_data(inputs.documents),
    ]
    if inputs.quotes:
        names = practice_names(synthesis)
        rows = [
            Row(
                (
                    Cell(names.get(key, key)),
                    Cell(number, "int"),
                    Cell(q.country),
                    Cell(q.school_group),
                    Cell(q.role or ""),
                    Cell(q.method or ""),
                    Cell(q.document),
                    Cell(q.start, "int"),
                    Cell(q.end, "int"),
                    Cell(q.text),
                )
            )
            for key in names
            for number, q in enumerate(inputs.quotes.get(key, ()), start=1)
        ]
        tables.append(
            Table(
                "quotes",
                "Quotes per practice, attributed (start and end: character offsets of the "
                "coded passage in the document's text)",
                (
                    "practice",
                    "number",
                    "country",
                    "school_group",
                    "role",
                    "method",
                    "document",
                    "start",
                    "end",
                    "text",
                ),
                tuple(rows),
                key_columns=2,
            )
        )
    return tuple(tables)


def _subtitle(inputs: ReportInputs) -> str:
    parts = [inputs.project] if inputs.project else []
    parts.append(f"{inputs.framework.name} ({inputs.framework.version})")
    parts.append(inputs.coder_set.describe())
    parts.append((inputs.generated or date.today()).isoformat())
    return " · ".join(parts)


# --- matrices and charts -----------------------------------------------------------------------


def _heatmap(matrix: engine.Matrix, group: str) -> Figure:
    def of(cell: engine.Cell) -> engine.GroupCount:
        return cell.pd if group == "pd" else cell.comparison

    who = "PD" if group == "pd" else "comparison"
    compact = matrices.is_compact(matrix)
    cells = [
        [
            charts.HeatmapCell(
                of(row.cells[c]).present,
                of(row.cells[c]).schools,
                small=0 < of(row.cells[c]).schools < engine.MIN_SCHOOLS,
            )
            for c in matrix.columns
        ]
        for row in matrix.rows
    ]
    png = charts.heatmap_png(
        [row.name for row in matrix.rows],
        [matrices.column_label("country", c, compact) for c in matrix.columns],
        cells,
        f"Share of {who} schools with each practice, by country",
        groups=[row.focus_area or "" for row in matrix.rows],
    )
    return Figure(
        name=f"heatmap-{group}",
        png=png,
        caption=f"Practices by country in {who} schools: each cell is the share of {who} "
        f"schools where the practice is present (schools where present / {who} schools); "
        f"* fewer than {engine.MIN_SCHOOLS} {who} schools; grey: no {who} school. Lines "
        "separate focus areas.",
        alt=f"Heat map of the share of {who} schools with each of "
        f"{count(len(matrix.rows), 'practice')} in each of "
        f"{count(len(matrix.columns), 'country', 'countries')}.",
    )


def _by_country(synthesis: engine.Synthesis, areas: Mapping[str, str]) -> Section:
    matrix = synthesis.practice_by_country
    if not matrix.columns:
        return Section("Practices by country", (Paragraph("No school counts yet."),))
    return Section(
        "Practices by country",
        (
            Section(
                "PD schools",
                (
                    _heatmap(matrix, "pd"),
                    matrices.share_table(matrix, "pd", "pd-practice-by-country", areas),
                ),
            ),
            Section(
                "Comparison schools",
                (
                    _heatmap(matrix, "comparison"),
                    matrices.share_table(
                        matrix, "comparison", "comparison-practice-by-country", areas
                    ),
                ),
            ),
            Section(
                "PD minus comparison",
                (matrices.difference_table(matrix, "difference-practice-by-country", areas),),
            ),
        ),
    )


def _focus_areas(synthesis: engine.Synthesis, areas: Mapping[str, str]) -> Section:
    matrix = synthesis.focus_area_by_country
    blocks: list[Block] = [
        Paragraph(
            "A focus area is present in a school when any of its practices is. All countries "
            "together:"
        )
    ]
    if matrix.rows and matrix.columns:
        bars = [
            charts.Bar(
                row.name,
                row.total.pd.present,
                row.total.pd.schools,
                row.total.comparison.present,
                row.total.comparison.schools,
            )
            for row in matrix.rows
        ]
        blocks.append(
            Figure(
                name="focus-areas",
                png=charts.focus_area_png(bars, "Schools with any practice of each focus area"),
                caption="Share of PD and of comparison schools with any practice of each focus "
                "area, all countries together (schools where present / schools).",
                alt="Grouped bar chart: for each focus area, the share of PD schools and the "
                "share of comparison schools with any of its practices.",
            )
        )
    blocks.append(
        matrices.totals_table(
            matrix, "focus-areas", "Focus areas in PD and comparison schools, all countries"
        )
    )
    blocks.append(
        matrices.side_by_side_table(
            matrix,
            "focus-area-by-country",
            areas,
            "Focus areas by country: % of PD schools / % of comparison schools",
        )
    )
    return Section("Focus areas", tuple(blocks))


def _breakdowns(synthesis: engine.Synthesis, areas: Mapping[str, str]) -> Section:
    parts = []
    breakdowns: tuple[tuple[Dimension, str], ...] = (
        ("respondent_role", "respondent role"),
        ("method", "method"),
    )
    for dimension, title in breakdowns:
        practice = synthesis.matrix("practice", dimension)
        area = synthesis.matrix("focus_area", dimension)
        if not practice.columns:
            continue
        short = "role" if dimension == "respondent_role" else "method"
        parts.append(
            Section(
                f"By {title}",
                (
                    matrices.side_by_side_table(
                        area,
                        f"focus-area-by-{short}",
                        areas,
                        f"Focus areas by {title}: % of PD schools / % of comparison schools",
                    ),
                    matrices.side_by_side_table(
                        practice,
                        f"practice-by-{short}",
                        areas,
                        f"Practices by {title}: % of PD schools / % of comparison schools",
                    ),
                ),
            )
        )
    intro = Paragraph(
        "Who tells of a practice, and how it was seen: a school counts in a column when it "
        "has a document of that respondent role (or method), and the practice is present "
        "there when those documents carry it. Shares are of schools, not of documents."
    )
    return Section("By respondent role and method", (intro, *parts))


# --- quotes --------------------------------------------------------------------


def _quotes(
    synthesis: engine.Synthesis, quotes: Mapping[str, Sequence[Exemplar]]
) -> Section | None:
    if not quotes:
        return None
    areas = focus_area_names(synthesis)
    by_country = synthesis.practice_by_country
    sections: list[Section] = []
    for item in synthesis.items:
        chosen = quotes.get(item.key, ())
        if item.kind != "practice" or not chosen:
            continue
        total = by_country.row(item.key).total if by_country.rows else None
        facts = f"{areas.get(item.focus_area or '', '')}."
        if total is not None:
            facts += (
                f" Present in {total.pd.present} of {total.pd.schools} PD schools and "
                f"{total.comparison.present} of {total.comparison.schools} comparison schools."
            )
        sections.append(
            Section(
                item.name,
                (
                    Paragraph(facts.strip(), style="note"),
                    *(Quote(q.text, q.attribution()) for q in chosen),
                ),
                anchor=f"quotes-{item.key}",
            )
        )
    if not sections:
        return None
    return Section(
        "Quotes per practice",
        (
            Paragraph(
                "Passages chosen to cover different countries, schools and respondents, "
                "attributed by country, school group, respondent role, method and document."
            ),
            *sections,
        ),
    )


__all__ = ["ReportCancelled", "ReportInputs", "compose_report", "compose_tables"]
