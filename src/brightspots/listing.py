"""How documents are listed and summed up, shared by the CLI and the workbench."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from brightspots.models import DocumentInfo

DOCUMENT_COLUMNS = (
    "document",
    "country",
    "school",
    "group",
    "role",
    "method",
    "lang",
    "segments",
    "mine",
    "all",
)


def share(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "-"


def document_row(d: DocumentInfo) -> tuple[str, ...]:
    """Cells in DOCUMENT_COLUMNS order; `mine` is the asking coder's coded share."""
    m = d.meta
    country = m.country + (f" {m.territory}" if m.territory else "")
    return (
        d.name,
        country,
        m.school_id,
        m.school_group,
        m.respondent_role or "",
        m.method or "",
        m.language,
        str(d.segment_count),
        share(d.coded_by_me, d.segment_count),
        share(d.coded_segments, d.segment_count),
    )


@dataclass(frozen=True)
class Breakdown:
    value: str | None
    documents: int
    segments: int
    coded_segments: int

    @property
    def coded_share(self) -> float:
        return self.coded_segments / self.segments if self.segments else 0.0


def breakdown(documents: Sequence[DocumentInfo], column: str) -> tuple[Breakdown, ...]:
    """Documents, segments and coded segments per value of a metadata column."""
    sums: dict[str | None, list[int]] = {}
    for document in documents:
        value = getattr(document.meta, column)
        totals = sums.setdefault(value, [0, 0, 0])
        totals[0] += 1
        totals[1] += document.segment_count
        totals[2] += document.coded_segments
    rows = [Breakdown(value, *totals) for value, totals in sums.items()]
    return tuple(sorted(rows, key=lambda b: (-b.documents, b.value or "")))
