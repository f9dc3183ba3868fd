"""Keeping a project safe on the command line: backups, restoring one, checks and repairs,
and pseudonymisation."""

from __future__ import annotations

from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table

from brightspots.checkup import CheckReport
from brightspots.cli.common import PROJECT, console, emit_json, opened
from brightspots.project import Project
from brightspots.pseudonym import PseudonymReport
from brightspots.store.backup import Backup

SHOWN_PROBLEMS = 30


@click.command()
@PROJECT
@click.option(
    "--to",
    "destination",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the backup to this file (never rotated) instead of beside the project.",
)
@click.option("--list", "listing", is_flag=True, help="List the backups beside the project.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def backup(project: Path, destination: Path | None, listing: bool, as_json: bool) -> None:
    """Back up the project now, even while the workbench has it open.

    The copy goes beside the project as PROJECT.backup-DATE-TIME-manual.bsp; older
    backups there are rotated (the 10 newest are kept, plus the newest of each of 7
    earlier days, within 4 GB). Backups are also taken by themselves before an upgrade,
    a merge, a repair, a pseudonymisation and a restore.

    \b
    Example:
      brightspots backup study.bsp
      brightspots backup study.bsp --to /media/usb/study-2025-03.bsp
      brightspots backup study.bsp --list
    """
    if listing:
        _print_backups(project, Project.list_backups(project), as_json)
        return
    with opened(project) as proj:
        path = proj.backup(destination)
    if as_json:
        emit_json({"backup": str(path)})
    else:
        console.print(f"Backed up to {escape(str(path))}.")


@click.command()
@PROJECT
@click.argument("backup_file", metavar="[BACKUP]", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def restore(project: Path, backup_file: str | None, as_json: bool) -> None:
    """Put a backup back in place of the project; without BACKUP, list the backups.

    BACKUP is a backup file, or its number in the list (1 = the newest). The current
    project is backed up first (so a restore can itself be undone), the backup is checked
    before anything changes, and the swap is a single rename. Close the workbench first.

    \b
    Example:
      brightspots restore study.bsp
      brightspots restore study.bsp 1
      brightspots restore study.bsp study.backup-20250211-143005-before-merge.bsp
    """
    if backup_file is None:
        _print_backups(project, Project.list_backups(project), as_json)
        return
    chosen, previous = Project.restore(project, backup_file)
    if as_json:
        emit_json({"restored": str(chosen), "previous": str(previous) if previous else None})
        return
    console.print(f"Restored {escape(str(project))} from {escape(str(chosen))}.")
    if previous is not None:
        console.print(f"The file it replaced is kept as {escape(str(previous))}.")


def _print_backups(project: Path, backups: list[Backup], as_json: bool) -> None:
    if as_json:
        emit_json([b.to_json() for b in backups])
        return
    if not backups:
        console.print(f"No backups beside {escape(str(project))}.")
        return
    table = Table("#", "backup", "made", "why", "size", title=f"Backups of {escape(str(project))}")
    for number, b in enumerate(backups, start=1):
        table.add_row(
            str(number),
            escape(b.path.name),
            b.created.strftime("%Y-%m-%d %H:%M:%S"),
            b.reason or "-",
            f"{b.size / 2**20:.1f} MB",
        )
    console.print(table)


@click.command()
@PROJECT
@click.option(
    "--repair",
    is_flag=True,
    help="Mend what can be mended safely, after a backup: rebuild indexes and counts, move "
    "a coding to the one place its text occurs or flag it detached (never delete it).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def check(project: Path, repair: bool, as_json: bool) -> None:
    """Check a project file: integrity, orphans, codings off their text.

    Runs SQLite's integrity and foreign-key checks, looks for orphans, parts outside
    their document, a stale full-text index or counts, an events log that is no longer
    append-only, and codings whose span no longer holds the text they coded. Exits with
    status 1 while problems remain. A file too damaged to repair is best restored from a
    backup (`brightspots restore`).

    \b
    Example:
      brightspots check study.bsp
      brightspots check study.bsp --repair
    """
    if not repair:
        report = Project.check_file(project)
        if as_json:
            emit_json(report.to_json())
        else:
            _print_check(report)
        if not report.ok:
            raise click.exceptions.Exit(1)
        return
    with opened(project) as proj:
        repaired = proj.repair()
    if as_json:
        emit_json(repaired.to_json())
    else:
        if repaired.backup is None:
            console.print("Nothing to repair.")
        else:
            console.print(f"Backup before the repair: {escape(repaired.backup)}")
            for action in repaired.actions:
                console.print(f"  - {escape(action)}")
            console.print(
                f"Codings moved to their text: {repaired.relocated}; flagged detached: "
                f"{repaired.detached}."
            )
        _print_check(repaired.after)
    if not repaired.after.ok:
        raise click.exceptions.Exit(1)


def _print_check(report: CheckReport) -> None:
    counts = ", ".join(f"{n} {table}" for table, n in report.counts.items())
    if report.ok:
        console.print(f"[green]{escape(report.path)} is sound[/] ({escape(counts)}).")
        return
    console.print(f"[red]{escape(report.path)}: {len(report.problems)} problem(s)[/]")
    table = Table("what", "where", "problem", "--repair would")
    for p in report.problems[:SHOWN_PROBLEMS]:
        table.add_row(p.kind, escape(p.subject), escape(p.detail), escape(p.repair or "-"))
    console.print(table)
    if len(report.problems) > SHOWN_PROBLEMS:
        console.print(f"... and {len(report.problems) - SHOWN_PROBLEMS} more (--json lists all).")
    if report.backups:
        console.print(f"Newest backup: {escape(report.backups[0])}")


@click.command()
@PROJECT
@click.option(
    "--key",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="CSV file for the key (original, pseudonym); keep it apart from the project. An "
    "existing key is reused, so files pseudonymised with it agree.",
)
@click.option(
    "--names",
    "names_files",
    multiple=True,
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="Names to replace: a sheet with a `name` column (optional kind, pseudonym) or a "
    "text file, one name a line (`place: Kombolcha`). Repeat for several.",
)
@click.option(
    "--patterns",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help='spaCy EntityRuler patterns, JSONL: {"label": "PERSON", "pattern": ...} a line.',
)
@click.option(
    "--attribute",
    "attributes",
    multiple=True,
    help="Another document attribute that holds names (school_name, village... are known).",
)
@click.option("--no-speakers", is_flag=True, help="Leave speaker labels that are not roles.")
@click.option("--no-parts", is_flag=True, help="Replace only whole names, not their parts.")
@click.option("--dry-run", is_flag=True, help="List what would be replaced; change nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def pseudonymise(
    project: Path,
    key: Path,
    names_files: tuple[Path, ...],
    patterns: Path | None,
    attributes: tuple[str, ...],
    no_speakers: bool,
    no_parts: bool,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Replace the names of people and places everywhere in the project.

    Names come from the key (when it exists), --names files, speaker labels that are not
    roles, attributes such as school_name, and --patterns. The same name gets the same
    pseudonym in every document, snippet, memo and history entry; codings stay on their
    words. The key goes to --key only; the project is backed up first, next to the key
    (that copy holds the names). Try --dry-run first.

    \b
    Example:
      brightspots pseudonymise study.bsp --key ../private/study-key.csv --dry-run
      brightspots pseudonymise study.bsp --key ../private/study-key.csv --names names.csv
    """
    with opened(project) as proj:
        report = proj.pseudonymise(
            key,
            names_files,
            patterns,
            speakers=not no_speakers,
            attributes=attributes,
            parts=not no_parts,
            dry_run=dry_run,
        )
    if as_json:
        emit_json(report.to_json())
    else:
        _print_pseudonymise(report)


def _print_pseudonymise(report: PseudonymReport) -> None:
    sources = ", ".join(f"{n} from {source}" for source, n in sorted(report.sources.items()))
    if report.dry_run:
        table = Table("name", "pseudonym", "kind", "from", "found", title="Would replace")
        for original, pseudonym, kind, source, count in report.plan:
            table.add_row(escape(original), escape(pseudonym), kind, escape(source), str(count))
        console.print(table)
        console.print(
            f"Dry run: {report.replacements} occurrence(s) in {report.documents} document(s); "
            f"names found: {escape(sources or 'none')}. Nothing was changed."
        )
        return
    console.print(
        f"Replaced {report.replacements} occurrence(s) of {report.names} name(s) in "
        f"{report.documents} document(s); {report.codings_moved} coding(s) moved with their "
        f"text, {report.codings_joined} joined; {report.events} history entries rewritten."
    )
    console.print(f"Key: {escape(report.key)} (keep it apart from the project).")
    if not report.compacted:
        console.print(
            "[yellow]Another program has the project open, so replaced text may linger in "
            "its unused pages: close it and run this command again (it changes nothing "
            "more, and clears them).[/]"
        )
    console.print(f"Backup with the names: {escape(report.backup or '')} (keep it with the key).")
    if report.old_backups:
        console.print(
            f"[yellow]{len(report.old_backups)} older backup(s) beside the project still hold "
            "the names; move them with the key or delete them:[/]"
        )
        for path in report.old_backups:
            console.print(f"  {escape(path)}")
