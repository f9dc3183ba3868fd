"""Workbench speed at DMS scale: prints one JSON line.

Every timing ends at the first frame the app hands to the terminal after the action (what
the user sees), not when Textual's test pilot has drained every pending message (given
too, as `long_settled_s`, for the coding screen's side panels that fill just after).

* ready: from creating the app on the project to the documents table drawn;
* first screen of a 300,000-character transcript: from `enter` on it to the coding screen
  drawn;
* apply a code by key: `.` (repeat the last code) on successive segments, saved and
  redrawn, median and 90th percentile; moving the cursor (`j`) is timed the same way.

Ratios against baselines measured in the same run: the start of an empty Textual app of
the same size (the cost no workbench can go below), and, for applying a code, the cursor
move (the cheapest visible action).

    python benchmarks/bench_workbench.py --project /tmp/dms.bsp   # reuse a built project
    python benchmarks/bench_workbench.py --documents 6600          # build one first (~3 min)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from textual.app import App
from textual.pilot import Pilot
from textual.widgets import DataTable

sys.path.insert(0, str(Path(__file__).resolve().parent))

from brightspots.project import Project
from brightspots.tui.app import WorkbenchApp
from brightspots.tui.screens.coding import CodingScreen
from brightspots.tui.screens.documents import DocumentsScreen
from brightspots.tui.widgets.table import RowTable
from brightspots.tui.widgets.transcript import TranscriptView
from generate import build_project

SIZE = (160, 48)
LONG_NAME = "long/transcript-300k.txt"


class EmptyApp(App[None]):
    def compose(self):  # type: ignore[no-untyped-def]
        yield DataTable()


async def baseline() -> float:
    started = time.perf_counter()
    async with EmptyApp().run_test(size=SIZE) as pilot:
        await pilot.pause()
    return time.perf_counter() - started


def add_codings(project: Project, share: float, seed: int) -> int:
    """Code a share of segments across the project (two coders, random codes), as a
    partly coded DMS project would be."""
    rng = random.Random(seed)
    codes = list(project.store.code_numbers().values())
    coders = [project.store.ensure_coder(name) for name in ("ref-a", "ref-b")]
    rows = project.store.db.execute('SELECT s.doc, s.start, s."end" FROM segments s').fetchall()
    chosen = [r for r in rows if rng.random() < share]
    with project.store.transaction():
        project.store.db.conn.executemany(
            'INSERT OR IGNORE INTO codings (uid, doc, start, "end", code, coder, snippet, '
            "origin, status, created_at) VALUES (lower(hex(randomblob(16))), ?, ?, ?, ?, ?, "
            "'', 'bench', 'ok', '2026-01-01')",
            [(d, a, b, rng.choice(codes), rng.choice(coders)) for d, a, b in chosen],
        )
    # as `brightspots codings load` does after writing: the coded-share cache is refreshed
    # by the writer, not by the next reader
    project.store.refresh_coverage()
    return len(chosen)


def add_long_transcript(project: Project, folder: Path) -> None:
    """One transcript of 300,000 characters (QualCoder's known breaking point)."""
    rng = random.Random(1)
    words = [
        "the",
        "teachers",
        "meet",
        "every",
        "week",
        "and",
        "the",
        "head",
        "teacher",
        "checks",
        "lesson",
        "plans",
        "while",
        "parents",
        "come",
        "to",
        "the",
        "school",
        "when",
        "the",
        "committee",
        "calls",
        "them",
        "about",
        "attendance",
    ]
    turns, size = [], 0
    while size < 300_000:
        speaker = rng.choice(["Interviewer", "HT", "Teacher 1", "Parent 2"])
        sentences = [
            " ".join(rng.choices(words, k=rng.randint(8, 24))).capitalize() + "."
            for _ in range(rng.randint(1, 6))
        ]
        turn = f"{speaker}: {' '.join(sentences)}"
        turns.append(turn)
        size += len(turn) + 2
    path = folder / "long" / "transcript-300k.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n\n".join(turns), encoding="utf-8")
    project.import_files([path], _options(folder))


def _options(folder: Path):  # type: ignore[no-untyped-def]
    from brightspots.importer import ImportOptions

    return ImportOptions(
        defaults={
            "country": "ET",
            "school_id": "ET-LONG",
            "method": "kii",
            "language": "en",
            "school_group": "pd",
        }
    )


class FrameClock:
    """When the app hands a frame to the terminal: a timing ends when the user could see
    its result, not when Textual's test pilot has finished every pending message."""

    def __init__(self, app: WorkbenchApp) -> None:
        self.frames: list[tuple[float, type]] = []
        display = app._display

        def spy(screen, renderable):  # type: ignore[no-untyped-def]
            if renderable is not None and _drawn(screen):
                self.frames.append((time.perf_counter(), type(screen)))
            display(screen, renderable)

        app._display = spy  # type: ignore[method-assign]

    async def first_after(self, pilot: Pilot[None], since: float, screen: type) -> float:
        """Seconds from `since` to the first frame of `screen` after it."""
        for _ in range(2000):
            hit = next((t for t, s in self.frames if t > since and s is screen), None)
            if hit is not None:
                return hit - since
            await pilot.pause(0.001)
        raise RuntimeError(f"no frame of {screen.__name__} was drawn")


def _drawn(screen: object) -> bool:
    """A frame counts once it shows what was asked for: the documents listed, or the
    transcript laid out and drawn."""
    if isinstance(screen, DocumentsScreen):
        table = screen.query(RowTable)
        return bool(table) and table.first().row_count > 0
    if isinstance(screen, CodingScreen):
        transcript = screen.query(TranscriptView)
        return bool(transcript) and transcript.first().drawn
    return True


async def measure(path: Path, applies: int) -> dict[str, float]:
    project = Project.open(path)
    started = time.perf_counter()
    app = WorkbenchApp(project, "bench")
    clock = FrameClock(app)
    figures: dict[str, float] = {}
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.query_one(RowTable)
        while table.row_count == 0:
            await pilot.pause(0.01)
        figures["ready_s"] = await clock.first_after(pilot, started, DocumentsScreen)
        # open the long transcript: filter to it, then enter
        await pilot.press("slash", *"300k", "enter")
        await pilot.pause()
        started = time.perf_counter()
        await pilot.press("enter")
        figures["long_first_screen_s"] = await clock.first_after(pilot, started, CodingScreen)
        await pilot.pause()
        figures["long_settled_s"] = time.perf_counter() - started
        assert isinstance(app.screen, CodingScreen)
        figures["long_characters"] = len(app.screen.view.text)
        app.remember("mentoring-one-to-five")
        applied, moved = [], []
        for _ in range(applies):
            started = time.perf_counter()
            await pilot.press("j")
            moved.append(await clock.first_after(pilot, started, CodingScreen))
            await pilot.pause()
            before = len(app.screen.query_one(TranscriptView).codings)
            started = time.perf_counter()
            await pilot.press("period")
            applied.append(await clock.first_after(pilot, started, CodingScreen))
            await pilot.pause()
            assert len(app.screen.query_one(TranscriptView).codings) == before + 1
        figures["apply_median_s"] = statistics.median(applied)
        figures["apply_p90_s"] = statistics.quantiles(applied, n=10)[-1]
        figures["cursor_move_median_s"] = statistics.median(moved)
    project.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, help="an existing project to copy and use")
    parser.add_argument("--documents", type=int, default=6600)
    parser.add_argument("--coded-share", type=float, default=0.3)
    parser.add_argument("--applies", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="brightspots-workbench-") as tmp:
        folder = Path(tmp)
        path = folder / "dms.bsp"
        if args.project:
            import shutil

            shutil.copy(args.project, path)
        else:
            build_project(path, args.documents)
        with Project.open(path) as project:
            codings = add_codings(project, args.coded_share, seed=0)
            add_long_transcript(project, folder)
            totals = project.store.totals()
        base = asyncio.run(baseline())
        figures = asyncio.run(measure(path, args.applies))
    result = {
        "benchmark": "workbench",
        "documents": totals["documents"],
        "segments": totals["segments"],
        "codings": totals["codings"],
        "added_codings": codings,
        **{k: round(v, 4) for k, v in figures.items()},
        "baseline_empty_app_s": round(base, 4),
        "ready_vs_baseline": round(figures["ready_s"] / base, 2),
        "long_first_screen_vs_baseline": round(figures["long_first_screen_s"] / base, 2),
        "apply_median_vs_baseline": round(figures["apply_median_s"] / base, 3),
        "apply_vs_cursor_move": round(
            figures["apply_median_s"] / figures["cursor_move_median_s"], 2
        ),
        "targets": {"ready_s": 2.0, "long_first_screen_s": 0.3, "apply_median_s": 0.05},
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
