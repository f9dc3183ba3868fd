"""The report's tables as data: an XLSX workbook or one long CSV, for further analysis.

**XLSX**: one sheet per table, named after the table (`Table.name`, cut to Excel's 31
characters), its caption in the sheet's properties, a bold header row, the panes frozen
below the header and right of the row's name, numbers stored as numbers with a number
format (a share is 0.45 shown as 45%). Group rows (a focus area above its practices) keep
their label in the first column. Notes go below the table.

**CSV** (long format, one file for every table): columns `table`, `row`, `column`,
`value`, one line per cell that holds a value (the cells naming the row excepted):
- `table` is the table's name (the XLSX sheet name),
- `row` names the row: its key cells (the first `key_columns` cells, e.g. the practice)
  joined with " / ", prefixed by its group (e.g. the focus area) and " / " when the table
  has group rows,
- `column` is the column's header,
- `value` is the raw value: shares and differences as fractions (0.45, -0.1), p-values as
  numbers, counts as integers; text as it is. Empty cells are left out.
It is UTF-8 with a byte-order mark, so that Excel reads accents right (pandas, R's readr
and LibreOffice skip the mark).

Both are written atomically (see `output.py`)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

from brightspots.errors import InputError
from brightspots.report.document import NumberFormat, Table
from brightspots.report.output import atomic_write, write_bytes

TABLE_SUFFIXES = (".xlsx", ".csv")
CSV_COLUMNS = ("table", "row", "column", "value")

EXCEL_FORMATS: dict[NumberFormat, str] = {
    "int": "#,##0",
    "percent": "0%",
    "points": "+0%;-0%;0%",
    "p": "0.000",
    "decimal": "0.00",
}
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def check_tables_path(path: Path) -> str:
    """The format `path` asks for (`.xlsx` or `.csv`), or an error naming the allowed
    ones (front ends call it before any work is done)."""
    suffix = path.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise InputError(
            f"cannot write tables as {path.suffix or 'a file without a suffix'!r}; "
            "use one of " + ", ".join(TABLE_SUFFIXES),
            path,
        )
    return suffix


def write_tables(tables: Sequence[Table], path: Path) -> Path:
    """Write `tables` to `path`, as XLSX or CSV by its suffix (any case); returns the path."""
    if check_tables_path(path) == ".xlsx":
        atomic_write(path, lambda file: _write_xlsx(tables, file))
    else:
        write_bytes(path, render_csv(tables).encode("utf-8-sig"))
    return path


def long_rows(tables: Sequence[Table]) -> Iterator[tuple[str, str, str, str | int | float]]:
    """(table, row, column, value) for every cell that holds a value (see the module's
    docstring)."""
    for table in tables:
        group = ""
        has_groups = any(row.group for row in table.rows)
        for row in table.rows:
            if row.group:
                group = row.cells[0].display()
                continue
            key = " / ".join(c.display() for c in row.cells[: table.key_columns])
            name = f"{group} / {key}" if has_groups and group else key
            values = zip(table.header, row.cells, strict=True)
            for index, (column, cell) in enumerate(values):
                if index < table.key_columns or cell.value is None or cell.value == "":
                    continue
                yield table.name, name, column, cell.value


def render_csv(tables: Sequence[Table]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for table, row, column, value in long_rows(tables):
        writer.writerow((table, row, column, _csv_value(value)))
    return out.getvalue()


def _csv_value(value: str | int | float) -> str | int | float:
    # repr-exact floats would print 0.30000000000000004; 12 significant digits do not.
    if isinstance(value, float):
        return float(f"{value:.12g}")
    return value


def sheet_names(tables: Sequence[Table]) -> list[str]:
    """Valid, distinct Excel sheet names (31 characters, none of []:*?/\\)."""
    names: list[str] = []
    taken: set[str] = set()
    for table in tables:
        base = _SHEET_FORBIDDEN.sub("-", table.name).strip("'")[:31] or "table"
        name, number = base, 1
        while name.casefold() in taken:
            number += 1
            tail = f" ({number})"
            name = base[: 31 - len(tail)] + tail
        taken.add(name.casefold())
        names.append(name)
    return names


def _write_xlsx(tables: Sequence[Table], file: BinaryIO) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    if not tables:
        workbook.create_sheet("empty")
    bold = Font(bold=True)
    group_fill = PatternFill("solid", fgColor="F3F5F8")
    for table, name in zip(tables, sheet_names(tables), strict=True):
        sheet = workbook.create_sheet(name)
        sheet.append(list(table.header))
        for cell in sheet[1]:
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in table.rows:
            if row.group:
                sheet.append([row.cells[0].display()])
                for cell in sheet[sheet.max_row]:
                    cell.font = bold
                    cell.fill = group_fill
                continue
            sheet.append([c.value for c in row.cells])
            for target, source in zip(sheet[sheet.max_row], row.cells, strict=True):
                if isinstance(source.value, str) and source.value.startswith("="):
                    # Text, not a formula (a passage or a name may start with "=").
                    target.data_type = "s"
                if source.numeric and source.format:
                    target.number_format = EXCEL_FORMATS[source.format]
                if source.strong:
                    target.font = bold
        if table.notes:
            sheet.append([])
            for note in table.notes:
                sheet.append([note])
        sheet.freeze_panes = sheet.cell(row=2, column=table.key_columns + 1)
        for column, title in enumerate(table.header, start=1):
            texts = [title] + [r.cells[column - 1].display() for r in table.rows if not r.group]
            width = min(max(len(t) for t in texts) + 2, 60)
            sheet.column_dimensions[get_column_letter(column)].width = max(width, 8)
    workbook.save(file)
