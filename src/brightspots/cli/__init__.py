"""The command line: thin. Each command opens the project, calls one `Project` method and
shows the result; library errors become a clear message and exit code 1."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table

from brightspots import __version__
from brightspots import codebook as codebook_io
from brightspots.cli import machine, synthesis, team
from brightspots.cli.common import (
    PROJECT,
    Group,
    console,
    emit_json,
    filter_options,
    opened,
    progress,
)
from brightspots.config import set_offline_environment
from brightspots.exchange.refi_import import EXCHANGE_SUFFIXES
from brightspots.importer import ImportOptions, ImportReport
from brightspots.listing import DOCUMENT_COLUMNS, document_row
from brightspots.project import Project


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="brightspots")
def main() -> None:
    """brightspots: code transcripts and synthesise practices of schools that beat the odds.

    \b
    Example:
      brightspots init study.bsp
      brightspots import study.bsp transcripts/ --metadata transcripts/metadata.csv
      brightspots status study.bsp
    """
    set_offline_environment()


@main.command()
@PROJECT
@click.option(
    "--framework",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="Framework YAML (default: the shipped DMS framework).",
)
@click.option(
    "--codebook",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="Codebook YAML (default: the shipped DMS practice codebook).",
)
@click.option("--empty", is_flag=True, help="Start with no framework and no codebook.")
def init(project: Path, framework: Path | None, codebook: Path | None, empty: bool) -> None:
    """Create a project file with the DMS framework and practice codebook.

    \b
    Example:
      brightspots init study.bsp
      brightspots init study.bsp --codebook my-codes.yaml --framework my-framework.yaml
    """
    Project.create(project, framework, codebook, empty).close()
    console.print(f"Created {project}.")


@main.command(name="import")
@PROJECT
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True))
@click.option(
    "--metadata",
    "-m",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="CSV/XLSX sheet: file, country, school_id, school_group, respondent_role, "
    "method, language, date, and any other columns.",
)
@click.option(
    "--set",
    "defaults",
    multiple=True,
    metavar="KEY=VALUE",
    help="Metadata for every file that does not say otherwise (repeatable).",
)
@click.option("--encoding", help="Text encoding of files that are not UTF-8, e.g. cp1252.")
@click.option("--skip-bad", is_flag=True, help="Import the good files even if some fail.")
@click.option(
    "--positions",
    type=click.Choice(["auto", "code-points", "utf-16"]),
    default="auto",
    show_default=True,
    help="REFI-QDA files: how selection positions count characters (auto: found per source; "
    "NVivo counts UTF-16 units).",
)
def import_(
    project: Path,
    paths: tuple[Path, ...],
    metadata: Path | None,
    defaults: tuple[str, ...],
    encoding: str | None,
    skip_bad: bool,
    positions: str,
) -> None:
    """Import transcripts (txt, md, docx, vtt, srt, Otter txt, Whisper json, survey csv/xlsx),
    or a REFI-QDA project (.qdpx) or codebook (.qdc) from NVivo, ATLAS.ti, MAXQDA, QualCoder.

    Folders are searched recursively. All files are checked before anything is written:
    one bad file stops the whole import unless --skip-bad is given. A .qdpx brings its
    codes, text sources (as documents, with its cases' and sources' variables as metadata;
    --set gives what it lacks, such as country and school_id), codings and memos; sources
    that are not text are listed as skipped.

    \b
    Example:
      brightspots import study.bsp corpora/sample --metadata corpora/sample/metadata.csv
      brightspots import study.bsp notes.txt --set country=ET --set school_id=ET-S09
      brightspots import study.bsp nvivo-export.qdpx --set country=BF
      brightspots import study.bsp shared-codebook.qdc
    """
    options = ImportOptions(
        metadata=metadata, defaults=_pairs(defaults), encoding=encoding, skip_bad=skip_bad
    )
    if any(p.suffix.lower() in EXCHANGE_SUFFIXES for p in paths):
        exchange.import_exchange(project, paths, options, positions)
        return
    with opened(project) as proj, progress("Importing") as advance:
        report = proj.import_files(list(paths), options, progress=advance)
    _print_import(report)


def _pairs(values: tuple[str, ...]) -> dict[str, str]:
    pairs = {}
    for value in values:
        key, sep, rest = value.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{value!r} must look like KEY=VALUE", param_hint="--set")
        pairs[key.strip()] = rest.strip()
    return pairs


def _print_import(report: ImportReport) -> None:
    console.print(
        f"Added {len(report.added)}, updated {len(report.updated)}, "
        f"unchanged {len(report.unchanged)} document(s); "
        f"{report.segments} segments, {report.words} words."
    )
    if report.metadata_updated:
        console.print(f"Metadata updated for {len(report.metadata_updated)} document(s).")
    for name, twin in report.duplicates:
        console.print(f"[yellow]Skipped {escape(name)}: same text as {escape(twin)}.[/]")
    for name in report.updated:
        console.print(f"[yellow]Changed since last import: {escape(name)}[/]")
    if report.codings_moved or report.codings_detached:
        console.print(
            f"Codings moved with their text: {report.codings_moved}; "
            f"[red]detached (text gone, kept and flagged): "
            f"{report.codings_detached}[/]"
        )
    for error in report.skipped:
        console.print(f"[red]Skipped: {escape(error.message)}[/]")
    if report.speakers_without_role:
        labels = ", ".join(f"{k!r} ({v})" for k, v in report.speakers_without_role.most_common(8))
        console.print(
            f"Speaker labels with no role: {escape(labels)}. Teach them with "
            "`brightspots alias add PROJECT LABEL ROLE`."
        )
    if report.unused_metadata_rows:
        console.print(
            f"[yellow]Metadata rows that matched no file: "
            f"{escape(', '.join(report.unused_metadata_rows[:10]))}[/]"
        )


@main.group(cls=Group)
def codebook() -> None:
    """Check, show and load codebooks and frameworks.

    \b
    Example:
      brightspots codebook validate codebooks/dms-practices.yaml
    """


@codebook.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--framework",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Check the codebook's practice mappings against this framework.",
)
def validate(file: Path, framework: Path | None) -> None:
    """Check a codebook or framework YAML file; problems are listed with their lines.

    \b
    Example:
      brightspots codebook validate codebooks/dms-practices.yaml \\
          --framework codebooks/dms-framework.yaml
    """
    if _kind(file) == "framework":
        loaded = codebook_io.load_framework(file)
        console.print(
            f"{file}: valid framework, {len(loaded.focus_areas)} focus areas, "
            f"{len(loaded.practices())} practices."
        )
        return
    frame = codebook_io.load_framework(framework) if framework else None
    book = codebook_io.load_codebook(file, frame)
    mapped = sum(1 for c in book.codes if c.practices)
    console.print(
        f"{file}: valid codebook, {len(book.codes)} codes ({mapped} mapped to practices)."
    )


def _kind(file: Path) -> str:
    try:
        head = file.read_text(encoding="utf-8-sig")[:4000]
    except (OSError, UnicodeDecodeError):
        return "codebook"  # let the loader report the problem precisely
    return "framework" if "kind: framework" in head else "codebook"


@codebook.command()
@PROJECT
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def show(project: Path, as_json: bool) -> None:
    """Show a project's framework and codebook: focus area > practice > code.

    \b
    Example:
      brightspots codebook show study.bsp
    """
    with opened(project) as proj:
        framework, book = proj.framework(), proj.codebook()
        counts = proj.store.coding_counts()
    if as_json:
        emit_json(
            {
                "framework": asdict(framework) if framework else None,
                "codebook": asdict(book) if book else None,
            }
        )
        return
    codes = book.codes if book else ()
    table = Table("focus area / practice / code", "key", "codings", "definition")
    for area in framework.focus_areas if framework else ():
        table.add_row(f"[bold]{escape(area.name)}[/]", "", "", "")
        for practice in area.practices:
            table.add_row(f"  {escape(practice.name)} [dim]({practice.status})[/]", "", "", "")
            for code in (c for c in codes if practice.id in c.practices):
                table.add_row(
                    f"    [{code.colour or 'white'}]■[/] {escape(code.name)}",
                    code.key or "",
                    str(counts.get(code.id, 0)),
                    escape(code.definition[:70]),
                )
    unmapped = [c for c in codes if not c.practices]
    if unmapped:
        table.add_row("[bold]Not mapped to a practice[/]", "", "", "")
        for code in unmapped:
            table.add_row(
                f"    {escape(code.name)}",
                code.key or "",
                str(counts.get(code.id, 0)),
                escape(code.definition[:70]),
            )
    console.print(table)


@codebook.command(name="load")
@PROJECT
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option(
    "--framework",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="Also load (or update) the framework from this file.",
)
def load_codebook(project: Path, file: Path, framework: Path | None) -> None:
    """Load or update a project's codebook (codes are matched by id; none is deleted).

    \b
    Example:
      brightspots codebook load study.bsp my-codes.yaml
    """
    with opened(project) as proj:
        added, updated = proj.load_codebook(file, framework)
    console.print(f"Codebook loaded: {added} code(s) added, {updated} updated.")


@main.command()
@PROJECT
@filter_options
@click.option("--text", help="Only documents containing these words (full-text search).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def documents(project: Path, text: str | None, as_json: bool, **filters: str | None) -> None:
    """List documents with their metadata; filter by any attribute or by text.

    \b
    Example:
      brightspots documents study.bsp --country TD --group pd --text "conseiller"
    """
    chosen = {k: v for k, v in filters.items() if v}
    with opened(project) as proj:
        found = proj.documents(chosen, text)
    if as_json:
        emit_json([asdict(d) for d in found])
        return
    columns = [c for c in DOCUMENT_COLUMNS if c != "mine"]  # the CLI has no coder
    table = Table(*columns)
    for d in found:
        cells = dict(zip(DOCUMENT_COLUMNS, document_row(d), strict=True))
        table.add_row(*(escape(cells[c]) for c in columns))
    console.print(table)
    console.print(f"{len(found)} document(s).")


@main.command(name="show")
@PROJECT
@click.argument("document")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def show_document(project: Path, document: str, as_json: bool) -> None:
    """Show a document: metadata, then its segments with speaker, role and time.

    \b
    Example:
      brightspots show study.bsp ET/et-s01-kii-head-teacher.txt
    """
    with opened(project) as proj:
        view = proj.document(document)
    if as_json:
        emit_json(
            {
                "info": asdict(view.info),
                "text": view.text,
                "turns": [asdict(t) for t in view.turns],
                "segments": [asdict(s) for s in view.segments],
                "annotations": [asdict(a) for a in view.annotations],
                "codings": list(view.codings),
            }
        )
        return
    m = view.info.meta
    console.print(
        f"[bold]{escape(view.info.name)}[/]  {m.country} {m.territory or ''} · {m.school_id} · "
        f"{m.school_group} · {m.respondent_role or '-'} · {m.method or '-'} · "
        f"{m.language} · {m.date or ''}"
    )
    table = Table("#", "time", "speaker", "segment", box=None)
    for s in view.segments:
        time = _clock(s.time_start) if s.time_start is not None else ""
        speaker = escape(s.speaker or "") + (f" [dim]({s.role})[/]" if s.role else "")
        table.add_row(str(s.index), time, speaker, escape(s.text))
    console.print(table)


def _clock(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 3600:d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


@main.command()
@PROJECT
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def status(project: Path, as_json: bool) -> None:
    """Counts by country, school group, role, method and language, with coded share.

    \b
    Example:
      brightspots status study.bsp
    """
    with opened(project) as proj:
        state = proj.status()
    if as_json:
        emit_json(
            {
                "totals": state.totals,
                "coders": state.coders,
                "framework": state.framework,
                "codebook": state.codebook,
                "breakdowns": {
                    k: [asdict(b) | {"coded_share": b.coded_share} for b in v]
                    for k, v in state.breakdowns.items()
                },
            }
        )
        return
    t = state.totals
    console.print(
        f"[bold]{escape(str(project))}[/]: {t['documents']} documents from {t['schools']} schools, "
        f"{t['segments']} segments, {t['characters']} characters; {t['codes']} codes, "
        f"{t['codings']} codings by {t['coders']} coder(s)."
    )
    console.print(
        escape(f"Framework: {state.framework or 'none'}. Codebook: {state.codebook or 'none'}.")
    )
    if t["detached_codings"]:
        console.print(f"[red]{t['detached_codings']} coding(s) detached from changed text.[/]")
    for column, rows in state.breakdowns.items():
        table = Table(column.replace("_", " "), "documents", "segments", "coded", box=None)
        for row in rows:
            table.add_row(
                row.value or "-", str(row.documents), str(row.segments), f"{row.coded_share:.0%}"
            )
        console.print(table)


@main.command()
@PROJECT
@click.option("--coder", help="Your name or initials (asked once, then remembered).")
@click.option("--blind", is_flag=True, help="Show only your own codings (agreement studies).")
def code(project: Path, coder: str | None, blind: bool) -> None:
    """Open the coding workbench on a project.

    \b
    Example:
      brightspots code study.bsp --coder ana
    """
    from brightspots.tui.app import create_app  # Textual loads only for the workbench

    app = create_app(project, coder, blind)
    try:
        app.run()
    finally:
        app.project.close()


@main.command()
@PROJECT
@click.argument("query")
@click.option("--limit", default=20, show_default=True, help="How many passages to show.")
def search(project: Path, query: str, limit: int) -> None:
    """Find passages across the project (all words must appear; accents optional).

    \b
    Example:
      brightspots search study.bsp "one-to-five mentor"
    """
    with opened(project) as proj:
        hits = proj.search(query, limit=limit)
    table = Table("document", "at", "passage")
    for hit in hits:
        table.add_row(escape(hit.document), str(hit.start), escape(hit.text))
    console.print(table)


@main.group(cls=Group)
def alias() -> None:
    """Speaker labels and the roles they stand for (HT -> head_teacher).

    \b
    Example:
      brightspots alias add study.bsp "Chef de zone" local_official
    """


@alias.command(name="add")
@PROJECT
@click.argument("label")
@click.argument("role")
def alias_add(project: Path, label: str, role: str) -> None:
    """Map a speaker label to a role for this project (applies to later imports).

    \b
    Example:
      brightspots alias add study.bsp "Chef de zone" local_official
    """
    with opened(project) as proj:
        key = proj.add_alias(label, role)
    console.print(f"Speakers labelled {escape(repr(key))} are now {role}.")


@alias.command(name="list")
@PROJECT
def alias_list(project: Path) -> None:
    """List the speaker labels the project knows, by role.

    \b
    Example:
      brightspots alias list study.bsp
    """
    with opened(project) as proj:
        table_of = proj.aliases()
    table = Table("role", "labels")
    for role in sorted(set(table_of.values())):
        table.add_row(role, escape(", ".join(sorted(k for k, v in table_of.items() if v == role))))
    console.print(table)


@main.group(cls=Group)
def codings() -> None:
    """Codings made elsewhere: load a sheet of (document, coder, code, quote).

    \b
    Example:
      brightspots codings load study.bsp corpora/sample-codings/*.csv
    """


@codings.command(name="load")
@PROJECT
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True, dir_okay=False)
)
def codings_load(project: Path, files: tuple[Path, ...]) -> None:
    """Load codings from CSV: document, coder, code, and quote (or start, end).

    All files are checked first; one bad row loads nothing. Rows already present are skipped.

    \b
    Example:
      brightspots codings load study.bsp corpora/sample-codings/*.csv
    """
    with opened(project) as proj:
        added, present = proj.load_codings(list(files))
    console.print(f"Codings: {added} added, {present} already present.")


# Machine help lives in its own module (the commands are long); registered here.
main.add_command(machine.suggest)
main.add_command(machine.themes)
main.add_command(team.merge)
main.add_command(team.agreement)
main.add_command(team.consensus)

# Keeping a project safe: backups, restore, check and repair, pseudonymisation.
from brightspots.cli import safety  # noqa: E402 - registered after the group exists

main.add_command(safety.backup)
main.add_command(safety.restore)
main.add_command(safety.check)
main.add_command(safety.pseudonymise)

# Exchange with other tools: REFI-QDA projects and codebooks, CSV/XLSX tables.
from brightspots.cli import exchange  # noqa: E402 - registered after the group exists

main.add_command(exchange.export)
main.add_command(synthesis.synthesize)
main.add_command(synthesis.report)
