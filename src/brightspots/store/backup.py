"""Backups of a project file, and restoring one. The only code that copies project files.

A backup is a copy made with SQLite's online backup API: consistent even while another
program writes, WAL content included. It lies beside the project as
``STEM.backup-YYYYmmdd-HHMMSS[-N][-REASON]SUFFIX`` (``study.backup-20250211-143005-merge.bsp``),
a self-contained file (no -wal beside it) that opens as a project of its own. It is
written under a temporary name and renamed into place, so a crash never leaves a partial
file under a backup's name.

Automatic backups are taken before a migration, a merge, a repair, a pseudonymisation and
a restore. Those beside the project are rotated (`rotate_backups`): the newest `KEEP` are
kept, plus the newest of each of `DAILY` earlier days (so a run of bad backups cannot
push every good one out), within `MAX_BYTES` in all; the two newest always stay. Backups
written elsewhere (`backup --to`) are the researcher's and are never rotated.

Restoring (`restore_backup`) checks the backup first (an SQLite file that passes
quick_check, a brightspots project not newer than this program), backs the current file up
(or, when it cannot be read, copies its bytes aside), and replaces the project in one
rename, refusing while another program has it open."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from brightspots.errors import ProjectError

T = TypeVar("T")

KEEP = 10
"""Newest backups beside a project that rotation always keeps."""

DAILY = 7
"""Earlier days of which rotation also keeps the newest backup."""

MAX_BYTES = 4 * 2**30
"""Bound on the total size of the rotated backups of one project (the two newest stay)."""

MIN_KEEP = 2

_STAMP = "%Y%m%d-%H%M%S"
_REASON = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Backup:
    """A backup file of a project (newest first, as `list_backups` gives them)."""

    path: Path
    created: datetime
    reason: str
    size: int

    def to_json(self) -> dict[str, object]:
        return {
            "path": str(self.path),
            "created": self.created.isoformat(timespec="seconds"),
            "reason": self.reason,
            "size": self.size,
        }


def _pattern(project: Path) -> re.Pattern[str]:
    return re.compile(
        re.escape(project.stem)
        + r"\.backup-(?P<stamp>\d{8}-\d{6})(?:-(?P<n>\d+))?(?:-(?P<reason>[a-z][a-z0-9-]*))?"
        + re.escape(project.suffix)
        + "$"
    )


def backup_path(project: Path, reason: str = "", folder: Path | None = None) -> Path:
    """A free name for a new backup of `project` (in `folder`, beside it by default)."""
    folder = folder or project.parent
    stamp = datetime.now().strftime(_STAMP)
    tag = _REASON.sub("-", reason.casefold()).strip("-")
    tail = f"-{tag}{project.suffix}" if tag else project.suffix
    candidate = folder / f"{project.stem}.backup-{stamp}{tail}"
    n = 2
    while candidate.exists():
        candidate = folder / f"{project.stem}.backup-{stamp}-{n}{tail}"
        n += 1
    return candidate


def copy_database(source: sqlite3.Connection, destination: Path) -> None:
    """Copy an open database to `destination` (which must not exist) with the online
    backup API: a temporary file first, made self-contained, synced, then renamed."""
    if destination.exists():
        raise ProjectError(f"{destination} already exists; choose another name.")
    if not destination.parent.is_dir():
        raise ProjectError(f"{destination.parent} is not a folder; create it first.")
    partial = destination.with_name(destination.name + ".partial")
    _remove(partial)
    try:
        target = sqlite3.connect(partial)
        try:
            source.backup(target)
            # The copy carries the source's WAL flag; one file is what a backup should be.
            target.execute("PRAGMA journal_mode = DELETE")
        finally:
            target.close()
        _fsync(partial)
        partial.replace(destination)
        _fsync(destination.parent)
    except sqlite3.Error as error:
        _remove(partial)
        raise ProjectError(f"could not write the backup {destination} ({error}).") from error
    except OSError as error:
        _remove(partial)
        raise ProjectError(f"could not write the backup {destination} ({error}).") from error


def back_up(
    source: sqlite3.Connection,
    project: Path,
    reason: str = "",
    destination: Path | None = None,
    rotate: bool = True,
    protect: Collection[Path] = (),
) -> Path:
    """Back up an open project: to `destination`, or beside it under a new backup name
    (then older backups are rotated unless `rotate` is False). Returns the backup's path."""
    if destination is not None:
        if destination.resolve() == project.resolve():
            raise ProjectError(f"{destination} is the project itself; name another file.")
        copy_database(source, destination)
        return destination
    path = backup_path(project, reason)
    copy_database(source, path)
    if rotate:
        rotate_backups(project, protect=[path, *protect])
    return path


def keeping_backup(
    source: sqlite3.Connection,
    project: Path,
    reason: str,
    change: Callable[[], T],
    changed: Callable[[T], bool],
) -> tuple[T, Path | None]:
    """Run `change` with a backup of the project taken first. The backup is kept (and older
    ones rotated) only when `changed` says the project changed; otherwise, or when the
    change fails (and rolls back), it is removed. Returns the result and the kept backup."""
    backup = back_up(source, project, reason, rotate=False)
    try:
        result = change()
    except BaseException:
        backup.unlink(missing_ok=True)  # the change rolled back: the project is the backup
        raise
    if not changed(result):
        backup.unlink(missing_ok=True)
        return result, None
    rotate_backups(project, protect=[backup])
    return result, backup


def back_up_file(project: Path, reason: str = "", protect: Collection[Path] = ()) -> Path:
    """Back up a project file that is not open here (opened just for the copy)."""
    source = sqlite3.connect(project, isolation_level=None)
    try:
        source.execute("PRAGMA busy_timeout = 5000")
        return back_up(source, project, reason, protect=protect)
    finally:
        source.close()


def list_backups(project: Path) -> list[Backup]:
    """The backups beside a project, newest first."""
    pattern = _pattern(project)
    found: list[tuple[tuple[str, int], Backup]] = []
    folder = project.parent
    if not folder.is_dir():
        return []
    for path in folder.glob(f"{glob_escape(project.stem)}.backup-*{glob_escape(project.suffix)}"):
        match = pattern.match(path.name)
        if match is None or not path.is_file():
            continue
        created = datetime.strptime(match["stamp"], _STAMP)
        order = (match["stamp"], int(match["n"] or 1))
        size = path.stat().st_size
        found.append((order, Backup(path, created, match["reason"] or "", size)))
    found.sort(key=lambda item: item[0], reverse=True)
    return [backup for _, backup in found]


def glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


def rotate_backups(
    project: Path,
    keep: int = KEEP,
    daily: int = DAILY,
    max_bytes: int = MAX_BYTES,
    protect: Collection[Path] = (),
) -> list[Path]:
    """Remove the backups beside `project` that the rotation rules no longer keep (see the
    module's docstring); `protect` are never removed. Returns the removed paths."""
    backups = list_backups(project)
    protected = {p.resolve() for p in protect}
    kept: list[Backup] = []
    days: set[str] = set()
    for index, backup in enumerate(backups):
        day = backup.created.strftime("%Y%m%d")
        recent = index < max(keep, MIN_KEEP) or backup.path.resolve() in protected
        if recent or (day not in days and len(days) < daily):
            kept.append(backup)
            days.add(day)
    total = sum(b.size for b in kept)
    for backup in reversed(kept[MIN_KEEP:]):  # oldest first
        if total <= max_bytes:
            break
        if backup.path.resolve() not in protected:
            kept.remove(backup)
            total -= backup.size
    removed = [b.path for b in backups if b not in kept]
    for path in removed:
        _remove(path)
    return removed


def check_backup(path: Path) -> int:
    """Check that `path` is a readable brightspots project; returns its schema version."""
    from brightspots.store.migrations import SCHEMA_VERSION

    if not path.is_file():
        raise ProjectError(f"{path}: no such backup file.")
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise ProjectError(f"{path} cannot be opened ({error}).") from error
    try:
        verdict = [r[0] for r in conn.execute("PRAGMA quick_check(5)")]
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        row = conn.execute("SELECT value FROM meta WHERE key = 'application'").fetchone()
    except sqlite3.DatabaseError as error:
        raise ProjectError(f"{path} is not a usable brightspots backup ({error}).") from error
    finally:
        conn.close()
    if verdict != ["ok"]:
        raise ProjectError(f"{path} is damaged ({'; '.join(verdict)}); choose another backup.")
    if row is None or row[0] != "brightspots":
        raise ProjectError(f"{path} is an SQLite file but not a brightspots project.")
    if version > SCHEMA_VERSION:
        raise ProjectError(
            f"{path} was written by a newer brightspots (schema {version}, this one knows "
            f"{SCHEMA_VERSION}); upgrade brightspots to restore it."
        )
    return version


def restore_backup(project: Path, backup: Path) -> Path | None:
    """Replace `project` with a copy of `backup`, atomically, after backing the current
    file up. Returns that safety copy (None when there was no project file)."""
    if backup.resolve() == project.resolve():
        raise ProjectError(f"{backup} is the project itself; name one of its backups.")
    check_backup(backup)
    staged = project.with_name(project.name + ".restoring")
    _remove(staged)
    source = sqlite3.connect(backup.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        copy_database(source, staged)
    finally:
        source.close()
    try:
        safety = _set_aside(project, protect=[backup]) if project.exists() else None
        _replace(project, staged)
    finally:
        _remove(staged)
    return safety


def _set_aside(project: Path, protect: Collection[Path]) -> Path:
    """Back up the file about to be replaced; if it cannot be read as a database, copy its
    bytes (and its WAL) aside instead, so that nothing is ever lost."""
    try:
        return back_up_file(project, "before-restore", protect=protect)
    except (ProjectError, sqlite3.Error):
        damaged = backup_path(project, "damaged")
        shutil.copy2(project, damaged)
        for side in ("-wal", "-shm"):
            extra = project.with_name(project.name + side)
            if extra.exists():
                shutil.copy2(extra, damaged.with_name(damaged.name + side))
        return damaged


def _replace(project: Path, staged: Path) -> None:
    """Rename `staged` over `project` while holding it exclusively: its WAL is emptied and
    switched off first, which SQLite allows only when no other program has it open."""
    if not project.exists():
        staged.replace(project)
        _fsync(project.parent)
        return
    conn = sqlite3.connect(project, isolation_level=None)
    try:
        conn.execute("PRAGMA busy_timeout = 5000")
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            mode = conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
            conn.execute("BEGIN EXCLUSIVE")
        except sqlite3.DatabaseError as error:
            if "not a database" not in str(error):  # a damaged file is replaced regardless
                raise _in_use(project, error) from error
        else:
            if mode != "delete":
                raise _in_use(project, mode)
        staged.replace(project)
        _fsync(project.parent)
    finally:
        conn.close()
    for side in ("-wal", "-shm"):
        _remove(project.with_name(project.name + side))


def _in_use(project: Path, why: object) -> ProjectError:
    return ProjectError(
        f"{project} is open in another program (the workbench?); close it and restore "
        f"again. Nothing was changed ({why})."
    )


def _fsync(path: Path) -> None:
    flags = (os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)) if path.is_dir() else os.O_RDONLY
    try:
        fd = os.open(path, flags)
    except OSError:
        return  # some systems cannot open a folder for syncing; the rename still holds
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    path.unlink(missing_ok=True)
