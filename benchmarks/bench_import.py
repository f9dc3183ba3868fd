"""Import benchmark: brightspots' import against spaCy alone, in the same run.

Generates a DMS-like corpus (`generate.py`), then times, on the same files:

* baseline: spaCy's own `nlp.pipe` (`spacy.blank(lang)` + `sentencizer`, one pipeline per
  language, as brightspots' `SpacySegmenter` builds them) over the speech of every file:
  each file is read, its speaker labels, title line and time codes are stripped, and
  every paragraph of every turn is one text for `nlp.pipe` (the texts brightspots
  itself hands to spaCy), streamed in one `nlp.pipe` call per language;
* brightspots: `Project.create` + `import_files` of the folder into a new project, and
  closing it (reading, layout, metadata, segmentation, storing, full-text index).

Timings are reported as a ratio (import words/s over spaCy words/s, the same words), since
the machine's speed varies from run to run. Prints one JSON line.

    python benchmarks/bench_import.py [--documents 300] [--seed 0] [--check-reimport]
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import json
import os
import platform
import pstats
import re
import resource
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from generate import write_corpus

_STAMP = re.compile(r"^\[\d{2}:\d{2}(?::\d{2})?\]\s*")  # a time code opening a line
_INLINE_STAMP = re.compile(r"\s*\[\d{2}:\d{2}:\d{2}\]\s*")  # one inside a turn
_LABEL = re.compile(r"^([^\W\d_][^:\[\]]{0,40}?) ?: (.*)$")  # `HT: ...`, `Enquêteur : ...`


def speech_paragraphs(text: str) -> Iterator[str]:
    """The paragraphs of speech in a generated transcript, without labels or time codes.

    Labelled files (interviews, focus groups): the title line before the first label is
    not speech. Label-free files (observations): every paragraph is."""
    lines = [_STAMP.sub("", line.strip()) for line in text.split("\n")]
    labelled = any(_LABEL.match(line) for line in lines)
    seen_label = not labelled
    for line in lines:
        if not line:
            continue
        if labelled:
            match = _LABEL.match(line)
            if match:
                seen_label = True
                line = match.group(2)
            elif not seen_label:
                continue
        line = _INLINE_STAMP.sub(" ", line).strip()
        if line:
            yield line


def files_by_language(folder: Path, metadata: Path) -> dict[str, list[Path]]:
    groups: dict[str, list[Path]] = {}
    with metadata.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            groups.setdefault(row["language"], []).append(folder / row["file"])
    return groups


def spacy_baseline(folder: Path, metadata: Path) -> dict[str, Any]:
    """Time spaCy alone over the speech paragraphs of every file (reading included)."""
    import spacy

    groups = files_by_language(folder, metadata)
    words = sentences = 0
    started = time.perf_counter()
    for language, files in sorted(groups.items()):
        nlp = spacy.blank(language)
        nlp.add_pipe("sentencizer")
        nlp.max_length = 50_000_000

        def texts(files: list[Path] = files) -> Iterator[str]:
            nonlocal words
            for path in files:
                for paragraph in speech_paragraphs(path.read_text(encoding="utf-8")):
                    words += len(paragraph.split())
                    yield paragraph

        for doc in nlp.pipe(texts(), batch_size=256):
            sentences += sum(1 for _ in doc.sents)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "words": words, "sentences": sentences}


def warm_up_spacy(languages: Iterable[str]) -> float:
    """Import spaCy and build each language's pipeline once, outside both timings.

    The first `spacy.blank("fr")` in a process costs seconds (its tokenizer exceptions are
    compiled once, then cached), so whichever side ran first would pay it; this one-time
    cost is reported on its own as spacy_load_seconds."""
    started = time.perf_counter()
    import spacy

    for language in languages:
        nlp = spacy.blank(language)
        nlp.add_pipe("sentencizer")
        for _ in nlp.pipe(["Warm up. Twice."]):
            pass
    return time.perf_counter() - started


def project_megabytes(path: Path) -> float:
    """The project's size on disk: the file, plus its WAL if one was left behind."""
    parts = (path, path.with_name(path.name + "-wal"))
    return sum(p.stat().st_size for p in parts if p.exists()) / 2**20


def brightspots_import(
    path: Path, folder: Path, metadata: Path, profile: int = 0
) -> dict[str, Any]:
    """Time `Project.create` + `import_files` + close."""
    from brightspots.project import ImportOptions, Project

    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    project = Project.create(path)
    report = project.import_files([folder], ImportOptions(metadata=metadata))
    project.close()
    if profiler:
        profiler.disable()
    seconds = time.perf_counter() - started
    if profiler:
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(profile)
    return {"seconds": seconds, "report": report}


def reimport(path: Path, folder: Path, metadata: Path) -> dict[str, Any]:
    """Time opening the project again and importing the unchanged folder."""
    from brightspots.project import ImportOptions, Project

    started = time.perf_counter()
    with Project.open(path) as project:
        report = project.import_files([folder], ImportOptions(metadata=metadata))
    return {"seconds": time.perf_counter() - started, "report": report}


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def log(message: str, quiet: bool) -> None:
    if not quiet:
        print(message, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="brightspots import benchmark")
    parser.add_argument(
        "--documents",
        type=int,
        default=300,
        help="documents to generate (6600 for the full DMS size)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="run baseline and import this many times; keep the best of each",
    )
    parser.add_argument(
        "--check-reimport",
        action="store_true",
        help="also time a second import of the unchanged folder",
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        help="where to put the corpus and projects "
        "(default: a temporary folder, removed afterwards)",
    )
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="profile the import; print the top N functions to stderr",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="brightspots-bench-", dir=args.workdir) as tmp:
        work = Path(tmp)
        log(f"generating {args.documents} documents in {work}", args.quiet)
        corpus = write_corpus(work / "corpus", args.documents, args.seed)
        log(
            f"  {corpus.words:,} words, {corpus.megabytes:.1f} MB, {corpus.seconds:.1f} s",
            args.quiet,
        )

        load_seconds = warm_up_spacy(files_by_language(corpus.folder, corpus.metadata))

        baseline: dict[str, Any] | None = None
        imported: dict[str, Any] | None = None
        project = work / "project.bsp"
        for attempt in range(max(1, args.repeat)):
            log(f"spaCy baseline (run {attempt + 1})", args.quiet)
            result = spacy_baseline(corpus.folder, corpus.metadata)
            log(f"  {result['seconds']:.1f} s", args.quiet)
            if baseline is None or result["seconds"] < baseline["seconds"]:
                baseline = result
            if attempt == 0:
                baseline_rss = peak_rss_mb()  # before any import: spaCy's own footprint
            log(f"brightspots import (run {attempt + 1})", args.quiet)
            for leftover in work.glob("project.bsp*"):
                leftover.unlink()
            result = brightspots_import(project, corpus.folder, corpus.metadata, args.profile)
            log(f"  {result['seconds']:.1f} s", args.quiet)
            if imported is None or result["seconds"] < imported["seconds"]:
                imported = result
        assert baseline is not None and imported is not None
        report = imported["report"]
        megabytes = project_megabytes(project)

        # One word count for both rates: the words of the speech (brightspots' count).
        words = report.words
        spacy_rate = words / baseline["seconds"]
        import_rate = words / imported["seconds"]
        figures: dict[str, Any] = {
            "benchmark": "import",
            "documents": len(report.added),
            "words": words,
            "segments": report.segments,
            "spacy_words_per_s": round(spacy_rate),
            "import_words_per_s": round(import_rate),
            "import_vs_spacy_ratio": round(import_rate / spacy_rate, 3),
            "project_mb": round(megabytes, 1),
            "mb_per_million_segments": round(megabytes / (report.segments / 1e6), 1),
            "spacy_seconds": round(baseline["seconds"], 2),
            "spacy_load_seconds": round(load_seconds, 2),
            "import_seconds": round(imported["seconds"], 2),
            "spacy_words": baseline["words"],
            "spacy_sentences": baseline["sentences"],
            "speakers_without_role": sum(report.speakers_without_role.values()),
            "duplicates": len(report.duplicates),
            "corpus_mb": round(corpus.megabytes, 1),
            "generate_seconds": round(corpus.seconds, 2),
            "baseline_peak_rss_mb": round(baseline_rss),
            "peak_rss_mb": round(peak_rss_mb()),
            "repeat": max(1, args.repeat),
        }
        if args.check_reimport:
            log("re-import of the unchanged folder", args.quiet)
            again = reimport(project, corpus.folder, corpus.metadata)
            second = again["report"]
            figures.update(
                {
                    "reimport_seconds": round(again["seconds"], 2),
                    "reimport_vs_import_ratio": round(again["seconds"] / imported["seconds"], 3),
                    "reimport_added": len(second.added)
                    + len(second.updated)
                    + len(second.metadata_updated),
                    "reimport_unchanged": len(second.unchanged),
                    "reimport_project_mb": round(project_megabytes(project), 1),
                }
            )
        figures["python"] = platform.python_version()
        figures["cpu_count"] = os.cpu_count()
    print(json.dumps(figures), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
