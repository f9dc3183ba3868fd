"""Store queries for the cross-country synthesis (`synthesis.py`) and its quotes
(`quotes.py`).

Every count is an SQL aggregation. One pass reads the codings that count (status `ok`, by
the chosen coders) grouped by code and document, streaming the covering index of schema v5
(`codings_synthesis`) without sorting; everything after it works on that pass's result (a
few hundred thousand rows at most at DMS scale), in TEMP tables that last one
`synthesis_evidence` block:

* `synthesis_doc_code`: codings per (document, code);
* `synthesis_schools`: one row per school (country + school_id) with its group; a school
  whose documents disagree about their group is `unknown` there and listed as such;
* `synthesis_docs`: the documents that count (matching the filters; with the `coded` rule,
  only those that carry a coding by the chosen coders), with a bit number for their role
  and method;
* `synthesis_evidence` (only for thresholds over 1): per (document, practice), codings,
  distinct passages and distinct respondents;
* `synthesis_school_practice`, `synthesis_school_area`: per (school, practice) and (school,
  focus area), whether the item is present in the school, and per role and method (one 0/1
  column each) whether the school's documents of that role or method carry it. Every
  matrix is a GROUP BY over these.

TEMP tables live in the connection's own temporary database, so this works on a project
opened read-only and never takes the project's write lock; the block reads one snapshot.

Document metadata is read from the `documents_synthesis` index (schema v5): in the table
those columns come after the text, and reaching them walks every transcript's overflow
pages."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import sqlite_utils

from brightspots.errors import InputError
from brightspots.models import META_FIELDS
from brightspots.store.rows import Tables

if TYPE_CHECKING:
    from brightspots.store.database import Store

Dimension = Literal["country", "respondent_role", "method"]
SchoolRule = Literal["coded", "all"]

Filters = Mapping[str, str | Sequence[str]]
"""Document column -> one value or several."""
SYNTHESIS_FILTERS = (*META_FIELDS, "format")
"""Document columns a synthesis may be restricted to."""

# The column each dimension reads in `synthesis_docs` (a whitelist: never user text in SQL).
_DIMENSIONS: dict[str, str] = {"country": "country", "respondent_role": "role", "method": "method"}
_BIT_PREFIX = {"respondent_role": "r", "method": "m"}
UNSPECIFIED = "unspecified"
"""Column value of documents without a respondent role or method."""

# The codes mapped to an item: a practice, or every practice of a focus area (its key twice).
_ITEM_CODES = (
    "SELECT DISTINCT m.code FROM code_practices m JOIN framework_items f ON f.num = m.practice "
    "LEFT JOIN framework_items a ON a.num = f.parent WHERE f.kind = 'practice' "
    "AND (f.key = ? OR (a.kind = 'focus_area' AND a.key = ?))"
)
# Ranks a passage by (misfit, start) in one integer: documents hold far fewer characters.
_POSITIONS = 1 << 32
# The document columns in the `documents_synthesis` index (schema v5).
_INDEXED_META = {"country", "school_id", "school_group", "respondent_role", "method"}
_TEMP_TABLES = (
    "synthesis_school_area",
    "synthesis_school_practice",
    "synthesis_evidence",
    "synthesis_doc_code",
    "synthesis_docs",
    "synthesis_schools",
)
# Where a document's first turn starts, its range starts at 0; the last turn's runs to here.
_END_OF_TEXT = 1 << 62


def _marks(values: Sequence[Any]) -> str:
    return ", ".join("?" for _ in values)


def _filter_clause(filters: Mapping[str, Sequence[str]], alias: str) -> tuple[str, list[Any]]:
    """`AND alias.col IN (...)` for each filter (columns checked against the whitelist)."""
    clause = ""
    params: list[Any] = []
    for key, values in filters.items():
        if key not in SYNTHESIS_FILTERS:
            raise ValueError(f"cannot filter documents by {key!r}")
        # A column left empty matches `unspecified`, as the matrices' columns name it.
        clause += f" AND coalesce({alias}.{key}, '{UNSPECIFIED}') IN ({_marks(values)})"
        params += list(values)
    return clause, params


@dataclass(frozen=True)
class FrameworkRow:
    key: str
    kind: str  # focus_area | practice
    name: str
    parent: str | None  # the focus area's key, for a practice
    status: str
    codes: tuple[str, ...]  # keys of the codes mapped to it (practices only)


@dataclass(frozen=True)
class UnmappedRow:
    code: str
    name: str
    codings: int
    documents: int
    schools: int


class Evidence:
    """The TEMP tables of one synthesis, and the queries over them."""

    def __init__(self, db: sqlite_utils.Database, bits: Mapping[str, Sequence[str]]) -> None:
        self.db = db
        self.bits = bits  # dimension -> column values, by bit (role and method)

    def schools(self, dimension: Dimension) -> list[tuple[str, str, int]]:
        """(column value, school group, schools) for each column of a dimension: the
        schools with at least one document that counts in that column."""
        column = _DIMENSIONS[dimension]
        rows = self.db.execute(
            f"SELECT {column}, grp, count(DISTINCT school) FROM synthesis_docs "
            f"GROUP BY {column}, grp"
        )
        return [(str(r[0]), str(r[1]), int(r[2])) for r in rows]

    def present(self, dimension: Dimension) -> list[tuple[str, str, str, str, int]]:
        """(kind, framework key, column value, school group, schools where present), for
        practices and focus areas. A school is counted in a role's (or method's) column
        when its documents of that role carry the item, as the thresholds ask."""
        made: list[tuple[str, str, str, str, int]] = []
        for kind, table, item in (
            ("practice", "synthesis_school_practice", "practice"),
            ("focus_area", "synthesis_school_area", "area"),
        ):
            if dimension == "country":
                rows = self.db.execute(
                    f"SELECT f.key, t.country, t.grp, sum(t.present) FROM {table} t "
                    f"JOIN framework_items f ON f.num = t.{item} "
                    f"GROUP BY t.{item}, t.country, t.grp"
                )
                made += [(kind, str(r[0]), str(r[1]), str(r[2]), int(r[3])) for r in rows]
                continue
            prefix = _BIT_PREFIX[dimension]
            values = self.bits[dimension]
            sums = "".join(f", sum(t.{prefix}{bit})" for bit in range(len(values)))
            rows = self.db.execute(
                f"SELECT f.key, t.grp{sums} FROM {table} t JOIN framework_items f "
                f"ON f.num = t.{item} GROUP BY t.{item}, t.grp"
            )
            for row in rows:
                made += [
                    (kind, str(row[0]), value, str(row[1]), int(row[2 + bit]))
                    for bit, value in enumerate(values)
                ]
        return made

    def practice_codings(self) -> dict[str, int]:
        """Practice key -> codings of its codes in the documents that count."""
        rows = self.db.execute(
            "SELECT f.key, sum(t.codings) FROM synthesis_school_practice t "
            "JOIN framework_items f ON f.num = t.practice GROUP BY t.practice"
        )
        return {str(r[0]): int(r[1]) for r in rows}

    def unmapped_codes(self) -> list[UnmappedRow]:
        """Every code mapped to no practice, in codebook order, with its codings, documents
        and schools among the documents that count (zeros when it was never applied)."""
        rows = self.db.execute(
            "WITH unmapped AS (SELECT num, key, name, position FROM codes k WHERE NOT EXISTS "
            "(SELECT 1 FROM code_practices m WHERE m.code = k.num)), "
            "used AS (SELECT t.code AS code, sum(t.codings) AS codings, "
            "count(DISTINCT t.doc) AS documents, count(DISTINCT d.school) AS schools "
            "FROM synthesis_doc_code t JOIN synthesis_docs d ON d.doc = t.doc "
            "WHERE t.code IN (SELECT num FROM unmapped) GROUP BY t.code) "
            "SELECT k.key, k.name, coalesce(u.codings, 0), coalesce(u.documents, 0), "
            "coalesce(u.schools, 0) FROM unmapped k LEFT JOIN used u ON u.code = k.num "
            "ORDER BY k.position"
        )
        return [UnmappedRow(str(r[0]), str(r[1]), int(r[2]), int(r[3]), int(r[4])) for r in rows]

    def totals(self) -> dict[str, int]:
        """Documents and schools that count, and the codings read in them."""
        one = self.db.execute
        return {
            "documents": int(one("SELECT count(*) FROM synthesis_docs").fetchone()[0]),
            "schools": int(one("SELECT count(DISTINCT school) FROM synthesis_docs").fetchone()[0]),
            "codings": int(
                one(
                    "SELECT coalesce(sum(t.codings), 0) FROM synthesis_doc_code t "
                    "JOIN synthesis_docs d ON d.doc = t.doc"
                ).fetchone()[0]
            ),
        }

    def mixed_group_schools(self) -> list[str]:
        """`COUNTRY/school_id` of schools whose documents name more than one group."""
        rows = self.db.execute(
            "SELECT s.country || '/' || s.school_id FROM synthesis_schools s WHERE s.mixed "
            "AND s.school IN (SELECT school FROM synthesis_docs) ORDER BY 1"
        )
        return [str(r[0]) for r in rows]


class SynthesisTables(Tables):
    def synthesis_framework(self) -> list[FrameworkRow]:
        """Focus areas and practices in framework order, each practice with its codes."""
        codes: dict[int, list[str]] = {}
        for practice, key in self.db.execute(
            "SELECT m.practice, k.key FROM code_practices m JOIN codes k ON k.num = m.code "
            "ORDER BY k.position"
        ):
            codes.setdefault(int(practice), []).append(str(key))
        rows = self.db.execute(
            "SELECT f.num, f.key, f.kind, f.name, a.key, f.status FROM framework_items f "
            "LEFT JOIN framework_items a ON a.num = f.parent ORDER BY f.position"
        )
        return [
            FrameworkRow(
                str(r[1]), str(r[2]), str(r[3]), r[4], str(r[5]), tuple(codes.get(r[0], ()))
            )
            for r in rows
        ]

    def _index(self, name: str) -> str:
        """`INDEXED BY name` when the project has that index (schema v5; a project opened
        read-only is not migrated), so the planner cannot pick a slower plan."""
        row = self.db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", [name]
        ).fetchone()
        return f"INDEXED BY {name}" if row else ""

    def detached_codings(self, coders: Sequence[int] | None = None) -> int:
        """Codings whose text changed under them (left out of a synthesis)."""
        clause = "" if coders is None else f" AND coder IN ({_marks(coders)})"
        row = self.db.execute(
            f"SELECT count(*) FROM codings {self._index('codings_detached')} "
            f"WHERE status = 'detached'{clause}",
            list(coders or []),
        ).fetchone()
        return int(row[0])

    @contextmanager
    def synthesis_evidence(
        self,
        coders: Sequence[int] | None,
        filters: Mapping[str, Sequence[str]],
        schools: SchoolRule = "coded",
        min_passages: int = 1,
        min_respondents: int = 1,
    ) -> Iterator[Evidence]:
        """Build the TEMP tables of a synthesis (see the module's docstring) and yield the
        queries over them; one read snapshot; the tables are dropped at the end.

        `coders`: coder numbers whose codings count (None: everyone's). `schools="coded"`
        keeps only documents that carry a coding by those coders (so that documents nobody
        has coded yet are not read as absence); `"all"` keeps every matching document.
        `min_passages` / `min_respondents` over 1 count distinct passages / respondents per
        (document, practice): each costs another pass over the codings."""
        conn = self.db.conn
        began = not conn.in_transaction
        if began:
            conn.execute("BEGIN")  # deferred: a read snapshot, no write lock
        try:
            self._drop_synthesis_tables()
            bits = self._build_synthesis_tables(
                coders, filters, schools, min_passages, min_respondents
            )
            yield Evidence(self.db, bits)
        finally:
            self._drop_synthesis_tables()
            if began and conn.in_transaction:
                conn.execute("COMMIT")

    def _drop_synthesis_tables(self) -> None:
        for table in _TEMP_TABLES:
            self.db.execute(f"DROP TABLE IF EXISTS temp.{table}")

    def _build_synthesis_tables(
        self,
        coders: Sequence[int] | None,
        filters: Mapping[str, Sequence[str]],
        schools: SchoolRule,
        min_passages: int,
        min_respondents: int,
    ) -> dict[str, list[str]]:
        """Fill the TEMP tables; returns the role and method values by bit."""
        execute = self.db.execute
        by_coder = "" if coders is None else f" AND c.coder IN ({_marks(coders)})"
        coder_params = list(coders or [])
        # The one full pass: streams `codings_synthesis` (code, doc, ...) without sorting.
        execute(
            "CREATE TEMP TABLE synthesis_doc_code AS "
            "SELECT c.doc AS doc, c.code AS code, count(*) AS codings "
            f"FROM codings c {self._index('codings_synthesis')} WHERE c.status = 'ok'{by_coder} "
            "GROUP BY c.code, c.doc",
            coder_params,
        )
        execute(
            "CREATE TEMP TABLE synthesis_schools AS SELECT "
            "row_number() OVER (ORDER BY country, school_id) AS school, country, school_id, "
            "CASE WHEN count(DISTINCT school_group) = 1 THEN min(school_group) "
            "ELSE 'unknown' END AS grp, count(DISTINCT school_group) > 1 AS mixed "
            "FROM documents GROUP BY country, school_id"
        )
        execute(
            "CREATE UNIQUE INDEX temp.synthesis_schools_key "
            "ON synthesis_schools (country, school_id)"
        )
        documents, params = self._document_source(filters)
        if schools == "coded":
            documents += " AND d.num IN (SELECT doc FROM synthesis_doc_code)"
        execute(
            "CREATE TEMP TABLE synthesis_docs (doc INTEGER PRIMARY KEY, school INTEGER NOT NULL, "
            "grp TEXT NOT NULL, country TEXT NOT NULL, role TEXT NOT NULL, method TEXT NOT NULL, "
            "role_bit INTEGER NOT NULL DEFAULT 0, method_bit INTEGER NOT NULL DEFAULT 0)"
        )
        execute(
            "INSERT INTO synthesis_docs (doc, school, grp, country, role, method) "
            "SELECT d.doc, s.school, s.grp, d.country, "
            f"coalesce(d.role, '{UNSPECIFIED}'), coalesce(d.method, '{UNSPECIFIED}') "
            f"FROM ({documents}) d JOIN synthesis_schools s "
            "ON s.country = d.country AND s.school_id = d.school_id",
            params,
        )
        # Each role and method present gets a bit: one column per value in the per-school
        # tables below, so one aggregation serves every dimension.
        bits: dict[str, list[str]] = {}
        for dimension, column in (("respondent_role", "role"), ("method", "method")):
            values = [
                str(r[0])
                for r in execute(f"SELECT DISTINCT {column} FROM synthesis_docs ORDER BY 1")
            ]
            bits[dimension] = values
            if values:
                cases = " ".join(f"WHEN ? THEN {bit}" for bit in range(len(values)))
                execute(
                    f"UPDATE synthesis_docs SET {column}_bit = CASE {column} {cases} END", values
                )
        source = "SELECT e.doc AS doc, m.practice AS practice, e.codings AS codings, "
        source += "e.codings AS passages, e.codings AS respondents FROM synthesis_doc_code e "
        source += "JOIN code_practices m ON m.code = e.code"
        if min_passages > 1 or min_respondents > 1:
            self._build_synthesis_evidence(by_coder, coder_params, min_passages, min_respondents)
            source = "SELECT * FROM synthesis_evidence"
        self._build_school_tables(source, bits, min_passages, min_respondents)
        return bits

    def _build_synthesis_evidence(
        self, by_coder: str, coder_params: list[Any], min_passages: int, min_respondents: int
    ) -> None:
        """Codings, distinct passages and distinct respondents per (document, practice),
        for the thresholds (each count only when its threshold is over 1)."""
        passages_sql = "t.codings"
        respondents_sql = "t.codings"
        joins = ""
        params: list[Any] = []
        if min_passages > 1:
            # A passage is a distinct span: the same span coded by two coders, or with two
            # codes of the practice, is one passage.
            joins += (
                " LEFT JOIN (SELECT doc, practice, count(*) AS n FROM (SELECT DISTINCT c.doc AS "
                'doc, m.practice AS practice, c.start, c."end" FROM codings c '
                f"{self._index('codings_synthesis')} JOIN code_practices m ON m.code = c.code "
                f"WHERE c.status = 'ok'{by_coder}) GROUP BY doc, practice) p "
                "ON p.doc = t.doc AND p.practice = t.practice"
            )
            passages_sql = "coalesce(p.n, 0)"
            params += coder_params
        if min_respondents > 1:
            joins += (
                f" LEFT JOIN ({self._respondents_sql(by_coder)}) r "
                "ON r.doc = t.doc AND r.practice = t.practice"
            )
            respondents_sql = "coalesce(r.n, 0)"
            params += coder_params
        self.db.execute(
            "CREATE TEMP TABLE synthesis_evidence AS "
            f"SELECT t.doc AS doc, t.practice AS practice, t.codings AS codings, "
            f"{passages_sql} AS passages, {respondents_sql} AS respondents FROM ("
            "SELECT e.doc AS doc, m.practice AS practice, sum(e.codings) AS codings "
            "FROM synthesis_doc_code e JOIN synthesis_docs d ON d.doc = e.doc "
            "JOIN code_practices m ON m.code = e.code GROUP BY e.doc, m.practice) t"
            f"{joins}",
            params,
        )

    def _build_school_tables(
        self,
        source: str,
        bits: Mapping[str, Sequence[str]],
        min_passages: int,
        min_respondents: int,
    ) -> None:
        """One row per (school, practice) with a coding, and per (school, focus area):
        `present` (the school's documents together meet the thresholds) and a 0/1 column
        per role (`r0`, `r1`, ...) and method (`m0`, ...) whose documents meet them."""

        def meets(condition: str) -> str:
            rule = f"coalesce(sum(CASE WHEN {condition} THEN e.passages END), 0) >= {min_passages}"
            if min_respondents > 1:
                rule += (
                    f" AND coalesce(sum(CASE WHEN {condition} THEN e.respondents END), 0) "
                    f">= {min_respondents}"
                )
            return rule

        columns = [f"{meets('1')} AS present"]
        flags: list[str] = []
        for dimension, column in (("respondent_role", "role"), ("method", "method")):
            prefix = _BIT_PREFIX[dimension]
            for bit in range(len(bits[dimension])):
                columns.append(f"{meets(f'd.{column}_bit = {bit}')} AS {prefix}{bit}")
                flags.append(f"{prefix}{bit}")
        self.db.execute(
            "CREATE TEMP TABLE synthesis_school_practice AS SELECT d.school AS school, "
            "d.grp AS grp, d.country AS country, e.practice AS practice, "
            f"sum(e.codings) AS codings, {', '.join(columns)} FROM ({source}) e "
            "JOIN synthesis_docs d ON d.doc = e.doc GROUP BY d.school, e.practice"
        )
        # A focus area is present where any of its practices is: the max of the flags.
        maxima = "".join(f", max(t.{flag}) AS {flag}" for flag in ["present", *flags])
        self.db.execute(
            "CREATE TEMP TABLE synthesis_school_area AS SELECT t.school AS school, "
            f"t.grp AS grp, t.country AS country, f.parent AS area{maxima} "
            "FROM synthesis_school_practice t JOIN framework_items f ON f.num = t.practice "
            "GROUP BY t.school, f.parent"
        )

    @staticmethod
    def _respondents_sql(by_coder: str) -> str:
        """Distinct respondents per (document, practice). A respondent is a speaker label
        of a document: a coding belongs to the turn its start falls in (a turn's range
        runs from its start to the next turn's, the first from 0, so a label or the blank
        line before a turn belongs to the turn before). Interviewers' turns are nobody's
        testimony and are left out; turns without a label (observation notes) count as one
        respondent, the document. Walks each document's turns and seeks the codings in
        each turn's range through the (doc, start) index: several seconds at a million
        codings, so it runs only when a threshold on respondents asks for it."""
        return (
            "WITH spans AS MATERIALIZED (SELECT doc, "
            "CASE WHEN row_number() OVER w = 1 THEN 0 ELSE start END AS lo, "
            f"coalesce(lead(start) OVER w, {_END_OF_TEXT}) AS hi, "
            "coalesce(speaker, '') AS speaker, role FROM turns "
            "WHERE doc IN (SELECT doc FROM synthesis_docs) "
            "WINDOW w AS (PARTITION BY doc ORDER BY idx)) "
            "SELECT c.doc AS doc, m.practice AS practice, count(DISTINCT s.speaker) AS n "
            "FROM spans s JOIN codings c INDEXED BY codings_doc "
            "ON c.doc = s.doc AND c.start >= s.lo AND c.start < s.hi "
            "JOIN code_practices m ON m.code = c.code "
            "WHERE c.status = 'ok' AND (s.role IS NULL OR s.role <> 'interviewer')"
            f"{by_coder} GROUP BY c.doc, m.practice"
        )

    # --- quotes ------------------------------------------------------------------------

    def quote_candidates(
        self,
        item: str,
        coders: Sequence[int] | None,
        filters: Mapping[str, Sequence[str]],
        readable: tuple[int, int],
    ) -> list[dict[str, Any]]:
        """Candidate passages of a practice or focus area (by key), one per school and
        respondent role of the document: each document's passage of the most readable
        length (inside `readable` = (shortest, longest) characters, else the nearest to
        it; then the first), then the school and role's best document (then by name).
        Detached codings left out. The codings come from the covering index of schema v5
        (code first), so only the item's codes are read, and they are reduced to one per
        document before anything is sorted by school."""
        lo, hi = readable
        by_coder = "" if coders is None else f" AND c.coder IN ({_marks(coders)})"
        documents, params = self._document_source(filters)
        misfit = 'max(0, ? - (c."end" - c.start), (c."end" - c.start) - ?)'
        rows = self.db.execute(
            f"WITH item_codes AS ({_ITEM_CODES}), "
            f"docs AS MATERIALIZED (SELECT m.*, n.name AS document FROM ({documents}) m "
            "JOIN documents n ON n.num = m.doc), "
            # min() picks the row it came from: per document, the least misfit, then start
            f'best AS (SELECT c.doc AS doc, c.start AS start, c."end" AS "end", '
            f"min({misfit} * {_POSITIONS} + c.start) AS rank "
            f"FROM codings c {self._index('codings_synthesis')} WHERE c.status = 'ok' "
            "AND c.code IN (SELECT code FROM item_codes) AND c.doc IN (SELECT doc FROM docs)"
            f"{by_coder} GROUP BY c.doc), "
            f'picked AS (SELECT b.doc, b.start, b."end", b.rank / {_POSITIONS} AS misfit, '
            "d.document, d.country, d.school_id, d.school_group, d.role, d.method, "
            "row_number() OVER (PARTITION BY d.country, d.school_id, coalesce(d.role, '') "
            "ORDER BY b.rank, d.document) AS pick FROM best b JOIN docs d ON d.doc = b.doc) "
            'SELECT doc, start, "end", document, country, school_id, school_group, role, '
            "method, misfit FROM picked WHERE pick = 1 ORDER BY misfit, document, start",
            [item, item, *params, lo, hi, *(coders or [])],
        )
        keys = (
            "doc", "start", "end", "document", "country", "school_id", "school_group",
            "role", "method", "misfit",
        )  # fmt: skip
        return [dict(zip(keys, row, strict=True)) for row in rows]

    def quote_coding(
        self, doc: int, start: int, end: int, item: str, coders: Sequence[int] | None
    ) -> tuple[str, str]:
        """(uid, code key) of the coding a quote shows: among the item's codings of that
        exact span (by the chosen coders), the first code in codebook order."""
        by_coder = "" if coders is None else f" AND c.coder IN ({_marks(coders)})"
        row = self.db.execute(
            f"WITH item_codes AS ({_ITEM_CODES}) SELECT c.uid, k.key FROM codings c "
            "JOIN codes k ON k.num = c.code WHERE c.doc = ? AND c.start = ? "
            "AND c.\"end\" = ? AND c.status = 'ok' AND c.code IN (SELECT code FROM item_codes)"
            f"{by_coder} ORDER BY k.position, c.coder LIMIT 1",
            [item, item, doc, start, end, *(coders or [])],
        ).fetchone()
        return str(row[0]), str(row[1])

    def _document_source(self, filters: Mapping[str, Sequence[str]]) -> tuple[str, list[Any]]:
        """SQL for (doc, country, school_id, school_group, role, method) of the documents
        matching `filters`, read from the covering index of schema v5 when the filters
        name only its columns (the table's rows hold the text first: reading the metadata
        from them walks every transcript's overflow pages)."""
        clause, params = _filter_clause(filters, "d")
        index = self._index("documents_synthesis") if set(filters) <= _INDEXED_META else ""
        return (
            "SELECT d.num AS doc, d.country AS country, d.school_id AS school_id, "
            "d.school_group AS school_group, d.respondent_role AS role, d.method AS method "
            f"FROM documents d {index} WHERE 1{clause}"
        ), params

    def framework_item_kind(self, key: str) -> str | None:
        row = self.db.execute("SELECT kind FROM framework_items WHERE key = ?", [key]).fetchone()
        return None if row is None else str(row[0])

    def passage_parts(
        self, doc: int, start: int, end: int
    ) -> tuple[str, list[tuple[int, int, str | None, str]]]:
        """(text[start:end], the turns it overlaps as (start, end, role, kind) in order)."""
        row = self.db.execute(
            "SELECT substr(text, ? + 1, ?) FROM documents WHERE num = ?", [start, end - start, doc]
        ).fetchone()
        turns = self.db.execute(
            'SELECT start, "end", role, kind FROM turns WHERE doc = ? AND start < ? '
            'AND "end" > ? ORDER BY idx',
            [doc, end, start],
        )
        return str(row[0] if row else ""), [(int(t[0]), int(t[1]), t[2], str(t[3])) for t in turns]


def normalise_filters(filters: Filters | None) -> dict[str, tuple[str, ...]]:
    """Document column -> the values kept; an error a researcher can act on otherwise."""
    chosen: dict[str, tuple[str, ...]] = {}
    for key, value in (filters or {}).items():
        if key not in SYNTHESIS_FILTERS:
            raise InputError(f"cannot filter by {key!r}; use one of {', '.join(SYNTHESIS_FILTERS)}")
        values = (value,) if isinstance(value, str) else tuple(value)
        if not values:
            raise InputError(f"the filter on {key!r} names no value")
        chosen[key] = values
    return chosen


def coder_numbers(store: Store, coders: Sequence[str] | None) -> tuple[int, ...] | None:
    """The store's numbers of the named coders (None: everyone); an error naming the
    coders there are when one is unknown."""
    if coders is None:
        return None
    if not coders:
        raise InputError("name at least one coder, or choose everyone's codings")
    found = store.coder_numbers()
    missing = [name for name in coders if name not in found]
    if missing:
        known = ", ".join(sorted(found)) or "none yet"
        raise InputError(f"this project has no coder {missing[0]!r}; coders: {known}")
    return tuple(found[name] for name in coders)
