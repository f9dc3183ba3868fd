"""Team work on the command line: merging coders' project files, inter-coder agreement."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table

from brightspots.agreement import AgreementReport
from brightspots.cli.common import PROJECT, console, emit_json, filter_options, opened, progress
from brightspots.merge import MergeReport

CSV_COLUMNS = (
    "code",
    "name",
    "units",
    "coded_units",
    "percent_agreement",
    "kappa",
    "kappa_band",
    "fleiss_kappa",
    "alpha",
    "alpha_band",
    "char_agreement",
    "char_kappa",
    "flag",
)


@click.command()
@click.argument("target", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def merge(target: Path, sources: tuple[Path, ...], as_json: bool) -> None:
    """Merge coders' project files into TARGET, keeping every coding and its coder.

    Documents match by their text, codes by identity and then by name; memos and the
    history come along. Conflicts (a code renamed, a same-named code defined differently,
    a document whose text differs) are listed, never settled silently. TARGET is backed up
    first (beside it, with the date and time in the name) and the merge is all or
    nothing. Merging the same file again changes nothing.

    \b
    Example:
      brightspots merge synthesis.bsp ana.bsp ben.bsp
    """
    with opened(target) as proj, progress("Merging") as advance:
        report = proj.merge(list(sources), progress=advance)
    if as_json:
        emit_json(report.to_json())
        return
    _print_merge(report)


def _print_merge(report: MergeReport) -> None:
    for s in report.sources:
        by_name = f" ({len(s.codes_matched_by_name)} by name)" if s.codes_matched_by_name else ""
        console.print(
            f"[bold]{escape(s.path)}[/]: documents {s.documents_added} added, "
            f"{s.documents_matched} matched; codes {s.codes_added} added, "
            f"{s.codes_matched} matched{by_name}; codings {s.codings_added} added, "
            f"{s.codings_present} already here; memos {s.memos_added} added; "
            f"history {s.events_added} event(s) added. Coders: "
            f"{escape(', '.join(s.coders) or 'none')}."
        )
    conflicts = report.conflicts
    if conflicts:
        table = Table("from", "conflict", "about", "what was done", title="Conflicts")
        for c in conflicts:
            table.add_row(escape(c.source), c.kind, escape(c.subject), escape(c.detail))
        console.print(table)
    else:
        console.print("No conflicts.")
    if report.changed:
        console.print(f"Backup of the project before the merge: {escape(report.backup or '')}")
    else:
        console.print("Nothing new: the project is unchanged (no backup kept).")


@click.command()
@PROJECT
@filter_options
@click.option(
    "--coders",
    required=True,
    metavar="A,B[,C]",
    help="The coders to compare, separated by commas.",
)
@click.option(
    "--document",
    "documents",
    multiple=True,
    help="Only these documents (repeat); default: the documents every coder coded.",
)
@click.option(
    "--partial",
    is_flag=True,
    help="Also use documents that only some of the coders coded (missing values for the "
    "others: alpha uses them, kappa only where both coded).",
)
@click.option(
    "--min-units",
    default=10,
    show_default=True,
    help="Flag codes fewer units carry than this instead of giving them figures.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV, one row per code.")
def agreement(
    project: Path,
    coders: str,
    documents: tuple[str, ...],
    partial: bool,
    min_units: int,
    as_json: bool,
    as_csv: bool,
    **filters: str | None,
) -> None:
    """Inter-coder agreement per code: percent agreement, kappa, Krippendorff's alpha.

    Units are the segments (sentences) of the documents every coder coded; a coder marks
    a segment with a code when one of their codings with it overlaps the segment. Kappa is
    Cohen's (the mean over pairs for more than two coders); alpha is nominal, with missing
    values; the character columns compare the coded characters as NVivo does. Bands:
    Landis & Koch for kappa, Krippendorff's 0.667 / 0.800 for alpha. Codes too few units
    carry are flagged, not given figures.

    \b
    Example:
      brightspots agreement study.bsp --coders ref-a,ref-b
      brightspots agreement study.bsp --coders ana,ben,chloe --country BF --csv
    """
    if as_json and as_csv:
        raise click.UsageError("choose one of --json and --csv")
    chosen = {k: v for k, v in filters.items() if v}
    with opened(project) as proj:
        report = proj.agreement(
            [c.strip() for c in coders.split(",") if c.strip()],
            chosen,
            list(documents) or None,
            partial,
            min_units,
        )
    if as_json:
        emit_json(report.to_json())
    elif as_csv:
        click.echo(_csv(report), nl=False)
    else:
        _print_agreement(report)


def _csv(report: AgreementReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for code in report.to_json()["codes"]:
        writer.writerow(["" if code[c] is None else code[c] for c in CSV_COLUMNS])
    o = report.overall
    writer.writerow(
        [
            "(all codes)",
            "code sets per unit",
            o.units,
            "",
            _plain(o.percent_agreement),
            _plain(o.mean_kappa),
            o.kappa_band or "",
            "",
            _plain(o.alpha),
            o.alpha_band or "",
            "",
            "",
            "",
        ]
    )
    return out.getvalue()


def _plain(value: float | None) -> str:
    return "" if value is None else repr(value)


def _print_agreement(report: AgreementReport) -> None:
    console.print(
        f"Coders {escape(', '.join(report.coders))}: {len(report.documents)} document(s), "
        f"{report.units} units (segments)."
    )
    for note in report.notes:
        console.print(f"[yellow]{escape(note)}[/]")
    table = Table(
        "code",
        "units",
        "coded",
        "% agree",
        "kappa",
        "band",
        "alpha",
        "band",
        "chars %",
        "chars kappa",
    )
    for c in report.codes:
        if c.flag:
            continue
        table.add_row(
            escape(c.name),
            str(c.units),
            str(c.coded_units),
            _share(c.percent_agreement),
            _figure(c.kappa),
            c.kappa_band or "",
            _figure(c.alpha),
            c.alpha_band or "",
            _share(c.char_agreement),
            _figure(c.char_kappa),
        )
    if any(not c.flag for c in report.codes):
        console.print(table)
    flagged = report.flagged
    if flagged:
        console.print(
            f"[yellow]Flagged, without figures (too few units or no variation): {len(flagged)}[/]"
        )
        for c in flagged:
            console.print(f"  {escape(c.name)}: {escape(c.flag or '')}")
    o = report.overall
    console.print(
        f"[bold]Overall[/] (each unit's set of codes): {_share(o.percent_agreement)} agreement, "
        f"alpha {_figure(o.alpha)} ({o.alpha_band or '-'}); mean kappa over "
        f"{o.codes_compared} code(s) {_figure(o.mean_kappa)} ({o.kappa_band or '-'})."
    )


def _figure(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


@click.command()
@PROJECT
@click.option(
    "--coders",
    required=True,
    metavar="A,B[,C]",
    help="The coders whose shared codes become the consensus, separated by commas.",
)
@click.option(
    "--as",
    "adjudicator",
    required=True,
    metavar="NAME",
    help="Your name: the step is yours to undo in the workbench (u on the walker).",
)
@filter_options
def consensus(project: Path, coders: str, adjudicator: str, **filters: str | None) -> None:
    """Record the codes all CODERS gave a passage as codings of the `consensus` coder.

    Settling disagreements (the workbench's walker) puts the disputed passages into the
    consensus; this puts the agreed ones there too, so a report drawn from `consensus`
    covers the whole coding. Over the documents all the coders coded; passages already in
    the consensus for a code are left alone, so running it again adds nothing.

    \b
    Example:
      brightspots consensus study.bsp --coders ref-a,ref-b --as lead
    """
    chosen = {k: v for k, v in filters.items() if v}
    names = [c.strip() for c in coders.split(",") if c.strip()]
    with opened(project) as proj:
        added = proj.accept_agreements(names, adjudicator, chosen or None)
    plural = "" if len(added) == 1 else "s"
    console.print(
        f"{len(added):,} consensus coding{plural} added where {' and '.join(names)} agreed"
        + ("." if added else " (nothing new).")
    )
