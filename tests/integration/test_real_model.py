"""The packaged all-MiniLM-L6-v2, loaded offline: its files match the recorded sha256, and
it finds a paraphrase nearer than an unrelated sentence, through the project's cache."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from brightspots.embedding import (
    DEFAULT_MODEL_KEY,
    DEFAULT_MODEL_SHA256,
    ModelError,
    SentenceTransformerEmbedder,
    embed_texts,
    file_sha256,
    packaged_model_path,
    verify_model,
)
from brightspots.models import Code
from brightspots.store import Store
from brightspots.suggester import Passage, Suggester


def test_packaged_model_offline_paraphrase_and_cache(tmp_path: Path) -> None:
    folder = packaged_model_path()
    assert file_sha256(folder / "model.safetensors") == DEFAULT_MODEL_SHA256["model.safetensors"]
    verify_model(folder)

    embedder = SentenceTransformerEmbedder()
    assert embedder.name == DEFAULT_MODEL_KEY
    texts = [
        "The head teacher pairs each new teacher with an experienced colleague.",
        "Newly posted teachers are mentored by a more senior teacher.",
        "The rainy season washed away the road to the market.",
    ]
    store = Store.create(tmp_path / "cache.bsp")
    try:
        vectors = embed_texts(store, embedder, texts)
        assert os.environ["HF_HUB_OFFLINE"] == "1"
        assert vectors.shape == (3, 384) and vectors.dtype == np.float32
        np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
        similarity = vectors @ vectors.T
        assert similarity[0, 1] > 0.5 > similarity[0, 2] + 0.3
        assert store.count_embeddings(DEFAULT_MODEL_KEY) == 3

        codes = (
            Code(id="mentoring", name="Teacher mentoring"),
            Code(id="roads", name="Transport and roads"),
        )
        suggester = Suggester(embedder).fit(codes)
        best = suggester.suggest([Passage(texts[1])], top_k=1)[0][0]
        assert best.code == "mentoring"
    finally:
        store.close()

    missing = SentenceTransformerEmbedder(tmp_path / "no-such-model")
    with pytest.raises(ModelError, match="never downloads models"):
        missing.encode(["anything"])
