"""Crash trials, shared by `tests/integration/test_crash.py` (a few) and
`benchmarks/bench_crash.py` (hundreds): a child process codes passages through
`Project.apply_code` (and removes some, and writes memos) as fast as it can, reporting each
change on a pipe only after it was committed; the parent kills it with SIGKILL at a random
moment, then checks the file: SQLite's integrity check, brightspots' own check, and every
change the child reported is there (and every removal it reported is not).

The child is forked from the parent (POSIX only): it starts in milliseconds, so a trial
costs what the child writes before it dies, not an interpreter's start."""

from __future__ import annotations

import os
import random
import select
import signal
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from brightspots.checkup import check
from brightspots.project import Project
from brightspots.segment import Segmenter, SpacySegmenter
from brightspots.store import Store

CODES = ("context-policy-system", "mentoring-one-to-five", "mentoring-new-teachers")
CODER = "crash"
CHILD_TIMEOUT_S = 60
TRANSCRIPT = """---
country: ET
school_id: ET-S{n:02d}
school_group: pd
respondent_role: head_teacher
method: kii
language: en
---
Interviewer: How do you support new teachers in school number {n}?
HT: Each strong teacher takes five others, we call it one-to-five. The new ones visit a \
class every week. We meet on Thursdays to look at the lesson plans together.
Interviewer: And the parents?
HT: They come on Fridays. Some of them, not all. The committee checks the homework books \
and walks the children home when the river is high.
"""


@dataclass(frozen=True)
class Outcome:
    saved: int  # changes the child reported as committed
    lost: int  # of those, missing afterwards (a removal reported done but still there counts)
    corrupt: bool  # integrity_check or brightspots' check found a problem
    detail: str = ""


def prepare(folder: Path, documents: int = 3, segmenter: Segmenter | None = None) -> Path:
    """A project with a few short transcripts and the shipped codebook."""
    path = folder / "crash.bsp"
    files = []
    for n in range(documents):
        file = folder / "in" / f"ht-{n}.txt"
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(TRANSCRIPT.format(n=n), encoding="utf-8")
        files.append(file)
    with Project.create(path, segmenter=segmenter or SpacySegmenter()) as project:
        project.import_files(files)
    return path


def _child(path: Path, out: int, seed: int) -> None:
    """Code, remove and annotate forever; report each change once it is committed."""
    rng = random.Random(seed)
    with Project.open(path) as project:
        names = [d.name for d in project.documents()]
        texts = {name: project.document(name).text for name in names}
        saved: list[str] = []
        while True:
            name = rng.choice(names)
            text = texts[name]
            start = rng.randrange(0, len(text) - 2)
            end = min(len(text), start + rng.randint(2, 80))
            if not text[start:end].strip():
                continue
            roll = rng.random()
            if roll < 0.1 and saved:
                uid = saved.pop(rng.randrange(len(saved)))
                os.write(out, f"?{uid}\n".encode())  # in flight: either outcome is right
                project.remove_coding(uid, CODER)
                os.write(out, f"-{uid}\n".encode())
            elif roll < 0.15:
                memo = project.add_memo("document", f"note {rng.random()}", CODER, document=name)
                os.write(out, f"+memo:{memo['uid']}\n".encode())
            else:
                coding = project.apply_code(name, start, end, rng.choice(CODES), CODER)
                saved.append(coding["uid"])
                os.write(out, f"+{coding['uid']}\n".encode())


def trial(
    path: Path, seed: int, earlier: list[str] | None = None, max_delay: float = 0.4
) -> tuple[Outcome, list[str]]:
    """One child, killed at a random moment; returns the outcome, checked against the
    reports of `earlier` trials too (nothing saved then may be lost now), and this child's
    report (lines), for the next trial."""
    rng = random.Random(seed)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read)
        try:
            _child(path, write, seed)
        finally:
            os._exit(1)  # never back into the parent's code (pytest's, say)
    os.close(write)
    buffer = b""
    deadline = time.monotonic() + CHILD_TIMEOUT_S
    while b"\n" not in buffer:  # wait until the child has committed something
        if not select.select([read], [], [], max(0.0, deadline - time.monotonic()))[0]:
            os.kill(pid, signal.SIGKILL)  # stuck (a lock held at fork time?): fail loudly
            os.waitpid(pid, 0)
            os.close(read)
            raise TimeoutError(f"the child wrote nothing in {CHILD_TIMEOUT_S} s")
        chunk = os.read(read, 4096)
        if not chunk:
            break
        buffer += chunk
    time.sleep(rng.uniform(0, max_delay))
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    while chunk := os.read(read, 65536):
        buffer += chunk
    os.close(read)
    lines = buffer.decode().split("\n")[:-1]  # a torn last line was never reported
    return verify(path, [*(earlier or []), *lines]), lines


def verify(path: Path, lines: list[str]) -> Outcome:
    """Check the file after a crash against everything reported so far."""
    added: set[str] = set()
    removed: set[str] = set()
    memos: set[str] = set()
    unsure: set[str] = set()
    for line in lines:
        kind, uid = line[0], line[1:]
        if kind == "+" and uid.startswith("memo:"):
            memos.add(uid[5:])
        elif kind == "+":
            added.add(uid)
            removed.discard(uid)
        elif kind == "?":
            unsure.add(uid)
        elif kind == "-":
            unsure.discard(uid)
            added.discard(uid)
            removed.add(uid)
    conn = sqlite3.connect(path)  # a plain connection recovers the WAL the child left
    try:
        integrity = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    finally:
        conn.close()
    if integrity != ["ok"]:
        return Outcome(len(added) + len(memos), 0, True, "; ".join(integrity))
    store = Store.open(path)
    try:
        report = check(store)
        codings = {r[0] for r in store.db.execute("SELECT uid FROM codings")}
        present = {r[0] for r in store.db.execute("SELECT uid FROM memos")}
    finally:
        store.close()
    lost = (added - unsure - codings) | (removed & codings) | (memos - present)
    detail = "; ".join(f"{p.kind}: {p.detail}" for p in report.problems)
    return Outcome(len(added) + len(removed) + len(memos), len(lost), not report.ok, detail)
