"""One exception hierarchy. Every error carries a message a researcher can act on and a
short title; front ends catch `BrightspotsError` once and show both."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


class BrightspotsError(Exception):
    """Base of every error the core raises on purpose."""

    title = "brightspots error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def locate(path: Path | str | None, line: int | None = None) -> str:
    """'file.txt, line 3: ' prefix for messages (empty when nothing is known)."""
    if path is None:
        return ""
    where = str(path)
    if line is not None:
        where += f", line {line}"
    return where + ": "


class InputError(BrightspotsError):
    """Something wrong in a file the user gave us; names the file and line when known."""

    title = "Problem in an input file"

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None):
        super().__init__(locate(path, line) + message)
        self.path = None if path is None else str(path)
        self.line = line
        self.detail = message


class ReaderError(InputError):
    title = "Could not read a transcript"


class MetadataError(InputError):
    title = "Problem in the metadata"


class CodebookError(InputError):
    title = "Problem in the codebook"


class BatchError(BrightspotsError):
    """Several files failed; nothing was written."""

    title = "Import stopped: nothing was imported"

    def __init__(self, errors: Sequence[InputError], hint: str = "") -> None:
        lines = [f"{len(errors)} file(s) could not be imported, so nothing was imported:"]
        lines += [f"  - {error.message}" for error in errors]
        if hint:
            lines.append(hint)
        super().__init__("\n".join(lines))
        self.errors = list(errors)


class ProjectError(BrightspotsError):
    """The project file is missing, not a project, newer than this program, or similar."""

    title = "Problem with the project file"


class NotFoundError(BrightspotsError):
    title = "Not found"


class ConflictError(BrightspotsError):
    """An action the project can no longer take as asked, because of changes made since
    (undoing what another coder has built on, a name taken in the meantime)."""

    title = "Cannot do that now"
