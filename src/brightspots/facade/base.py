"""What every part of the `Project` facade may rely on: its store, its embedder, and the
checks that turn a researcher's names into an error that says what exists."""

from __future__ import annotations

from collections.abc import Mapping

from brightspots.embedding import Embedder
from brightspots.errors import InputError, NotFoundError
from brightspots.models import DocumentInfo
from brightspots.store import Store
from brightspots.store.database import DOCUMENT_FILTERS


class ProjectPart:
    """Base of the facade's parts. `Project` provides `store` and `embedder`."""

    store: Store

    @property
    def embedder(self) -> Embedder:  # pragma: no cover - Project overrides it
        raise NotImplementedError

    @staticmethod
    def _check_filters(filters: Mapping[str, object] | None) -> None:
        for key in filters or {}:
            if key not in DOCUMENT_FILTERS:
                raise InputError(
                    f"cannot filter by {key!r}; use one of " + ", ".join(DOCUMENT_FILTERS)
                )

    def _document_key(self, document: str) -> tuple[int, DocumentInfo]:
        try:
            num, info, _ = self.store.get_document(document)
        except KeyError:
            raise NotFoundError(
                f"no document named {document!r} in this project (`brightspots documents` "
                "lists them)"
            ) from None
        return num, info
