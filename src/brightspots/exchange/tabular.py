"""Tables for R, Stata and pandas: the coded segments (one row per coding, with its
document's attributes, the speaker, the code, its practices and focus areas, the coder
and the text), and the codebook (one row per code). CSV (UTF-8, a header row) or XLSX
(openpyxl, loaded only here; both tables as sheets of one workbook by default).

A code mapped to several practices lists them in one cell, separated by "; ". In XLSX every
text cell is stored as text, so a quote that starts with `=` never becomes a formula; CSV
keeps the text exactly as coded (what R, Stata and pandas read), so open a CSV in a
spreadsheet program only by importing it as text."""

from __future__ import annotations

import bisect
import csv
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from brightspots.errors import InputError
from brightspots.exchange import qdaxml
from brightspots.exchange.reports import ExportReport
from brightspots.models import Code, Progress
from brightspots.store import Store

TABLES = ("codings", "codebook")
TABLE_SUFFIXES = (".csv", ".xlsx")
DOCUMENT_FIELDS = (
    "country",
    "territory",
    "school_id",
    "school_group",
    "respondent_role",
    "method",
    "language",
    "date",
)
CODING_COLUMNS_BEFORE = ("document", "document_id", *DOCUMENT_FIELDS)
CODING_COLUMNS_AFTER = (
    "speaker",
    "speaker_role",
    "start",
    "end",
    "code",
    "code_name",
    "practice",
    "practice_name",
    "focus_area",
    "focus_area_name",
    "coder",
    "origin",
    "status",
    "created_at",
    "coding_id",
    "text",
)
CODEBOOK_COLUMNS = (
    "code",
    "name",
    "parent",
    "definition",
    "inclusion",
    "exclusion",
    "examples",
    "colour",
    "shortcut",
    "practice",
    "practice_name",
    "focus_area",
    "focus_area_name",
    "codings",
)
XLSX_CELL_CHARS = 32_767  # Excel's limit on one cell
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
JOIN = "; "


@dataclass(frozen=True)
class Table:
    name: str
    header: Sequence[str]
    rows: Iterator[Sequence[Any]]


def export_table(
    store: Store, path: Path, tables: Sequence[str] | None = None, progress: Progress | None = None
) -> ExportReport:
    """Write the tables (`codings`, `codebook`) to a CSV (one table: the codings unless
    `tables` names the codebook) or an XLSX workbook (both, unless `tables` says)."""
    suffix = path.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise InputError(f"a table is written as .csv or .xlsx, not {suffix or '(none)'}", path)
    chosen = list(tables or (TABLES if suffix == ".xlsx" else ("codings",)))
    unknown = [t for t in chosen if t not in TABLES]
    if unknown:
        raise InputError(f"no table {', '.join(unknown)}; choose from {', '.join(TABLES)}")
    if suffix == ".csv" and len(chosen) != 1:
        raise InputError("a CSV file holds one table: export the codings and the codebook apart")
    source = _Source(store)
    counted: dict[str, int] = {}
    built = [
        Table(name, *(source.codings(progress) if name == "codings" else source.codebook()))
        for name in chosen
    ]
    with qdaxml.atomic_output(path) as temporary:
        if suffix == ".csv":
            counted[built[0].name] = _write_csv(built[0], temporary)
        else:
            counted = _write_xlsx(built, temporary)
    return ExportReport(
        str(path),
        suffix[1:],
        codes=len(source.codes),
        codings=counted.get("codings", 0),
        rows=sum(counted.values()),
    )


class _Source:
    """What the rows are made of, read once."""

    def __init__(self, store: Store) -> None:
        self.store = store
        codebook = store.load_codebook()
        self.codes: dict[str, Code] = {c.id: c for c in (codebook.codes if codebook else ())}
        framework = store.load_framework()
        self.practices = {p.id: p for p in framework.practices()} if framework else {}
        self.areas = {a.id: a.name for a in framework.focus_areas} if framework else {}

    def _mapping(self, code: Code | None) -> list[str]:
        """practice keys, practice names, focus area keys, focus area names."""
        keys = [p for p in (code.practices if code else ()) if p in self.practices]
        areas = list(dict.fromkeys(self.practices[p].focus_area for p in keys))
        return [
            JOIN.join(keys),
            JOIN.join(self.practices[p].name for p in keys),
            JOIN.join(areas),
            JOIN.join(self.areas.get(a, a) for a in areas),
        ]

    def codings(self, progress: Progress | None) -> tuple[list[str], Iterator[list[Any]]]:
        documents = self.store.exchange_documents()
        attributes = sorted({k for d in documents for k in d["attributes"]})
        taken = {*CODING_COLUMNS_BEFORE, *CODING_COLUMNS_AFTER}
        attribute_columns = [f"attr_{a}" if a in taken else a for a in attributes]
        header = [*CODING_COLUMNS_BEFORE, *attribute_columns, *CODING_COLUMNS_AFTER]

        def rows() -> Iterator[list[Any]]:
            for number, document in enumerate(documents):
                if progress is not None:
                    progress(number, len(documents), document["name"])
                codings = self.store.exchange_codings(document["num"])
                if not codings:
                    continue
                text = self.store.document_text(document["num"])
                turns = self.store.list_turns(document["num"])
                ends = [t.end for t in turns]
                head = [document["name"], document["uid"], *(document[f] for f in DOCUMENT_FIELDS)]
                head += [document["attributes"].get(a, "") for a in attributes]
                for coding in codings:
                    index = bisect.bisect_right(ends, coding["start"])
                    turn = turns[index] if index < len(turns) else None
                    code = self.codes.get(coding["code"])
                    yield [
                        *head,
                        turn.speaker if turn else None,
                        turn.role if turn else None,
                        coding["start"],
                        coding["end"],
                        coding["code"],
                        code.name if code else coding["code"],
                        *self._mapping(code),
                        coding["coder"],
                        coding["origin"],
                        coding["status"],
                        coding["created_at"],
                        coding["uid"],
                        text[coding["start"] : coding["end"]],
                    ]
            if progress is not None:
                progress(len(documents), len(documents), "")

        return header, rows()

    def codebook(self) -> tuple[list[str], Iterator[list[Any]]]:
        counts = self.store.coding_counts()

        def rows() -> Iterator[list[Any]]:
            for code in self.codes.values():
                yield [
                    code.id,
                    code.name,
                    code.parent,
                    code.definition,
                    code.inclusion,
                    code.exclusion,
                    "\n".join(code.examples),
                    code.colour,
                    code.key,
                    *self._mapping(code),
                    counts.get(code.id, 0),
                ]

        return list(CODEBOOK_COLUMNS), rows()


def _write_csv(table: Table, path: Path) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(table.header)
        for row in table.rows:
            writer.writerow(["" if v is None else v for v in row])
            count += 1
    return count


def _write_xlsx(tables: Sequence[Table], path: Path) -> dict[str, int]:
    from openpyxl import Workbook  # heavy: only for XLSX
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    counts: dict[str, int] = {}
    bold = Font(bold=True)
    for table in tables:
        sheet = workbook.create_sheet(table.name)
        sheet.freeze_panes = "A2"
        header = []
        for name in table.header:
            cell = WriteOnlyCell(sheet, value=name)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        count = 0
        for row in table.rows:
            sheet.append([_xlsx_cell(sheet, WriteOnlyCell, value) for value in row])
            count += 1
        counts[table.name] = count
    workbook.save(path)
    return counts


def _xlsx_cell(sheet: Any, cell_type: Any, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    text = _XLSX_ILLEGAL.sub("", value)
    if len(text) > XLSX_CELL_CHARS:
        text = text[: XLSX_CELL_CHARS - 1] + "…"
    cell = cell_type(sheet, value=text)
    cell.data_type = "s"  # text, even when it starts with `=`: never a formula
    return cell
