"""Report files are replaced whole or not at all: a failure mid-write leaves the old file
as it was and no temporary file behind."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

import pytest

from brightspots.report import write_report, write_tables
from brightspots.report.output import OutputError, atomic_write, replace_folder
from brightspots.report.writer import pictures_folder
from tests.report_sample import distinctive_table, sample_report


class DiskFull(OSError):
    pass


def names(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def test_a_failure_mid_write_keeps_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "report.html"
    path.write_bytes(b"old report")

    def write(file: BinaryIO) -> None:
        file.write(b"half of a new rep")
        raise DiskFull(28, "No space left on device")

    with pytest.raises(OutputError) as raised:
        atomic_write(path, write)
    assert "No space left on device" in raised.value.message and str(path) in raised.value.message
    assert path.read_bytes() == b"old report"
    assert names(tmp_path) == ["report.html"]


@pytest.mark.parametrize("name", ["report.docx", "report.html", "report.md"])
def test_a_failed_report_write_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    path = tmp_path / name
    path.write_bytes(b"old report")
    pictures = pictures_folder(path)
    pictures.mkdir()
    (pictures / "old.png").write_bytes(b"old picture")

    def fail(descriptor: int) -> None:
        raise DiskFull(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", fail)  # the last step before the rename
    with pytest.raises(OutputError):
        write_report(sample_report(), path)
    assert path.read_bytes() == b"old report"
    assert names(tmp_path) == sorted([name, pictures.name])
    assert names(pictures) == ["old.png"]


def test_a_failed_table_write_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("openpyxl broke")

    import openpyxl.workbook.workbook

    monkeypatch.setattr(openpyxl.workbook.workbook.Workbook, "save", fail)
    with pytest.raises(RuntimeError):
        write_tables([distinctive_table()], tmp_path / "tables.xlsx")
    assert names(tmp_path) == []


def test_the_pictures_folder_is_replaced_whole(tmp_path: Path) -> None:
    folder = tmp_path / "report_files"
    folder.mkdir()
    (folder / "stale.png").write_bytes(b"from an older report")
    replace_folder(folder, {"a.png": b"a", "b.png": b"b"})
    assert names(folder) == ["a.png", "b.png"]
    assert names(tmp_path) == ["report_files"]


def test_a_failed_folder_swap_puts_the_old_folder_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "report_files"
    folder.mkdir()
    (folder / "old.png").write_bytes(b"old")
    real_replace = Path.replace

    def replace(self: Path, target: Path) -> Path:
        if self.name.endswith(".tmp"):  # moving the new folder in
            raise PermissionError(13, "Permission denied")
        return real_replace(self, target)

    monkeypatch.setattr(Path, "replace", replace)
    with pytest.raises(PermissionError):
        replace_folder(folder, {"new.png": b"new"})
    assert names(tmp_path) == ["report_files"]
    assert names(folder) == ["old.png"]


def test_a_written_report_gets_ordinary_permissions(tmp_path: Path) -> None:
    old_mask = os.umask(0o022)
    try:
        path = write_report(sample_report(), tmp_path / "report.html")
    finally:
        os.umask(old_mask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_a_missing_folder_is_named(tmp_path: Path) -> None:
    with pytest.raises(Exception) as raised:
        write_report(sample_report(), tmp_path / "nowhere" / "report.html")
    assert "nowhere" in str(raised.value) and "does not exist" in str(raised.value)


def test_a_folder_in_the_way_is_an_error_with_the_name(tmp_path: Path) -> None:
    (tmp_path / "report.html").mkdir()
    with pytest.raises(OutputError) as raised:
        write_report(sample_report(), tmp_path / "report.html")
    assert "report.html" in raised.value.message
    assert names(tmp_path) == ["report.html"]
