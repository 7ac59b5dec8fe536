"""LoRA adapters for the planner's LM: tokenised training text, CPU training, loading (merged into the weights)."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from saycan.errors import ConfigError

ADAPTER_FILES = ("adapter_config.json", "adapter_model.safetensors")
SHIPPED_ADAPTERS = Path(__file__).resolve().parent / "adapters"  # llm.adapter=NAME loads adapters/NAME/


def sequences(tokenizer: Any, texts: Sequence[tuple[str, str]]) -> list[tuple[list[int], int]]:
    """(token ids of prompt + completion, index of the first completion token) for each (prompt, completion).

    The loss covers the completion only: the adapter learns to plan, not to reproduce the prompt.
    """
    out = []
    for prompt, completion in texts:
        ids = list(tokenizer(prompt + completion).input_ids)
        prompt_ids = list(tokenizer(prompt).input_ids)
        start = next((i for i, (a, b) in enumerate(zip(ids, prompt_ids, strict=False)) if a != b), len(prompt_ids))
        out.append((ids, start))
    return out


def train_adapter(
    model: Any,
    data: Sequence[tuple[list[int], int]],
    *,
    rank: int = 8,
    alpha: int = 16,
    epochs: int = 2,
    lr: float = 2e-4,
    accumulate: int = 8,
    seed: int = 0,
    on_step: Callable[[float], None] | None = None,
) -> Any:
    """Fit a LoRA adapter (attention and MLP projections) by next-token loss on the completions.

    Args:
        model: A transformers causal LM (its base weights stay frozen).
        data: (ids, completion start) pairs from `sequences`.
        rank, alpha: LoRA rank and scaling.
        epochs: Passes over ``data``; one sequence per forward, gradients summed over ``accumulate``.
        on_step: Called with each sequence's loss (progress reporting).

    Returns:
        The `peft.PeftModel` wrapping ``model``.
    """
    import torch
    from peft import LoraConfig, get_peft_model

    torch.manual_seed(seed)
    targets = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
    peft_model = get_peft_model(model, LoraConfig(r=rank, lora_alpha=alpha, lora_dropout=0.0, target_modules=targets))
    peft_model.train()
    params = [p for p in peft_model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=lr, weight_decay=0.0)
    order = list(range(len(data)))
    rng = random.Random(seed)
    for _ in range(epochs):
        rng.shuffle(order)
        for n, i in enumerate(order, 1):
            ids, start = data[i]
            input_ids = torch.tensor([ids])
            labels = input_ids.clone()
            labels[0, :start] = -100  # no loss on the prompt
            loss = peft_model(input_ids=input_ids, labels=labels).loss
            (loss / accumulate).backward()
            if n % accumulate == 0 or n == len(order):
                optimizer.step()
                optimizer.zero_grad()
            if on_step:
                on_step(float(loss.detach()))
    peft_model.eval()
    return peft_model


def apply_adapter(model: Any, path: str | Path) -> Any:
    """``model`` with the LoRA adapter in ``path`` merged into its weights (no cost at inference).

    ``path`` is a directory, or the name of an adapter shipped with saycan (``"kitchen"``).
    Only safetensors adapters are read (peft would fall back to a pickled ``adapter_model.bin``).
    """
    from peft import PeftModel

    root = Path(str(path)).expanduser()
    if not root.exists() and (SHIPPED_ADAPTERS / str(path)).is_dir():
        root = SHIPPED_ADAPTERS / str(path)
    missing = [f for f in ADAPTER_FILES if not (root / f).is_file()]
    if missing:
        raise ConfigError(
            f"llm.adapter={str(root)!r} is not a LoRA adapter directory (missing {missing}); "
            "train one with python -m saycan.train_lora, or set llm.adapter=null"
        )
    return PeftModel.from_pretrained(model, root, is_trainable=False).merge_and_unload()
