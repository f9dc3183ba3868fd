"""The CLI: every command documented with an example; errors are messages, not tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from brightspots import cli
from brightspots.cli import main
from tests.conftest import CODEBOOKS, HEAD_TEACHER, write
from tests.fakes import FakeEmbedder


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rich wraps at 80 columns when not on a terminal; assertions read whole lines."""
    monkeypatch.setattr(cli.console, "width", 240)


def all_commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for name, command in group.commands.items():
        found.append((*prefix, name))
        if isinstance(command, click.Group):
            found += all_commands(command, (*prefix, name))
    return found


@pytest.mark.parametrize("command", all_commands(main), ids=" ".join)
def test_every_command_has_help_with_an_example(command: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and "brightspots " in result.output


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_a_session(tmp_path: Path) -> None:
    project = str(tmp_path / "study.bsp")
    transcript = write(tmp_path / "ht.txt", HEAD_TEACHER)
    assert "Created" in run("init", project)
    assert "Added 1" in run("import", project, str(transcript))
    assert "unchanged 1" in run("import", project, str(transcript))
    status = json.loads(run("status", project, "--json"))
    assert status["totals"]["documents"] == 1
    assert status["breakdowns"]["country"][0]["value"] == "ET"
    listed = json.loads(run("documents", project, "--country", "ET", "--json"))
    assert [d["name"] for d in listed] == ["ht.txt"]
    assert "0 document(s)" in run("documents", project, "--group", "comparison")
    shown = run("show", project, "ht.txt")
    assert "[inaudible] It works." in shown  # transcriber notes are not eaten as markup
    assert "ht.txt" in run("search", project, "one-to-five")
    assert "One-to-five" in run("codebook", "show", project)
    assert "now local_official" in run("alias", "add", project, "Chef de zone", "local_official")
    assert "chef de zone" in run("alias", "list", project)
    codings = write(
        tmp_path / "c.csv",
        "document,coder,code,quote\nht.txt,ana,mentoring-one-to-five,we call it one-to-five\n",
    )
    assert "1 added" in run("codings", "load", project, str(codings))


def test_codebook_validate(tmp_path: Path) -> None:
    assert "valid framework, 6 focus areas, 15 practices" in run(
        "codebook", "validate", str(CODEBOOKS / "dms-framework.yaml")
    )
    assert "valid codebook" in run(
        "codebook",
        "validate",
        str(CODEBOOKS / "dms-practices.yaml"),
        "--framework",
        str(CODEBOOKS / "dms-framework.yaml"),
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("status", "{tmp}/missing.bsp"), "no such project file"),
        (("import", "{tmp}/p.bsp", "{tmp}/bad.vtt"), "bad.vtt, line 1: not a WebVTT file"),
        (("import", "{tmp}/p.bsp", "{tmp}/bad.vtt", "--set", "nonsense"), "KEY=VALUE"),
        (("show", "{tmp}/p.bsp", "nothing.txt"), "no document named 'nothing.txt'"),
        (("codebook", "validate", "{tmp}/cycle.yaml"), "parent cycle"),
        (("init", "{tmp}/p.bsp"), "already exists"),
    ],
)
def test_errors_exit_1_with_a_message(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    run("init", str(tmp_path / "p.bsp"))
    write(tmp_path / "bad.vtt", "not a caption file\n")
    write(
        tmp_path / "cycle.yaml",
        "kind: codebook\nid: c\nname: C\ncodes:\n"
        "  - {id: a, name: A, parent: b}\n  - {id: b, name: B, parent: a}\n",
    )
    result = CliRunner().invoke(main, [a.format(tmp=tmp_path) for a in args])
    assert result.exit_code in (1, 2)
    assert message in result.output
    assert "Traceback" not in result.output
    if args[-1] != "nonsense":
        assert result.exit_code == 1


def test_suggest_lists_best_first_and_a_bad_model_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = str(tmp_path / "study.bsp")
    run("init", project)
    run("import", project, str(write(tmp_path / "ht.txt", HEAD_TEACHER)))
    # the fast fake stands in for the packaged model (a real-model test is elsewhere)
    monkeypatch.setattr("brightspots.project.SentenceTransformerEmbedder", FakeModel)
    found = json.loads(run("suggest", project, "--top", "2", "--json"))
    scores = [s["score"] for s in found]
    assert scores and scores == sorted(scores, reverse=True)
    assert {s["passage"]["document"] for s in found} == {"ht.txt"}
    assert not any("How do you" in s["passage"]["text"] for s in found)  # interviewer's
    assert "score" in run("suggest", project, "--threshold", "0.0", "--limit", "3")

    monkeypatch.undo()
    result = CliRunner().invoke(main, ["suggest", project, "--model", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert "Error:" in result.output and "none" in result.output


def test_themes_runs_on_a_project_and_prints_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = str(tmp_path / "study.bsp")
    run("init", project)
    run("import", project, str(write(tmp_path / "ht.txt", HEAD_TEACHER)))
    monkeypatch.setattr("brightspots.project.SentenceTransformerEmbedder", FakeModel)
    result = json.loads(run("themes", project, "--all", "--json"))
    assert {"themes", "segments", "outliers"} <= set(result)
    assert "passages" in run("themes", project, "--country", "ET")
    failed = CliRunner().invoke(main, ["themes", project, "--role", "nobody-at-all"])
    assert failed.exit_code in (0, 1) and "Traceback" not in failed.output


class FakeModel(FakeEmbedder):
    """Takes the model argument the real embedder takes."""

    def __init__(self, model: str | None = None) -> None:
        super().__init__()
