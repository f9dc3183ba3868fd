"""Nearest neighbours and label spreading over unit vectors, in plain numpy.

Label spreading (Zhou et al., 2004) lets passages that sit close together share what is
known about them: each passage's code scores are pulled towards those of its nearest
neighbours. Run over the project's uncoded passages, it turns the structure of the corpus
itself (passages about the same thing cluster) into evidence, which is what lifts
suggestions above plain similarity to a code's description."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

Matrix = npt.NDArray[np.float32]
Indices = npt.NDArray[np.int64]
Rows = Any  # a Matrix, or a scipy sparse matrix of unit rows (TF-IDF)

# Query rows per block in `nearest`: a block of 2,048 x 10,000 similarities is 80 MB.
BLOCK = 2048


def nearest(
    queries: Rows, items: Rows, k: int, exclude_self: bool = False
) -> tuple[Indices, Matrix]:
    """(indices, similarities) of each query's `k` most similar items (dot product of
    unit rows), in no particular order. `exclude_self` when queries are the items."""
    n = queries.shape[0]
    k = min(k, items.shape[0] - (1 if exclude_self else 0))
    if k <= 0 or n == 0:
        return np.zeros((n, 0), np.int64), np.zeros((n, 0), np.float32)
    columns = items.T.tocsr() if hasattr(items, "tocsr") else items.T
    found: list[Indices] = []
    weights: list[Matrix] = []
    for first in range(0, n, BLOCK):
        sims = queries[first : first + BLOCK] @ columns
        if not isinstance(sims, np.ndarray):
            sims = sims.toarray()
        if exclude_self:
            rows = np.arange(sims.shape[0])
            sims[rows, rows + first] = -np.inf
        index = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        found.append(index.astype(np.int64))
        weights.append(np.take_along_axis(sims, index, axis=1).astype(np.float32))
    return np.vstack(found), np.vstack(weights)


@dataclass(frozen=True)
class Graph:
    """A symmetric k-nearest-neighbour graph, normalised as D^-1/2 W D^-1/2."""

    index: Indices  # (n, k) neighbours of each node
    weight: Matrix  # (n, k) normalised edge weights; each edge also counts backwards

    @classmethod
    def build(cls, vectors: Matrix, k: int) -> Graph:
        index, sims = nearest(vectors, vectors, k, exclude_self=True)
        weight = np.maximum(sims, 0.0) / 2  # W = (S + S^T) / 2, kept as S's half
        degree = weight.sum(axis=1)
        np.add.at(degree, index.ravel(), weight.ravel())
        scale = 1.0 / np.sqrt(np.maximum(degree, 1e-12))
        normalised = weight * scale[:, None] * scale[index]
        return cls(index, normalised.astype(np.float32))

    def __len__(self) -> int:
        return len(self.index)

    def apply(self, values: Matrix) -> Matrix:
        """The normalised adjacency times `values` (n, c)."""
        forward = np.einsum("nk,nkc->nc", self.weight, values[self.index])
        backward = np.zeros_like(values)
        np.add.at(
            backward,
            self.index.ravel(),
            (self.weight[..., None] * values[:, None, :]).reshape(-1, values.shape[1]),
        )
        result: Matrix = (forward + backward).astype(np.float32)
        return result


def spread(graph: Graph, prior: Matrix, alpha: float, steps: int = 30) -> Matrix:
    """Label spreading: F <- alpha S F + (1 - alpha) Y, from Y = `prior` (rows are
    distributions over codes); returns F with rows renormalised to sum to 1."""
    scores = prior.copy()
    for _ in range(steps):
        scores = alpha * graph.apply(scores) + (1 - alpha) * prior
    total = np.maximum(scores.sum(axis=1, keepdims=True), 1e-12)
    result: Matrix = (scores / total).astype(np.float32)
    return result


def neighbour_average(queries: Matrix, items: Matrix, values: Matrix, k: int) -> Matrix:
    """For passages outside the graph: the similarity-weighted mean of `values` over each
    query's `k` nearest items (the inductive step of label spreading)."""
    index, sims = nearest(queries, items, k)
    weight = np.maximum(sims, 0.0)
    total = np.maximum(weight.sum(axis=1, keepdims=True), 1e-12)
    result: Matrix = (np.einsum("nk,nkc->nc", weight, values[index]) / total).astype(np.float32)
    return result
