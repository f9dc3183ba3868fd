"""What every command shares: the console, the PROJECT argument, the error boundary, opening
a project, JSON output and a progress bar for long work."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from brightspots.errors import BrightspotsError
from brightspots.project import Project

console = Console()
PROJECT = click.argument("project", type=click.Path(path_type=Path, dir_okay=False))


class Group(click.Group):
    """Turns the core's errors into `Error: ...` and exit code 1, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrightspotsError as error:
            raise click.ClickException(error.message) from error


@contextmanager
def opened(path: Path) -> Iterator[Project]:
    project = Project.open(path)
    try:
        yield project
    finally:
        project.close()


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@contextmanager
def progress(label: str) -> Iterator[Callable[[int, int, str], None]]:
    columns = (
        TextColumn(f"{label} {{task.fields[name]}}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(label, total=None, name="")

        def advance(done: int, total: int, name: str) -> None:
            bar.update(task, completed=done, total=total, name=name[-40:])

        yield advance


# Document filters, as the documents and agreement commands take them.
FILTERS = [
    click.option("--country", help="ISO code, e.g. ET."),
    click.option("--group", "school_group", type=click.Choice(["pd", "comparison", "unknown"])),
    click.option("--school", "school_id", help="School id, e.g. ET-S01."),
    click.option("--role", "respondent_role", help="Respondent role, e.g. head_teacher."),
    click.option("--method", help="kii, fgd, classroom_observation, school_observation, survey."),
    click.option("--language", help="Language code, e.g. fr."),
]


def filter_options(command: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(FILTERS):
        command = option(command)
    return command
