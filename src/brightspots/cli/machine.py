"""Machine help on the command line: code suggestions and candidate themes."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table

from brightspots.cli.common import PROJECT, console, emit_json, opened, progress
from brightspots.project import Project
from brightspots.themes import result_to_json

MODEL = click.option(
    "--model",
    help="Embed with this sentence-transformers model from now on (a local folder, or a "
    "name already in the Hugging Face cache; nothing is downloaded). 'default' goes back "
    "to the packaged all-MiniLM-L6-v2.",
)


def choose_model(project: Project, model: str | None) -> None:
    if model:
        project.use_model(None if model == "default" else model)
        console.print(f"This project now embeds with {escape(project.embedder.name)}.")


def short(text: str, width: int = 70) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


@click.command()
@PROJECT
@click.option("--document", "documents", multiple=True, help="Only these documents (repeat).")
@click.option("--coder", help="Suggest for what this coder has not coded (default: anyone).")
@click.option("--top", default=3, show_default=True, help="Codes per passage.")
@click.option(
    "--threshold",
    default=0.0,
    show_default=True,
    help="Only suggestions at least this likely to be right (0-1; calibrated).",
)
@click.option("--limit", default=50, show_default=True, help="How many to list, best first.")
@MODEL
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def suggest(
    project: Path,
    documents: tuple[str, ...],
    coder: str | None,
    top: int,
    threshold: float,
    limit: int,
    model: str | None,
    as_json: bool,
) -> None:
    """Suggest codes for passages not yet coded, best first.

    Learns from the codebook's definitions and examples, from the passages already coded
    and from accepted and rejected suggestions. A score is the estimated chance that the
    code is right; codes with few coded passages are marked. Nothing is coded here:
    accept suggestions in the workbench (`brightspots code`).

    \b
    Example:
      brightspots suggest study.bsp --coder ana --threshold 0.6
      brightspots suggest study.bsp --document TD/td-s01-kii-directeur.txt --json
    """
    with opened(project) as proj:
        choose_model(proj, model)
        coders = [coder] if coder else None
        with progress("Learning") as advance:
            fitted = proj.fit_suggester(coders, progress=advance)
        with progress("Suggesting") as advance:
            found = proj.suggest(
                list(documents) or None, coders, top, threshold, None, fitted, advance
            )
    found = sorted(found, key=lambda s: -s.score)[:limit]
    if as_json:
        emit_json([asdict(s) for s in found])
        return
    table = Table("document", "at", "passage", "code", "score", "evidence")
    for s in found:
        evidence = f"[yellow]{s.evidence}[/]" if s.low_evidence else s.evidence
        table.add_row(
            escape(s.passage.document or ""),
            str(s.passage.start),
            escape(short(s.passage.text)),
            escape(s.name),
            f"{s.score:.0%}",
            evidence,
        )
    console.print(table)
    if not found:
        console.print("No suggestion reaches the threshold, or every passage is coded.")


@click.command()
@PROJECT
@click.option(
    "--all",
    "everything",
    is_flag=True,
    help="Cluster every segment, not only those nobody (or --coder) has coded.",
)
@click.option("--coder", help="Uncoded means: not coded by this coder.")
@click.option("--country", multiple=True, help="Only these countries (repeat).")
@click.option("--group", "school_group", multiple=True, help="Only pd or comparison schools.")
@click.option("--role", multiple=True, help="Only what speakers in this role said (repeat).")
@click.option("--quotes", default=2, show_default=True, help="Quotes shown per theme.")
@MODEL
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def themes(
    project: Path,
    everything: bool,
    coder: str | None,
    country: tuple[str, ...],
    school_group: tuple[str, ...],
    role: tuple[str, ...],
    quotes: int,
    model: str | None,
    as_json: bool,
) -> None:
    """Find candidate themes: recurring ideas in what was said, with keywords, quotes,
    make-up by country and school group, and the nearest existing code (far from every
    code: marked NEW). Nothing is coded; promote or dismiss themes in the workbench.
    The same corpus and settings always give the same themes.

    \b
    Example:
      brightspots themes study.bsp
      brightspots themes study.bsp --country TD --group pd --role teacher --json
    """
    filters = {
        key: list(values)
        for key, values in (("country", country), ("school_group", school_group), ("role", role))
        if values
    }
    with opened(project) as proj:
        choose_model(proj, model)
        with progress("Themes") as advance:
            result = proj.themes(
                "all" if everything else "uncoded",
                [coder] if coder else None,
                filters or None,
                progress=advance,
            )
    if as_json:
        emit_json(json.loads(result_to_json(result)))
        return
    table = Table("#", "size", "keywords", "where", "nearest code", "quotes")
    for theme in result.themes:
        where = ", ".join(f"{k} {v}" for k, v in sorted(theme.countries.items()))
        groups = ", ".join(f"{k} {v}" for k, v in sorted(theme.school_groups.items()))
        near = (
            f"{theme.nearest_code_name} ({theme.code_similarity:.2f})"
            if theme.nearest_code_name and theme.code_similarity is not None
            else "-"
        )
        table.add_row(
            str(theme.id),
            str(theme.size),
            escape(", ".join(k.word for k in theme.keywords[:6])),
            escape(f"{where}\n{groups}"),
            ("[bold green]NEW[/] " if theme.new else "") + escape(near),
            escape("\n".join(f"“{short(q.text, 60)}”" for q in theme.quotes[:quotes])),
        )
    console.print(table)
    console.print(
        f"{len(result.themes)} theme(s) from {result.segments} passages; "
        f"{result.outliers} ({result.outlier_share:.1%}) in none. "
        "Promote or dismiss them in the workbench."
    )
