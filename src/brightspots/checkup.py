"""`brightspots check`: is a project file whole, and is every coding where its text is?

What is checked: SQLite's own `integrity_check` and `foreign_key_check`; orphans the
schema cannot catch (memos whose target is gone, segments whose turn is gone); turns,
segments and annotations that lie outside their document; stored counts and text hashes;
the full-text index against the segments; the triggers that keep the events log
append-only; and codings whose span no longer holds their snippet.

`repair` does only what can be undone or rebuilt, after backing the file up, in one
transaction recorded as a `check.repair` event: a coding whose snippet occurs exactly
once in its document moves there, any other mismatched coding is flagged `detached`
(never deleted: its offsets and snippet stay, and the event lists the old spans); the
full-text index, counts, hashes and coverage cache are rebuilt from the text; damaged
indexes are rebuilt (REINDEX); lost append-only triggers are created again. Orphans and
damage beyond indexes are reported, not touched: restoring a backup is the cure, and
repair refuses to write into a file SQLite finds damaged."""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from brightspots.errors import ProjectError
from brightspots.store import Store
from brightspots.store import health as sql
from brightspots.store.backup import back_up, list_backups
from brightspots.store.migrations import SCHEMA_VERSION

REINDEX = "rebuild the indexes (REINDEX)"
RELOCATE = "move it to the one place its snippet occurs, or flag it detached"
REBUILD_FTS = "rebuild the full-text index from the text"
RECOUNT = "recount from the text"
TRIGGERS = "create the append-only triggers again"
RESTORE_HINT = "restore a backup: `brightspots restore {path}` lists them"


@dataclass(frozen=True)
class Problem:
    kind: str  # integrity | unreadable | orphan | bounds | counts | search-index | events | coding
    subject: str
    detail: str
    repair: str | None = None  # what `repair` would do; None: only a backup can help


@dataclass(frozen=True)
class CheckReport:
    path: str
    integrity: tuple[str, ...]
    problems: tuple[Problem, ...]
    counts: dict[str, int] = field(default_factory=dict)
    backups: tuple[str, ...] = ()  # the backups beside the file, newest first

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def repairable(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.repair is not None)

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "ok": self.ok,
            "integrity": list(self.integrity),
            "problems": [asdict(p) for p in self.problems],
            "counts": self.counts,
            "backups": list(self.backups),
        }


@dataclass(frozen=True)
class RepairReport:
    backup: str | None  # None when there was nothing to repair
    relocated: int
    detached: int
    actions: tuple[str, ...]
    before: CheckReport
    after: CheckReport

    def to_json(self) -> dict[str, Any]:
        return {
            "backup": self.backup,
            "relocated": self.relocated,
            "detached": self.detached,
            "actions": list(self.actions),
            "before": self.before.to_json(),
            "after": self.after.to_json(),
        }


def check_file(path: Path) -> CheckReport:
    """Check a project file, even one too damaged to open: that is reported, not raised
    (only a missing file is an error)."""
    if not path.is_file():
        raise ProjectError(f"{path}: no such project file.")
    _refuse_newer(path)
    try:
        store = Store.open(path)
    except (ProjectError, sqlite3.DatabaseError) as error:
        message = getattr(error, "message", str(error))
        problem = Problem("unreadable", str(path), f"{message} ({RESTORE_HINT.format(path=path)})")
        return CheckReport(str(path), (), (problem,), backups=_backups(path))
    try:
        return check(store)
    finally:
        store.close()


def _refuse_newer(path: Path) -> None:
    """A file from a newer brightspots is not damaged: say so, as opening it does."""
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return  # unreadable: the check reports it
    if version > SCHEMA_VERSION:
        raise ProjectError(
            f"{path} was written by a newer brightspots (schema {version}, this one knows "
            f"{SCHEMA_VERSION}); check it with that version."
        )


def check(store: Store) -> CheckReport:
    path = store.path
    integrity = tuple(sql.integrity_messages(store))
    problems: list[Problem] = []
    if integrity != ("ok",):
        index_only = all(any(m in line for m in sql.INDEX_MESSAGES) for line in integrity)
        hint = None if index_only else RESTORE_HINT.format(path=path)
        for line in integrity:
            problems.append(Problem("integrity", "the file", line + (f" ({hint})" if hint else "")))
        if index_only:
            problems.append(
                Problem("integrity", "indexes", "an index disagrees with its table", REINDEX)
            )
    try:
        problems += _schema_problems(store)
    except sqlite3.DatabaseError as error:
        problems.append(
            Problem("unreadable", "tables", f"{error} ({RESTORE_HINT.format(path=path)})")
        )
    return CheckReport(str(path), integrity, tuple(problems), _counts(store), _backups(path))


def _schema_problems(store: Store) -> list[Problem]:
    problems: list[Problem] = []
    by_table = Counter((table, parent) for table, _, parent in sql.foreign_key_problems(store))
    for (table, parent), count in sorted(by_table.items()):
        problems.append(
            Problem("orphan", table, f"{count} row(s) refer to {parent} rows that do not exist")
        )
    for uid in sql.orphan_memos(store):
        problems.append(Problem("orphan", f"memo {uid}", "its document, code or coding is gone"))
    for name, index in sql.orphan_segments(store):
        problems.append(Problem("orphan", f"{name}, segment {index}", "its turn does not exist"))
    for table, name, start, end in sql.parts_out_of_bounds(store):
        problems.append(
            Problem("bounds", f"{name}", f"a row of {table} ({start}-{end}) lies outside the text")
        )
    for _, name, column, stored, actual in sql.document_counts(store):
        problems.append(Problem("counts", name, f"{column} is {stored}, not {actual}", RECOUNT))
    for name in sql.text_hash_mismatches(store):
        problems.append(
            Problem(
                "counts", name, "the text changed outside brightspots (its hash differs)", RECOUNT
            )
        )
    missing, extra = sql.fts_differences(store)
    if missing or extra:
        problems.append(
            Problem(
                "search-index",
                "segments_fts",
                f"{missing} segment(s) missing from the full-text index, {extra} stale row(s)",
                REBUILD_FTS,
            )
        )
    for name in sql.missing_event_triggers(store):
        problems.append(
            Problem("events", name, "the events log is no longer append-only", TRIGGERS)
        )
    for coding in sql.mismatched_codings(store):
        problems.append(
            Problem(
                "coding",
                coding["uid"],
                f"{coding['document']} {coding['start']}-{coding['end']} ({coding['code']}, "
                f"{coding['coder']}): the text there is no longer {_short(coding['snippet'])}",
                RELOCATE,
            )
        )
    return problems


def repair(store: Store) -> RepairReport:
    """Mend what `check` marks repairable (see the module's docstring); back up first."""
    before = check(store)
    if any(p.kind in ("integrity", "unreadable") and p.repair is None for p in before.problems):
        raise ProjectError(
            f"{store.path} is damaged in a way repair does not touch "
            f"({before.problems[0].detail}); {RESTORE_HINT.format(path=store.path)}."
        )
    kinds = {p.repair for p in before.repairable}
    if not kinds:
        return RepairReport(None, 0, 0, (), before, before)
    backup = back_up(store.db.conn, store.path, "before-repair")
    actions: list[str] = []
    moves: list[dict[str, Any]] = []
    with store.transaction():
        if REINDEX in kinds:
            sql.reindex(store)
            actions.append(REINDEX)
        if TRIGGERS in kinds:
            sql.restore_event_triggers(store)
            actions.append(TRIGGERS)
        if RELOCATE in kinds:
            moves = _relocate(store)
        if REBUILD_FTS in kinds:
            sql.rebuild_fts(store)
            actions.append(REBUILD_FTS)
        if RECOUNT in kinds:
            sql.recount_documents(store)
            actions.append("recount characters, segments and text hashes")
        sql.recount_coverage(store)
        store.add_event("check.repair", {"actions": actions, "codings": moves})
    store.refresh_coverage()
    relocated = sum(1 for m in moves if m["status"] == "ok")
    return RepairReport(
        str(backup), relocated, len(moves) - relocated, tuple(actions), before, check(store)
    )


def _relocate(store: Store) -> list[dict[str, Any]]:
    """Move or detach each mismatched coding; returns what was done (old and new spans)."""
    moves: list[dict[str, Any]] = []
    for coding in sql.mismatched_codings(store):
        text, snippet = coding["text"], coding["snippet"]
        first = text.find(snippet) if snippet else -1
        unique = first != -1 and text.find(snippet, first + 1) == -1
        target = (first, first + len(snippet))
        taken = unique and store.find_coding(
            coding["doc_num"], *target, coding["code_num"], coding["coder_num"]
        )
        if unique and not taken:
            start, end, status = *target, "ok"
        else:
            start, end, status = coding["start"], coding["end"], "detached"
        sql.set_coding_place(store, coding["num"], start, end, status)
        moves.append(
            {
                "uid": coding["uid"],
                "from": [coding["start"], coding["end"]],
                "to": [start, end],
                "status": status,
            }
        )
    return moves


def _counts(store: Store) -> dict[str, int]:
    counts = {}
    for table in ("documents", "segments", "codings", "memos", "events"):
        try:
            counts[table] = int(store.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
        except sqlite3.DatabaseError:
            continue
    return counts


def _backups(path: Path) -> tuple[str, ...]:
    return tuple(str(b.path) for b in list_backups(path))


def _short(text: str, width: int = 40) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= width else text[: width - 1] + "…")
