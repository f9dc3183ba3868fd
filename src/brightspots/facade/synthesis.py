"""Cross-country synthesis and reports on a project."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from brightspots import quotes as quoting
from brightspots import synthesis as synthesizing
from brightspots.agreement import agreement
from brightspots.coder_set import CoderSet
from brightspots.errors import InputError
from brightspots.facade.base import ProjectPart
from brightspots.findings import Synthesis
from brightspots.models import Cancelled, Progress
from brightspots.report import (
    ReportInputs,
    check_report_path,
    check_tables_path,
    compose_report,
    compose_tables,
    write_report,
    write_tables,
)
from brightspots.store.synthesis import SchoolRule


class SynthesisWork(ProjectPart):
    """The synthesis lead's part of the facade: matrices, quotes, reports."""

    def coders_of(self, coders: CoderSet | str) -> CoderSet:
        """A coder set from what a researcher typed (`ana`, `consensus`, `all`), checked
        against the project's coders."""
        chosen = coders if isinstance(coders, CoderSet) else CoderSet.parse(coders)
        return chosen.check(self.store.list_coders())

    def synthesize(
        self,
        coders: CoderSet | str = "all",
        filters: Mapping[str, str | Sequence[str]] | None = None,
        min_passages: int = 1,
        min_respondents: int = 1,
        schools: SchoolRule = "coded",
    ) -> Synthesis:
        """The practices x countries (and roles, methods) matrices for PD and comparison
        schools, with differences, Fisher's tests, reach and the most distinctive practices
        (see synthesis.py for every rule). `coders`: whose codings count."""
        return synthesizing.synthesize(
            self.store,
            self.coders_of(coders).coders(),
            filters,
            min_passages,
            min_respondents,
            schools,
        )

    def quotes(
        self,
        item: str,
        coders: CoderSet | str = "all",
        filters: Mapping[str, str | Sequence[str]] | None = None,
        limit: int = quoting.DEFAULT_LIMIT,
    ) -> list[quoting.Quote]:
        """Exemplar passages of a practice or focus area, spread over countries, schools
        and roles, attributed without names."""
        return quoting.quotes(self.store, item, self.coders_of(coders).coders(), filters, limit)

    def write_report(
        self,
        path: Path | None = None,
        tables: Path | None = None,
        coders: CoderSet | str = "all",
        filters: Mapping[str, str | Sequence[str]] | None = None,
        min_passages: int = 1,
        min_respondents: int = 1,
        schools: SchoolRule = "coded",
        agreement_coders: Sequence[str] | None = None,
        quotes: int = quoting.DEFAULT_LIMIT,
        title: str | None = None,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> list[Path]:
        """The synthesis report (`.html`, `.docx` or `.md`) and/or its tables (`.xlsx` or
        `.csv`), each written whole or not at all. Returns the files written."""
        if path is None and tables is None:
            raise InputError("name a report file (.html, .docx, .md) or a tables file")
        if path is not None:
            check_report_path(path)
        if tables is not None:
            check_tables_path(tables)
        framework = self.store.load_framework()
        if framework is None:
            raise InputError("this project has no framework to report against")
        chosen = self.coders_of(coders)
        result = self.synthesize(chosen, filters, min_passages, min_respondents, schools)
        inputs = ReportInputs(
            framework=framework,
            codebook=self.store.load_codebook(),
            documents=self.store.list_documents(),
            coders=self.store.list_coders(),
            coder_set=chosen,
            quotes=quoting.quotes_by_practice(self.store, chosen.coders(), filters, quotes)
            if path is not None
            else {},
            agreement=agreement(self.store, agreement_coders) if agreement_coders else None,
            project=self.store.path.stem,
        )
        if title:
            inputs = replace(inputs, title=title)
        written = []
        if path is not None:
            report = compose_report(result, inputs, progress, cancelled)
            written.append(write_report(report, path))
        if tables is not None:
            written.append(write_tables(compose_tables(result, inputs), tables))
        return written
