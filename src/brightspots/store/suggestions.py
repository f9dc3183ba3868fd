"""Store tables and queries for code suggestions: uncoded segments, coded passages, and
coders' verdicts on suggestions (schema v3)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from brightspots.store.rows import Tables, new_uid, now

Span = tuple[int, int, int]  # (document num, start, end)


def _marks(values: Sequence[Any]) -> str:
    return ", ".join("?" for _ in values)


# Shorter segments are greetings and one-word answers: never suggested, never clustered.
MIN_PASSAGE = 15


class SuggestionTables(Tables):
    # --- passages --------------------------------------------------------------------

    def uncoded_segments(
        self, coders: Sequence[str] | None = None, documents: Sequence[str] | None = None
    ) -> list[Span]:
        """(document num, start, end) of the segments no coding overlaps, in document
        order: no coding by anyone, or by none of `coders`; in every document, or in the
        named ones. Interviewers' questions and fragments shorter than MIN_PASSAGE
        characters ("Bonjour.", "Yes.") are not passages anyone codes, so they are left out."""
        clauses = [
            f'(s."end" - s.start) >= {MIN_PASSAGE}',
            "NOT EXISTS (SELECT 1 FROM turns t WHERE t.doc = s.doc AND t.idx = s.turn_idx "
            "AND t.role = 'interviewer')",
            "NOT EXISTS (SELECT 1 FROM codings c WHERE c.doc = s.doc "
            'AND c.start < s."end" AND c."end" > s.start',
        ]
        params: list[Any] = []
        if coders is not None:
            clauses[2] += (
                f" AND c.coder IN (SELECT num FROM coders WHERE name IN ({_marks(coders)}))"
            )
            params += list(coders)
        clauses[2] += ")"
        if documents is not None:
            clauses.append(
                f"s.doc IN (SELECT num FROM documents WHERE name IN ({_marks(documents)}) "
                f"OR uid IN ({_marks(documents)}))"
            )
            params += [*documents, *documents]
        rows = self.db.execute(
            f'SELECT s.doc, s.start, s."end" FROM segments s WHERE {" AND ".join(clauses)} '
            "ORDER BY s.doc, s.idx",
            params,
        )
        return [(int(r[0]), int(r[1]), int(r[2])) for r in rows]

    def passages(self, spans: Sequence[Span]) -> list[tuple[str, int, int, str]]:
        """(document name, start, end, text) of spans, in the order given; each document's
        text is read once."""
        texts: dict[int, tuple[str, str]] = {}
        for doc in sorted({span[0] for span in spans}):
            row = self.db.execute(
                "SELECT name, text FROM documents WHERE num = ?", [doc]
            ).fetchone()
            texts[doc] = (str(row[0]), str(row[1]))
        return [(texts[d][0], a, b, texts[d][1][a:b]) for d, a, b in spans]

    def coded_passages(self, coders: Sequence[str] | None = None) -> list[tuple[str, str]]:
        """(code key, snippet) of the codings in place (not detached), by anyone or by
        `coders`, oldest first."""
        where = "WHERE c.status = 'ok'"
        params: list[Any] = []
        if coders is not None:
            where += f" AND p.name IN ({_marks(coders)})"
            params += list(coders)
        rows = self.db.execute(
            "SELECT k.key, c.snippet FROM codings c JOIN codes k ON k.num = c.code "
            f"JOIN coders p ON p.num = c.coder {where} ORDER BY c.num",
            params,
        )
        return [(str(r[0]), str(r[1])) for r in rows]

    # --- verdicts on suggestions --------------------------------------------------------

    def add_feedback(
        self,
        doc: int,
        start: int,
        end: int,
        snippet: str,
        code: int,
        coder: int,
        verdict: str,
        score: float | None,
    ) -> str:
        """Record (or replace) a coder's verdict on a code for a span; returns its uid."""
        uid = new_uid()
        self.db.execute(
            'INSERT INTO suggestion_feedback (uid, doc, start, "end", snippet, code, coder, '
            "verdict, score, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            'ON CONFLICT (doc, start, "end", code, coder) DO UPDATE SET '
            "verdict = excluded.verdict, score = excluded.score, snippet = excluded.snippet, "
            "created_at = excluded.created_at",
            [uid, doc, start, end, snippet, code, coder, verdict, score, now()],
        )
        row = self.db.execute(
            'SELECT uid FROM suggestion_feedback WHERE doc = ? AND start = ? AND "end" = ? '
            "AND code = ? AND coder = ?",
            [doc, start, end, code, coder],
        ).fetchone()
        return str(row[0])

    _FEEDBACK = (
        'SELECT f.uid, d.name, f.start, f."end", f.snippet, k.key, p.name, f.verdict, '
        "f.score, f.created_at FROM suggestion_feedback f JOIN documents d ON d.num = f.doc "
        "JOIN codes k ON k.num = f.code JOIN coders p ON p.num = f.coder "
    )
    _FEEDBACK_KEYS = (
        "uid",
        "document",
        "start",
        "end",
        "snippet",
        "code",
        "coder",
        "verdict",
        "score",
        "created_at",
    )

    def list_feedback(
        self, coders: Sequence[str] | None = None, verdict: str | None = None
    ) -> list[dict[str, Any]]:
        """Verdicts, oldest first: by anyone or by `coders`; of one kind or both."""
        clauses: list[str] = []
        params: list[Any] = []
        if coders is not None:
            clauses.append(f"p.name IN ({_marks(coders)})")
            params += list(coders)
        if verdict is not None:
            clauses.append("f.verdict = ?")
            params.append(verdict)
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        rows = self.db.execute(self._FEEDBACK + where + " ORDER BY f.num", params)
        return [dict(zip(self._FEEDBACK_KEYS, r, strict=True)) for r in rows]

    def rejected_pairs(self, coders: Sequence[str] | None = None) -> set[tuple[str, int, int, str]]:
        """(document name, start, end, code key) of rejected suggestions."""
        return {
            (f["document"], f["start"], f["end"], f["code"])
            for f in self.list_feedback(coders, "rejected")
        }

    def delete_feedback(self, uids: Iterable[str]) -> int:
        removed = 0
        for uid in uids:
            removed += self.db.execute(
                "DELETE FROM suggestion_feedback WHERE uid = ?", [uid]
            ).rowcount
        return removed
