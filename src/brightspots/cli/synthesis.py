"""The synthesis on the command line: the matrices a synthesis lead reads, and the report."""

from __future__ import annotations

from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table

from brightspots.cli.common import PROJECT, console, emit_json, filter_options, opened, progress
from brightspots.findings import Cell, Matrix, Synthesis

BY = {"country": "country", "role": "respondent_role", "method": "method"}
COUNTED = ("pd", "comparison", "difference")


def coder_option(command: click.decorators.FC) -> click.decorators.FC:
    return click.option(
        "--coders",
        default="all",
        show_default=True,
        metavar="all|consensus|NAME",
        help="Whose codings count: everyone's, the adjudicated consensus, or one coder's.",
    )(command)


def rule_options(command: click.decorators.FC) -> click.decorators.FC:
    for option in reversed(
        [
            click.option(
                "--min-passages",
                default=1,
                show_default=True,
                help="A practice counts in a school only with at least this many passages.",
            ),
            click.option(
                "--min-respondents",
                default=1,
                show_default=True,
                help="... or only when at least this many respondents speak of it.",
            ),
            click.option(
                "--schools",
                type=click.Choice(["coded", "all"]),
                default="coded",
                show_default=True,
                help="Count a school in a cell only when its documents there are coded, or "
                "every imported school.",
            ),
        ]
    ):
        command = option(command)
    return command


@click.command()
@PROJECT
@coder_option
@click.option(
    "--by",
    type=click.Choice(list(BY)),
    default="country",
    show_default=True,
    help="The columns of the matrices.",
)
@click.option(
    "--practices/--focus-areas",
    default=True,
    help="Rows: the 15 practices (default) or the six focus areas.",
)
@rule_options
@filter_options
@click.option("--json", "as_json", is_flag=True, help="Print every matrix and ranking as JSON.")
def synthesize(
    project: Path,
    coders: str,
    by: str,
    practices: bool,
    min_passages: int,
    min_respondents: int,
    schools: str,
    as_json: bool,
    **filters: str | None,
) -> None:
    """The framework's practices across countries, PD against comparison schools.

    A practice is present in a school when any of the school's documents carries a coding
    of a code mapped to it (by the chosen coders). Each cell shows PD schools with the
    practice / PD schools, the same for comparison schools, and the difference of shares in
    points; `*` marks a Fisher's exact p under 0.05, `~` a cell with too few schools for the
    test to show much. Below: the practices most distinctive of PD schools, and codes mapped
    to no practice. --json gives every matrix (practices and focus areas, by country, role
    and method) with the counts, p- and q-values and the rules used.

    \b
    Example:
      brightspots synthesize study.bsp
      brightspots synthesize study.bsp --coders consensus --by role --focus-areas
      brightspots synthesize study.bsp --country BF --min-passages 2 --json
    """
    chosen = {k: v for k, v in filters.items() if v}
    with opened(project) as proj:
        result = proj.synthesize(
            coders,
            chosen or None,
            min_passages,
            min_respondents,
            schools,  # type: ignore[arg-type]
        )
    if as_json:
        emit_json(result.to_dict())
        return
    _print_synthesis(result, result.matrix("practice" if practices else "focus_area", BY[by]))  # type: ignore[arg-type]


def _cell(cell: Cell | None) -> str:
    if cell is None or (not cell.pd.schools and not cell.comparison.schools):
        return "[dim]–[/]"
    points = "–" if cell.difference is None else f"{round(100 * cell.difference):+d}"
    mark = "*" if cell.p_value is not None and cell.p_value < 0.05 else ""
    mark += "~" if cell.small else ""
    return (
        f"{cell.pd.present}/{cell.pd.schools} {cell.comparison.present}/"
        f"{cell.comparison.schools}\n{points}{mark}"
    )


def _print_synthesis(result: Synthesis, matrix: Matrix) -> None:
    whose = "everyone's codings" if result.coders is None else ", ".join(result.coders)
    console.print(
        f"[bold]{result.schools:,} schools[/], {result.documents:,} documents, "
        f"{result.codings:,} codings ({escape(whose)})"
        + (
            f"; {result.detached_codings:,} detached codings left out"
            if result.detached_codings
            else ""
        )
    )
    dimension = matrix.dimension.replace("respondent_", "")
    table = Table(
        title=f"{'Practices' if matrix.rows_kind == 'practice' else 'Focus areas'} by {dimension}: "
        "PD present/schools, comparison present/schools; difference in points",
        title_justify="left",
        show_lines=True,
    )
    table.add_column(matrix.rows_kind.replace("_", " "), min_width=16, max_width=30)
    for column in matrix.columns:
        table.add_column(escape(column.replace("_", " ")), justify="center", no_wrap=True)
    table.add_column("all", justify="center", style="bold", no_wrap=True)
    for row in matrix.rows:
        table.add_row(
            escape(row.name),
            *(_cell(row.cells.get(c)) for c in matrix.columns),
            _cell(row.total),
        )
    console.print(table)
    console.print("[dim]* Fisher's exact p < 0.05 · ~ too few schools in a group for a test[/]")
    ranking = Table(title="Most distinctive of PD schools (all countries)", title_justify="left")
    for column in ("#", "practice", "PD", "comparison", "difference", "p", "PD countries"):
        ranking.add_column(column)
    for item in result.distinctive[:10]:
        ranking.add_row(
            str(item.rank),
            escape(item.name),
            f"{item.pd.present}/{item.pd.schools}",
            f"{item.comparison.present}/{item.comparison.schools}",
            f"{round(100 * item.difference):+d}" + ("~" if item.small else ""),
            "-" if item.p_value is None else f"{item.p_value:.3f}",
            str(item.pd_countries),
        )
    console.print(ranking)
    if result.unmapped_codes:
        listed = ", ".join(f"{escape(c.name)} ({c.codings})" for c in result.unmapped_codes)
        console.print(f"Codes mapped to no practice (counted nowhere above): {listed}")
    if result.mixed_group_schools:
        console.print(
            "[yellow]Schools whose documents disagree on PD/comparison (left as unknown): "
            + ", ".join(result.mixed_group_schools)
            + "[/]"
        )


@click.command()
@PROJECT
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The report: .html (one self-contained file), .docx (Word, LibreOffice) or .md.",
)
@click.option(
    "--tables",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The report's tables as data: .xlsx (one sheet per table) or .csv (long format).",
)
@coder_option
@click.option(
    "--agreement",
    "agreement_coders",
    metavar="A,B[,C]",
    help="Also report inter-coder agreement between these coders.",
)
@click.option("--quotes", default=5, show_default=True, help="Exemplar quotes per practice.")
@click.option("--title", help="The report's title.")
@rule_options
@filter_options
def report(
    project: Path,
    output: Path | None,
    tables: Path | None,
    coders: str,
    agreement_coders: str | None,
    quotes: int,
    title: str | None,
    min_passages: int,
    min_respondents: int,
    schools: str,
    **filters: str | None,
) -> None:
    """Write the synthesis report a synthesis lead can finish in Word.

    The report holds a summary of findings; the method and corpus (documents by country,
    group, role and method; coders; agreement when asked); heat maps of practices by
    country for PD and comparison schools and a focus-area chart; the matrices as tables;
    exemplar quotes per practice, attributed by country, group, role, method and document
    (never a name); and the codebook and framework as an appendix. Files are written whole
    or not at all.

    \b
    Example:
      brightspots report study.bsp -o report.html
      brightspots report study.bsp -o report.docx --coders consensus --agreement ana,ben
      brightspots report study.bsp --tables tables.xlsx --country BF
    """
    chosen = {k: v for k, v in filters.items() if v}
    agreeing = [c.strip() for c in agreement_coders.split(",")] if agreement_coders else None
    with opened(project) as proj, progress("Writing the report") as advance:
        written = proj.write_report(
            output,
            tables,
            coders,
            chosen or None,
            min_passages,
            min_respondents,
            schools,  # type: ignore[arg-type]
            agreeing,
            quotes,
            title,
            progress=advance,
        )
    for path in written:
        console.print(f"Written: {escape(str(path))}")
