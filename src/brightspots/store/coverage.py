"""The coded-share cache (schema v2): how many segments of each document are coded, by
anyone (coder 0) and by each coder, so that the document list is drawn at once on a large
project. Triggers on `codings` mark a document stale; the store recounts only those."""

from __future__ import annotations

import bisect
from contextlib import AbstractContextManager

from brightspots.store.rows import Tables


class CoverageTables(Tables):
    def transaction(self) -> AbstractContextManager[None]:  # pragma: no cover
        """`Store.transaction` (BEGIN IMMEDIATE); declared here for the type checker."""
        raise NotImplementedError

    def refresh_coverage(self) -> None:
        """Recount coded segments of the documents whose codings changed (the triggers of
        schema v2 list them), for everyone (coder 0) and for each coder.

        A sweep in Python over each document's sorted segments: SQLite cannot bound an
        interval-overlap join, and that join took 12 s after a bulk load of 400,000 codings
        where this takes a fraction of it."""
        if self.db.execute("SELECT 1 FROM coverage_stale LIMIT 1").fetchone() is None:
            return
        # Read and write in one write transaction: two programs refreshing at once would
        # otherwise both insert the same rows, and a coding committed between the count
        # and the write would lose its stale mark.
        with self.transaction():
            covered = self._count_coverage()
            self.db.execute("DELETE FROM coverage WHERE doc IN (SELECT doc FROM coverage_stale)")
            self.db.conn.executemany(
                "INSERT INTO coverage (doc, coder, segments) VALUES (?, ?, ?)",
                [(doc, coder, len(hit)) for (doc, coder), hit in covered.items()],
            )
            self.db.execute("DELETE FROM coverage_stale")

    def _count_coverage(self) -> dict[tuple[int, int], set[int]]:
        """(doc, coder) -> indexes of the segments of a stale document that its codings
        overlap (coder 0: anyone's)."""
        stale = "SELECT doc FROM coverage_stale"
        segments: dict[int, tuple[list[int], list[int]]] = {}
        for doc, start, end in self.db.execute(
            f'SELECT doc, start, "end" FROM segments WHERE doc IN ({stale}) ORDER BY doc, idx'
        ):
            starts, ends = segments.setdefault(doc, ([], []))
            starts.append(start)
            ends.append(end)
        covered: dict[tuple[int, int], set[int]] = {}
        for doc, coder, start, end in self.db.execute(
            f'SELECT doc, coder, start, "end" FROM codings WHERE doc IN ({stale})'
        ):
            starts, ends = segments.get(doc, ([], []))
            first = bisect.bisect_right(ends, start)
            last = bisect.bisect_left(starts, end)
            if first < last:
                hit = range(first, last)
                covered.setdefault((doc, 0), set()).update(hit)
                covered.setdefault((doc, coder), set()).update(hit)
        return covered
