"""Reading raw bytes of a source file into text, and time codes, with clear errors."""

from __future__ import annotations

import codecs
import os
import re
import stat
import unicodedata
import zipfile
from pathlib import Path

from brightspots.config import MAX_INPUT_BYTES
from brightspots.errors import ReaderError

ARCHIVE_FACTOR = 4
"""A .docx/.xlsx may unpack to this many times the input limit (images, styles, XML)."""
MAX_ARCHIVE_MEMBERS = 10_000


def max_input_bytes() -> int:
    """The largest input file read: `MAX_INPUT_BYTES`, or `BRIGHTSPOTS_MAX_INPUT_MB` from
    the environment (for a machine with memory to spare, or a test)."""
    value = os.environ.get("BRIGHTSPOTS_MAX_INPUT_MB", "").strip()
    try:
        return int(float(value) * 2**20) if value else MAX_INPUT_BYTES
    except ValueError:
        return MAX_INPUT_BYTES


def read_bytes(path: Path) -> bytes:
    """A file's bytes, refused before reading when it is too large (a transcript of
    hundreds of MB would exhaust memory once decoded, laid out and segmented), and read
    with a bound all the same: a device or a pipe reports no size."""
    limit = max_input_bytes()
    try:
        info = path.stat()
    except FileNotFoundError:
        raise ReaderError("no such file", path) from None
    except OSError as error:
        raise ReaderError(f"cannot be read ({error.strerror or error})", path) from None
    if not stat.S_ISREG(info.st_mode):
        raise ReaderError("not a regular file (a folder, a device or a pipe?)", path)
    if info.st_size > limit:
        raise ReaderError(_too_large(info.st_size, limit), path)
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as error:
        raise ReaderError(f"cannot be read ({error.strerror or error})", path) from None
    if len(data) > limit:
        raise ReaderError(_too_large(len(data), limit), path)
    if not data.strip():
        raise ReaderError("the file is empty", path)
    return data


def _too_large(size: int, limit: int) -> str:
    return (
        f"the file is {size / 2**20:.0f} MB; files over {limit / 2**20:.0f} MB are refused "
        "(split it into several files)"
    )


def check_archive(path: Path, factor: int = ARCHIVE_FACTOR) -> None:
    """A .docx or .xlsx is a zip archive, and its reader unpacks it in memory: refuse one
    whose members would unpack to more than `factor` times the input limit (a zip bomb
    packs gigabytes into a few kilobytes). The sizes are the archive's own headers, which
    Python's zipfile also holds each member to while reading. A damaged archive is left
    to the reader, which says so."""
    limit = factor * max_input_bytes()
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError):
        return
    total = sum(info.file_size for info in infos)
    if total > limit or len(infos) > MAX_ARCHIVE_MEMBERS:
        raise ReaderError(
            f"the archive would unpack to {total / 2**20:.0f} MB in {len(infos)} parts; "
            f"over {limit / 2**20:.0f} MB or {MAX_ARCHIVE_MEMBERS} parts is refused",
            path,
        )


def decode(data: bytes, path: Path, encoding: str | None = None) -> str:
    """Bytes -> NFC text. UTF-8 (BOM optional) and UTF-16 with a BOM are recognised;
    anything else needs `encoding`, and the error says so instead of guessing. NFC comes
    first so that labels such as `Enquêteur` match however the file composed its accents."""
    return unicodedata.normalize("NFC", _decode(data, path, encoding))


def _decode(data: bytes, path: Path, encoding: str | None) -> str:
    if encoding:
        try:
            return data.decode(encoding).removeprefix("\ufeff")
        except (UnicodeDecodeError, LookupError) as error:
            raise ReaderError(f"cannot be read as {encoding}: {error}", path) from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16").removeprefix("\ufeff")
        except UnicodeDecodeError as error:
            raise ReaderError(f"is damaged UTF-16 text ({error.reason})", path) from None
    if b"\x00" in data[:4096]:
        raise ReaderError("this looks like a binary file, not a text transcript", path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ReaderError(
            f"is not UTF-8 text (byte 0x{data[error.start]:02x}); if it was saved as "
            "Windows-1252 or Latin-1, re-save it as UTF-8 or import with --encoding cp1252",
            path,
            line,
        ) from None


_TIMECODE = re.compile(r"^(?:(\d{1,2}):)?(\d{1,2}):(\d{2})(?:[.,](\d{1,3}))?$")


def parse_timecode(value: str) -> float | None:
    """`01:02:03.500`, `02:03,5`, `2:03` -> seconds; anything else -> None."""
    match = _TIMECODE.match(value.strip())
    if not match:
        return None
    hours, minutes, seconds, fraction = match.groups()
    if int(seconds) >= 60 or (hours is not None and int(minutes) >= 60):
        return None
    total = int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)
    if fraction:
        total += int(fraction) / 10 ** len(fraction)
    return float(total)
