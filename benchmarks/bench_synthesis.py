"""Synthesis speed at DMS scale: the matrices over a million codings. Prints one JSON line.

Builds a generated DMS-scale project (`generate.build_project`, or copies `--project`),
then adds codings straight into the table (one bulk insert, not through the undo log) until
there are at least `--codings` (1,050,000 by default), by two coders over the segments,
the way a coded study would look: each school does each practice or not (PD schools a
little more often, so the matrices have something to show), a coded segment gets a code of
a practice its school does, and one coding in twenty is of a code mapped to no practice.

Timed, each the median of `--repeat` rounds after one untimed round, every round running
each of them in turn (so that baselines and syntheses share the machine's load of the
moment); the process's very first synthesis is reported apart as `synthesize_cold_s` (it
imports scipy, and reads the project's pages from disk if the system has not cached them):

* `synthesize_s`: `synthesis.synthesize(store, None)`: every coder's codings, six matrices
  (practice and focus area by country, role and method), tests, reach, ranking, unmapped
  codes; `synthesize_one_coder_s` with `("ref-a",)`;
* baselines in the same run: `SELECT count(*) FROM codings` (`baseline_count_s`, what the
  issue names; SQLite counts the pages of its smallest index) and one grouped pass over the
  codings, `SELECT code, doc, count(*) ... GROUP BY code, doc` fetched
  (`baseline_one_pass_s`: the least any SQL aggregation of every coding reads);
* once each, for information: `min_passages=2`, `min_respondents=2` (they read the
  codings again: distinct spans; each coding's turn) and the quotes of every practice.

    python benchmarks/bench_synthesis.py                      # builds 6,600 documents (~4 min)
    python benchmarks/bench_synthesis.py --project /tmp/dms.bsp --repeat 7
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from brightspots.quotes import quotes_by_practice
from brightspots.store import Store
from brightspots.synthesis import synthesize
from generate import build_project

CODERS = ("ref-a", "ref-b")
UNMAPPED_SHARE = 0.05
PD_LIFT = 0.15  # how much more often a PD school does a practice, for half the practices


def log(message: str, quiet: bool) -> None:
    if not quiet:
        print(message, file=sys.stderr, flush=True)


def add_codings(store: Store, target: int, seed: int) -> int:
    """Bulk-insert codings until the project holds at least `target`; returns how many
    were added."""
    rng = random.Random(seed)
    db = store.db
    have = int(db.execute("SELECT count(*) FROM codings").fetchone()[0])
    if have >= target:
        return 0
    practices: dict[int, list[int]] = {}
    for code, practice in db.execute("SELECT code, practice FROM code_practices"):
        practices.setdefault(int(practice), []).append(int(code))
    unmapped = [
        int(r[0])
        for r in db.execute(
            "SELECT num FROM codes WHERE num NOT IN (SELECT code FROM code_practices)"
        )
    ]
    base = {p: rng.uniform(0.3, 0.7) for p in practices}
    lifted = set(rng.sample(sorted(practices), len(practices) // 2))
    school_codes: dict[tuple[str, str], list[int]] = {}
    doc_school: dict[int, tuple[str, str]] = {}
    for num, country, school, group in db.execute(
        "SELECT num, country, school_id, school_group FROM documents"
    ):
        key = (country, school)
        doc_school[int(num)] = key
        if key not in school_codes:
            lift = PD_LIFT if group == "pd" else 0.0
            chosen = [
                code
                for p, codes in sorted(practices.items())
                if rng.random() < base[p] + (lift if p in lifted else 0.0)
                for code in codes
            ]
            school_codes[key] = chosen or unmapped
    coders = [store.ensure_coder(name) for name in CODERS]
    segments = db.execute('SELECT doc, start, "end" FROM segments').fetchall()
    share = min(1.0, (target - have) * 1.02 / (len(segments) * len(coders)))
    rows = []
    for doc, start, end in segments:
        codes = school_codes[doc_school[doc]]
        for coder in coders:
            if rng.random() < share:
                pool = unmapped if rng.random() < UNMAPPED_SHARE else codes
                rows.append((doc, start, end, rng.choice(pool), coder))
    with store.transaction():
        db.conn.executemany(
            'INSERT OR IGNORE INTO codings (uid, doc, start, "end", code, coder, snippet, '
            "origin, status, created_at) VALUES (lower(hex(randomblob(16))), ?, ?, ?, ?, ?, "
            "'', 'bench', 'ok', '2026-01-01')",
            rows,
        )
    return int(db.execute("SELECT count(*) FROM codings").fetchone()[0]) - have


def interleaved(runs: list[Callable[[], Any]], repeat: int) -> list[float]:
    """The median seconds of each run, over `repeat` rounds after one untimed round; each
    round runs every one in turn, so that a baseline and what it is compared with share
    whatever else the machine is doing at the time."""
    for run in runs:
        run()
    times: list[list[float]] = [[] for _ in runs]
    for _ in range(repeat):
        for run, taken in zip(runs, times, strict=True):
            started = time.perf_counter()
            run()
            taken.append(time.perf_counter() - started)
    return [statistics.median(taken) for taken in times]


def once(run: Callable[[], Any]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, help="an existing project to copy and use")
    parser.add_argument("--documents", type=int, default=6600)
    parser.add_argument("--codings", type=int, default=1_050_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", type=Path, help="keep the coded project at this path")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="brightspots-synthesis-") as tmp:
        path = Path(tmp) / "dms.bsp"
        build_seconds = 0.0
        if args.project:
            shutil.copy(args.project, path)
        else:
            log(f"building a project of {args.documents} documents ...", args.quiet)
            build_seconds = build_project(path, args.documents, args.seed)["seconds"]
        store = Store.open(path)
        log("adding codings ...", args.quiet)
        started = time.perf_counter()
        added = add_codings(store, args.codings, args.seed)
        insert_seconds = time.perf_counter() - started
        totals = store.totals()
        countries = len(store.document_values("country"))
        log(f"{totals['codings']:,} codings; timing ...", args.quiet)
        db = store.db

        def count() -> None:
            db.execute("SELECT count(*) FROM codings").fetchone()

        def one_pass() -> None:
            db.execute(
                "SELECT code, doc, count(*) FROM codings WHERE status = 'ok' GROUP BY code, doc"
            ).fetchall()

        started = time.perf_counter()
        result = synthesize(store, None)  # the first call of the process: imports scipy
        cold_s = time.perf_counter() - started
        count_s, pass_s, synth_s, one_coder_s = interleaved(
            [
                count,
                one_pass,
                lambda: synthesize(store, None),
                lambda: synthesize(store, ("ref-a",)),
            ],
            args.repeat,
        )
        passages_s = once(lambda: synthesize(store, None, min_passages=2))
        respondents_s = once(lambda: synthesize(store, None, min_respondents=2))
        quotes_s = once(lambda: quotes_by_practice(store, None, limit=5))
        distinct = result.distinctive[0]
        store.close()
        if args.keep:
            shutil.copy(path, args.keep)
    figures = {
        "benchmark": "synthesis",
        "documents": totals["documents"],
        "schools": totals["schools"],
        "countries": countries,
        "segments": totals["segments"],
        "codings": totals["codings"],
        "added_codings": added,
        "synthesize_s": round(synth_s, 4),
        "synthesize_cold_s": round(cold_s, 4),
        "synthesize_one_coder_s": round(one_coder_s, 4),
        "baseline_count_s": round(count_s, 5),
        "baseline_one_pass_s": round(pass_s, 4),
        "synthesize_vs_count": round(synth_s / count_s, 1),
        "synthesize_vs_one_pass": round(synth_s / pass_s, 2),
        "min_passages_2_s": round(passages_s, 3),
        "min_respondents_2_s": round(respondents_s, 3),
        "quotes_all_practices_s": round(quotes_s, 3),
        "most_distinctive": [distinct.practice, round(distinct.difference, 3)],
        "build_seconds": build_seconds,
        "insert_seconds": round(insert_seconds, 1),
        "target_s": 1.0,
        "repeat": args.repeat,
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
