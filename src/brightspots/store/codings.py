"""Store tables of codings, memos and the history of coding actions."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from brightspots.store.rows import Tables, new_uid, now


class CodingTables(Tables):
    def codings_of_document(self, num: int) -> list[dict[str, Any]]:
        rows = self.db.execute(
            'SELECT c.num, c.uid, c.start, c."end", c.snippet, k.key, p.name, c.origin, c.status '
            "FROM codings c JOIN codes k ON k.num = c.code JOIN coders p ON p.num = c.coder "
            'WHERE c.doc = ? ORDER BY c.start, c."end"',
            [num],
        )
        keys = ("num", "uid", "start", "end", "snippet", "code", "coder", "origin", "status")
        return [dict(zip(keys, row, strict=True)) for row in rows]

    def move_coding(self, num: int, start: int, end: int, status: str) -> None:
        self.db.execute(
            'UPDATE codings SET start = ?, "end" = ?, status = ? WHERE num = ?',
            [start, end, status, num],
        )

    def add_codings(self, rows: Iterable[Mapping[str, Any]]) -> tuple[int, int]:
        """Insert codings (doc num, start, end, code num, coder num, snippet, origin);
        returns (added, already present)."""
        added = present = 0
        stamp = now()
        for row in rows:
            cursor = self.db.execute(
                'INSERT OR IGNORE INTO codings (uid, doc, start, "end", code, coder, snippet, '
                "origin, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'ok', ?)",
                [
                    new_uid(),
                    row["doc"],
                    row["start"],
                    row["end"],
                    row["code"],
                    row["coder"],
                    row["snippet"],
                    row.get("origin", "manual"),
                    stamp,
                ],
            )
            if cursor.rowcount:
                added += 1
            else:
                present += 1
        return added, present

    # --- single codings, addressed by uid (what the history records) -----------------

    _CODING = (
        'SELECT c.uid, d.uid, c.start, c."end", k.uid, k.key, p.name, c.snippet, c.origin, '
        "c.status, c.created_at FROM codings c JOIN documents d ON d.num = c.doc "
        "JOIN codes k ON k.num = c.code JOIN coders p ON p.num = c.coder "
    )
    _CODING_KEYS = (
        "uid",
        "document",
        "start",
        "end",
        "code_uid",
        "code",
        "coder",
        "snippet",
        "origin",
        "status",
        "created_at",
    )

    def get_coding(self, uid: str) -> dict[str, Any] | None:
        row = self.db.execute(self._CODING + "WHERE c.uid = ?", [uid]).fetchone()
        return None if row is None else dict(zip(self._CODING_KEYS, row, strict=True))

    def find_coding(self, doc: int, start: int, end: int, code: int, coder: int) -> str | None:
        row = self.db.execute(
            'SELECT uid FROM codings WHERE doc = ? AND start = ? AND "end" = ? AND code = ? '
            "AND coder = ?",
            [doc, start, end, code, coder],
        ).fetchone()
        return None if row is None else str(row[0])

    def insert_coding(self, coding: Mapping[str, Any]) -> None:
        """Insert one coding given by uids and names (as the history stores it)."""
        self.db.execute(
            'INSERT INTO codings (uid, doc, start, "end", code, coder, snippet, origin, status, '
            "created_at) VALUES (?, (SELECT num FROM documents WHERE uid = ?), ?, ?, "
            "(SELECT num FROM codes WHERE uid = ?), (SELECT num FROM coders WHERE name = ?), "
            "?, ?, ?, ?)",
            [
                coding["uid"],
                coding["document"],
                coding["start"],
                coding["end"],
                coding["code_uid"],
                coding["coder"],
                coding["snippet"],
                coding["origin"],
                coding.get("status", "ok"),
                coding.get("created_at") or now(),
            ],
        )

    def delete_coding(self, uid: str) -> None:
        self.db.execute("DELETE FROM codings WHERE uid = ?", [uid])

    def codings_of_code(self, code_uid: str) -> list[dict[str, Any]]:
        rows = self.db.execute(self._CODING + "WHERE k.uid = ? ORDER BY c.num", [code_uid])
        return [dict(zip(self._CODING_KEYS, row, strict=True)) for row in rows]

    def recode(self, coding_uid: str, code_uid: str) -> None:
        self.db.execute(
            "UPDATE codings SET code = (SELECT num FROM codes WHERE uid = ?) WHERE uid = ?",
            [code_uid, coding_uid],
        )

    # --- memos ---------------------------------------------------------------------

    _MEMO = (
        'SELECT m.uid, m.target, d.uid, m.start, m."end", k.uid, g.uid, p.name, m.text, '
        "m.created_at, m.updated_at FROM memos m LEFT JOIN documents d ON d.num = m.doc "
        "LEFT JOIN codes k ON k.num = m.code LEFT JOIN codings g ON g.num = m.coding "
        "JOIN coders p ON p.num = m.coder "
    )
    _MEMO_KEYS = (
        "uid",
        "target",
        "document",
        "start",
        "end",
        "code_uid",
        "coding",
        "coder",
        "text",
        "created_at",
        "updated_at",
    )

    def get_memo(self, uid: str) -> dict[str, Any] | None:
        row = self.db.execute(self._MEMO + "WHERE m.uid = ?", [uid]).fetchone()
        return None if row is None else dict(zip(self._MEMO_KEYS, row, strict=True))

    def list_memos(
        self, document_uid: str | None = None, code_uid: str | None = None
    ) -> list[dict[str, Any]]:
        clauses, params = [], []
        if document_uid is not None:
            clauses.append("d.uid = ?")
            params.append(document_uid)
        if code_uid is not None:
            clauses.append("k.uid = ?")
            params.append(code_uid)
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        rows = self.db.execute(self._MEMO + where + " ORDER BY m.start, m.num", params)
        return [dict(zip(self._MEMO_KEYS, row, strict=True)) for row in rows]

    def insert_memo(self, memo: Mapping[str, Any]) -> None:
        self.db.execute(
            'INSERT INTO memos (uid, target, doc, start, "end", code, coding, coder, text, '
            "created_at, updated_at) VALUES (?, ?, (SELECT num FROM documents WHERE uid = ?), "
            "?, ?, (SELECT num FROM codes WHERE uid = ?), "
            "(SELECT num FROM codings WHERE uid = ?), (SELECT num FROM coders WHERE name = ?), "
            "?, ?, ?)",
            [
                memo["uid"],
                memo["target"],
                memo.get("document"),
                memo.get("start"),
                memo.get("end"),
                memo.get("code_uid"),
                memo.get("coding"),
                memo["coder"],
                memo["text"],
                memo.get("created_at") or now(),
                memo.get("updated_at") or now(),
            ],
        )

    def set_memo_text(self, uid: str, text: str) -> None:
        self.db.execute(
            "UPDATE memos SET text = ?, updated_at = ? WHERE uid = ?", [text, now(), uid]
        )

    def set_memo_code(self, uid: str, code_uid: str) -> None:
        self.db.execute(
            "UPDATE memos SET code = (SELECT num FROM codes WHERE uid = ?) WHERE uid = ?",
            [code_uid, uid],
        )

    def delete_memo(self, uid: str) -> None:
        self.db.execute("DELETE FROM memos WHERE uid = ?", [uid])

    # --- history ---------------------------------------------------------------------

    def record(self, action: str, payload: Mapping[str, Any], coder: str) -> int:
        """Append an event by a coder (created on first use); returns its sequence number."""
        num = self.db.execute("SELECT num FROM coders WHERE name = ?", [coder]).fetchone()
        if num is None:
            self.db.execute(
                "INSERT INTO coders (uid, name, created_at) VALUES (?, ?, ?)",
                [new_uid(), coder, now()],
            )
        cursor = self.db.execute(
            "INSERT INTO events (uid, at, coder, action, payload) VALUES (?, ?, "
            "(SELECT num FROM coders WHERE name = ?), ?, ?)",
            [new_uid(), now(), coder, action, json.dumps(payload, ensure_ascii=False)],
        )
        return int(cursor.lastrowid or 0)

    def history(self, coder: str, actions: Iterable[str]) -> list[tuple[int, str, dict[str, Any]]]:
        """(seq, action, payload) of a coder's events among `actions`, oldest first."""
        wanted = list(actions)
        marks = ", ".join("?" for _ in wanted)
        rows = self.db.execute(
            f"SELECT e.seq, e.action, e.payload FROM events e JOIN coders c ON c.num = e.coder "
            f"WHERE c.name = ? AND e.action IN ({marks}) ORDER BY e.seq",
            [coder, *wanted],
        )
        return [(r[0], r[1], json.loads(r[2])) for r in rows]
