"""BANKING77 (`../shared/datasets/banking77`) as the benchmarks read it: 77 intents, their
training and test passages, labels as intent numbers."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

DATA = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "banking77"
Labels = npt.NDArray[np.int64]


def read(path: Path) -> tuple[list[str], list[str]]:
    """(texts, intent names) of one CSV file."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [r["text"] for r in rows], [r["category"] for r in rows]


@dataclass(frozen=True)
class Banking77:
    categories: list[str]
    train_texts: list[str]
    train_labels: Labels
    test_texts: list[str]
    test_labels: Labels


def load(data: Path = DATA) -> Banking77:
    categories: list[str] = json.loads((data / "categories.json").read_text())
    number = {c: i for i, c in enumerate(categories)}
    train_texts, train_names = read(data / "train.csv")
    test_texts, test_names = read(data / "test.csv")
    return Banking77(
        categories,
        train_texts,
        np.array([number[c] for c in train_names], np.int64),
        test_texts,
        np.array([number[c] for c in test_names], np.int64),
    )
