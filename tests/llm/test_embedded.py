import json
import time

import pytest

from saycan.cache import cache_dir
from saycan.llm import embedded


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
