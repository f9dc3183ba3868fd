"""Crash benchmark: a process coding passages is killed with SIGKILL, again and again.

Each trial forks a child that codes passages through `Project.apply_code` (and removes
some codings, and writes memos) as fast as it can, reporting each change on a pipe only
once `apply_code` has returned, i.e. after COMMIT. The parent waits until the child has
committed something, sleeps a random time (0 to `--max-delay` s) and kills it with
SIGKILL: most kills land in the middle of a transaction. Then it checks the file:
SQLite's `integrity_check`, brightspots' own check (orphans, codings off their text,
the full-text index), and that every change reported by this child and every earlier
one is there (a removal reported done must be gone; one in flight may go either way).
The same file carries on from trial to trial, WAL left by the dead child included.

Figures: trials, changes reported as saved, losses (reported changes missing at the
end, plus trials that found one missing), corruptions (trials whose checks failed), and
the seconds taken. The target is zero losses and zero corruptions. POSIX only (fork).

    python benchmarks/bench_crash.py [--trials 200] [--seed 0] [--max-delay 0.4]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.crash import prepare, trial, verify  # after the path is set


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-delay", type=float, default=0.4)
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        path = prepare(Path(folder))
        history: list[str] = []
        trials_with_loss = corruptions = 0
        details: list[str] = []
        for number in range(args.trials):
            outcome, lines = trial(path, args.seed * 100_003 + number, history, args.max_delay)
            history += lines
            trials_with_loss += outcome.lost > 0
            corruptions += outcome.corrupt
            if outcome.corrupt or outcome.lost:
                details.append(f"trial {number}: lost {outcome.lost}; {outcome.detail}")
            if not args.quiet:
                print(
                    f"trial {number + 1}/{args.trials}: {len(lines)} report(s), "
                    f"lost {outcome.lost}, corrupt {outcome.corrupt}",
                    file=sys.stderr,
                )
        final = verify(path, history)
        size = path.stat().st_size
    print(
        json.dumps(
            {
                "benchmark": "crash",
                "trials": args.trials,
                "saved": final.saved,
                "losses": final.lost,
                "trials_with_loss": trials_with_loss,
                "corruptions": corruptions + final.corrupt,
                "project_bytes": size,
                "seconds": round(time.perf_counter() - started, 1),
                "details": details[:10],
            }
        )
    )


if __name__ == "__main__":
    main()
