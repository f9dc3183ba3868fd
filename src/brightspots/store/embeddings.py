"""Store table of the embedding cache: vectors keyed by (model, text hash).

Vectors are kept as raw float32 bytes with their dimension; turning them into arrays is the
embedding module's business, so the store needs no numpy."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from brightspots.store.rows import Tables

# Hashes per `IN (...)` look-up: well under SQLite's smallest limit on bound parameters.
LOOKUP_CHUNK = 500


class EmbeddingTables(Tables):
    def get_embeddings(self, model: str, hashes: Sequence[str]) -> dict[str, tuple[int, bytes]]:
        """hash -> (dimension, float32 bytes) for the hashes cached for `model`."""
        found: dict[str, tuple[int, bytes]] = {}
        for first in range(0, len(hashes), LOOKUP_CHUNK):
            chunk = list(hashes[first : first + LOOKUP_CHUNK])
            marks = ", ".join("?" for _ in chunk)
            rows = self.db.execute(
                "SELECT text_hash, dim, vector FROM embeddings "
                f"WHERE model = ? AND text_hash IN ({marks})",
                [model, *chunk],
            )
            found.update((key, (int(dim), bytes(blob))) for key, dim, blob in rows)
        return found

    def add_embeddings(self, model: str, rows: Iterable[tuple[str, int, bytes]]) -> None:
        """Store (hash, dimension, float32 bytes) rows for `model`, replacing any stored."""
        self.db.conn.executemany(
            "INSERT OR REPLACE INTO embeddings (model, text_hash, dim, vector) VALUES (?, ?, ?, ?)",
            [(model, key, dim, blob) for key, dim, blob in rows],
        )

    def count_embeddings(self, model: str | None = None) -> int:
        if model is None:
            return int(self.db.execute("SELECT count(*) FROM embeddings").fetchone()[0])
        return int(
            self.db.execute("SELECT count(*) FROM embeddings WHERE model = ?", [model]).fetchone()[
                0
            ]
        )

    def delete_embeddings(self, model: str | None = None) -> int:
        """Forget cached vectors (of one model, or all); returns how many."""
        if model is None:
            cursor = self.db.execute("DELETE FROM embeddings")
        else:
            cursor = self.db.execute("DELETE FROM embeddings WHERE model = ?", [model])
        return int(cursor.rowcount)
