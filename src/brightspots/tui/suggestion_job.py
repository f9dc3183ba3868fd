"""Suggestion work off the UI thread, shared by the coding screen's panel and the review
screen.

Fitting the suggester takes seconds to minutes (the first run embeds up to 10,000 uncoded
passages; later runs find them in the project's cache), so it runs in a Textual worker
thread, once per app, and is kept in a `SuggesterCache`.

SQLite connections stay in their thread: the app's `Project` is used on the UI thread only,
and a worker opens the project file a second time with the same embedder
(`SuggestionJob.run`) and closes it before it ends. WAL mode lets both connections read
while one of them writes. Jobs run one at a time (they share the embedder, and fitting
twice at once would only cost twice)."""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from brightspots.embedding import CachedEmbedder, Embedder, EmbeddingCancelled
from brightspots.errors import BrightspotsError
from brightspots.models import Cancelled, Code, Progress
from brightspots.project import Project
from brightspots.suggester import Suggester

T = TypeVar("T")


def _learned_from(codes: tuple[Code, ...]) -> tuple[tuple[str, ...], ...]:
    """What the suggester reads of the codebook: a change here calls for a new fit (a new
    colour or shortcut does not)."""
    return tuple((c.id, c.name, c.definition, c.inclusion, c.exclusion, *c.examples) for c in codes)


class SuggesterCache:
    """The app's fitted suggester. The first job that needs it fits it; it is fitted again
    when the codebook's texts have changed since."""

    def __init__(self) -> None:
        self._turn = threading.Lock()
        self._fitted: Suggester | None = None

    def fits(self, codes: tuple[Code, ...]) -> bool:
        """Whether a suggester is fitted on this codebook (the next job will not fit)."""
        fitted = self._fitted
        return fitted is not None and _learned_from(fitted.codes_) == _learned_from(codes)

    @contextmanager
    def turn(self, cancelled: Cancelled) -> Iterator[None]:
        """Wait for the job before this one, giving up if this one is cancelled."""
        while not self._turn.acquire(timeout=0.1):
            if cancelled():
                raise EmbeddingCancelled("cancelled while waiting for another suggestion job")
        try:
            yield
        finally:
            self._turn.release()

    def fitted(
        self,
        project: Project,
        coder: str,
        blind: bool,
        progress: Progress | None,
        cancelled: Cancelled,
    ) -> Suggester:
        """Only inside `turn()`. The pool is the coder's uncoded segments; the examples are
        everyone's codings (the coder's own only in blind mode)."""
        codebook = project.codebook()
        fitted = self._fitted
        if fitted is None or not self.fits(codebook.codes if codebook else ()):
            fitted = self._fitted = project.fit_suggester(
                [coder], [coder] if blind else None, progress=progress, cancelled=cancelled
            )
        return fitted


def bound(suggester: Suggester, project: Project) -> Suggester:
    """The suggester reading the embedding cache through `project`'s connection. A fitted
    `Suggester` keeps the cache it was fitted with, and so the connection of the worker that
    fitted it, which that worker has closed."""
    rebound = copy.copy(suggester)
    rebound.embedder = CachedEmbedder(project.store, project.embedder)
    return rebound


@dataclass(frozen=True)
class SuggestionJob:
    """What a worker thread needs, read on the UI thread before it starts."""

    path: Path
    embedder: Embedder
    coder: str
    blind: bool
    cache: SuggesterCache

    def run(
        self,
        work: Callable[[Project, Suggester], T],
        progress: Progress | None,
        cancelled: Cancelled,
    ) -> T:
        """In a worker thread: open the project on this thread, fit the suggester if no
        job has yet, and run `work` with both; the connection is closed on the way out."""
        with (
            self.cache.turn(cancelled),
            Project.open(self.path, embedder=self.embedder) as project,
        ):
            fitted = self.cache.fitted(project, self.coder, self.blind, progress, cancelled)
            return work(project, bound(fitted, project))


def learning_label(project: Project, coder: str, blind: bool, ready: bool) -> str:
    """The progress line's words while the suggester is fitted (or, when it is, while the
    job scores)."""
    if ready:
        return "Scoring…"
    coded = sum(project.code_counts(coder if blind else None).values())
    plural = "" if coded == 1 else "s"
    return f"Learning from the codebook and {coded:,} coded passage{plural}…"


class ProgressLine:
    """A `progress` callback that calls `show(text)` only when the whole percentage changes:
    an embedder may report every passage, and each report is a message to the UI thread.
    The core reports embedding only: what follows it is named by `then`."""

    def __init__(self, label: str, show: Callable[[str], None], then: str) -> None:
        self.label = label
        self.show = show
        self.then = then
        self._last = -1

    def __call__(self, done: int, total: int, what: str) -> None:
        percent = 100 * done // total if total else 100
        if percent != self._last:
            self._last = percent
            step = self.then if percent >= 100 else f"embedding {percent}%"
            self.show(f"{self.label} {step}")


def failure(error: BaseException | None) -> str | None:
    """What to say about a worker's error: the core's message, or the unexpected error
    itself; None for a cancel, which is not a failure."""
    if error is None or isinstance(error, EmbeddingCancelled):
        return None
    if isinstance(error, BrightspotsError):
        return error.message
    return f"{type(error).__name__}: {error}"
