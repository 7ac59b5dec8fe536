import json
import shutil
import threading
import time

import pytest

from saycan.llm import embedded
from saycan.storage.cache import cache_dir


@pytest.mark.slow
def test_warm_load_reads_the_safetensors_cache_in_seconds(embedded_scorer):
    target = cache_dir() / embedded.CACHE_NAME
    manifest = json.loads((target / embedded.MANIFEST).read_text())
    assert "model.safetensors" in manifest["files"]
    start = time.perf_counter()
    again = embedded.load_embedded()
    assert time.perf_counter() - start < 30  # conversion takes about a minute
    assert again.model.config.model_type == "gemma3_text"


def test_incomplete_cache_is_not_trusted(tmp_path):
    target = tmp_path / embedded.CACHE_NAME
    target.mkdir()
    (target / "model.safetensors").write_bytes(b"x" * 10)
    files = {"model.safetensors": 1000}
    (target / embedded.MANIFEST).write_text(json.dumps({"format_version": embedded.FORMAT_VERSION, "files": files}))
    assert not embedded._manifest_ok(target)
    (target / "model.safetensors").write_bytes(b"x" * 1000)
    assert embedded._manifest_ok(target)


def install_tiny(tiny_model_dir, target):
    """Stands in for the minute-long GGUF conversion: the tiny model, with its manifest."""
    shutil.copytree(tiny_model_dir, target, dirs_exist_ok=True)
    files = {p.name: p.stat().st_size for p in target.iterdir()}
    manifest = {"format_version": embedded.FORMAT_VERSION, "files": files}
    (target / embedded.MANIFEST).write_text(json.dumps(manifest))


def test_cache_of_the_right_size_but_unreadable_is_rebuilt_not_loaded(tmp_path, tiny_model_dir, monkeypatch):
    def convert(gguf, target):
        install_tiny(tiny_model_dir, target)
        converted.append(target)

    converted = []
    monkeypatch.setattr(embedded, "_convert", convert)
    target = embedded.converted_model_dir(tmp_path)
    weights = target / "model.safetensors"
    weights.write_bytes(b"\xff" * weights.stat().st_size)  # same size, garbage: passes the manifest check
    scorer = embedded.load_embedded(cache_root=str(tmp_path))
    assert len(converted) == 2 and scorer.score("Robot: 1.", [" done"]).logprobs
    assert embedded._manifest_ok(target)


def test_first_runs_at_once_convert_the_model_once(tmp_path, tiny_model_dir, monkeypatch):
    def convert(gguf, target):  # slow, so the two runs overlap
        converted.append(target)
        time.sleep(0.5)
        install_tiny(tiny_model_dir, target)

    converted, found = [], []
    monkeypatch.setattr(embedded, "_convert", convert)
    runs = [threading.Thread(target=lambda: found.append(embedded.converted_model_dir(tmp_path))) for _ in range(2)]
    for run in runs:
        run.start()
    for run in runs:
        run.join(30)
    assert len(converted) == 1 and len(found) == 2 and all(embedded._manifest_ok(t) for t in found)


@pytest.mark.slow
def test_trie_scores_match_naive_scoring_within_5e_5_over_the_262k_word_vocabulary(embedded_scorer):
    # float32 log_softmax over Gemma's vocabulary drifts by ~5e-5 nats; both scorers must avoid it
    prompt = "Robot: clean the spill.\n1."
    options = [f" {verb} the {thing}" for verb in ("find", "pick up", "put down") for thing in ("sponge", "peeler")]
    embedded_scorer.forget_prompt()
    ours = embedded_scorer.score(prompt, options).logprobs
    assert ours == pytest.approx(embedded_scorer.score_naive(prompt, options).logprobs, abs=5e-5)
