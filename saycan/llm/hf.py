"""Scoring with a local Hugging Face causal LM: the prompt once, options batched on its KV cache."""

from __future__ import annotations

import copy
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch

from saycan.errors import ConfigError
from saycan.llm.base import OptionScores, Scorer, cut_at_stops, split_trailing_space

DTYPES = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}


def _common_prefix(a: Sequence[int], b: Sequence[int]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


class HFScorer(Scorer):
    """Exact option log-likelihoods from an in-process causal LM.

    Each call runs the shared prompt prefix once, then scores the options in batches that
    reuse the prefix's KV cache, so the prompt costs one forward pass per step.

    Args:
        model: A transformers causal LM in eval mode.
        tokenizer: Its tokenizer.
        batch_size: Options per batched forward pass.
    """

    def __init__(self, model: Any, tokenizer: Any, batch_size: int = 32) -> None:
        if int(batch_size) < 1:
            raise ConfigError(f"llm.batch_size must be >= 1, got {batch_size!r}")
        self.model = model.eval()
        self.tokenizer = tokenizer
        self.batch_size = int(batch_size)
        self.pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
        self.load_seconds = 0.0

    @classmethod
    def from_path(
        cls,
        path: str | Path,
        *,
        dtype: str = "float32",
        trust_remote_code: bool = False,
        batch_size: int = 32,
        adapter: str | Path | None = None,
    ) -> HFScorer:
        """Load a causal LM from a local directory (never from a hub: ``local_files_only``).

        ``adapter`` is a LoRA adapter directory (`saycan.llm.lora`), merged into the weights.
        """
        from transformers import AutoModelForCausalLM, AutoTokenizer

        if not path:
            raise ConfigError("llm.path is required for llm=hf: a local model directory, e.g. llm.path=/models/gpt2")
        path = Path(str(path)).expanduser()
        if not (path / "config.json").is_file():
            raise ConfigError(f"llm.path={str(path)!r} is not a Hugging Face model directory (no config.json there)")
        if dtype not in DTYPES:
            raise ConfigError(f"llm.dtype={dtype!r} is not supported; valid: {', '.join(DTYPES)}")
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # a warm load takes seconds; per-tensor bars are noise
        start = time.perf_counter()
        tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True, trust_remote_code=trust_remote_code)
        model = AutoModelForCausalLM.from_pretrained(
            path, dtype=DTYPES[dtype], local_files_only=True, trust_remote_code=trust_remote_code
        )
        if adapter:
            from saycan.llm.lora import apply_adapter

            model = apply_adapter(model, adapter)
        scorer = cls(model, tokenizer, batch_size=batch_size)
        scorer.load_seconds = time.perf_counter() - start
        return scorer

    def encode(self, text: str) -> list[int]:
        return list(self.tokenizer(text).input_ids)

    def score(self, prompt: str, options: Sequence[str]) -> OptionScores:
        if not options:
            return OptionScores([], [], 0)
        if not all(o.strip() for o in options):
            raise ConfigError(f"options must be non-empty skill texts, got {list(options)!r}")
        prompt, options = split_trailing_space(prompt, options)
        prompt_ids = self.encode(prompt)
        fulls = [self.encode(prompt + o) for o in options]
        # Tokens of the option = tokens of (prompt + option) after the prompt's tokens. If the
        # tokenizer merges across the boundary, back off to the longest shared prefix k and
        # score log p(option | prompt) = log p(full[k:] | prefix) - log p(prompt[k:] | prefix).
        k = min(_common_prefix(prompt_ids, f) for f in fulls)
        conts = [f[k:] for f in fulls]
        tail = prompt_ids[k:]
        logps, evaluated = self.continuation_logprobs(prompt_ids[:k], conts + ([tail] if tail else []))
        tail_lp = logps.pop() if tail else 0.0
        return OptionScores(
            logprobs=[lp - tail_lp for lp in logps],
            n_tokens=[max(len(c) - len(tail), 1) for c in conts],
            tokens_evaluated=evaluated,
        )

    @torch.inference_mode()
    def continuation_logprobs(self, prefix: list[int], conts: list[list[int]]) -> tuple[list[float], int]:
        """Sum of log p(cont | prefix) for each continuation, sharing the prefix's KV cache.

        Args:
            prefix: (T,) token ids, non-empty (it holds at least BOS).
            conts: n lists of token ids, each non-empty.

        Returns:
            ((n,) log-probabilities, number of token positions evaluated).
        """
        out = self.model(torch.tensor([prefix]), use_cache=True, logits_to_keep=1)
        prefix_cache = out.cache
        first = torch.log_softmax(out.logits[0, -1].float(), dim=-1)
        evaluated = len(prefix)
        result = [float(first[c[0]]) for c in conts]
        # Longest first, so a batch pads little; one-token continuations need no forward pass.
        order = sorted((i for i, c in enumerate(conts) if len(c) > 1), key=lambda i: -len(conts[i]))
        for start in range(0, len(order), self.batch_size):
            batch = order[start : start + self.batch_size]
            width = len(conts[batch[0]]) - 1
            # Feed cont[:-1]; its logits predict cont[1:]. Right padding needs no attention
            # mask: real tokens never attend to pads that come after them.
            ids = torch.full((len(batch), width), self.pad_id, dtype=torch.long)
            for row, i in enumerate(batch):
                ids[row, : len(conts[i]) - 1] = torch.tensor(conts[i][:-1])
            cache = copy.deepcopy(prefix_cache)
            cache.batch_repeat_interleave(len(batch))
            logits = self.model(ids, cache=cache, use_cache=True).logits
            logps = torch.log_softmax(logits.float(), dim=-1)
            for row, i in enumerate(batch):
                targets = torch.tensor(conts[i][1:])
                picked = logps[row, torch.arange(len(targets)), targets]
                result[i] += float(picked.sum())
            evaluated += sum(len(conts[i]) - 1 for i in batch)
        return result, evaluated

    @torch.inference_mode()
    def generate(self, prompt: str, max_tokens: int, stops: Sequence[str]) -> str:
        ids = torch.tensor([self.encode(prompt)])
        out = self.model.generate(
            ids,
            attention_mask=torch.ones_like(ids),
            max_new_tokens=int(max_tokens),
            do_sample=False,
            pad_token_id=self.pad_id,
        )
        return cut_at_stops(self.tokenizer.decode(out[0, ids.shape[1] :], skip_special_tokens=True), stops)

    @torch.inference_mode()
    def score_naive(self, prompt: str, options: Sequence[str]) -> OptionScores:
        """Reference scoring: one full forward pass per option over prompt + option, no cache.

        This is how lm-evaluation-harness scores; tests and benchmarks compare against it.
        """
        prompt, options = split_trailing_space(prompt, options)
        prompt_ids = self.encode(prompt)
        logprobs, n_tokens, evaluated = [], [], 0
        prompt_lps = None  # log-probs over the prompt alone, needed only after a boundary merge
        for option in options:
            full = self.encode(prompt + option)
            k = _common_prefix(prompt_ids, full)
            lps = torch.log_softmax(self.model(torch.tensor([full])).logits[0].float(), dim=-1)
            lp = sum(float(lps[t - 1, full[t]]) for t in range(k, len(full)))
            if k < len(prompt_ids):  # boundary merge: divide by p(prompt tail), as `score` does
                if prompt_lps is None:
                    prompt_lps = torch.log_softmax(self.model(torch.tensor([prompt_ids])).logits[0].float(), dim=-1)
                lp -= sum(float(prompt_lps[t - 1, prompt_ids[t]]) for t in range(k, len(prompt_ids)))
            logprobs.append(lp)
            n_tokens.append(max(len(full) - len(prompt_ids), 1))
            evaluated += len(full)
        return OptionScores(logprobs, n_tokens, evaluated)
