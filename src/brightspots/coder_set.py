"""Whose codings count: one coder, the consensus, or everyone.

Synthesis, reports and retrieval take a `CoderSet` so that a synthesis lead can draft the
report from one coder's work, from the adjudicated consensus, or from all codings together.
The consensus is an ordinary coder named `consensus` (see `adjudication.py`: settling a
disagreement records codings by that coder, with origin `adjudication`).

`CoderSet.coders()` gives what the store's queries take: a tuple of coder names, or None
for "no restriction" (everyone, the consensus included)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from brightspots.errors import InputError

CONSENSUS = "consensus"
"""The coder whose codings are the adjudicated consensus."""

ALL = "all"

CoderSetKind = Literal["coder", "consensus", "all"]


@dataclass(frozen=True)
class CoderSet:
    """`CoderSet.one("ana")`, `CoderSet.consensus()`, `CoderSet.everyone()`, or
    `CoderSet.parse(text)` for what a researcher types (`ana`, `consensus`, `all`)."""

    kind: CoderSetKind
    coder: str | None = None

    def __post_init__(self) -> None:
        if (self.kind == "coder") != bool(self.coder):
            raise ValueError("a CoderSet of kind 'coder' names exactly one coder")

    @classmethod
    def one(cls, coder: str) -> CoderSet:
        name = coder.strip()
        if not name:
            raise InputError("name a coder, or say 'consensus' or 'all'")
        if name == CONSENSUS:
            return cls.consensus()
        return cls("coder", name)

    @classmethod
    def consensus(cls) -> CoderSet:
        return cls("consensus")

    @classmethod
    def everyone(cls) -> CoderSet:
        return cls("all")

    @classmethod
    def parse(cls, text: str) -> CoderSet:
        """`all` (everyone), `consensus`, or a coder's name."""
        cleaned = text.strip()
        if cleaned.casefold() == ALL:
            return cls.everyone()
        if cleaned.casefold() == CONSENSUS:
            return cls.consensus()
        return cls.one(cleaned)

    def coders(self) -> tuple[str, ...] | None:
        """The coder names whose codings count; None means everyone's (no filter)."""
        if self.kind == "all":
            return None
        if self.kind == "consensus":
            return (CONSENSUS,)
        return (self.coder or "",)

    def includes(self, coder: str) -> bool:
        chosen = self.coders()
        return chosen is None or coder in chosen

    def check(self, known: Iterable[str]) -> CoderSet:
        """Itself, when the project has codings by the coder it names (else an error that
        lists the coders there are)."""
        chosen = self.coders()
        names = sorted(set(known))
        if chosen is not None and chosen[0] not in names:
            hint = ", ".join(names) or "none yet"
            what = "no consensus codings" if self.kind == "consensus" else f"no coder {chosen[0]!r}"
            raise InputError(f"this project has {what}; coders: {hint}")
        return self

    def describe(self) -> str:
        if self.kind == "all":
            return "every coder's codings"
        if self.kind == "consensus":
            return "the consensus codings"
        return f"{self.coder}'s codings"

    def __str__(self) -> str:
        return self.coder if self.kind == "coder" and self.coder else self.kind
