"""Exchange on the command line: `export` (REFI-QDA project or codebook, CSV/XLSX tables) and
the REFI-QDA side of `import` (a .qdpx or .qdc file given to the import command)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table

from brightspots.cli.common import PROJECT, console, emit_json, opened, progress
from brightspots.exchange.reports import ExchangeImportReport, ExportReport
from brightspots.exchange.tabular import TABLES
from brightspots.facade.exchange import EXPORT_POSITIONS
from brightspots.importer import ImportOptions

SHOWN = 10  # lines of a long list printed before "... and N more"


@click.command()
@PROJECT
@click.option(
    "--output",
    "-o",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The file to write; its suffix chooses the format: .qdpx, .qdc, .csv or .xlsx.",
)
@click.option(
    "--table",
    "tables",
    multiple=True,
    type=click.Choice(TABLES),
    help="For .csv/.xlsx: which table (default: codings for CSV, both sheets for XLSX).",
)
@click.option(
    "--positions",
    type=click.Choice(EXPORT_POSITIONS),
    default="code-points",
    show_default=True,
    help="For .qdpx: count positions in characters (code points), or in UTF-16 units as "
    "NVivo does (differs only for characters such as emoji).",
)
@click.option("--json", "as_json", is_flag=True, help="Print what was written as JSON.")
def export(
    project: Path, output: Path, tables: tuple[str, ...], positions: str, as_json: bool
) -> None:
    """Export for other tools: a REFI-QDA project or codebook, or tables of codings.

    .qdpx is the whole project for NVivo, ATLAS.ti, MAXQDA or QualCoder (documents as
    plain text, codes with colours and descriptions, codings by coder, memos, one case
    per school with its metadata). .qdc is the codebook alone. .csv and .xlsx are for R,
    Stata and pandas: one row per coding with the document's attributes, the code, its
    practices and focus areas, the coder and the text; or the codebook (--table
    codebook). The file is replaced only once it is complete.

    \b
    Example:
      brightspots export study.bsp -o study.qdpx
      brightspots export study.bsp -o study.qdpx --positions utf-16
      brightspots export study.bsp -o codebook.qdc
      brightspots export study.bsp -o codings.csv
      brightspots export study.bsp -o codebook.csv --table codebook
      brightspots export study.bsp -o study.xlsx
    """
    with opened(project) as proj, progress("Exporting") as advance:
        report = proj.export(output, list(tables) or None, positions, progress=advance)
    if as_json:
        emit_json(report.to_json())
        return
    _print_export(report)


def _print_export(report: ExportReport) -> None:
    if report.kind == "qdpx":
        console.print(
            f"Wrote {escape(report.path)}: {report.documents} document(s), {report.codes} "
            f"code(s), {report.codings} coding(s) by {report.coders} coder(s), "
            f"{report.memos} memo(s), {report.cases} case(s); positions in {report.positions}."
        )
    elif report.kind == "qdc":
        console.print(f"Wrote {escape(report.path)}: {report.codes} code(s).")
    else:
        console.print(f"Wrote {escape(report.path)}: {report.rows} row(s).")
    for note in report.notes:
        console.print(f"[yellow]{escape(note)}[/]")


def import_exchange(
    project: Path, paths: Sequence[Path], options: ImportOptions, positions: str
) -> None:
    """The import command, given a .qdpx or .qdc file."""
    if len(paths) != 1:
        raise click.UsageError(
            "give a .qdpx or .qdc file on its own: one REFI-QDA file per import, and "
            "transcripts in another"
        )
    with opened(project) as proj, progress("Importing") as advance:
        report = proj.import_exchange(paths[0], options, positions, progress=advance)
    print_exchange_import(report)


def print_exchange_import(report: ExchangeImportReport) -> None:
    origin = f" (from {report.origin})" if report.origin else ""
    console.print(
        f"Imported {escape(report.path)}{escape(origin)}: documents "
        f"{len(report.documents_added)} added, {len(report.documents_matched)} already here; "
        f"codes {len(report.codes_added)} added, {len(report.codes_matched)} matched; "
        f"codings {report.codings_added} added, {report.codings_present} already here; "
        f"memos {report.memos_added} added."
    )
    if report.coders:
        console.print(f"Coders: {escape(', '.join(report.coders))}.")
    for source, name in report.documents_renamed:
        console.print(
            f"[yellow]{escape(source)}: a document of that name exists, added as {escape(name)}[/]"
        )
    if report.skipped_sources:
        table = Table("source", "kind", "selections", "codings", "why", title="Sources skipped")
        for s in report.skipped_sources:
            table.add_row(
                escape(s.name), s.kind, str(s.selections), str(s.codings), escape(s.reason)
            )
        console.print(table)
    if report.unplaced:
        console.print(
            f"[red]{report.unplaced_codings} coding(s) could not be placed on their text:[/]"
        )
        _lines(report.unplaced)
    for error in report.problems:
        console.print(f"[red]Skipped: {escape(error.message)}[/]")
    for source, counting in list(report.positions.items())[:SHOWN]:
        console.print(f"[dim]{escape(source)}: positions read as {counting}[/]")
    for note in report.notes:
        console.print(f"[yellow]{escape(note)}[/]")
    if report.speakers_without_role:
        labels = ", ".join(f"{k!r} ({v})" for k, v in report.speakers_without_role.most_common(8))
        console.print(
            f"Speaker labels with no role: {escape(labels)}. Teach them with "
            "`brightspots alias add PROJECT LABEL ROLE`."
        )
    if not report.changed:
        console.print("Nothing new: the project is unchanged.")


def _lines(items: Sequence[str]) -> None:
    for item in items[:SHOWN]:
        console.print(f"  {escape(item)}")
    if len(items) > SHOWN:
        console.print(f"  ... and {len(items) - SHOWN} more")
