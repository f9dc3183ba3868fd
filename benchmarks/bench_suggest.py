"""Suggestion benchmark: brightspots' suggester on BANKING77 (77 intents as codes), against
the plain baselines, in the same run, with the packaged all-MiniLM-L6-v2.

Two settings, each with its baseline:

* names only: the codebook is the 77 intent names (underscores read as spaces);
  baseline: cosine similarity of each passage to each name;
* 5 examples: 5 labelled passages per intent drawn from the training set (seeded);
  baseline: nearest centroid of the 5 examples.

The "project" is the whole corpus: the training passages (5 per code coded in the second
setting, the rest uncoded) and the evaluated passages (uncoded). The suggester spreads its
scores over a sample of the uncoded passages, as it does in a project; labels of uncoded
passages are never read except to score the result.

`--split dev` evaluates on 3,000 training passages (the split the settings were tuned
on); `--split test` (the default) on the 3,080 test passages, which were used only to
report figures. Prints one JSON line.

    python benchmarks/bench_suggest.py [--split test] [--seeds 0 1 2] [--cache FILE.bsp]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from brightspots.config import set_offline_environment
from brightspots.embedding import CachedEmbedder, SentenceTransformerEmbedder
from brightspots.models import Code
from brightspots.store import Store
from brightspots.suggester import (
    Example,
    Passage,
    Suggester,
    SuggestSettings,
    fit_calibration,
    logit,
)

sys.path.insert(0, str(Path(__file__).resolve().parent))

import banking77

DATA = banking77.DATA
SHOTS = 5
DEV_SIZE = 3000
Labels = banking77.Labels


def split(
    train_labels: Labels, categories: int, seed: int, dev: bool
) -> tuple[Labels, Labels, Labels]:
    """(support, evaluated training rows or none, the other training rows)."""
    rng = np.random.default_rng(seed)
    support = np.concatenate(
        [
            rng.choice(np.flatnonzero(train_labels == c), SHOTS, replace=False)
            for c in range(categories)
        ]
    )
    rest = np.setdiff1d(np.arange(len(train_labels)), support)
    held = rng.choice(rest, DEV_SIZE, replace=False) if dev else np.zeros(0, np.int64)
    return support, np.sort(held), np.setdiff1d(rest, held)


def accuracy(scores: npt.NDArray[Any], labels: Labels) -> float:
    return float((scores.argmax(axis=1) == labels).mean())


def calibration_figures(scores: npt.NDArray[Any], labels: Labels) -> dict[str, float]:
    """Expected calibration error of the top score (10 bins), and the precision and share of
    passages whose top score is at least 0.5."""
    top = scores.max(axis=1)
    right = scores.argmax(axis=1) == labels
    bins = np.minimum((top * 10).astype(int), 9)
    ece = sum(
        abs(top[bins == b].mean() - right[bins == b].mean()) * (bins == b).mean()
        for b in range(10)
        if (bins == b).any()
    )
    confident = top >= 0.5
    return {
        "ece": round(float(ece), 4),
        "mean_top_score": round(float(top.mean()), 4),
        "precision_at_0.5": round(float(right[confident].mean()), 4) if confident.any() else 0.0,
        "coverage_at_0.5": round(float(confident.mean()), 4),
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=("dev", "test"), default="test")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--cache", type=Path, help="keep embeddings in this project file")
    parser.add_argument(
        "--fit-default-calibration",
        action="store_true",
        help="also fit the names-only calibration on the dev split (suggester's default)",
    )
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    set_offline_environment()

    def say(message: str) -> None:
        if not args.quiet:
            print(message, file=sys.stderr, flush=True)

    data = banking77.load(args.data)
    categories, train_texts, train_labels = data.categories, data.train_texts, data.train_labels
    test_texts, test_labels = data.test_texts, data.test_labels
    codes = [Code(id=c, name=c.replace("_", " ")) for c in categories]

    with tempfile.TemporaryDirectory() as folder:
        cache = args.cache or Path(folder) / "cache.bsp"
        store = Store.open(cache) if cache.exists() else Store.create(cache)
        embedder = CachedEmbedder(store, SentenceTransformerEmbedder())
        started = time.perf_counter()
        say("embedding (cached after the first run)...")
        train_vectors = embedder.encode(train_texts)
        test_vectors = embedder.encode(test_texts)
        name_vectors = embedder.encode([c.name for c in codes])
        embed_seconds = time.perf_counter() - started

        runs: list[dict[str, Any]] = []
        for seed in args.seeds:
            support, held, rest = split(train_labels, len(codes), seed, args.split == "dev")
            if args.split == "dev":
                eval_texts = [train_texts[i] for i in held]
                eval_vectors, eval_labels = train_vectors[held], train_labels[held]
            else:
                eval_texts, eval_vectors, eval_labels = test_texts, test_vectors, test_labels
            uncoded = [train_texts[i] for i in rest] + eval_texts
            passages = [Passage(t) for t in eval_texts]
            run: dict[str, Any] = {"seed": seed}

            run["baseline_names"] = accuracy(eval_vectors @ name_vectors.T, eval_labels)
            sums = np.zeros_like(name_vectors)
            np.add.at(sums, train_labels[support], train_vectors[support])
            centroids = sums / np.linalg.norm(sums, axis=1, keepdims=True)
            run["baseline_centroid"] = accuracy(eval_vectors @ centroids.T, eval_labels)

            say(f"seed {seed}: names only...")
            clock = time.perf_counter()
            pool = _sample(uncoded, seed)
            names_only = Suggester(embedder).fit(codes, pool=pool)
            scores = names_only.scores([p.text for p in passages], eval_vectors)
            run["names_only"] = accuracy(scores, eval_labels)
            run["names_only_seconds"] = round(time.perf_counter() - clock, 1)
            run["names_only_calibration"] = calibration_figures(scores, eval_labels)
            if args.fit_default_calibration and args.split == "dev":
                run["default_calibration"] = _fit_default(names_only, eval_vectors, eval_labels)

            say(f"seed {seed}: {SHOTS} examples per code...")
            clock = time.perf_counter()
            examples = [Example(categories[train_labels[i]], train_texts[i]) for i in support]
            with_examples = Suggester(embedder).fit(codes, examples, pool=pool)
            scores = with_examples.scores([p.text for p in passages], eval_vectors)
            run["examples"] = accuracy(scores, eval_labels)
            run["examples_seconds"] = round(time.perf_counter() - clock, 1)
            run["examples_calibration"] = calibration_figures(scores, eval_labels)
            run["examples_calibration_method"] = with_examples.calibration_.method

            # What the uncoded corpus adds: the same suggester without spreading or centring.
            alone = SuggestSettings(min_pool=len(pool) + 1)
            texts = [p.text for p in passages]
            run["names_only_without_corpus"] = accuracy(
                Suggester(embedder, alone).fit(codes).shares(texts, eval_vectors), eval_labels
            )
            run["examples_without_corpus"] = accuracy(
                Suggester(embedder, alone).fit(codes, examples).shares(texts, eval_vectors),
                eval_labels,
            )
            runs.append(run)
            say(json.dumps(run))
        store.close()

    def mean(key: str) -> float:
        return round(float(np.mean([r[key] for r in runs])), 4)

    print(
        json.dumps(
            {
                "benchmark": "suggest-banking77",
                "split": args.split,
                "seeds": args.seeds,
                "passages": len(test_texts) if args.split == "test" else DEV_SIZE,
                "codes": len(codes),
                "names_only_accuracy": mean("names_only"),
                "names_only_baseline": mean("baseline_names"),
                "names_only_target": 0.68,
                "examples_accuracy": mean("examples"),
                "examples_baseline": mean("baseline_centroid"),
                "examples_target": 0.82,
                "names_only_without_corpus": mean("names_only_without_corpus"),
                "examples_without_corpus": mean("examples_without_corpus"),
                "embed_seconds": round(embed_seconds, 1),
                "runs": runs,
            }
        )
    )


def _sample(texts: Sequence[str], seed: int, size: int = 10_000) -> list[str]:
    """The uncoded passages a project would spread over: a seeded sample (as
    `suggestion.fit_for_project` draws it)."""
    if len(texts) <= size:
        return list(texts)
    chosen = np.random.default_rng(seed).choice(len(texts), size, replace=False)
    return [texts[i] for i in sorted(chosen)]


def _fit_default(
    suggester: Suggester, vectors: npt.NDArray[Any], labels: Labels
) -> dict[str, float]:
    """Fit the Platt calibration of names-only shares on these passages (the top 5 codes of
    each), as the suggester does on coded passages: the suggester's default calibration."""
    shares = suggester.shares([], vectors)
    top = np.argsort(-shares, axis=1)[:, :5]
    picked = np.take_along_axis(shares, top, axis=1)
    fitted = fit_calibration(logit(picked).ravel(), (top == labels[:, None]).ravel())
    return {"slope": round(fitted.slope, 4), "intercept": round(fitted.intercept, 4)}


if __name__ == "__main__":
    main()
