"""Scoring with a local Hugging Face causal LM: the prompt once, options batched on its KV cache."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch
from transformers import DynamicCache, StoppingCriteriaList

from saycan.errors import ConfigError
from saycan.llm.base import LLMError, OptionScores, Scorer, cut_at_stops, split_trailing_space
from saycan.llm.head import target_logprobs
from saycan.llm.prompt_cache import PromptCache, common_prefix, truncate
from saycan.llm.stop_strings import StopStrings
from saycan.llm.trie import PROMPT, TokenTrie, chunks

WINDOWED = ("full_attention", "sliding_attention")  # layer types whose masks a trie can build

DTYPES = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}


def _memory_budget() -> int:
    """Bytes one scoring pass may use for transient tensors: an eighth of free memory, 64 MiB to 1 GiB."""
    try:
        free = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):  # not on every platform
        free = 4 << 30
    return max(64 << 20, min(free // 8, 1 << 30))


def _batch_size(value: int | str) -> int:
    """``llm.batch_size`` as an option count, 0 for ``"auto"``."""
    if value == "auto":
        return 0
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdigit() or int(value) < 1:
        raise ConfigError(f"llm.batch_size must be an integer >= 1 or 'auto', got {value!r}")
    return int(value)


def _sequence_logprob(logits: torch.Tensor, ids: Sequence[int], start: int) -> float:
    """Sum of log p(ids[t] | ids[:t]) for t >= start, from (T, vocab) logits of ``ids``.

    Read as logit - logsumexp(logits): torch's float32 ``log_softmax`` over a 262k vocabulary is off
    by up to ~5e-5 nats, its ``logsumexp`` by ~1e-6, and a reference must be the accurate one.
    """
    rows = logits[start - 1 : len(ids) - 1]
    rows = rows.to(torch.promote_types(rows.dtype, torch.float32))  # bf16 and fp16 logits sum in float32
    targets = torch.tensor(ids[start:])
    return float((rows[torch.arange(len(targets)), targets] - torch.logsumexp(rows, dim=-1)).double().sum())


class HFScorer(Scorer):
    """Exact option log-likelihoods from an in-process causal LM.

    Each call runs the shared prompt prefix once, then scores the options in batches that
    reuse the prefix's KV cache, so the prompt costs one forward pass per step.

    Args:
        model: A transformers causal LM in eval mode.
        tokenizer: Its tokenizer.
        batch_size: Most options per trie forward pass, or ``"auto"``: as many as fit in an
            eighth of free memory.
    """

    def __init__(self, model: Any, tokenizer: Any, batch_size: int | str = "auto") -> None:
        self.model = model.eval()
        self.tokenizer = tokenizer
        self.batch_size = _batch_size(batch_size)
        self._prompts = PromptCache()
        self.pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
        self.load_seconds = 0.0

    @classmethod
    def from_path(
        cls,
        path: str | Path,
        *,
        dtype: str = "float32",
        trust_remote_code: bool = False,
        batch_size: int | str = "auto",
        adapter: str | Path | None = None,
        tokenizer: Any = None,
    ) -> HFScorer:
        """Load a causal LM from a local directory (never from a hub: ``local_files_only``).

        ``adapter`` is a LoRA adapter directory (`saycan.llm.lora`), merged into the weights;
        ``tokenizer``, one already loaded (default: the directory's, through ``AutoTokenizer``).
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
        if tokenizer is None:
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

    def forget_prompt(self) -> None:
        """Drop the cached prompts, so the next call runs its prompt from the start (benchmarks)."""
        self._prompts.clear()

    def encode(self, text: str) -> list[int]:
        return list(self.tokenizer(text).input_ids)

    def score(self, prompt: str, options: Sequence[str]) -> OptionScores:
        if not options:
            return OptionScores([], [], 0)
        if not all(o.strip() for o in options):
            raise ConfigError(f"options must be non-empty skill texts, got {list(options)!r}")
        prompt, options = split_trailing_space(prompt, options)
        prompt_ids, *fulls = self.tokenizer([prompt, *(prompt + o for o in options)]).input_ids  # one batched call
        # Tokens of the option = tokens of (prompt + option) after the prompt's tokens. If the
        # tokenizer merges across the boundary, back off to the longest shared prefix k and
        # score log p(option | prompt) = log p(full[k:] | prefix) - log p(prompt[k:] | prefix).
        k = min(common_prefix(prompt_ids, f) for f in fulls)
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
        """Sum of log p(cont | prefix) for each continuation: the prefix once, each trie node once.

        The prefix extends the cached prompt it shares most with (a plan's prompt only grows by a
        line per step). Its new tokens and the continuations' token trie run as one flattened
        sequence on that KV cache, in one forward pass: causal attention for the prompt's tokens,
        tree attention for the trie's. The LM head runs only at the rows whose next-token
        log-probabilities are needed: the prompt's last token (every first token) and the nodes.

        Args:
            prefix: (T,) token ids, non-empty (it holds at least BOS).
            conts: n lists of token ids, each non-empty.

        Returns:
            ((n,) log-probabilities, number of token positions run through the model).
        """
        cache, keep, root = self._prompts.take(prefix)
        deeper = [i for i, c in enumerate(conts) if len(c) > 1]  # one-token continuations need no node
        budget = _memory_budget()
        config = self.model.config.get_text_config(decoder=True)
        heads = int(getattr(config, "num_attention_heads", 16))
        max_nodes = max(16, min(4096, budget // ((heads + 2) * 4 * (len(prefix) + 1024))))
        # with no deeper continuation, one pass still runs the prompt's new tokens
        groups = chunks([conts[i] for i in deeper], max_nodes, self.batch_size or len(deeper)) or [[]]
        result, evaluated = [0.0] * len(conts), 0
        for n, group in enumerate(groups):
            trie = TokenTrie.build([conts[deeper[g]] for g in group])
            fresh = prefix[keep:] if n == 0 else []
            hidden = self._forward(trie, fresh, len(prefix), cache) if fresh or len(trie) else None
            if fresh:
                root = hidden[len(fresh) - 1].clone()  # cached: not a view that keeps the whole pass alive
            if n == 0:
                self._prompts.put(prefix, cache, root)
            evaluated += len(fresh) + len(trie)
            wanted = {target for targets in trie.targets for target in targets[1:]}
            if n == 0:
                wanted |= {(PROMPT, c[0]) for c in conts}
            # row 0 is the prompt's last token (PROMPT = -1), row i + 1 node i
            rows = root[None] if hidden is None else torch.cat([root[None], hidden[len(fresh) :]])
            picked = self._head_logprobs(rows, sorted(wanted))
            if n == 0:
                result = [picked[PROMPT, c[0]] for c in conts]
            for g, targets in zip(group, trie.targets, strict=True):
                result[deeper[g]] += sum(picked[t] for t in targets[1:])
        return result, evaluated

    def _forward(self, trie: TokenTrie, fresh: list[int], prompt_len: int, cache: DynamicCache) -> torch.Tensor:
        """(len(fresh) + len(trie), d) final hidden states of the prompt's last tokens ``fresh``, then the nodes.

        The cache keeps the prompt's positions and drops the trie's, so the next step extends the prompt.
        """
        config = self.model.config.get_text_config(decoder=True)
        dtype = self.model.dtype
        layer_types = set(getattr(config, "layer_types", None) or ())
        n_fresh = len(fresh)
        if layer_types - {"full_attention"}:
            unknown = layer_types - set(WINDOWED)
            if unknown:
                raise LLMError(f"cannot score layer types {sorted(unknown)} with a trie; supported: {WINDOWED}")
            window = getattr(config, "sliding_window", None)
            mask = {kind: trie.attention_mask(prompt_len, window if kind != "full_attention" else None, dtype, n_fresh)
                    for kind in layer_types}  # fmt: skip
        else:
            mask = trie.attention_mask(prompt_len, None, dtype, n_fresh)
        try:
            return self.model.get_decoder()(
                input_ids=torch.tensor([[*fresh, *trie.tokens]]),
                attention_mask=mask,
                position_ids=trie.position_ids(prompt_len, n_fresh),
                cache=cache,
                use_cache=True,
            ).last_hidden_state[0]
        finally:
            truncate(cache, prompt_len)  # the trie's keys must not leak into the next step's prompt

    def _head_logprobs(self, rows: torch.Tensor, wanted: list[tuple[int, int]]) -> dict[tuple[int, int], float]:
        """``{(node, token): log p(token | prompt, path to node)}`` from (1 + nodes, d) states, row node + 1."""
        config = self.model.config.get_text_config(decoder=True)
        used = sorted({node for node, _ in wanted})
        at = {node: i for i, node in enumerate(used)}
        picked = target_logprobs(
            self.model.get_output_embeddings(),
            rows[[node + 1 for node in used]],
            torch.tensor([at[node] for node, _ in wanted]),
            torch.tensor([tok for _, tok in wanted]),
            getattr(config, "final_logit_softcapping", None),
        )
        return dict(zip(wanted, picked.tolist(), strict=True))

    @torch.inference_mode()
    def generate(self, prompt: str, max_tokens: int, stops: Sequence[str]) -> str:
        """Greedy text after ``prompt``, on the cached prompt it extends (`PromptCache`, as scoring uses it).

        Few-shot prompts (a translation's examples) repeat their head on every call: only the tail runs.
        """
        ids = self.encode(prompt)
        cache, keep, state = self._prompts.take(ids)
        truncate(cache, min(keep, len(ids) - 1))  # at least one token runs: its logits start the text
        prompt_ids = torch.tensor([ids])
        out = self.model.generate(
            prompt_ids,
            attention_mask=torch.ones_like(prompt_ids),
            cache=cache,
            max_new_tokens=int(max_tokens),
            do_sample=False,
            pad_token_id=self.pad_id,
            # stop once a stop string is written, not after max_tokens: a translation writes 6 tokens, not 48
            stopping_criteria=StoppingCriteriaList([StopStrings(self.tokenizer, len(ids), stops)]),
        )
        truncate(cache, len(ids))
        self._prompts.put(ids, cache, state)  # the same prompt: a state it had still holds
        return cut_at_stops(self.tokenizer.decode(out[0, len(ids) :], skip_special_tokens=True), stops)

    @torch.inference_mode()
    def score_naive(self, prompt: str, options: Sequence[str]) -> OptionScores:
        """Reference scoring: one full forward pass per option over prompt + option, no cache.

        This is how lm-evaluation-harness scores; tests and benchmarks compare against it.
        """
        prompt, options = split_trailing_space(prompt, options)
        prompt_ids = self.encode(prompt)
        logprobs, n_tokens, evaluated = [], [], 0
        prompt_logits = None  # logits over the prompt alone, needed only after a boundary merge
        for option in options:
            full = self.encode(prompt + option)
            k = common_prefix(prompt_ids, full)
            lp = _sequence_logprob(self.model(torch.tensor([full])).logits[0], full, k)
            if k < len(prompt_ids):  # boundary merge: divide by p(prompt tail), as `score` does
                if prompt_logits is None:
                    prompt_logits = self.model(torch.tensor([prompt_ids])).logits[0]
                lp -= _sequence_logprob(prompt_logits, prompt_ids, k)
            logprobs.append(lp)
            n_tokens.append(max(len(full) - len(prompt_ids), 1))
            evaluated += len(full)
        return OptionScores(logprobs, n_tokens, evaluated)
