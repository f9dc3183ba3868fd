"""The document model and the report's wording: how figures and names read."""

from __future__ import annotations

import pytest

from brightspots.report.colours import YLGNBU, difference_shade, share_shade
from brightspots.report.document import (
    Cell,
    Report,
    Row,
    Section,
    Table,
    Text,
    display,
    ink,
    plain,
    runs,
    slug,
    unique_names,
)
from brightspots.report.wording import country_name, label, language_name, p_text, series


@pytest.mark.parametrize(
    ("value", "format", "shown"),
    [
        (None, "percent", "–"),
        (float("nan"), "p", "–"),
        (0.456, "percent", "46%"),
        (0.333, "points", "+33 pp"),
        (-0.1, "points", "-10 pp"),
        (0.001, "points", "0 pp"),
        (0.0004, "p", "<0.001"),
        (0.0312, "p", "0.031"),
        (0.7123, "decimal", "0.71"),
        (12345, "int", "12,345"),
        (7, None, "7"),
        ("as it is", "percent", "as it is"),
    ],
)
def test_figures_read_the_same_in_every_format(value: object, format: str, shown: str) -> None:
    assert display(value, format) == shown  # type: ignore[arg-type]


def test_a_cell_shows_its_text_and_mark() -> None:
    assert Cell(0.5, "percent").display() == "50%"
    assert Cell(0.5, "percent", text="1/2", mark="*").display() == "1/2*"
    assert Cell(3).numeric and not Cell("3").numeric and not Cell(True).numeric


def test_tables_refuse_rows_of_the_wrong_width() -> None:
    with pytest.raises(ValueError, match="2 cells for 3 columns"):
        Table("t", "t", ("a", "b", "c"), (Row((Cell(1), Cell(2))),))
    with pytest.raises(ValueError, match="group row"):
        Table("t", "t", ("a", "b"), (Row((Cell("x"), Cell("y")), group=True),))


def test_figure_columns_are_past_the_row_name() -> None:
    table = Table(
        "t",
        "t",
        ("name", "count", "note", "share"),
        (
            Row((Cell("a"), Cell(1, "int"), Cell("text"), Cell(None, "percent"))),
            Row((Cell("b"),), group=True),
        ),
    )
    assert table.figure_columns() == [False, True, False, True]


def test_sections_nest_and_walk_in_order() -> None:
    report = Report(
        "r",
        sections=(Section("One", (Section("One a"), Section("One b"))), Section("Two")),
    )
    assert [(level, s.title) for level, s in report.walk()] == [
        (1, "One"), (2, "One a"), (2, "One b"), (1, "Two")
    ]  # fmt: skip


def test_inline_runs() -> None:
    content = ("a ", Text("b", strong=True))
    assert runs(content) == (Text("a "), Text("b", strong=True))
    assert plain(content) == "a b" and runs("x") == (Text("x"),)


def test_slugs_and_unique_names() -> None:
    assert slug("Práticas — por país!") == "praticas-por-pais"
    assert slug("***") == "section"
    assert unique_names(["a", "b", "a", "a"]) == ["a", "b", "a-2", "a-3"]


def test_ink_is_readable_on_the_shade() -> None:
    assert ink("#ffffd9") == "#000000" and ink("#081d58") == "#ffffff"
    assert ink("#41b6c4") == "#000000"


def test_shades_follow_the_heat_map_scale() -> None:
    assert share_shade(0) == YLGNBU[0] and share_shade(1) == YLGNBU[-1]
    assert share_shade(0.5) == YLGNBU[4] and share_shade(None) is None
    assert share_shade(2) == YLGNBU[-1]  # clipped
    assert difference_shade(0) == "#f7f7f7"
    assert difference_shade(0.5) == difference_shade(0.9) == "#08519c"  # PD ahead: blue
    assert difference_shade(-0.5) == "#b35806"  # comparison ahead: orange
    assert difference_shade(None) is None


def test_names_read_well() -> None:
    assert country_name("ET") == "Ethiopia"
    assert country_name("TZ") == "Tanzania"
    assert country_name("CD") == "Democratic Republic of the Congo"
    assert country_name("Zanzibar") == "Zanzibar"
    assert language_name("pt") == "Portuguese" and language_name("sw") == "Swahili"
    assert language_name("xx") == "xx"
    assert label("head_teacher") == "head teacher" and label("kii") == "KII"
    assert label(None) == "unspecified"
    assert p_text(None) == "no test" and p_text(0.0001) == "p < 0.001"
    assert p_text(0.05) == "p = 0.050"
    assert series([]) == "" and series(["a"]) == "a" and series(["a", "b", "c"]) == "a, b and c"
