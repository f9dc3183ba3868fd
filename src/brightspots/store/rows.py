"""What every store module shares: the database handle, meta values, ids and timestamps."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import sqlite_utils


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def new_uid() -> str:
    return str(uuid.uuid4())


class Tables:
    """Base of the store's parts (each part is a group of tables)."""

    db: sqlite_utils.Database

    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, value],
        )

    def delete_meta(self, key: str) -> None:
        self.db.execute("DELETE FROM meta WHERE key = ?", [key])
