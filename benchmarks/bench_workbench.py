"""Workbench speed at DMS scale: prints one JSON line.

* ready: from creating the app on the project to the documents table filled;
* first screen of a 300,000-character transcript: from `enter` on it to the coding screen drawn;
* apply a code by key: `.` (repeat the last code) on successive segments, saved and redrawn,
  median and 90th percentile.

Each timing is also given as a ratio to a baseline measured in the same run: the start of
an empty Textual app of the same size (the cost no workbench can go below).

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
from textual.widgets import DataTable

sys.path.insert(0, str(Path(__file__).resolve().parent))

from brightspots.project import Project
from brightspots.tui.app import WorkbenchApp
from brightspots.tui.screens.coding import CodingScreen
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


async def measure(path: Path, applies: int) -> dict[str, float]:
    project = Project.open(path)
    started = time.perf_counter()
    app = WorkbenchApp(project, "bench")
    figures: dict[str, float] = {}
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        while table.row_count == 0:
            await pilot.pause(0.01)
        figures["ready_s"] = time.perf_counter() - started
        # open the long transcript: filter to it, then enter
        await pilot.press("slash", *"300k", "enter")
        await pilot.pause()
        started = time.perf_counter()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        figures["long_first_screen_s"] = time.perf_counter() - started
        figures["long_characters"] = len(app.screen.view.text)
        app.remember("mentoring-one-to-five")
        timings = []
        for _ in range(applies):
            await pilot.press("j")
            await pilot.pause()
            started = time.perf_counter()
            await pilot.press("period")
            await pilot.pause()
            timings.append(time.perf_counter() - started)
        figures["apply_median_s"] = statistics.median(timings)
        figures["apply_p90_s"] = statistics.quantiles(timings, n=10)[-1]
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
        "targets": {"ready_s": 2.0, "long_first_screen_s": 0.3, "apply_median_s": 0.05},
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
