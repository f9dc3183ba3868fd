"""Writing report files so that a failure never leaves half a report.

A report is rendered whole in memory, written to a temporary file in the target's folder
and renamed over the target (`Path.replace`, atomic on one file system): a reader sees the
old file or the new one, never a truncated one, and a crash or a full disk leaves the old
report as it was. Markdown also owns a folder of pictures; `replace_folder` swaps that
folder in the same spirit (two renames, with the old folder restored if the second fails)."""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from brightspots.errors import BrightspotsError, InputError


class OutputError(BrightspotsError):
    """A report or table file could not be written (no room, no permission, a folder in
    the way); the old file, if any, is as it was."""

    title = "Could not write the file"


def _check_folder(path: Path) -> None:
    if not path.parent.is_dir():
        raise InputError(f"the folder {path.parent} does not exist; create it first", path)


def atomic_write(path: Path, write: Callable[[BinaryIO], None]) -> None:
    """Call `write` on a temporary file beside `path`, then move it over `path`.

    The temporary file is removed when `write` fails, and the old `path` is untouched."""
    with _explained(path):
        temporary = _stage(path, write)
        try:
            temporary.replace(path)
        except BaseException:
            _discard(temporary)
            raise


def write_bytes(path: Path, data: bytes) -> None:
    atomic_write(path, _writer(data))


def _writer(data: bytes) -> Callable[[BinaryIO], None]:
    def write(file: BinaryIO) -> None:
        file.write(data)

    return write


def write_with_folder(path: Path, data: bytes, folder: Path, files: Mapping[str, bytes]) -> None:
    """Write `path` and make `folder` hold exactly `files` (name -> bytes): a Markdown
    report and its pictures. The report is staged first, so that nothing is replaced
    unless both are ready; the folder is swapped in, then the report."""
    with _explained(path):
        temporary = _stage(path, _writer(data))
        try:
            replace_folder(folder, files)
            temporary.replace(path)
        except BaseException:
            _discard(temporary)
            raise


def replace_folder(folder: Path, files: Mapping[str, bytes]) -> None:
    """Make `folder` hold exactly `files` (name -> bytes), replacing what it held.

    The new folder is filled under a temporary name first; then the old one (if any) is
    moved aside, the new one moved in, and the old one deleted. Should the move in fail,
    the old folder is moved back (and never deleted unless it is no longer needed)."""
    _check_folder(folder)
    if folder.exists() and not folder.is_dir():
        raise InputError("a file is in the way of the pictures' folder; move it", folder)
    staging = _fresh(folder, ".tmp")
    staging.mkdir(0o777)  # the umask applies, as for any new folder
    aside: Path | None = None
    try:
        for name, data in files.items():
            (staging / name).write_bytes(data)
        if folder.exists():
            aside = _fresh(folder, ".old")
            aside.mkdir()
            folder.replace(aside / folder.name)
        staging.replace(folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if aside is not None:
            kept = aside / folder.name
            if kept.exists() and not folder.exists():
                kept.replace(folder)
            if not kept.exists():
                shutil.rmtree(aside, ignore_errors=True)
        raise
    if aside is not None:
        shutil.rmtree(aside, ignore_errors=True)


@contextmanager
def _explained(path: Path) -> Iterator[None]:
    """Turn the operating system's refusal (disk full, no permission, a folder of that
    name) into an error that names the file, for the front ends to show."""
    try:
        yield
    except OSError as error:
        reason = error.strerror or str(error)
        raise OutputError(f"could not write {path}: {reason}; it was left as it was") from error


def _stage(path: Path, write: Callable[[BinaryIO], None]) -> Path:
    """A temporary file beside `path` holding what `write` wrote, flushed to disk.

    It is opened with mode 0o666 so that the umask gives it the permissions any new file
    gets (mkstemp's are owner-only, which would keep a shared report from colleagues)."""
    _check_folder(path)
    temporary = _fresh(path, ".tmp")
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(handle, "wb") as file:
            write(file)
            file.flush()
            os.fsync(file.fileno())
    except BaseException:
        _discard(temporary)
        raise
    return temporary


def _fresh(path: Path, suffix: str) -> Path:
    """A hidden name beside `path` that nothing uses: `.report.html.3f9a1c2b.tmp`."""
    return path.with_name(f".{path.name}.{secrets.token_hex(4)}{suffix}")


def _discard(temporary: Path) -> None:
    temporary.unlink(missing_ok=True)
