"""What a synthesis found: the matrices of practices and focus areas by country, role and
method (PD and comparison counts, differences, tests), reach, the ranking of distinctive
practices and the codes mapped to none, each as plain JSON-able data (`to_dict`).

`synthesis.py` computes them; reports, the CLI and the workbench read them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from brightspots.store.synthesis import Dimension, SchoolRule

MIN_SCHOOLS = 5
"""A cell is flagged `small` when PD or comparison schools number fewer than this."""

ItemKind = Literal["practice", "focus_area"]

RULES = {
    "unit": "the school (country + school id); a practice is present in a school when any "
    "of its documents carries a coding of a code mapped to it by the chosen coders",
    "passage": "a distinct coded span (the same span coded twice counts once)",
    "respondent": "a speaker label of a document (the turn where the passage starts); "
    "interviewers left out; unlabelled text counts as the document",
    "schools": "coded: a school counts in a cell when one of its documents there is coded "
    "by the chosen coders; all: every imported school",
    "focus_area": "present in a school when any of its practices is",
    "share": "schools where present / schools in the cell",
    "difference": "PD share minus comparison share",
    "test": "Fisher's exact test, two-sided, on PD/comparison x present/absent schools, "
    "when both groups have a school; q: Benjamini-Hochberg over the same matrix",
    "small": f"fewer than {MIN_SCHOOLS} PD or comparison schools in the cell",
    "role_and_method": "share of schools with a document of that role or method whose "
    "documents of that role or method carry the item",
    "distinctive": "practices ranked by difference over all countries, ties by p-value",
}


# --- results --------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupCount:
    """Schools of one group in a cell: where the item is present, and all of them."""

    present: int
    schools: int

    @property
    def share(self) -> float | None:
        return self.present / self.schools if self.schools else None

    def to_dict(self) -> dict[str, Any]:
        return {"present": self.present, "schools": self.schools, "share": self.share}


@dataclass(frozen=True)
class Cell:
    pd: GroupCount
    comparison: GroupCount
    overall: GroupCount  # every school in the cell, those of unknown group included
    difference: float | None  # PD share - comparison share; None if a group has no school
    p_value: float | None  # Fisher's exact, two-sided; None where it cannot be computed
    q_value: float | None  # Benjamini-Hochberg over the tests of the same matrix
    small: bool  # fewer than MIN_SCHOOLS schools in PD or comparison

    def to_dict(self) -> dict[str, Any]:
        return {
            "pd": self.pd.to_dict(),
            "comparison": self.comparison.to_dict(),
            "overall": self.overall.to_dict(),
            "difference": self.difference,
            "p_value": self.p_value,
            "q_value": self.q_value,
            "small": self.small,
        }


@dataclass(frozen=True)
class Row:
    """A practice or focus area across the columns of a matrix."""

    key: str
    name: str
    kind: ItemKind
    focus_area: str | None  # a practice's focus area (key); None for a focus area
    cells: Mapping[str, Cell]  # column -> cell, in the matrix's column order
    total: Cell  # all columns together (every school once)

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "kind": self.kind,
            "focus_area": self.focus_area,
            "cells": {column: cell.to_dict() for column, cell in self.cells.items()},
            "total": self.total.to_dict(),
        }


@dataclass(frozen=True)
class Matrix:
    """Practices or focus areas (rows) by country, respondent role or method (columns)."""

    rows_kind: ItemKind
    dimension: Dimension
    columns: tuple[str, ...]
    rows: tuple[Row, ...]

    def row(self, key: str) -> Row:
        for row in self.rows:
            if row.key == key:
                return row
        raise KeyError(key)

    def cell(self, key: str, column: str) -> Cell:
        return self.row(key).cells[column]

    def to_dict(self) -> dict[str, Any]:
        return {
            "rows_kind": self.rows_kind,
            "dimension": self.dimension,
            "columns": list(self.columns),
            "rows": [row.to_dict() for row in self.rows],
        }


@dataclass(frozen=True)
class Item:
    """A framework item as the synthesis saw it."""

    key: str
    kind: ItemKind
    name: str
    focus_area: str | None  # a practice's focus area; None for a focus area
    status: str  # e.g. provisional (practices)
    codes: tuple[str, ...]  # codes mapped to a practice (a focus area: none of its own)
    codings: int  # codings of those codes that count (a focus area: its practices')


@dataclass(frozen=True)
class Reach:
    """Where a practice is present in at least one school of each group."""

    practice: str
    pd_countries: tuple[str, ...]
    comparison_countries: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "practice": self.practice,
            "pd_countries": list(self.pd_countries),
            "pd_country_count": len(self.pd_countries),
            "comparison_countries": list(self.comparison_countries),
            "comparison_country_count": len(self.comparison_countries),
        }


@dataclass(frozen=True)
class Distinctive:
    """A practice in the ranking of what sets PD schools apart (over all countries)."""

    rank: int
    practice: str
    name: str
    focus_area: str
    difference: float
    pd: GroupCount
    comparison: GroupCount
    p_value: float | None
    q_value: float | None
    small: bool
    pd_countries: int  # countries where it is present in a PD school

    def to_dict(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "practice": self.practice,
            "name": self.name,
            "focus_area": self.focus_area,
            "difference": self.difference,
            "pd": self.pd.to_dict(),
            "comparison": self.comparison.to_dict(),
            "p_value": self.p_value,
            "q_value": self.q_value,
            "small": self.small,
            "pd_countries": self.pd_countries,
        }


@dataclass(frozen=True)
class UnmappedCode:
    """A code mapped to no practice, with its use among the documents that count."""

    code: str
    name: str
    codings: int
    documents: int
    schools: int


@dataclass(frozen=True)
class Synthesis:
    framework: str | None  # the framework's id
    coders: tuple[str, ...] | None  # whose codings count; None: everyone's
    filters: Mapping[str, tuple[str, ...]]  # document columns the synthesis is limited to
    min_passages: int
    min_respondents: int
    schools_rule: SchoolRule
    documents: int  # documents that count
    schools: int  # schools that count
    codings: int  # codings read (mapped or not), detached ones excepted
    detached_codings: int  # codings by the chosen coders left out: their text changed
    mixed_group_schools: tuple[str, ...]  # COUNTRY/school_id whose documents disagree
    items: tuple[Item, ...]  # focus areas and practices, in framework order
    practice_by_country: Matrix
    focus_area_by_country: Matrix
    practice_by_role: Matrix
    focus_area_by_role: Matrix
    practice_by_method: Matrix
    focus_area_by_method: Matrix
    reach: tuple[Reach, ...]  # one per practice, framework order
    distinctive: tuple[Distinctive, ...]  # practices, most distinctive of PD first
    unmapped_codes: tuple[UnmappedCode, ...]

    def matrix(self, rows: ItemKind, dimension: Dimension) -> Matrix:
        """The matrix of practices or focus areas by a dimension."""
        for matrix in self.matrices():
            if matrix.rows_kind == rows and matrix.dimension == dimension:
                return matrix
        raise KeyError((rows, dimension))

    def matrices(self) -> tuple[Matrix, ...]:
        return (
            self.practice_by_country,
            self.focus_area_by_country,
            self.practice_by_role,
            self.focus_area_by_role,
            self.practice_by_method,
            self.focus_area_by_method,
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data (`brightspots synthesize --json`)."""
        return {
            "framework": self.framework,
            "coders": None if self.coders is None else list(self.coders),
            "filters": {key: list(values) for key, values in self.filters.items()},
            "min_passages": self.min_passages,
            "min_respondents": self.min_respondents,
            "schools_rule": self.schools_rule,
            "min_schools": MIN_SCHOOLS,
            "rules": dict(RULES),
            "documents": self.documents,
            "schools": self.schools,
            "codings": self.codings,
            "detached_codings": self.detached_codings,
            "mixed_group_schools": list(self.mixed_group_schools),
            "items": [
                {
                    "key": item.key,
                    "kind": item.kind,
                    "name": item.name,
                    "focus_area": item.focus_area,
                    "status": item.status,
                    "codes": list(item.codes),
                    "codings": item.codings,
                }
                for item in self.items
            ],
            "matrices": {f"{m.rows_kind}_by_{m.dimension}": m.to_dict() for m in self.matrices()},
            "reach": [reach.to_dict() for reach in self.reach],
            "distinctive": [entry.to_dict() for entry in self.distinctive],
            "unmapped_codes": [
                {
                    "code": code.code,
                    "name": code.name,
                    "codings": code.codings,
                    "documents": code.documents,
                    "schools": code.schools,
                }
                for code in self.unmapped_codes
            ],
        }
