"""The cross-country synthesis: which framework practices appear where, in positive-deviant
(PD) versus comparison schools, told by whom.

**Mapping.** Codes map onto practices through the codebook (`code_practices`; a code may
name several practices, a practice gathers several codes); practices belong to focus
areas. Codes mapped to no practice are listed with their counts (`unmapped_codes`), never
silently dropped.

**Unit of evidence: the school** (country + `school_id`). A practice is *present* in a
school when any of the school's documents carries a coding of one of its codes by the
chosen coders (detached codings, whose text has changed, are left out). Optionally it must
rest on at least `min_passages` distinct passages (a passage is a distinct span: the same
span coded by two coders, or with two codes of the practice, counts once) or at least
`min_respondents` distinct respondents (a respondent is a speaker label of a document: the
speaker of the turn where the coded passage starts; interviewers' turns are left out, and
unlabelled text such as observation notes counts as one respondent, the document; so a
KII is one respondent and an FGD as many as its transcript names). A focus area is present
in a school when any of its practices is.

**Which schools count** (`schools`). With `"coded"` (the default) a school enters a cell
only when at least one of its documents in that cell carries a coding (any code) by the
chosen coders: a half-coded project, or one coder's share of a team's corpus, is then not
read as absence. `"all"` counts every imported school. A school's group is the one its
documents give; when they disagree it is `unknown` and listed in `mixed_group_schools`.

**Matrices.** Practice x column and focus area x column, for three kinds of column:
country, the document's respondent role, and the method. Each cell gives, for PD and for
comparison schools, the schools where the item is present, the schools in the cell and the
share; the PD-minus-comparison difference of shares; Fisher's exact test (two-sided,
scipy) on the 2x2 table PD/comparison x present/absent, wherever both groups have a school;
a Benjamini-Hochberg q-value over the tests of the same matrix (many cells are tested at
once: a p under 0.05 in one of 200 cells is expected by chance); and `small`, set when
either group has fewer than `MIN_SCHOOLS` (5) schools, where no test can show much. The
`overall` count includes schools whose group is unknown. Every row has a `total` over all
columns. In the role and method matrices a school enters a column when it has a document
of that role or method (that counts), and the item is present there when those documents
carry it: the share is of *schools*, not of documents.

**Reach and distinctiveness.** For each practice, the countries where it is present in at
least one PD school (and comparison school). Practices are ranked as distinctive of PD
schools by the difference of shares over all countries, largest first; ties by the smaller
p-value, then framework order.

Everything is computed by SQL aggregation (`store/synthesis.py`); Python only assembles
the few hundred cells and runs the tests."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from functools import lru_cache

from brightspots.errors import InputError
from brightspots.findings import (
    MIN_SCHOOLS,
    Cell,
    Distinctive,
    GroupCount,
    Item,
    ItemKind,
    Matrix,
    Reach,
    Row,
    Synthesis,
    UnmappedCode,
)
from brightspots.store import Store
from brightspots.store.synthesis import (
    UNSPECIFIED,
    Dimension,
    Evidence,
    Filters,
    FrameworkRow,
    SchoolRule,
    coder_numbers,
    normalise_filters,
)
from brightspots.vocabulary import METHODS, ROLES

DIMENSIONS: tuple[Dimension, ...] = ("country", "respondent_role", "method")
SCHOOL_RULES: tuple[SchoolRule, ...] = ("coded", "all")


# --- the engine -------------------------------------------------------------------------


def synthesize(
    store: Store,
    coders: tuple[str, ...] | None,
    filters: Filters | None = None,
    min_passages: int = 1,
    min_respondents: int = 1,
    schools: SchoolRule = "coded",
) -> Synthesis:
    """The synthesis of a project (see the module's docstring for every rule).

    `coders`: what `CoderSet.coders()` gives (None: everyone's codings). `filters`: document
    columns (country, school_group, respondent_role, method, language, territory, ...)
    to one value or a list of values."""
    chosen = normalise_filters(filters)
    if min_passages < 1 or min_respondents < 1:
        raise InputError("min_passages and min_respondents are at least 1")
    if schools not in SCHOOL_RULES:
        raise InputError(f"schools must be one of {', '.join(SCHOOL_RULES)}, not {schools!r}")
    framework = store.synthesis_framework()
    if not any(row.kind == "practice" for row in framework):
        raise InputError(
            "this project has no framework practices to map codes to; load one with "
            "`brightspots codebook load PROJECT CODEBOOK --framework FRAMEWORK`"
        )
    numbers = coder_numbers(store, coders)
    with store.synthesis_evidence(
        numbers, chosen, schools, min_passages, min_respondents
    ) as evidence:
        built = _Builder(evidence, framework)
        country = built.matrices("country")
        role = built.matrices("respondent_role", country)
        method = built.matrices("method", country)
        totals = evidence.totals()
        unmapped = tuple(
            UnmappedCode(row.code, row.name, row.codings, row.documents, row.schools)
            for row in evidence.unmapped_codes()
        )
        mixed = tuple(evidence.mixed_group_schools())
        codings = evidence.practice_codings()
    reach = _reach(country[0])
    header = store.load_framework()
    return Synthesis(
        framework=header.id if header else None,
        coders=coders,
        filters=chosen,
        min_passages=min_passages,
        min_respondents=min_respondents,
        schools_rule=schools,
        documents=totals["documents"],
        schools=totals["schools"],
        codings=totals["codings"],
        detached_codings=store.detached_codings(numbers),
        mixed_group_schools=mixed,
        items=_items(framework, codings),
        practice_by_country=country[0],
        focus_area_by_country=country[1],
        practice_by_role=role[0],
        focus_area_by_role=role[1],
        practice_by_method=method[0],
        focus_area_by_method=method[1],
        reach=reach,
        distinctive=_distinctive(country[0], reach),
        unmapped_codes=unmapped,
    )


class _Builder:
    """Turns the evidence's counts into matrices (a few hundred cells)."""

    def __init__(self, evidence: Evidence, framework: Sequence[FrameworkRow]) -> None:
        self.evidence = evidence
        self.framework = framework

    def matrices(
        self, dimension: Dimension, by_country: tuple[Matrix, Matrix] | None = None
    ) -> tuple[Matrix, Matrix]:
        """(practices, focus areas) by `dimension`. Totals come from the country matrices
        (each school is in exactly one country), passed in for the other dimensions."""
        schools: dict[tuple[str, str], int] = {}
        for column, group, count in self.evidence.schools(dimension):
            schools[column, group] = count
        present: dict[tuple[str, str, str, str], int] = {}
        for kind, key, column, group, count in self.evidence.present(dimension):
            present[kind, key, column, group] = count
        columns = _ordered_columns(dimension, {column for column, _ in schools})
        made: list[Matrix] = []
        kinds: tuple[ItemKind, ItemKind] = ("practice", "focus_area")
        for index, kind in enumerate(kinds):
            rows = [row for row in self.framework if row.kind == kind]
            cells = {
                row.key: {
                    column: _cell(
                        _count(present, schools, kind, row.key, [column], "pd"),
                        _count(present, schools, kind, row.key, [column], "comparison"),
                        _count(present, schools, kind, row.key, [column], None),
                    )
                    for column in columns
                }
                for row in rows
            }
            if by_country is None:
                totals = {
                    row.key: _cell(
                        _count(present, schools, kind, row.key, columns, "pd"),
                        _count(present, schools, kind, row.key, columns, "comparison"),
                        _count(present, schools, kind, row.key, columns, None),
                    )
                    for row in rows
                }
                totals = _with_q_values(totals)
            else:
                totals = {row.key: by_country[index].row(row.key).total for row in rows}
            cells = _with_q_values_nested(cells)
            made.append(
                Matrix(
                    rows_kind=kind,
                    dimension=dimension,
                    columns=tuple(columns),
                    rows=tuple(
                        Row(
                            key=row.key,
                            name=row.name,
                            kind=kind,
                            focus_area=row.parent if kind == "practice" else None,
                            cells=cells[row.key],
                            total=totals[row.key],
                        )
                        for row in rows
                    ),
                )
            )
        return made[0], made[1]


def _count(
    present: Mapping[tuple[str, str, str, str], int],
    schools: Mapping[tuple[str, str], int],
    kind: str,
    key: str,
    columns: Iterable[str],
    group: str | None,
) -> GroupCount:
    """Schools of `group` (None: every group) where the item is present, and all of them,
    summed over `columns`."""
    groups = ("pd", "comparison", "unknown") if group is None else (group,)
    hit = total = 0
    for column in columns:
        for name in groups:
            hit += present.get((kind, key, column, name), 0)
            total += schools.get((column, name), 0)
    return GroupCount(hit, total)


def _cell(pd: GroupCount, comparison: GroupCount, overall: GroupCount) -> Cell:
    both = pd.schools > 0 and comparison.schools > 0
    difference = (
        (pd.present / pd.schools - comparison.present / comparison.schools) if both else None
    )
    p_value = (
        fisher_p(
            pd.present,
            pd.schools - pd.present,
            comparison.present,
            comparison.schools - comparison.present,
        )
        if both
        else None
    )
    return Cell(
        pd=pd,
        comparison=comparison,
        overall=overall,
        difference=difference,
        p_value=p_value,
        q_value=None,
        small=min(pd.schools, comparison.schools) < MIN_SCHOOLS,
    )


@lru_cache(maxsize=4096)
def fisher_p(a: int, b: int, c: int, d: int) -> float:
    """Two-sided p of Fisher's exact test on [[a, b], [c, d]] (PD present/absent,
    comparison present/absent). Counts repeat across cells, hence the cache."""
    from scipy.stats import fisher_exact

    result = fisher_exact([[a, b], [c, d]], alternative="two-sided")
    return min(1.0, float(result.pvalue))


def benjamini_hochberg(p_values: Sequence[float]) -> list[float]:
    """Benjamini-Hochberg (1995) adjusted p-values (q-values), in the order given."""
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [0.0] * m
    running = 1.0
    for rank in range(m, 0, -1):
        i = order[rank - 1]
        running = min(running, p_values[i] * m / rank)
        adjusted[i] = running
    return adjusted


def _with_q_values(cells: Mapping[str, Cell]) -> dict[str, Cell]:
    tested = [key for key, cell in cells.items() if cell.p_value is not None]
    q = benjamini_hochberg([cells[key].p_value or 0.0 for key in tested])
    out = dict(cells)
    for key, value in zip(tested, q, strict=True):
        out[key] = replace(cells[key], q_value=value)
    return out


def _with_q_values_nested(
    cells: Mapping[str, Mapping[str, Cell]],
) -> dict[str, dict[str, Cell]]:
    """q-values over every tested cell of a matrix (totals are a family of their own)."""
    flat = {(row, column): cell for row, by in cells.items() for column, cell in by.items()}
    tested = [key for key, cell in flat.items() if cell.p_value is not None]
    q = benjamini_hochberg([flat[key].p_value or 0.0 for key in tested])
    for key, value in zip(tested, q, strict=True):
        flat[key] = replace(flat[key], q_value=value)
    out: dict[str, dict[str, Cell]] = {row: {} for row in cells}
    for (row, column), cell in flat.items():
        out[row][column] = cell
    return out


def _ordered_columns(dimension: Dimension, found: set[str]) -> list[str]:
    """Countries by code; roles and methods in the vocabulary's order, then others by
    name, `unspecified` last."""
    if dimension == "country":
        return sorted(found)
    known = ROLES if dimension == "respondent_role" else METHODS
    first = [value for value in known if value in found]
    rest = sorted(found - set(known) - {UNSPECIFIED})
    return first + rest + ([UNSPECIFIED] if UNSPECIFIED in found else [])


def _items(framework: Sequence[FrameworkRow], codings: Mapping[str, int]) -> tuple[Item, ...]:
    items: list[Item] = []
    for row in framework:
        if row.kind == "practice":
            count = codings.get(row.key, 0)
            items.append(
                Item(row.key, "practice", row.name, row.parent, row.status, row.codes, count)
            )
        else:
            count = sum(codings.get(p.key, 0) for p in framework if p.parent == row.key)
            items.append(Item(row.key, "focus_area", row.name, None, row.status, (), count))
    return tuple(items)


def _reach(by_country: Matrix) -> tuple[Reach, ...]:
    return tuple(
        Reach(
            practice=row.key,
            pd_countries=tuple(c for c, cell in row.cells.items() if cell.pd.present),
            comparison_countries=tuple(
                c for c, cell in row.cells.items() if cell.comparison.present
            ),
        )
        for row in by_country.rows
    )


def _distinctive(by_country: Matrix, reach: Sequence[Reach]) -> tuple[Distinctive, ...]:
    """Practices by PD-minus-comparison difference over all countries, largest first;
    ties by the smaller p-value, then framework order. Practices without a difference (a
    group has no school) are left out."""
    countries = {r.practice: len(r.pd_countries) for r in reach}
    ranked = sorted(
        (
            (index, row)
            for index, row in enumerate(by_country.rows)
            if row.total.difference is not None
        ),
        key=lambda pair: (
            -(pair[1].total.difference or 0.0),
            math.inf if pair[1].total.p_value is None else pair[1].total.p_value,
            pair[0],
        ),
    )
    return tuple(
        Distinctive(
            rank=rank,
            practice=row.key,
            name=row.name,
            focus_area=row.focus_area or "",
            difference=row.total.difference or 0.0,
            pd=row.total.pd,
            comparison=row.total.comparison,
            p_value=row.total.p_value,
            q_value=row.total.q_value,
            small=row.total.small,
            pd_countries=countries.get(row.key, 0),
        )
        for rank, (_, row) in enumerate(ranked, start=1)
    )


__all__ = [
    "DIMENSIONS",
    "SCHOOL_RULES",
    "Dimension",
    "Filters",
    "SchoolRule",
    "benjamini_hochberg",
    "coder_numbers",
    "fisher_p",
    "normalise_filters",
    "synthesize",
]
