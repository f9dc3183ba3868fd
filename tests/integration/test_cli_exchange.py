"""The exchange commands: `export` (REFI-QDA project or codebook, CSV/XLSX tables) and
`import` given a .qdpx or .qdc file; errors are messages with exit code 1."""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from brightspots import cli
from brightspots.cli import main
from tests.conftest import HEAD_TEACHER, ROOT, write

DATA = ROOT / "tests" / "data" / "refi"


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli.console, "width", 240)


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def pack(folder: str, target: Path) -> Path:
    with zipfile.ZipFile(target, "w") as out:
        for path in sorted((DATA / folder).rglob("*")):
            if path.is_file():
                out.write(path, path.relative_to(DATA / folder).as_posix())
    return target


@pytest.fixture
def coded(tmp_path: Path) -> Path:
    """A project with one transcript and one coding."""
    project = str(tmp_path / "study.bsp")
    run("init", project)
    run("import", project, str(write(tmp_path / "ht.txt", HEAD_TEACHER)))
    sheet = write(
        tmp_path / "codings.csv",
        "document,coder,code,quote\n"
        "ht.txt,ana,mentoring-one-to-five,Each strong teacher takes five others\n",
    )
    run("codings", "load", project, str(sheet))
    return Path(project)


def test_export_and_import_a_project(coded: Path, tmp_path: Path) -> None:
    target = tmp_path / "study.qdpx"
    report = json.loads(run("export", str(coded), "-o", str(target), "--json"))
    assert report["kind"] == "qdpx" and report["codings"] == 1 and report["documents"] == 1
    assert zipfile.is_zipfile(target)
    other = str(tmp_path / "other.bsp")
    run("init", other)
    out = run("import", other, str(target))
    assert "documents 1 added" in out and "codings 1 added" in out and "Coders: ana." in out
    assert "Nothing new" in run("import", other, str(target))
    listed = json.loads(run("documents", other, "--json"))
    assert listed[0]["name"] == "ht.txt" and listed[0]["meta"]["school_id"] == "ET-S01"


def test_export_the_codebook_and_tables(coded: Path, tmp_path: Path) -> None:
    assert "35 code(s)" in run("export", str(coded), "-o", str(tmp_path / "codes.qdc"))
    assert "1 row(s)" in run("export", str(coded), "-o", str(tmp_path / "codings.csv"))
    with (tmp_path / "codings.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["text"] == "Each strong teacher takes five others"
    assert rows[0]["speaker_role"] == "head_teacher" and rows[0]["coder"] == "ana"
    out = run("export", str(coded), "-o", str(tmp_path / "codes.csv"), "--table", "codebook")
    assert "35 row(s)" in out
    assert "36 row(s)" in run("export", str(coded), "-o", str(tmp_path / "all.xlsx"))
    utf16 = json.loads(
        run("export", str(coded), "-o", str(tmp_path / "n.qdpx"), "--positions", "utf-16", "--json")
    )
    assert utf16["positions"] == "UTF-16 units"


def test_import_a_codebook(tmp_path: Path) -> None:
    project = str(tmp_path / "study.bsp")
    run("init", project)
    out = run("import", project, str(DATA / "codebook-ns-0-4.qdc"))
    assert "codes 2 added, 1 matched" in out


def test_import_reports_what_it_skipped_and_where_positions_differ(tmp_path: Path) -> None:
    project = str(tmp_path / "study.bsp")
    run("init", project)
    out = run("import", project, str(pack("maxqda", tmp_path / "maxqda.qdpx")))
    assert "Sources skipped" in out and "attendance-register.pdf" in out
    assert "positions read as code points, CRLF as one" in out


def test_missing_metadata_is_a_message_naming_the_file(tmp_path: Path) -> None:
    project = str(tmp_path / "study.bsp")
    run("init", project)
    path = pack("qualcoder", tmp_path / "qualcoder.qdpx")
    result = invoke("import", project, str(path))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "qualcoder.qdpx: source 'observation-td.txt'" in result.output
    assert "--set school_id=" in result.output
    out = run("import", project, str(path), "--set", "school_id=TD-Q1", "--positions", "auto")
    assert "documents 1 added" in out and "could not be placed" in out


def test_a_metadata_sheet_keyed_by_source_name(tmp_path: Path) -> None:
    project = str(tmp_path / "study.bsp")
    run("init", project)
    sheet = write(
        tmp_path / "metadata.csv", "file,school_id,region\nobservation-td.txt,TD-Q7,Tandjilé\n"
    )
    path = pack("qualcoder", tmp_path / "qualcoder.qdpx")
    run("import", project, str(path), "--metadata", str(sheet))
    listed = json.loads(run("documents", project, "--json"))
    assert listed[0]["meta"]["school_id"] == "TD-Q7"
    assert listed[0]["meta"]["attributes"] == {"region": "Tandjilé"}


def test_hostile_archive_is_a_message(tmp_path: Path) -> None:
    project = str(tmp_path / "study.bsp")
    run("init", project)
    bad = tmp_path / "bad.qdpx"
    with zipfile.ZipFile(bad, "w") as out:
        out.writestr("project.qde", "<Project/>")
        out.writestr("../../evil.txt", "x")
    result = invoke("import", project, str(bad))
    assert result.exit_code == 1 and "points outside its folder" in result.output


def test_refi_files_go_on_their_own(coded: Path, tmp_path: Path) -> None:
    transcript = write(tmp_path / "more.txt", HEAD_TEACHER)
    result = invoke("import", str(coded), str(DATA / "codebook.qdc"), str(transcript))
    assert result.exit_code == 2 and "on its own" in result.output


def test_export_to_an_unknown_format_is_a_message(coded: Path, tmp_path: Path) -> None:
    result = invoke("export", str(coded), "-o", str(tmp_path / "x.pdf"))
    assert result.exit_code == 1 and "cannot export to .pdf" in result.output
