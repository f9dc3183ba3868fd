"""Reading CSV and XLSX sheets into rows of text, keeping each row's line number."""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass
from pathlib import Path

from brightspots.corpus.source import check_archive, decode, read_bytes
from brightspots.errors import InputError


@dataclass(frozen=True)
class Row:
    line: int  # 1-based row number in the sheet, as a spreadsheet shows it
    values: dict[str, str]


def read_table(
    path: Path, error: type[InputError], encoding: str | None = None
) -> tuple[list[str], list[Row]]:
    """(column names, rows as dicts of stripped text). Empty rows are skipped."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        raw = _xlsx_rows(path, error)
    elif suffix in (".csv", ".tsv"):
        raw = _csv_rows(path, error, encoding)
    else:
        raise error("a sheet must be .csv, .tsv or .xlsx", path)
    rows = [(number, cells) for number, cells in raw if any(c.strip() for c in cells)]
    if not rows:
        raise error("the sheet is empty", path)
    header_line, header = rows[0]
    names = [h.strip().lstrip("\ufeff") for h in header]
    seen: set[str] = set()
    for name in names:
        if name and name.casefold() in seen:
            raise error(f"column {name!r} appears twice in the header", path, header_line)
        seen.add(name.casefold())
    result = []
    for number, cells in rows[1:]:
        values = {
            name: (cells[i].strip() if i < len(cells) else "")
            for i, name in enumerate(names)
            if name
        }
        result.append(Row(number, values))
    return [n for n in names if n], result


def _csv_rows(
    path: Path, error: type[InputError], encoding: str | None
) -> list[tuple[int, list[str]]]:
    text = decode(read_bytes(path), path, encoding)
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], ",;\t")
    except csv.Error:
        dialect = csv.excel_tab if path.suffix.lower() == ".tsv" else csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    rows = []
    try:
        start = reader.line_num + 1
        for row in reader:
            rows.append((start, row))  # a quoted answer may span lines: keep its first
            start = reader.line_num + 1
    except csv.Error as problem:
        raise error(f"not a readable CSV file ({problem})", path, reader.line_num) from None
    return rows


def _xlsx_rows(path: Path, error: type[InputError]) -> list[tuple[int, list[str]]]:
    import openpyxl  # only sheets need it

    read_bytes(path)  # size and emptiness checks
    check_archive(path)  # and what it would unpack to
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as problem:  # openpyxl fails in many ways (zip, XML) on damaged files
        raise error(
            f"not a readable .xlsx workbook ({type(problem).__name__}: {problem})", path
        ) from None
    try:
        sheet = book.worksheets[0]
        rows = []
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            rows.append((number, ["" if v is None else _cell_text(v) for v in row]))
        return rows
    finally:
        book.close()


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.date):
        return value.isoformat()[:10]  # dates and datetimes: YYYY-MM-DD
    return str(value)
