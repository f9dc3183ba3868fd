"""Archives from anyone: limits on entries, sizes and expansion, member names that point
outside, damaged and truncated files; every refusal is an error naming the archive."""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

import pytest

from brightspots.exchange.safe_zip import ArchiveError, SafeZip, ZipLimits, safe_member_name


def archive(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in members.items():
            out.writestr(name, data)
    return path


def test_members_are_read_by_name_ignoring_case(tmp_path: Path) -> None:
    path = archive(tmp_path / "a.qdpx", {"Project.qde": b"<x/>", "Sources/a.txt": b"hello"})
    with SafeZip(path) as found:
        assert sorted(found.names()) == ["Project.qde", "Sources/a.txt"]
        assert found.find("sources/A.TXT") == "Sources/a.txt"
        assert found.find("../Sources/a.txt") is None
        assert found.read("Sources/a.txt") == b"hello"
        assert found.read_so_far == 5


@pytest.mark.parametrize(
    "name", ["../evil.txt", "sources/../../evil.txt", "/etc/passwd", "C:\\x.txt"]
)
def test_a_member_pointing_outside_is_refused(tmp_path: Path, name: str) -> None:
    path = archive(tmp_path / "bad.qdpx", {"project.qde": b"<x/>", name: b"x"})
    with pytest.raises(ArchiveError, match="points outside its folder") as caught:
        SafeZip(path)
    assert str(path) in caught.value.message


def test_names_are_cleaned() -> None:
    assert safe_member_name("sources\\a.txt") == "sources/a.txt"
    assert safe_member_name("./sources//a.txt") == "sources/a.txt"
    assert safe_member_name("a/../../b") is None


def test_a_zip_bomb_is_refused_before_it_is_inflated(tmp_path: Path) -> None:
    path = archive(tmp_path / "bomb.qdpx", {"project.qde": b"\0" * (24 * 2**20)})
    with SafeZip(path) as bomb, pytest.raises(ArchiveError, match="zip bomb") as caught:
        bomb.read("project.qde")
    assert "bomb.qdpx: project.qde" in caught.value.message


def test_sizes_are_limited_per_member_and_in_all(tmp_path: Path) -> None:
    data = bytes(range(256)) * 64  # 16 KB that barely compresses
    path = archive(tmp_path / "big.qdpx", {"a": data, "b": data})
    limits = ZipLimits(max_member_bytes=10_000)
    with SafeZip(path, limits) as big, pytest.raises(ArchiveError, match="more than"):
        big.read("a")
    limits = ZipLimits(max_total_bytes=20_000)
    with SafeZip(path, limits) as big:
        big.read("a")
        with pytest.raises(ArchiveError, match="in all"):
            big.read("b")


def test_too_many_entries_are_refused(tmp_path: Path) -> None:
    path = archive(tmp_path / "many.qdpx", {f"sources/{n}.txt": b"x" for n in range(12)})
    with pytest.raises(ArchiveError, match="12 entries"):
        SafeZip(path, ZipLimits(max_entries=10))


def test_a_truncated_archive_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    whole = archive(tmp_path / "whole.qdpx", {"project.qde": b"<Project/>" * 1000})
    cut = tmp_path / "cut.qdpx"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    with pytest.raises(ArchiveError, match="truncated") as caught:
        SafeZip(cut)
    assert "cut.qdpx" in caught.value.message


def test_damaged_member_data_is_an_error(tmp_path: Path) -> None:
    noise = random.Random(7).randbytes(5000)  # does not compress: the data spans the offsets
    path = archive(tmp_path / "damaged.qdpx", {"project.qde": noise})
    data = bytearray(path.read_bytes())
    for offset in range(60, 200):  # inside the compressed data of the only member
        data[offset] ^= 0x5A
    path.write_bytes(bytes(data))
    with SafeZip(path) as damaged, pytest.raises(ArchiveError, match="damaged or truncated"):
        damaged.read("project.qde")


def test_a_file_that_is_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "project.qdpx"
    path.write_text("<Project/>", encoding="utf-8")
    with pytest.raises(ArchiveError, match="not a readable zip archive"):
        SafeZip(path)
    with pytest.raises(ArchiveError, match="no such file"):
        SafeZip(tmp_path / "missing.qdpx")
