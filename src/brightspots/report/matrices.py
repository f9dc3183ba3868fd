"""The synthesis' matrices as report tables, for reading and for analysis.

Two kinds of table come out of one matrix:
- **display tables** for the documents: a practice per row under its focus area, a
  country (role, method) per column, cells that read `3/5` or `+20 pp`, shaded like the
  heat maps, small counts marked;
- **data tables** for `--tables` (XLSX/CSV): tidy, one row per item and column, every
  figure in its own column as a number (counts, shares, difference, p, q, the flag), so a
  spreadsheet or R can take them as they are."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from brightspots import findings as engine
from brightspots.report.colours import difference_shade, share_shade
from brightspots.report.document import Cell, Row, Table
from brightspots.report.wording import country_name, label

SMALL_MARK = "*"
COMPACT_AFTER = 8
"""With more columns than this, countries are shown by their ISO codes (named in a note)."""

DIMENSION_NAMES = {"country": "country", "respondent_role": "role", "method": "method"}
ALL_COLUMNS = {"country": "All countries", "respondent_role": "All roles", "method": "All methods"}


def focus_area_names(synthesis: engine.Synthesis) -> dict[str, str]:
    return {item.key: item.name for item in synthesis.items if item.kind == "focus_area"}


def practice_names(synthesis: engine.Synthesis) -> dict[str, str]:
    return {item.key: item.name for item in synthesis.items if item.kind == "practice"}


def column_label(dimension: str, value: str, compact: bool = False) -> str:
    if dimension == "country":
        return value if compact else country_name(value)
    return label(value)


def is_compact(matrix: engine.Matrix) -> bool:
    return matrix.dimension == "country" and len(matrix.columns) > COMPACT_AFTER


def country_note(matrix: engine.Matrix) -> tuple[str, ...]:
    """`Countries: ET Ethiopia, TD Chad…` under a table that shows codes."""
    if not is_compact(matrix):
        return ()
    return ("Countries: " + ", ".join(f"{c} {country_name(c)}" for c in matrix.columns) + ".",)


def _header(matrix: engine.Matrix, first: str) -> tuple[str, ...]:
    compact = is_compact(matrix)
    columns = [column_label(matrix.dimension, c, compact) for c in matrix.columns]
    return (first, *columns, ALL_COLUMNS[matrix.dimension])


def _rows(
    matrix: engine.Matrix,
    focus_areas: Mapping[str, str],
    cells: Sequence[Sequence[Cell]],
) -> tuple[Row, ...]:
    """Item rows (name first), practices under a group row naming their focus area."""
    rows: list[Row] = []
    area: str | None = None
    for item, row_cells in zip(matrix.rows, cells, strict=True):
        if item.kind == "practice" and item.focus_area != area:
            area = item.focus_area
            rows.append(Row((Cell(focus_areas.get(area or "", area or "")),), group=True))
        rows.append(Row((Cell(item.name), *row_cells)))
    return tuple(rows)


def _item_word(matrix: engine.Matrix) -> str:
    return "Practice" if matrix.rows_kind == "practice" else "Focus area"


def share_table(
    matrix: engine.Matrix, group: str, name: str, focus_areas: Mapping[str, str]
) -> Table:
    """Schools of `group` (pd or comparison) where each item is present: `3/5`, shaded
    by the share; small groups marked."""

    def shown(count: engine.GroupCount) -> Cell:
        if not count.schools:
            return Cell(None)
        return Cell(
            count.share,
            "percent",
            text=f"{count.present}/{count.schools}",
            shade=share_shade(count.share),
            mark=SMALL_MARK if count.schools < engine.MIN_SCHOOLS else "",
        )

    def of(cell: engine.Cell) -> engine.GroupCount:
        return cell.pd if group == "pd" else cell.comparison

    cells = [
        [shown(of(row.cells[c])) for c in matrix.columns] + [shown(of(row.total))]
        for row in matrix.rows
    ]
    who = "PD" if group == "pd" else "comparison"
    dimension = DIMENSION_NAMES[matrix.dimension]
    return Table(
        name=name,
        caption=f"{who.capitalize() if who != 'PD' else who} schools with each "
        f"{_item_word(matrix).lower()}, by {dimension}: schools where present / {who} "
        f"schools (shaded by the share)",
        header=_header(matrix, _item_word(matrix)),
        rows=_rows(matrix, focus_areas, cells),
        notes=(
            f"{SMALL_MARK} fewer than {engine.MIN_SCHOOLS} {who} schools: read with care. "
            "– no such schools.",
            *country_note(matrix),
        ),
        wide=len(matrix.columns) > 3,
    )


def difference_table(matrix: engine.Matrix, name: str, focus_areas: Mapping[str, str]) -> Table:
    """PD share minus comparison share per cell with Fisher's p, shaded blue where PD
    schools are ahead and orange where comparison schools are."""

    def shown(cell: engine.Cell) -> Cell:
        if cell.difference is None:
            return Cell(None)
        return Cell(
            cell.difference,
            "points",
            text=f"{_points(cell.difference)}\n{_p_short(cell.p_value)}",
            shade=difference_shade(cell.difference),
            mark=SMALL_MARK if cell.small else "",
        )

    cells = [
        [shown(row.cells[c]) for c in matrix.columns] + [shown(row.total)] for row in matrix.rows
    ]
    return Table(
        name=name,
        caption=f"Difference between PD and comparison schools in the share with each "
        f"{_item_word(matrix).lower()}, by {DIMENSION_NAMES[matrix.dimension]} "
        "(percentage points), with Fisher's exact p",
        header=_header(matrix, _item_word(matrix)),
        rows=_rows(matrix, focus_areas, cells),
        notes=(
            "Positive: more common in PD schools (blue); negative: more common in "
            "comparison schools (orange). p: Fisher's exact test, two-sided, on schools.",
            f"{SMALL_MARK} fewer than {engine.MIN_SCHOOLS} PD or comparison schools: "
            "the test can show little. – no PD or no comparison school.",
            *country_note(matrix),
        ),
        wide=len(matrix.columns) > 3,
    )


def side_by_side_table(
    matrix: engine.Matrix, name: str, focus_areas: Mapping[str, str], caption: str
) -> Table:
    """Compact cells `60 / 25` (PD % / comparison %), shaded by the difference: for the
    role and method breakdowns and the focus areas, where two tables would be too many."""

    def shown(cell: engine.Cell) -> Cell:
        pd, comparison = cell.pd.share, cell.comparison.share
        if pd is None and comparison is None:
            return Cell(None)
        text = f"{_percent(pd)} / {_percent(comparison)}"
        return Cell(
            cell.difference,
            "points",
            text=text,
            shade=difference_shade(cell.difference),
            mark=SMALL_MARK if cell.small else "",
        )

    cells = [
        [shown(row.cells[c]) for c in matrix.columns] + [shown(row.total)] for row in matrix.rows
    ]
    return Table(
        name=name,
        caption=caption,
        header=_header(matrix, _item_word(matrix)),
        rows=_rows(matrix, focus_areas, cells),
        notes=(
            "Each cell: % of PD schools / % of comparison schools where present; shaded by "
            "the difference (blue: PD ahead; orange: comparison ahead).",
            f"{SMALL_MARK} fewer than {engine.MIN_SCHOOLS} PD or comparison schools. – no schools.",
            *country_note(matrix),
        ),
        wide=len(matrix.columns) > 3,
    )


def totals_table(matrix: engine.Matrix, name: str, caption: str) -> Table:
    """Each item over all columns: PD, comparison, difference, p, q."""
    rows = []
    for item in matrix.rows:
        total = item.total
        rows.append(
            Row(
                (
                    Cell(item.name),
                    *_group_cells(total.pd),
                    *_group_cells(total.comparison),
                    _difference_cell(total),
                    Cell(total.p_value, "p"),
                    Cell(total.q_value, "p"),
                )
            )
        )
    return Table(
        name=name,
        caption=caption,
        header=(
            _item_word(matrix),
            "PD schools",
            "PD share",
            "Comparison schools",
            "Comparison share",
            "Difference",
            "p",
            "q",
        ),
        rows=tuple(rows),
        notes=_test_notes(),
    )


def distinctive_table(synthesis: engine.Synthesis, focus_areas: Mapping[str, str]) -> Table:
    countries = len(synthesis.practice_by_country.columns)
    rows = [
        Row(
            (
                Cell(entry.rank, "int"),
                Cell(entry.name),
                Cell(focus_areas.get(entry.focus_area, entry.focus_area)),
                *_group_cells(entry.pd),
                *_group_cells(entry.comparison),
                Cell(
                    entry.difference,
                    "points",
                    shade=difference_shade(entry.difference),
                    mark=SMALL_MARK if entry.small else "",
                ),
                Cell(entry.p_value, "p"),
                Cell(entry.q_value, "p"),
                Cell(entry.pd_countries, "int", text=f"{entry.pd_countries}/{countries}"),
            )
        )
        for entry in synthesis.distinctive
    ]
    return Table(
        name="distinctive",
        caption="Practices ranked by how much more common they are in PD than in comparison "
        "schools (all countries together)",
        header=(
            "Rank",
            "Practice",
            "Focus area",
            "PD schools",
            "PD share",
            "Comparison schools",
            "Comparison share",
            "Difference",
            "p",
            "q",
            "PD countries",
        ),
        rows=tuple(rows),
        notes=(
            *_test_notes(),
            "PD countries: countries where the practice is present in at least one PD school.",
        ),
        key_columns=2,
        wide=True,
    )


def reach_table(synthesis: engine.Synthesis, names: Mapping[str, str]) -> Table:
    countries = len(synthesis.practice_by_country.columns)
    rows = []
    for reach in sorted(
        synthesis.reach, key=lambda r: (-len(r.pd_countries), -len(r.comparison_countries))
    ):
        rows.append(
            Row(
                (
                    Cell(names.get(reach.practice, reach.practice)),
                    Cell(
                        len(reach.pd_countries),
                        "int",
                        text=f"{len(reach.pd_countries)}/{countries}",
                    ),
                    Cell(", ".join(country_name(c) for c in reach.pd_countries) or "none"),
                    Cell(
                        len(reach.comparison_countries),
                        "int",
                        text=f"{len(reach.comparison_countries)}/{countries}",
                    ),
                    Cell(", ".join(country_name(c) for c in reach.comparison_countries) or "none"),
                )
            )
        )
    return Table(
        name="reach",
        caption="In how many countries each practice is present in at least one PD school, "
        "and one comparison school",
        header=("Practice", "PD", "Countries (PD)", "Comparison", "Countries (comparison)"),
        rows=tuple(rows),
    )


def _group_cells(count: engine.GroupCount) -> tuple[Cell, Cell]:
    if not count.schools:
        return Cell(0, "int", text="0/0"), Cell(None)
    return (
        Cell(count.present, "int", text=f"{count.present}/{count.schools}"),
        Cell(count.share, "percent", shade=share_shade(count.share)),
    )


def _difference_cell(cell: engine.Cell) -> Cell:
    return Cell(
        cell.difference,
        "points",
        shade=difference_shade(cell.difference),
        mark=SMALL_MARK if cell.small and cell.difference is not None else "",
    )


def _test_notes() -> tuple[str, ...]:
    return (
        "Schools: schools where present / schools of the group. Difference: PD share minus "
        "comparison share, in percentage points.",
        "p: Fisher's exact test, two-sided, on schools; q: the p-value adjusted for the "
        "number of tests (Benjamini-Hochberg).",
        f"{SMALL_MARK} fewer than {engine.MIN_SCHOOLS} PD or comparison schools: the test "
        "can show little.",
    )


def _points(difference: float) -> str:
    points = round(difference * 100)
    return "0 pp" if points == 0 else f"{points:+d} pp"


def _percent(share: float | None) -> str:
    return "–" if share is None else f"{share:.0%}"


def _p_short(p: float | None) -> str:
    if p is None:
        return "no test"
    return "p<.001" if p < 0.001 else f"p={p:.2f}".replace("0.", ".", 1)


# --- data tables (XLSX/CSV) -----------------------------------------------------------------


def data_table(matrix: engine.Matrix, focus_areas: Mapping[str, str]) -> Table:
    """One row per item and column (and `all` for the row's total), every figure a number."""
    dimension = matrix.dimension
    rows = []
    for item in matrix.rows:
        cells = [*((c, item.cells[c]) for c in matrix.columns), ("all", item.total)]
        for column, cell in cells:
            rows.append(
                Row(
                    (
                        Cell(item.name),
                        Cell(column),
                        Cell(item.key),
                        Cell(focus_areas.get(item.focus_area or "", "")),
                        *_group_data(cell.pd),
                        *_group_data(cell.comparison),
                        *_group_data(cell.overall),
                        Cell(cell.difference, "points"),
                        Cell(cell.p_value, "p"),
                        Cell(cell.q_value, "p"),
                        Cell(int(cell.small), "int"),
                    )
                )
            )
    kind = matrix.rows_kind
    return Table(
        name=f"{kind}_by_{dimension}",
        caption=f"{kind.replace('_', ' ')} by {DIMENSION_NAMES[dimension]}: schools where "
        "present, schools, shares, difference, Fisher's p, BH q, small flag",
        header=(
            kind,
            dimension,
            f"{kind}_id",
            "focus_area",
            "pd_present",
            "pd_schools",
            "pd_share",
            "comparison_present",
            "comparison_schools",
            "comparison_share",
            "all_present",
            "all_schools",
            "all_share",
            "difference",
            "p_value",
            "q_value",
            "small",
        ),
        rows=tuple(rows),
        key_columns=2,
    )


def _group_data(count: engine.GroupCount) -> tuple[Cell, Cell, Cell]:
    return Cell(count.present, "int"), Cell(count.schools, "int"), Cell(count.share, "percent")


def distinctive_data(synthesis: engine.Synthesis, focus_areas: Mapping[str, str]) -> Table:
    rows = [
        Row(
            (
                Cell(entry.rank, "int"),
                Cell(entry.name),
                Cell(entry.practice),
                Cell(focus_areas.get(entry.focus_area, entry.focus_area)),
                *_group_data(entry.pd)[:3],
                *_group_data(entry.comparison)[:3],
                Cell(entry.difference, "points"),
                Cell(entry.p_value, "p"),
                Cell(entry.q_value, "p"),
                Cell(int(entry.small), "int"),
                Cell(entry.pd_countries, "int"),
            )
        )
        for entry in synthesis.distinctive
    ]
    return Table(
        name="distinctive",
        caption="Practices ranked by PD-minus-comparison difference over all countries",
        header=(
            "rank",
            "practice",
            "practice_id",
            "focus_area",
            "pd_present",
            "pd_schools",
            "pd_share",
            "comparison_present",
            "comparison_schools",
            "comparison_share",
            "difference",
            "p_value",
            "q_value",
            "small",
            "pd_countries",
        ),
        rows=tuple(rows),
        key_columns=2,
    )


def reach_data(synthesis: engine.Synthesis, names: Mapping[str, str]) -> Table:
    rows = [
        Row(
            (
                Cell(names.get(reach.practice, reach.practice)),
                Cell(reach.practice),
                Cell(len(reach.pd_countries), "int"),
                Cell(" ".join(reach.pd_countries)),
                Cell(len(reach.comparison_countries), "int"),
                Cell(" ".join(reach.comparison_countries)),
            )
        )
        for reach in synthesis.reach
    ]
    return Table(
        name="reach",
        caption="Countries where each practice is present in a PD (a comparison) school",
        header=(
            "practice",
            "practice_id",
            "pd_country_count",
            "pd_countries",
            "comparison_country_count",
            "comparison_countries",
        ),
        rows=tuple(rows),
    )


def unmapped_data(synthesis: engine.Synthesis) -> Table:
    return Table(
        name="unmapped_codes",
        caption="Codes mapped to no practice, with their use",
        header=("code", "code_id", "codings", "documents", "schools"),
        rows=tuple(
            Row(
                (
                    Cell(code.name),
                    Cell(code.code),
                    Cell(code.codings, "int"),
                    Cell(code.documents, "int"),
                    Cell(code.schools, "int"),
                )
            )
            for code in synthesis.unmapped_codes
        ),
    )
