"""`--tables`: the report's tables as an XLSX workbook (a sheet each) or one long CSV."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from brightspots.errors import InputError
from brightspots.report import write_tables
from brightspots.report.document import Cell, Row, Table
from brightspots.report.tables import CSV_COLUMNS, render_csv, sheet_names
from tests.report_sample import distinctive_table, matrix_table


def test_xlsx_has_a_sheet_per_table_with_numbers_as_numbers(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    tables = [matrix_table(), distinctive_table()]
    path = tmp_path / "tables.xlsx"
    write_tables(tables, path)
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["pd-practice-country", "distinctive"]
    matrix = workbook["pd-practice-country"]
    assert [c.value for c in matrix[1]] == list(tables[0].header)
    assert all(c.font.bold for c in matrix[1])
    assert matrix.freeze_panes == "B2"
    assert matrix["A2"].value == "Improving teachers' skills" and matrix["A2"].font.bold
    assert matrix["B3"].value == 0 and matrix["C3"].value == 0.25
    assert matrix["C3"].number_format == "0%"
    assert matrix.cell(row=matrix.max_row, column=1).value == tables[0].notes[0]
    distinctive = workbook["distinctive"]
    row = [c.value for c in distinctive[2]]
    assert row == ["Peer mentoring | induction", 0.75, 0.25, 0.5, 0.0004, 16]
    assert [c.number_format for c in distinctive[2]][1:] == [
        "0%", "0%", "+0%;-0%;0%", "0.000", "#,##0"
    ]  # fmt: skip
    formula_like = distinctive["A3"]
    assert formula_like.value == "=SUM(A1) is text" and formula_like.data_type == "s"


def test_csv_is_one_long_table(tmp_path: Path) -> None:
    tables = [matrix_table(), distinctive_table()]
    path = tmp_path / "tables.csv"
    write_tables(tables, path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads accents right
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert tuple(rows[0]) == CSV_COLUMNS
    body = rows[1:]
    assert {r[0] for r in body} == {"pd-practice-country", "distinctive"}
    assert [
        "pd-practice-country",
        "Improving teachers' skills / School-based professional development",
        "Chad",
        "0.5",
    ] in body
    assert ["distinctive", "Peer mentoring | induction", "Difference", "0.5"] in body
    assert ["distinctive", "=SUM(A1) is text", "p", "0.62"] in body
    # One line per value cell: 3 practices x 3 countries, and 2 rows x 5 values.
    assert len(body) == 9 + 10
    assert not [r for r in body if r[2] == "Practice"]  # the row's name is not repeated


def test_csv_floats_are_short_and_empty_cells_left_out() -> None:
    table = Table(
        "t",
        "t",
        ("name", "share", "note"),
        (Row((Cell("a"), Cell(0.1 + 0.2, "percent"), Cell(None))),),
    )
    assert render_csv([table]).splitlines() == ["table,row,column,value", "t,a,share,0.3"]


def test_sheet_names_are_valid_and_distinct() -> None:
    def named(name: str) -> Table:
        return Table(name, "caption", ("a",), ())

    names = sheet_names([named("a/b:c*?"), named("x" * 40), named("x" * 40), named("A/B:C*?")])
    assert names == ["a-b-c--", "x" * 31, "x" * 27 + " (2)", "A-B-C-- (2)"]


def test_an_unknown_suffix_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError) as raised:
        write_tables([distinctive_table()], tmp_path / "tables.ods")
    assert "'.ods'" in raised.value.message and ".xlsx, .csv" in raised.value.message
    assert not list(tmp_path.iterdir())
