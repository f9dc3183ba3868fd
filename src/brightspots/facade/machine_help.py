"""Machine help on a project: embeddings, code suggestions and candidate themes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from brightspots import suggestion as suggesting
from brightspots import themes as theming
from brightspots.embedding import Vectors, embed_texts
from brightspots.facade.base import ProjectPart
from brightspots.models import Cancelled, Progress
from brightspots.suggester import Suggester, Suggestion
from brightspots.themes import ThemeSettings


class MachineHelp(ProjectPart):
    # --- machine help: embeddings and code suggestions ----------------------------------

    def embed(
        self,
        texts: Sequence[str],
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> Vectors:
        """Vectors of texts, through the project's cache (each distinct text embedded once
        per model, ever)."""
        return embed_texts(self.store, self.embedder, texts, progress, cancelled)

    def fit_suggester(
        self,
        coders: Sequence[str] | None = None,
        learn_from: Sequence[str] | None = None,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> Suggester:
        """Fit once (seconds), then pass to `suggest`/`review_code` as `suggester`."""
        return suggesting.fit_for_project(
            self.store, self.embedder, coders, learn_from, progress=progress, cancelled=cancelled
        )

    def suggest(
        self,
        documents: Sequence[str] | None = None,
        coders: Sequence[str] | None = None,
        top_k: int = 3,
        threshold: float = 0.0,
        limit: int | None = None,
        suggester: Suggester | None = None,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> list[Suggestion]:
        """Ranked codes for the segments `coders` have not coded (rejected pairs left out)."""
        for name in documents or ():
            self._document_key(name)  # an unknown name is an error, not an empty answer
        return suggesting.suggest_for_project(
            self.store,
            self.embedder,
            documents,
            coders,
            top_k,
            threshold,
            limit,
            suggester,
            progress,
            cancelled,
        )

    def review_code(
        self,
        code: str,
        coders: Sequence[str] | None = None,
        documents: Sequence[str] | None = None,
        limit: int = 50,
        suggester: Suggester | None = None,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> list[Suggestion]:
        """The best uncoded candidates for one code across the project."""
        return suggesting.review_code(
            self.store,
            self.embedder,
            code,
            coders,
            documents,
            limit,
            suggester,
            progress,
            cancelled,
        )

    def accept_suggestion(self, suggestion: Suggestion, coder: str) -> dict[str, Any]:
        """Code the passage (origin "suggestion", undoable) and remember the verdict."""
        return suggesting.accept_suggestion(self.store, suggestion, coder)

    def reject_suggestion(self, suggestion: Suggestion, coder: str) -> str:
        """Never suggest this code for this passage again (to this coder), and learn."""
        return suggesting.reject_suggestion(self.store, suggestion, coder)

    def suggestion_feedback(
        self, coders: Sequence[str] | None = None, verdict: str | None = None
    ) -> list[dict[str, Any]]:
        return self.store.list_feedback(coders, verdict)

    # --- candidate themes ------------------------------------------------------------------

    def themes(
        self,
        scope: theming.Scope = "uncoded",
        coders: Sequence[str] | None = None,
        filters: Mapping[str, str | Sequence[str]] | None = None,
        skip_roles: Sequence[str] = theming.DEFAULT_SKIP_ROLES,
        settings: ThemeSettings | None = None,
        save: bool = True,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> theming.ThemeResult:
        """Cluster the segments (not yet coded, or all) into candidate themes; nothing is
        coded. The run is kept (`last_themes`) unless `save` is False."""
        return theming.find_themes(
            self.store,
            self.embedder,
            scope=scope,
            coders=coders,
            filters=filters,
            skip_roles=tuple(skip_roles),
            settings=settings,
            save=save,
            progress=progress,
            cancelled=cancelled,
        )

    def last_themes(self) -> theming.ThemeResult | None:
        return theming.load_themes(self.store)

    def promote_theme(
        self,
        theme_id: int,
        coder: str,
        name: str | None = None,
        definition: str | None = None,
        **fields: Any,
    ) -> dict[str, Any]:
        """A new code from a theme (keywords as its draft definition); undoable. Its
        passages are not coded: the researcher reviews them."""
        return theming.promote_theme(self.store, theme_id, coder, name, definition, **fields)

    def merge_theme(self, theme_id: int, code: str, coder: str) -> dict[str, Any]:
        """Fold a theme into an existing code; its passages are not coded: the researcher
        reviews them."""
        return theming.merge_theme(self.store, theme_id, code, coder)

    def dismiss_theme(self, theme_id: int, coder: str) -> None:
        theming.dismiss_theme(self.store, theme_id, coder)

    def restore_theme(self, theme_id: int, coder: str) -> None:
        theming.restore_theme(self.store, theme_id, coder)
