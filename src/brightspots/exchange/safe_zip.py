"""Reading members of a zip archive from an untrusted source (a .qdpx from anyone).

Nothing is ever extracted to disk: members are read into memory by name, so a hostile name
cannot write anywhere, but an archive holding one (`../x`, `/etc/x`, `C:\\x`) is refused all
the same: no honest exporter writes it. Limits, each with an error that names the archive:
how many entries the archive may list, how large one member may be once decompressed, how
much may be decompressed in all, and how far a member may expand (a zip bomb packs
gigabytes of one repeated byte into a few kilobytes). Sizes in the archive's headers are
checked first and then enforced while reading, so a header that lies does not help. A
truncated or damaged archive is an error too, not a traceback."""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import TracebackType

from brightspots.errors import InputError

_DRIVE = re.compile(r"^[A-Za-z]:")
_READ_CHUNK = 1 << 20


class ArchiveError(InputError):
    title = "Unsafe or damaged archive"


@dataclass(frozen=True)
class ZipLimits:
    max_entries: int = 20_000
    max_member_bytes: int = 256 * 2**20  # one member, decompressed
    max_total_bytes: int = 1024 * 2**20  # everything read from one archive, decompressed
    max_ratio: float = 200.0  # decompressed / compressed size of a member ...
    ratio_floor_bytes: int = 2**20  # ... checked only for members larger than this


def safe_member_name(name: str) -> str | None:
    """The member's path with `/` separators, or None when it could escape a folder."""
    clean = name.replace("\\", "/")
    if clean.startswith("/") or _DRIVE.match(clean) or "\x00" in clean:
        return None
    parts = PurePosixPath(clean).parts
    if any(part == ".." for part in parts):
        return None
    return "/".join(part for part in parts if part not in ("", "."))


class SafeZip:
    """An archive opened for reading with limits; use as a context manager."""

    def __init__(self, path: Path, limits: ZipLimits | None = None) -> None:
        self.path = path
        self.limits = limits or ZipLimits()
        self.read_so_far = 0
        try:
            self._zip = zipfile.ZipFile(path)
        except FileNotFoundError:
            raise ArchiveError("no such file", path) from None
        except (zipfile.BadZipFile, EOFError, OSError, ValueError) as error:
            raise ArchiveError(
                f"not a readable zip archive, or a truncated one ({error})", path
            ) from None
        except NotImplementedError as error:  # a zip version or feature zipfile lacks
            raise ArchiveError(f"this zip archive cannot be read ({error})", path) from None
        try:
            self._members = self._check_entries()
        except BaseException:
            self._zip.close()
            raise

    def _check_entries(self) -> dict[str, zipfile.ZipInfo]:
        infos = self._zip.infolist()
        if len(infos) > self.limits.max_entries:
            raise ArchiveError(
                f"the archive lists {len(infos)} entries; more than "
                f"{self.limits.max_entries} are refused",
                self.path,
            )
        members: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            name = safe_member_name(info.filename)
            if name is None:
                raise ArchiveError(
                    f"the archive holds a member named {info.filename!r}, which points "
                    "outside its folder; such archives are refused",
                    self.path,
                )
            if not info.is_dir() and name:
                members[name] = info
        return members

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._zip.close()

    def names(self) -> list[str]:
        """Member paths (files only), `/`-separated, as stored."""
        return list(self._members)

    def find(self, name: str) -> str | None:
        """A member by path, ignoring case when there is no exact match."""
        clean = safe_member_name(name)
        if clean is None:
            return None
        if clean in self._members:
            return clean
        folded = [m for m in self._members if m.casefold() == clean.casefold()]
        return folded[0] if len(folded) == 1 else None

    def size(self, name: str) -> int:
        return self._members[name].file_size

    def read(self, name: str, max_bytes: int | None = None) -> bytes:
        """A member's bytes, within the limits (ArchiveError otherwise)."""
        info = self._members[name]
        limit = min(max_bytes or self.limits.max_member_bytes, self.limits.max_member_bytes)
        where = f"{self.path}: {name}"
        if info.flag_bits & 0x1:
            raise ArchiveError("the member is encrypted; brightspots cannot read it", where)
        if info.file_size > limit:
            raise ArchiveError(
                f"the member is {info.file_size / 2**20:.0f} MB once decompressed; more than "
                f"{limit / 2**20:.0f} MB is refused",
                where,
            )
        if (
            info.file_size > self.limits.ratio_floor_bytes
            and info.file_size > self.limits.max_ratio * max(1, info.compress_size)
        ):
            raise ArchiveError(
                f"the member expands {info.file_size / max(1, info.compress_size):.0f} times "
                "when decompressed (a zip bomb?); the archive is refused",
                where,
            )
        budget = self.limits.max_total_bytes - self.read_so_far
        chunks: list[bytes] = []
        got = 0
        try:
            with self._zip.open(info) as handle:
                while True:
                    chunk = handle.read(_READ_CHUNK)
                    if not chunk:
                        break
                    got += len(chunk)
                    if got > limit or got > budget:
                        raise ArchiveError(
                            "the member decompresses to more than its header says or than "
                            "the archive may hold in all; the archive is refused",
                            where,
                        )
                    chunks.append(chunk)
        except ArchiveError:
            raise
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as error:
            raise ArchiveError(f"the archive is damaged or truncated ({error})", where) from None
        except NotImplementedError as error:
            raise ArchiveError(
                f"the member uses an unsupported compression ({error})", where
            ) from None
        self.read_so_far += got
        return b"".join(chunks)
