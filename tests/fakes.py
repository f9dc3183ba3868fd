"""Test doubles shared by the unit tests."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

_WORD = re.compile(r"\w+")


class FakeEmbedder:
    """A tiny deterministic embedder: each word has a fixed random unit vector (seeded by
    its hash), a text is the normalised sum of its words' vectors. Texts sharing words are
    similar, texts sharing none are nearly orthogonal. It records what it was asked to
    embed, so tests can see what the cache spared it."""

    def __init__(self, name: str = "fake-words", dimension: int = 64) -> None:
        self._name = name
        self._dimension = dimension
        self.calls: list[list[str]] = []

    @property
    def name(self) -> str:
        return self._name

    @property
    def dimension(self) -> int:
        return self._dimension

    @property
    def embedded(self) -> list[str]:
        return [text for call in self.calls for text in call]

    def encode(
        self,
        texts: Sequence[str],
        progress: Callable[[int, int, str], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> npt.NDArray[np.float32]:
        self.calls.append(list(texts))
        result = np.zeros((len(texts), self._dimension), np.float32)
        for row, text in enumerate(texts):
            if cancelled is not None and cancelled():
                from brightspots.embedding import EmbeddingCancelled

                raise EmbeddingCancelled("cancelled")
            words = _WORD.findall(text.casefold()) or ["<empty>"]
            vector = np.stack([self.word(w) for w in words]).sum(axis=0)
            result[row] = vector / max(float(np.linalg.norm(vector)), 1e-12)
            if progress is not None:
                progress(row + 1, len(texts), "embedding")
        return result

    def word(self, word: str) -> npt.NDArray[np.float32]:
        seed = int.from_bytes(hashlib.sha256(word.encode("utf-8")).digest()[:8], "little")
        vector = np.random.default_rng(seed).standard_normal(self._dimension).astype(np.float32)
        return vector / np.linalg.norm(vector)
