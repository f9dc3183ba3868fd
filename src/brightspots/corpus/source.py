"""Reading raw bytes of a source file into text, and time codes, with clear errors."""

from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path

from brightspots.config import MAX_INPUT_BYTES
from brightspots.errors import ReaderError


def read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ReaderError("no such file", path) from None
    if size > MAX_INPUT_BYTES:
        raise ReaderError(
            f"the file is {size / 2**20:.0f} MB; transcripts over "
            f"{MAX_INPUT_BYTES / 2**20:.0f} MB are refused (split it into several files)",
            path,
        )
    data = path.read_bytes()
    if not data.strip():
        raise ReaderError("the file is empty", path)
    return data


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
