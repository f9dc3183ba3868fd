"""Two programs on one project: both write at once (codings, memos, an import), no
"database is locked" reaches either, and no write is lost. Writers wait for each other
(busy timeout), and a statement refused after that is tried again until the other
writer is done (store/connection.py); past the overall limit the error names the file."""

from __future__ import annotations

import os
import select
import signal
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from brightspots.errors import ProjectError
from brightspots.project import Project
from brightspots.segment import SpacySegmenter
from brightspots.store import connection
from tests.crash import TRANSCRIPT, prepare

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the writers are forked")


def fork(work: Callable[[Callable[[str], None]], None]) -> tuple[int, int]:
    """Run `work(report)` in a child; returns (pid, the read end of its report pipe).
    An exception in the child is reported as `error ...`, never raised in the parent."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        code = 0
        try:
            work(lambda line: os.write(write, (line + "\n").encode()))
        except BaseException as error:  # every failure must reach the parent
            os.write(write, f"error {type(error).__name__}: {error}\n".encode())
            code = 1
        finally:
            os._exit(code)
    os.close(write)
    return pid, read


def collect(pid: int, read: int, timeout: float = 120) -> list[str]:
    """The child's report lines, once it has finished (killed, and an error, if it hangs)."""
    data = b""
    deadline = time.monotonic() + timeout
    while select.select([read], [], [], max(0.0, deadline - time.monotonic()))[0]:
        chunk = os.read(read, 65536)
        if not chunk:
            break
        data += chunk
    else:
        os.kill(pid, signal.SIGKILL)
        data += b"error timeout: the child did not finish\n"
    os.close(read)
    os.waitpid(pid, 0)
    return data.decode().split("\n")[:-1]


def coder(
    path: Path, name: str, count: int, code: str = "context-policy-system"
) -> Callable[[Callable[[str], None]], None]:
    def work(report: Callable[[str], None]) -> None:
        with Project.open(path) as project:
            documents = [d.name for d in project.documents()]
            for i in range(count):
                document = documents[i % len(documents)]
                text = project.document(document).text
                start = (i * 7) % (len(text) - 20)
                coding = project.apply_code(document, start, start + 15, code, name)
                report(f"coding {coding['uid']}")
                if i % 10 == 0:
                    memo = project.add_memo("document", f"{name} {i}", name, document=document)
                    report(f"memo {memo['uid']}")

    return work


def test_two_writers_and_an_import_at_once_lose_nothing(
    tmp_path: Path, segmenter: SpacySegmenter
) -> None:
    path = prepare(tmp_path, documents=4, segmenter=segmenter)
    files = []
    for n in range(100, 130):
        file = tmp_path / "more" / f"kii-{n}.txt"
        file.parent.mkdir(exist_ok=True)
        file.write_text(TRANSCRIPT.format(n=n), encoding="utf-8")
        files.append(file)

    def importer(report: Callable[[str], None]) -> None:
        with Project.open(path, segmenter=segmenter) as project:
            for i in range(0, len(files), 5):  # several write transactions, between codings
                added = project.import_files(files[i : i + 5]).added
                report(f"imported {len(added)}")

    # Two workbenches of the same coder (new to the project: both add her at once), on
    # different codes, and an import.
    children = [
        fork(coder(path, "ana", 120)),
        fork(coder(path, "ana", 120, "mentoring-one-to-five")),
        fork(importer),
    ]
    reports = [collect(*child) for child in children]
    errors = [line for lines in reports for line in lines if line.startswith("error")]
    assert not errors
    conn = sqlite3.connect(path)
    codings = {r[0] for r in conn.execute("SELECT uid FROM codings")}
    memos = {r[0] for r in conn.execute("SELECT uid FROM memos")}
    documents = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    for lines in reports[:2]:
        assert sum(line.startswith("coding") for line in lines) == 120
        for line in lines:
            kind, uid = line.split(" ")
            assert uid in (codings if kind == "coding" else memos)
    assert documents == 4 + 30
    with Project.open(path) as project:
        assert project.check().ok
        assert project.store.list_coders() == ["ana"]
        assert project.code_counts()["mentoring-one-to-five"] == 120


def test_the_same_code_on_the_same_spans_at_once_makes_each_coding_once(
    tmp_path: Path, segmenter: SpacySegmenter
) -> None:
    """Two workbenches of one coder applying the same code to the same spans at the same
    time: each span is coded once, and both are told of that one coding."""
    path = prepare(tmp_path, documents=2, segmenter=segmenter)
    children = [fork(coder(path, "ana", 60)), fork(coder(path, "ana", 60))]
    reports = [collect(*child) for child in children]
    assert not [line for lines in reports for line in lines if line.startswith("error")]
    uids = [{line for line in lines if line.startswith("coding")} for lines in reports]
    assert uids[0] == uids[1]
    conn = sqlite3.connect(path)
    rows = conn.execute(
        'SELECT doc, start, "end", code, coder, count(*) FROM codings GROUP BY 1, 2, 3, 4, 5'
    )
    assert {r[5] for r in rows} == {1}
    assert conn.execute("SELECT count(*) FROM codings").fetchone()[0] == len(uids[0])
    conn.close()


def hog(path: Path, hold: float, times: int) -> Callable[[Callable[[str], None]], None]:
    """Hold the write lock for `hold` seconds, `times` times, with short gaps."""

    def work(report: Callable[[str], None]) -> None:
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("PRAGMA busy_timeout = 10000")
        for _ in range(times):
            conn.execute("BEGIN IMMEDIATE")
            report("holding")
            time.sleep(hold)
            conn.execute("COMMIT")
            time.sleep(0.01)
        conn.close()

    return work


def test_a_writer_waits_out_a_long_transaction_instead_of_failing(
    tmp_path: Path, segmenter: SpacySegmenter, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite's own wait is made tiny here, so only the retries keep the writer going."""
    path = prepare(tmp_path, documents=1, segmenter=segmenter)
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_MS", 20)
    pid, read = fork(hog(path, hold=0.3, times=5))
    assert os.read(read, 8) == b"holding\n"  # the lock is taken: now try to write
    started = time.monotonic()
    lines: list[str] = []
    coder(path, "ana", 30)(lines.append)
    assert time.monotonic() - started > 0.25  # it did have to wait
    assert collect(pid, read)  # the hog finished too
    assert sum(line.startswith("coding") for line in lines) == 30


def test_past_the_limit_the_error_names_the_file_and_changes_nothing(
    tmp_path: Path, segmenter: SpacySegmenter, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = prepare(tmp_path, documents=1, segmenter=segmenter)
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_MS", 20)
    monkeypatch.setattr(connection, "WRITE_WAIT_S", 0.3)
    with Project.open(path) as project:
        before = len(project.codings("ht-0.txt"))
        pid, read = fork(hog(path, hold=1.5, times=1))
        assert os.read(read, 8) == b"holding\n"
        with pytest.raises(ProjectError, match=r"crash\.bsp is busy: another program") as caught:
            project.apply_code("ht-0.txt", 0, 12, "context-policy-system", "ana")
        assert "database is locked" not in caught.value.message
        collect(pid, read)
        assert len(project.codings("ht-0.txt")) == before
        project.apply_code("ht-0.txt", 0, 12, "context-policy-system", "ana")  # works again
        assert len(project.codings("ht-0.txt")) == before + 1
