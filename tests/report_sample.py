"""A small report holding one of every kind of block, for the renderer and table tests.

The charts are real (drawn by `charts.py`), so the files written from it are what a
reader gets; the figures are made up for the tests, with awkward text on purpose
(Markdown and HTML metacharacters, accents, a cell that starts with `=`)."""

from __future__ import annotations

from functools import cache

from brightspots.report.charts import Bar, HeatmapCell, focus_area_png, heatmap_png
from brightspots.report.document import (
    BulletList,
    Cell,
    Figure,
    Paragraph,
    Quote,
    Report,
    Row,
    Section,
    Table,
    Text,
)

COUNTRIES = ("Ethiopia", "Chad", "Brazil")
PRACTICES = (
    ("Improving teachers' skills", "Peer mentoring and induction"),
    ("Improving teachers' skills", "School-based professional development"),
    ("Preserving available learning time", "Tracking teacher & pupil attendance"),
)


@cache
def heatmap() -> bytes:
    cells = [
        [HeatmapCell(2, 3), HeatmapCell(1, 2, small=True), HeatmapCell(0, 0)],
        [HeatmapCell(3, 3), HeatmapCell(0, 2, small=True), HeatmapCell(1, 4)],
        [HeatmapCell(1, 3), HeatmapCell(2, 2, small=True), HeatmapCell(4, 4)],
    ]
    return heatmap_png(
        [p for _, p in PRACTICES], COUNTRIES, cells, "PD schools", groups=[a for a, _ in PRACTICES]
    )


@cache
def bars() -> bytes:
    return focus_area_png(
        [
            Bar("Improving teachers' skills", 6, 8, 2, 7),
            Bar("Preserving available learning time", 7, 8, 3, 7),
        ],
        "Focus areas",
    )


def matrix_table() -> Table:
    rows: list[Row] = []
    area = ""
    for number, (focus_area, practice) in enumerate(PRACTICES):
        if focus_area != area:
            rows.append(Row((Cell(focus_area),), group=True))
            area = focus_area
        cells = [Cell(practice)]
        for column in range(len(COUNTRIES)):
            share = (number + column) % 4 / 4
            shade = "#253494" if share > 0.5 else "#ffffcc"
            text = f"{share:.0%}\n(of 4)" if column == 2 else None  # two lines in a cell
            cells.append(Cell(share, "percent", text=text, shade=shade))
        rows.append(Row(tuple(cells)))
    return Table(
        name="pd-practice-country",
        caption="Share of PD schools with each practice, by country",
        header=("Practice", *COUNTRIES),
        rows=tuple(rows),
        notes=("* fewer than 5 schools in the group: read with care.",),
        wide=True,
    )


def distinctive_table() -> Table:
    return Table(
        name="distinctive",
        caption="Practices most distinctive of PD schools",
        header=("Practice", "PD", "Comparison", "Difference", "p", "Schools"),
        rows=(
            Row(
                (
                    Cell("Peer mentoring | induction"),
                    Cell(0.75, "percent"),
                    Cell(0.25, "percent"),
                    Cell(0.5, "points"),
                    Cell(0.0004, "p"),
                    Cell(16, "int"),
                )
            ),
            Row(
                (
                    Cell("=SUM(A1) is text"),
                    Cell(0.5, "percent"),
                    Cell(0.6, "percent"),
                    Cell(-0.1, "points"),
                    Cell(0.62, "p", mark="*"),
                    Cell(9, "int"),
                )
            ),
        ),
        notes=("p: Fisher's exact test, two-sided.",),
    )


def sample_report() -> Report:
    return Report(
        title="Learning from schools — cross-country synthesis",
        subtitle="Sample study · every coder's codings",
        lead=(Paragraph("Drafted by brightspots; finish it in Word.", style="note"),),
        sections=(
            Section(
                "Summary of findings",
                (
                    Paragraph(
                        (
                            "The most distinctive practice is ",
                            Text("peer mentoring", strong=True),
                            " (",
                            Text("p", emphasis=True),
                            " < 0.001).",
                        )
                    ),
                    BulletList(("Present in PD schools of 3 countries", "# not a heading")),
                    BulletList(("first", "second"), ordered=True),
                ),
            ),
            Section(
                "Practices by country",
                (
                    matrix_table(),
                    Figure("heatmap-pd", heatmap(), "PD schools by country", "Heat map of PD"),
                    Section(
                        "Focus areas",
                        (Figure("focus-areas", bars(), "Focus areas", "Bars per focus area"),),
                    ),
                ),
            ),
            Section(
                "Distinctive practices",
                (
                    distinctive_table(),
                    Section(
                        "Peer mentoring and induction",
                        (
                            Quote(
                                "Each strong teacher takes five others; we call it <one-to-five>.",
                                "Ethiopia / PD / head teacher / KII / et-s01-kii",
                            ),
                        ),
                    ),
                ),
            ),
            Section("Appendix: codebook", (Paragraph("Codes map onto practices."),)),
        ),
    )
