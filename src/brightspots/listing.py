"""How a document is listed, shared by the CLI table and the workbench's documents screen."""

from __future__ import annotations

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
