"""Store tables and queries for candidate themes: the segments a theme run works on, and
the last run's result with the researchers' verdicts on its themes (schema v4).

A run's result is kept as JSON (what `themes.py` computed: themes, keywords, quotes,
members); only the latest run is kept, so the workbench can show it again without
recomputing. Verdicts (a theme promoted to a code, or dismissed) are rows of their own."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from brightspots.models import META_FIELDS
from brightspots.store.rows import Tables, now

# What theme runs may filter on: document metadata, and `role`, the speaker's role in the
# turn (a teacher's words in a head teacher's interview).
THEME_FILTERS = (*META_FIELDS, "format", "role")
SegmentRow = tuple[int, str, int, int, str, str, str]
"""(segment id, document name, start, end, language, country, school group)"""

# Segment ids per `IN (...)` look-up: well under SQLite's smallest limit on parameters.
LOOKUP_CHUNK = 500


def _marks(values: Sequence[Any]) -> str:
    return ", ".join("?" for _ in values)


class ThemeTables(Tables):
    def theme_segments(
        self,
        uncoded: bool,
        coders: Sequence[str] | None = None,
        filters: Mapping[str, str | Sequence[str]] | None = None,
        skip_roles: Sequence[str] = (),
    ) -> list[SegmentRow]:
        """The segments a theme run looks at, in document order: all of them or those no
        coding overlaps (no coding by anyone, or by none of `coders`); of documents
        matching `filters` (a value or a list of values per column; `role` is the
        speaker's role); leaving out turns whose speaker's role is in `skip_roles`."""
        clauses: list[str] = []
        params: list[Any] = []
        if uncoded:
            clause = (
                "NOT EXISTS (SELECT 1 FROM codings c WHERE c.doc = s.doc "
                'AND c.start < s."end" AND c."end" > s.start'
            )
            if coders is not None:
                clause += (
                    f" AND c.coder IN (SELECT num FROM coders WHERE name IN ({_marks(coders)}))"
                )
                params += list(coders)
            clauses.append(clause + ")")
        for key, value in (filters or {}).items():
            if key not in THEME_FILTERS:
                raise ValueError(f"cannot filter segments by {key!r}")
            values = [value] if isinstance(value, str) else list(value)
            column = "t.role" if key == "role" else f"d.{key}"
            clauses.append(f"{column} IN ({_marks(values)})")
            params += values
        if skip_roles:
            clauses.append(f"(t.role IS NULL OR t.role NOT IN ({_marks(skip_roles)}))")
            params += list(skip_roles)
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        rows = self.db.execute(
            'SELECT s.id, d.name, s.start, s."end", d.language, d.country, d.school_group '
            "FROM segments s JOIN documents d ON d.num = s.doc "
            f"JOIN turns t ON t.doc = s.doc AND t.idx = s.turn_idx {where} "
            "ORDER BY s.doc, s.idx",
            params,
        )
        return [(int(r[0]), str(r[1]), int(r[2]), int(r[3]), r[4], r[5], r[6]) for r in rows]

    def segment_texts(self, ids: Sequence[int]) -> list[str]:
        """The text of segments by id, in the order given (read from the documents'
        text, only the spans)."""
        found: dict[int, str] = {}
        for first in range(0, len(ids), LOOKUP_CHUNK):
            chunk = list(ids[first : first + LOOKUP_CHUNK])
            rows = self.db.execute(
                'SELECT s.id, substr(d.text, s.start + 1, s."end" - s.start) FROM segments s '
                f"JOIN documents d ON d.num = s.doc WHERE s.id IN ({_marks(chunk)})",
                chunk,
            )
            found.update((int(r[0]), str(r[1])) for r in rows)
        return [found[i] for i in ids]

    # --- the last run --------------------------------------------------------------------

    def save_theme_run(self, uid: str, model: str, result: str) -> int:
        """Keep a run's result (JSON) as the project's themes, replacing the previous run
        and its verdicts; returns the run's number."""
        self.db.execute("DELETE FROM theme_runs")
        cursor = self.db.execute(
            "INSERT INTO theme_runs (uid, created_at, model, result) VALUES (?, ?, ?, ?)",
            [uid, now(), model, result],
        )
        return int(cursor.lastrowid or 0)

    def last_theme_run(self) -> dict[str, Any] | None:
        """The kept run (num, uid, created_at, model, result), if any."""
        row = self.db.execute(
            "SELECT num, uid, created_at, model, result FROM theme_runs ORDER BY num DESC LIMIT 1"
        ).fetchone()
        if row is None:
            return None
        return dict(zip(("num", "uid", "created_at", "model", "result"), row, strict=True))

    def theme_verdicts(self, run: int) -> dict[int, tuple[str, str | None]]:
        """theme id -> (verdict, code key or None) for a run."""
        rows = self.db.execute(
            "SELECT theme, verdict, code FROM theme_verdicts WHERE run = ?", [run]
        )
        return {int(r[0]): (str(r[1]), r[2]) for r in rows}

    def set_theme_verdict(
        self, run: int, theme: int, verdict: str, code: str | None, coder: int | None
    ) -> None:
        self.db.execute(
            "INSERT INTO theme_verdicts (run, theme, verdict, code, coder, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (run, theme) DO UPDATE SET "
            "verdict = excluded.verdict, code = excluded.code, coder = excluded.coder, "
            "created_at = excluded.created_at",
            [run, theme, verdict, code, coder, now()],
        )

    def delete_theme_verdict(self, run: int, theme: int) -> None:
        self.db.execute("DELETE FROM theme_verdicts WHERE run = ? AND theme = ?", [run, theme])
