"""Store reads for exports (REFI-QDA projects, tables of codings): documents without their
text, and one document's codings with every identity a REFI file needs (uids of the code and
the coder, creation times), read document by document so that an export of a large
project never holds every coding at once."""

from __future__ import annotations

import json
from typing import Any

from brightspots.models import META_FIELDS
from brightspots.store.rows import Tables

EXCHANGE_DOCUMENT_COLUMNS = ("num", "uid", "name", "format", *META_FIELDS, "attributes")
EXCHANGE_CODING_COLUMNS = (
    "uid",
    "start",
    "end",
    "code_uid",
    "code",
    "coder_uid",
    "coder",
    "origin",
    "status",
    "created_at",
)


class ExchangeTables(Tables):
    def exchange_documents(self) -> list[dict[str, Any]]:
        """Every document's identity and metadata (attributes as a dict), by name."""
        columns = ", ".join(f'"{c}"' for c in EXCHANGE_DOCUMENT_COLUMNS)
        rows = self.db.execute(f"SELECT {columns} FROM documents ORDER BY name")
        documents = []
        for row in rows:
            record = dict(zip(EXCHANGE_DOCUMENT_COLUMNS, row, strict=True))
            record["attributes"] = json.loads(record["attributes"] or "{}")
            documents.append(record)
        return documents

    def document_text(self, num: int) -> str:
        row = self.db.execute("SELECT text FROM documents WHERE num = ?", [num]).fetchone()
        if row is None:
            raise KeyError(num)
        return str(row[0])

    def exchange_codings(self, num: int) -> list[dict[str, Any]]:
        """A document's codings in text order, with code and coder by uid and by name."""
        rows = self.db.execute(
            'SELECT c.uid, c.start, c."end", k.uid, k.key, p.uid, p.name, c.origin, c.status, '
            "c.created_at FROM codings c JOIN codes k ON k.num = c.code "
            "JOIN coders p ON p.num = c.coder WHERE c.doc = ? "
            'ORDER BY c.start, c."end", k.position',
            [num],
        )
        return [dict(zip(EXCHANGE_CODING_COLUMNS, row, strict=True)) for row in rows]
