"""`brightspots synthesize`: the matrices as tables and as JSON, whose codings count, and
errors a researcher can act on."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from brightspots.cli import main
from brightspots.project import Project
from brightspots.segment import SpacySegmenter
from tests.conftest import HEAD_TEACHER, write


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_synthesize_prints_the_matrices(tmp_path: Path, segmenter: SpacySegmenter) -> None:
    path = tmp_path / "study.bsp"
    with Project.create(path, segmenter=segmenter) as project:
        project.import_files([write(tmp_path / "ht.txt", HEAD_TEACHER)])
        text = project.document("ht.txt").text
        start = text.index("Each strong")
        project.apply_code(
            "ht.txt", start, text.index(".", start) + 1, "mentoring-one-to-five", "ana"
        )
    table = run("synthesize", str(path))
    assert "1 schools" in table or "1 school" in table
    assert "Peer mentoring" in table and "1/1" in table and "Most distinctive" in table
    data = json.loads(run("synthesize", str(path), "--json"))
    row = next(
        r
        for r in data["matrices"]["practice_by_country"]["rows"]
        if r["cells"]["ET"]["pd"]["present"]
    )
    assert row["cells"]["ET"]["pd"] == {"present": 1, "schools": 1, "share": 1.0}
    assert data["coders"] is None and data["rules"]["unit"].startswith("the school")
    roles = run("synthesize", str(path), "--by", "role", "--focus-areas")
    assert "Focus areas by role" in roles and "head teacher" in roles
    nobody = CliRunner().invoke(main, ["synthesize", str(path), "--coders", "zoe"])
    assert nobody.exit_code == 1 and "zoe" in nobody.output


def test_report_writes_the_files_asked_for(tmp_path: Path, segmenter: SpacySegmenter) -> None:
    path = tmp_path / "study.bsp"
    with Project.create(path, segmenter=segmenter) as project:
        project.import_files([write(tmp_path / "ht.txt", HEAD_TEACHER)])
        text = project.document("ht.txt").text
        start = text.index("Each strong")
        end = text.index(".", start) + 1
        project.apply_code("ht.txt", start, end, "mentoring-one-to-five", "ana")
    html, tables = tmp_path / "out" / "report.html", tmp_path / "out" / "tables.csv"
    html.parent.mkdir()
    out = run("report", str(path), "-o", str(html), "--tables", str(tables))
    assert f"Written: {html}" in out.replace("\n", "") and tables.exists()
    page = html.read_text(encoding="utf-8")
    assert "Each strong teacher takes five others" in page
    assert 'src="data:image/png;base64,' in page
    bad = CliRunner().invoke(main, ["report", str(path), "-o", str(tmp_path / "report.pdf")])
    assert bad.exit_code == 1 and ".pdf" in bad.output
    nothing = CliRunner().invoke(main, ["report", str(path)])
    assert nothing.exit_code == 1 and "name a report file" in nothing.output
    assert sorted(p.name for p in html.parent.iterdir()) == ["report.html", "tables.csv"]
