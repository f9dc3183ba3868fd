"""Team work on a project: merging coders' project files, agreement, adjudication."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from brightspots import adjudication
from brightspots import agreement as agreeing
from brightspots.coder_set import CoderSet
from brightspots.facade.base import ProjectPart
from brightspots.merge import MergeReport, merge_projects
from brightspots.models import Progress


class TeamWork(ProjectPart):
    # --- team work: merging coders' projects, agreement, adjudication ----------------------

    def merge(self, sources: Sequence[Path], progress: Progress | None = None) -> MergeReport:
        """Bring other coders' project files into this one (backed up first; one
        transaction; merging the same file twice changes nothing)."""
        return merge_projects(self.store, sources, progress)

    def agreement(
        self,
        coders: Sequence[str],
        filters: Mapping[str, str] | None = None,
        documents: Sequence[str] | None = None,
        partial: bool = False,
        min_units: int = agreeing.MIN_UNITS,
    ) -> agreeing.AgreementReport:
        """Inter-coder agreement per code and overall, over segments (see agreement.py)."""
        self._check_filters(filters)
        return agreeing.agreement(
            self.store,
            coders,
            documents=documents,
            filters=filters,
            partial=partial,
            min_units=min_units,
        )

    def disagreements(
        self,
        coders: Sequence[str],
        code: str | None = None,
        filters: Mapping[str, str] | None = None,
        documents: Sequence[str] | None = None,
        include_settled: bool = False,
    ) -> list[adjudication.Disagreement]:
        self._check_filters(filters)
        return adjudication.disagreements(
            self.store,
            coders,
            code,
            documents=documents,
            filters=filters,
            include_settled=include_settled,
        )

    def adjudicate(
        self, disagreement: adjudication.Disagreement, choice: str, adjudicator: str
    ) -> list[dict[str, Any]]:
        """Settle a disputed passage as codings of the `consensus` coder (one undo step)."""
        return adjudication.adjudicate(self.store, disagreement, choice, adjudicator)

    def accept_agreements(
        self,
        coders: Sequence[str],
        adjudicator: str,
        filters: Mapping[str, str] | None = None,
        documents: Sequence[str] | None = None,
    ) -> list[dict[str, Any]]:
        """Make the codes all `coders` gave a passage consensus codings too (one undo step),
        so the consensus holds the agreed coding as well as the settled disputes."""
        self._check_filters(filters)
        return adjudication.accept_agreements(
            self.store, coders, adjudicator, documents=documents, filters=filters
        )

    def coder_set(self, text: str) -> CoderSet:
        """Whose codings count in a synthesis: a coder's name, `consensus` or `all`."""
        return CoderSet.parse(text).check(self.store.list_coders())
