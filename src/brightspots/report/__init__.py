"""Reports: a synthesis turned into HTML, DOCX or Markdown, and its tables into XLSX or CSV.

`compose.py` builds a renderer-independent `Report` (document.py) from a synthesis; the
renderers (html.py, docx.py, markdown.py) and `tables.py` write it. Every writer is atomic
(output.py). Heavy libraries (matplotlib, python-docx, openpyxl) load only when a report
is drawn or written."""

from __future__ import annotations

from brightspots.report.compose import (
    ReportCancelled,
    ReportInputs,
    compose_report,
    compose_tables,
)
from brightspots.report.document import Report
from brightspots.report.tables import TABLE_SUFFIXES, check_tables_path, write_tables
from brightspots.report.writer import REPORT_SUFFIXES, check_report_path, write_report

__all__ = [
    "REPORT_SUFFIXES",
    "TABLE_SUFFIXES",
    "Report",
    "ReportCancelled",
    "ReportInputs",
    "check_report_path",
    "check_tables_path",
    "compose_report",
    "compose_tables",
    "write_report",
    "write_tables",
]
