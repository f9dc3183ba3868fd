"""Embedding speed: brightspots' cached embedding against sentence-transformers' own
`encode` on the same texts with the same loaded model, in the same run. Prints one JSON
line.

* throughput: texts per second through `Project.embed` on an empty cache (hashing,
  de-duplicating, embedding, writing vectors to the project), as a ratio to raw
  `SentenceTransformer.encode` (target >= 0.9). Raw encode is timed before and after ours
  and averaged, because the machine's speed drifts;
* second run: the same texts again (all from the cache), as a ratio of the first run's
  time (target >= 50x faster).

Texts are sentences of the DMS-scale generator (distinct, like a real corpus's segments).

    python benchmarks/bench_embedding.py [--texts 5000]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from brightspots.config import set_offline_environment
from brightspots.embedding import SentenceTransformerEmbedder
from brightspots.project import Project
from generate import generate_corpus

BATCH = 64  # what SentenceTransformerEmbedder uses on a CPU


def sentences(count: int) -> list[str]:
    """Distinct speech sentences from a generated corpus."""
    with tempfile.TemporaryDirectory(prefix="brightspots-embed-texts-") as tmp:
        generate_corpus(Path(tmp), documents=max(12, count // 30), seed=3)
        seen: dict[str, None] = {}
        for path in sorted(Path(tmp).rglob("*.txt")):
            for line in path.read_text(encoding="utf-8").splitlines():
                _, _, said = line.partition(": ")
                for sentence in said.split(". "):
                    if len(sentence) > 20:
                        seen.setdefault(sentence.strip(), None)
    texts = list(seen)
    if len(texts) < count:
        raise SystemExit(f"only {len(texts)} distinct sentences; ask for fewer")
    return texts[:count]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--texts", type=int, default=5000)
    args = parser.parse_args(argv)
    set_offline_environment()
    texts = sentences(args.texts)
    embedder = SentenceTransformerEmbedder()
    model = embedder.model  # loaded once, outside every timing
    model.encode(texts[:64])  # warm up

    def raw() -> float:
        started = time.perf_counter()
        model.encode(texts, batch_size=BATCH, normalize_embeddings=True)
        return time.perf_counter() - started

    with tempfile.TemporaryDirectory(prefix="brightspots-embed-") as tmp:
        Project.create(Path(tmp) / "cache.bsp", empty=True).close()
        with Project.open(Path(tmp) / "cache.bsp", embedder=embedder) as project:
            raw_before = raw()
            started = time.perf_counter()
            project.embed(texts)
            first = time.perf_counter() - started
            raw_after = raw()
            started = time.perf_counter()
            project.embed(texts)
            second = time.perf_counter() - started
    raw_mean = (raw_before + raw_after) / 2
    print(
        json.dumps(
            {
                "benchmark": "embedding",
                "texts": len(texts),
                "model": embedder.name,
                "device": embedder.device,
                "raw_encode_s": [round(raw_before, 2), round(raw_after, 2)],
                "brightspots_first_s": round(first, 2),
                "brightspots_second_s": round(second, 4),
                "throughput_ratio": round(raw_mean / first, 3),
                "second_run_speedup": round(first / second, 1),
                "targets": {"throughput_ratio": 0.9, "second_run_speedup": 50},
            }
        )
    )


if __name__ == "__main__":
    main()
