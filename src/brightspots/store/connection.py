"""The SQLite connection of a project file: its settings, and waiting out other writers.

Several programs may use one project at once (two workbenches; a workbench and an import,
a merge or a suggestion run). SQLite lets one of them write at a time. Three things keep a
researcher from ever seeing "database is locked":

1. Every write transaction starts with BEGIN IMMEDIATE (`Store.transaction`): a writer takes
   the lock before it reads what it will change, so two writers queue and never deadlock,
   and once BEGIN succeeds nothing later in the transaction is refused for the lock (WAL).
2. `busy_timeout`: a statement that finds the lock taken waits for it (SQLite polls).
3. `ProjectConnection` tries a refused statement again, with growing pauses, for up to
   `WRITE_WAIT_S` in all; only then does the researcher get a `ProjectError` naming the file
   and saying why. Only statements that changed nothing when refused are tried again: a
   BEGIN, or one statement outside a transaction (atomic on its own). Inside an open
   transaction a refusal passes through untouched (replaying part of a transaction is not
   safe), and the transaction rolls back as a whole.

Durability: WAL with `synchronous = FULL`, so a committed transaction survives the program
being killed and the machine losing power (fieldwork laptops run out of battery)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from brightspots.errors import ProjectError

BUSY_TIMEOUT_MS = 5_000
"""How long SQLite itself waits for the write lock, per attempt."""

WRITE_WAIT_S = 120.0
"""How long, in all, a statement waits for another program to finish writing."""

_T = TypeVar("_T")
_BUSY_CODES = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def is_busy(error: BaseException) -> bool:
    """Whether an SQLite error means "another connection holds the lock"."""
    if not isinstance(error, sqlite3.OperationalError):
        return False
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return (code & 0xFF) in _BUSY_CODES
    message = str(error)
    return "database is locked" in message or "database table is locked" in message


class ProjectConnection(sqlite3.Connection):
    """An SQLite connection that waits out other writers (see the module's docstring)."""

    path: Path = Path()

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        if self.in_transaction:
            return sqlite3.Connection.execute(self, sql, parameters)
        return self.retrying(lambda: sqlite3.Connection.execute(self, sql, parameters))

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> sqlite3.Cursor:
        if self.in_transaction:
            return sqlite3.Connection.executemany(self, sql, parameters)
        rows = list(parameters)  # a generator cannot be replayed after a refusal
        return self.retrying(lambda: sqlite3.Connection.executemany(self, sql, rows))

    def retrying(self, attempt: Callable[[], _T]) -> _T:
        """Run `attempt` (which must change nothing when refused) until the lock is free
        or `WRITE_WAIT_S` has passed."""
        wait_s = WRITE_WAIT_S
        deadline = time.monotonic() + wait_s
        pause = 0.01
        while True:
            try:
                return attempt()
            except sqlite3.OperationalError as error:
                if not is_busy(error):
                    raise
                if time.monotonic() >= deadline:
                    raise ProjectError(
                        f"{self.path} is busy: another program has been writing to it for "
                        f"over {wait_s:.0f} s (an import, a merge or a suggestion run?). "
                        "Nothing was changed; try again when it has finished."
                    ) from error
            time.sleep(pause)
            pause = min(pause * 2, 0.5)


def connect(path: Path, read_only: bool = False) -> ProjectConnection:
    """Open a project file with the settings every connection to it uses."""
    if read_only:
        target, uri = path.resolve().as_uri() + "?mode=ro", True
    else:
        target, uri = str(path), False
    # isolation_level=None: the store issues BEGIN/COMMIT itself, so a multi-row write is
    # exactly one transaction and DDL in migrations is covered too.
    conn = sqlite3.connect(
        target,
        isolation_level=None,
        check_same_thread=False,
        uri=uri,
        factory=ProjectConnection,
    )
    assert isinstance(conn, ProjectConnection)
    conn.path = path
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if not read_only:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
    except sqlite3.DatabaseError as error:
        conn.close()
        raise ProjectError(f"{path} is not a brightspots project ({error}).") from error
    return conn
