"""The core never imports the front ends' frameworks (Textual, Click, Rich), and heavy
libraries load lazily so that the CLI starts fast."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import brightspots

PACKAGE = Path(brightspots.__file__).parent
FRONT_ENDS = {"textual", "click", "rich"}
CORE = [
    "brightspots.project",
    "brightspots.importer",
    "brightspots.store",
    "brightspots.codebook",
    "brightspots.corpus",
    "brightspots.segment",
    "brightspots.metadata",
]


def loaded_modules(*modules: str) -> set[str]:
    code = (
        "import importlib, json, sys\n"
        f"for m in {list(modules)!r}: importlib.import_module(m)\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout))


def test_core_does_not_load_textual_or_rich() -> None:
    # Click is left out here only because sqlite-utils itself imports it; the static
    # test below checks that none of our core modules does.
    assert not loaded_modules(*CORE) & {"textual", "rich"}


def test_no_core_module_imports_a_front_end_framework() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative.startswith(("tui/", "cli")) or relative == "__main__.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{relative}: {n}" for n in names if n.split(".")[0] in FRONT_ENDS]
    assert offenders == []


def test_heavy_libraries_load_lazily() -> None:
    found = loaded_modules("brightspots.cli", "brightspots.project")
    assert not found & {
        "spacy", "torch", "sentence_transformers", "hdbscan", "docx", "openpyxl", "matplotlib"
    }  # fmt: skip


def test_reports_load_their_libraries_only_when_drawn_or_written() -> None:
    # matplotlib alone costs about a second; python-docx, openpyxl and lxml are only
    # needed for the format asked for.
    modules = [
        f"brightspots.report.{path.stem}"
        for path in (PACKAGE / "report").glob("*.py")
        if path.stem != "__init__"
    ]
    found = loaded_modules("brightspots.report", *modules)
    assert not found & {"matplotlib", "docx", "openpyxl", "lxml", "PIL"}
