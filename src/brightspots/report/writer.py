"""`write_report`: one report file, in the format its suffix names, written atomically."""

from __future__ import annotations

from pathlib import Path

from brightspots.errors import InputError
from brightspots.report.document import Report
from brightspots.report.output import write_bytes, write_with_folder

REPORT_SUFFIXES = (".html", ".docx", ".md")


def pictures_folder(path: Path) -> Path:
    """Where a Markdown report's pictures go: `report.md` -> `report_files/` beside it."""
    return path.with_name(f"{path.stem}_files")


def check_report_path(path: Path) -> str:
    """The format `path` asks for (`.html`, `.docx` or `.md`), or an error naming the
    allowed ones: front ends call it before the report is composed, which takes seconds."""
    suffix = path.suffix.lower()
    if suffix not in REPORT_SUFFIXES:
        raise InputError(
            f"cannot write a report as {path.suffix or 'a file without a suffix'!r}; "
            "use one of " + ", ".join(REPORT_SUFFIXES),
            path,
        )
    return suffix


def write_report(report: Report, path: Path) -> Path:
    """Write `report` to `path` as HTML, DOCX or Markdown (by the suffix, any case) and
    return the path. The file is replaced whole or not at all; a Markdown report also
    replaces its pictures' folder (`pictures_folder`)."""
    suffix = check_report_path(path)
    if suffix == ".html":
        from brightspots.report.html import render_html

        write_bytes(path, render_html(report).encode("utf-8"))
    elif suffix == ".docx":
        from brightspots.report.docx import render_docx

        write_bytes(path, render_docx(report))
    else:
        from brightspots.report.markdown import render_markdown

        folder = pictures_folder(path)
        text, pictures = render_markdown(report, folder.name)
        if pictures:
            write_with_folder(path, text.encode("utf-8"), folder, pictures)
        else:
            write_bytes(path, text.encode("utf-8"))
    return path
