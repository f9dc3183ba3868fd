"""Exchange with other tools: REFI-QDA projects and codebooks, tabular exports."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from brightspots.errors import InputError
from brightspots.exchange.positions import CODE_POINTS, UTF16
from brightspots.exchange.qdc import export_codebook
from brightspots.exchange.qdpx_export import ORIGIN, export_project
from brightspots.exchange.refi_import import EXCHANGE_SUFFIXES, import_exchange
from brightspots.exchange.reports import ExchangeImportReport, ExportReport
from brightspots.exchange.tabular import TABLE_SUFFIXES, export_table
from brightspots.facade.base import ProjectPart
from brightspots.importer import ImportOptions
from brightspots.models import Cancelled, Progress
from brightspots.segment import Segmenter

EXPORT_SUFFIXES = (".qdpx", ".qdc", *TABLE_SUFFIXES)
EXPORT_POSITIONS = ("code-points", "utf-16")


class Exchange(ProjectPart):
    @property
    def segmenter(self) -> Segmenter:  # pragma: no cover - Project overrides it
        raise NotImplementedError

    def export(
        self,
        path: Path,
        tables: Sequence[str] | None = None,
        positions: str = "code-points",
        progress: Progress | None = None,
    ) -> ExportReport:
        """Export by suffix: `.qdpx` (the project, REFI-QDA), `.qdc` (the codebook),
        `.csv` / `.xlsx` (tables: `codings`, `codebook`; an XLSX holds both by default).
        `positions`: `utf-16` counts as NVivo does (a character above U+FFFF is two)."""
        suffix = path.suffix.lower()
        if suffix not in EXPORT_SUFFIXES:
            raise InputError(
                f"cannot export to {suffix or 'a file without a suffix'}; use one of "
                + ", ".join(EXPORT_SUFFIXES),
                path,
            )
        if positions not in EXPORT_POSITIONS:
            raise InputError(f"positions must be one of {', '.join(EXPORT_POSITIONS)}")
        if tables and suffix not in TABLE_SUFFIXES:
            raise InputError(f"a {suffix} file is not a table; choose .csv or .xlsx", path)
        if suffix == ".qdpx":
            counting = UTF16 if positions == "utf-16" else CODE_POINTS
            return export_project(self.store, path, counting, progress)
        if suffix == ".qdc":
            return export_codebook(self.store, path, ORIGIN)
        return export_table(self.store, path, tables, progress)

    def import_exchange(
        self,
        path: Path,
        options: ImportOptions | None = None,
        positions: str = "auto",
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> ExchangeImportReport:
        """Import a REFI-QDA project (`.qdpx`: codes, documents, codings, memos) or codebook
        (`.qdc`); all or nothing. `options` as for transcripts (`--set` defaults, a
        metadata sheet keyed by source name, `skip_bad`); `positions`: `auto` (found per
        source), `code-points` or `utf-16`."""
        return import_exchange(
            self.store, path, self.segmenter, options, positions, progress, cancelled
        )


__all__ = ["EXCHANGE_SUFFIXES", "EXPORT_SUFFIXES", "Exchange"]
