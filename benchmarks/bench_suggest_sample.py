"""Suggestion quality on the sample corpus: hold out 30% of the reference codings, fit the
suggester on the rest as a project would, and score its suggestions for the held-out
passages. Prints one JSON line.

* Held out by document (seeded): 30% of the documents coded by `ref-a` lose their codings,
  so no passage of a held-out document teaches the suggester.
* A held-out passage is a segment that a held-out coding overlaps; its true codes are the
  codes of the codings overlapping it.
* precision@1: the best suggestion is one of the passage's true codes;
  recall@3: the share of its true codes among the three best suggestions;
  macro-F1: the best suggestion as the prediction, F1 per code averaged over the codes
  with held-out passages (a passage with several codes counts as right for any of them).
* Baseline, same run: the codebook alone (no coded passages to learn from).

    python benchmarks/bench_suggest_sample.py [--seed 0] [--project sample.bsp]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from brightspots.config import set_offline_environment
from brightspots.importer import ImportOptions
from brightspots.project import Project
from brightspots.suggester import Passage, Suggestion

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "corpora" / "sample"
CODINGS = ROOT / "corpora" / "sample-codings"
HELD_OUT = 0.3
CODER = "ref-a"


def build(path: Path) -> None:
    with Project.create(path) as project:
        project.import_files([SAMPLE], ImportOptions(metadata=SAMPLE / "metadata.csv"))
        project.load_codings(sorted(CODINGS.glob("*.csv")))


def hold_out(project: Project, seed: int) -> dict[Passage, set[str]]:
    """Remove the held-out documents' codings (all coders'); return their passages' truths."""
    store = project.store
    coded = sorted(d.name for d in project.documents(coder=CODER) if d.coded_by_me)
    held = set(random.Random(seed).sample(coded, round(len(coded) * HELD_OUT)))
    truth: dict[Passage, set[str]] = defaultdict(set)
    with store.transaction():
        for name in held:
            view = project.document(name)
            for coding in view.codings:
                if coding["coder"] == CODER:
                    for s in view.segments:
                        if coding["start"] < s.end and coding["end"] > s.start:
                            passage = Passage(s.text, name, s.start, s.end)
                            truth[passage].add(str(coding["code"]))
                store.delete_coding(str(coding["uid"]))
    return dict(truth)


def score(ranked: Sequence[Sequence[Suggestion]], truth: Sequence[set[str]]) -> dict[str, float]:
    at1 = [bool(r) and r[0].code in t for r, t in zip(ranked, truth, strict=True)]
    at3 = [len({s.code for s in r[:3]} & t) / len(t) for r, t in zip(ranked, truth, strict=True)]
    codes = sorted(set().union(*truth))
    f1s = []
    for code in codes:
        tp = fp = fn = 0
        for r, t in zip(ranked, truth, strict=True):
            predicted = r[0].code if r else None
            if predicted == code and code in t:
                tp += 1
            elif predicted == code:
                fp += 1
            elif code in t and predicted not in t:
                fn += 1
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return {
        "precision_at_1": round(sum(at1) / len(at1), 4),
        "recall_at_3": round(sum(at3) / len(at3), 4),
        "macro_f1": round(sum(f1s) / len(f1s), 4),
        "codes": len(codes),
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--project", type=Path, help="a built sample project to copy")
    args = parser.parse_args(argv)
    set_offline_environment()
    with tempfile.TemporaryDirectory(prefix="brightspots-suggest-sample-") as tmp:
        path = Path(tmp) / "sample.bsp"
        if args.project:
            path.write_bytes(args.project.read_bytes())
        else:
            print("building the sample project…", file=sys.stderr)
            build(path)
        with Project.open(path) as project:
            truth = hold_out(project, args.seed)
            passages = list(truth)
            started = time.perf_counter()
            learned = project.fit_suggester(learn_from=[CODER])
            fit_seconds = time.perf_counter() - started
            ranked = learned.suggest(passages, top_k=3)
            # the same suggester, learning from nobody's codings: the codebook alone
            baseline = project.fit_suggester(learn_from=["nobody"]).suggest(passages, top_k=3)
            kept = project.store.db.execute(
                "SELECT count(*) FROM codings c JOIN coders p ON p.num = c.coder WHERE p.name = ?",
                [CODER],
            ).fetchone()[0]
    truths = [truth[p] for p in passages]
    print(
        json.dumps(
            {
                "benchmark": "suggest-sample",
                "seed": args.seed,
                "held_out_passages": len(passages),
                "training_codings": kept,
                "fit_seconds": round(fit_seconds, 2),
                "calibration": learned.calibration_.method,
                "brightspots": score(ranked, truths),
                "baseline_codebook_only": score(baseline, truths),
            }
        )
    )


if __name__ == "__main__":
    main()
