"""Crash safety: a process writing to a project is killed (SIGKILL) at random moments;
the file stays whole and nothing it reported as saved is lost. A short run of what
`benchmarks/bench_crash.py` does hundreds of times (see tests/crash.py)."""

from __future__ import annotations

import os
import random
import select
import signal
import sqlite3
import time
from pathlib import Path

import pytest

from brightspots.project import Project
from brightspots.segment import SpacySegmenter
from tests.crash import TRANSCRIPT, prepare, trial

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the trials fork a child")


def test_codings_survive_a_child_killed_at_random_moments(
    tmp_path: Path, segmenter: SpacySegmenter
) -> None:
    path = prepare(tmp_path, segmenter=segmenter)
    history: list[str] = []
    for seed in range(8):
        outcome, lines = trial(path, seed, history, max_delay=0.25)
        history += lines
        assert not outcome.corrupt, outcome.detail
        assert outcome.lost == 0
    assert sum(line.startswith("+") for line in history) > 50  # the children did work
    with Project.open(path) as project:
        assert project.check().ok
        assert project.codings("ht-0.txt")  # and the project is usable


def test_a_killed_import_is_all_or_nothing(tmp_path: Path, segmenter: SpacySegmenter) -> None:
    """A batch of files is one transaction: after a kill it is there whole, or not at all."""
    path = tmp_path / "imports.bsp"
    Project.create(path, segmenter=segmenter).close()
    batch = 6
    for n in range(40 * batch):
        file = tmp_path / "in" / f"b{n // batch:02d}" / f"ht-{n}.txt"
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(TRANSCRIPT.format(n=n), encoding="utf-8")
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            with Project.open(path, segmenter=segmenter) as project:
                for folder in sorted((tmp_path / "in").iterdir()):
                    project.import_files([folder])
                    os.write(write, f"{folder.name}\n".encode())
        finally:
            os._exit(0)
    os.close(write)
    if not select.select([read], [], [], 60)[0]:  # wait until one batch is in
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        pytest.fail("the importing child wrote nothing in 60 s")
    first = os.read(read, 100)
    time.sleep(random.Random(7).uniform(0.05, 0.6))
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    reported = (first + b"".join(iter(lambda: os.read(read, 4096), b""))).decode()
    os.close(read)
    done = set(reported.split("\n")[:-1])
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    names = [r[0] for r in conn.execute("SELECT name FROM documents")]
    conn.close()
    per_batch: dict[str, int] = {}
    for name in names:  # ht-N.txt, in batch bNN
        number = int(name.removeprefix("ht-").removesuffix(".txt")) // batch
        per_batch[f"b{number:02d}"] = per_batch.get(f"b{number:02d}", 0) + 1
    assert done and done <= set(per_batch)
    assert all(count == batch for count in per_batch.values()), per_batch
    with Project.open(path) as project:
        assert project.check().ok
