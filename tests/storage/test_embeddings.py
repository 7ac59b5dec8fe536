"""saycan/storage/embeddings.py: vectors kept between runs in npz bundles, never half-written, merged when many."""

import numpy as np

from saycan.storage import embeddings
from saycan.storage.embeddings import EmbeddingStore


def test_added_vectors_load_back_by_text(tmp_path):
    store = EmbeddingStore(tmp_path / "minilm")
    store.add(["a", "b"], np.eye(2, dtype=np.float32))
    store.add([], np.zeros((0, 2)))  # nothing to add: no file
    loaded = EmbeddingStore(tmp_path / "minilm").load()
    assert sorted(loaded) == ["a", "b"] and np.array_equal(loaded["b"], [0.0, 1.0])
    assert len(list((tmp_path / "minilm").glob("*.npz"))) == 1


def test_an_unreadable_bundle_is_skipped_and_a_temporary_file_ignored(tmp_path):
    store = EmbeddingStore(tmp_path)
    store.add(["a"], np.ones((1, 2)))
    (tmp_path / "broken.npz").write_bytes(b"not a zip")
    (tmp_path / ".half.tmp.npz").write_bytes(b"killed mid-write")
    assert list(store.load()) == ["a"]


def test_many_bundles_are_merged_into_one(tmp_path, monkeypatch):
    monkeypatch.setattr(embeddings, "MAX_BUNDLES", 3)
    store = EmbeddingStore(tmp_path)
    for i in range(4):
        store.add([f"t{i}"], np.full((1, 2), i, np.float32))
    assert len(store.load()) == 4
    assert len(list(tmp_path.glob("*.npz"))) == 1 and sorted(store.load()) == ["t0", "t1", "t2", "t3"]


def test_a_store_that_was_never_written_is_empty(tmp_path):
    assert EmbeddingStore(tmp_path / "none").load() == {}
