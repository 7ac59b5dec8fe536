"""Scoring through any OpenAI-compatible Completions server (vLLM, TGI, ...), with echoed logprobs."""

from __future__ import annotations

import math
import os
import random
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from saycan.errors import ConfigError
from saycan.llm.base import LLMError, OptionScores, Scorer, cut_at_stops, split_trailing_space


class OpenAIScorer(Scorer):
    """Option log-likelihoods from the prompt logprobs a Completions server echoes back.

    Each step is one batched request: ``prompt=[prompt + option, ...]`` with ``echo=True,
    logprobs=1, max_tokens=1`` (vLLM rejects ``max_tokens=0``; the generated token is ignored).
    More options than ``batch_size`` are split into requests sent ``max_concurrency`` at a time.

    Args:
        base_url: Server URL, e.g. ``http://127.0.0.1:8000/v1``.
        model: Model name the server serves.
        api_key_env: Name of the environment variable holding the key; keys never sit in config.
        timeout: Seconds per request (connect timeout is capped at 10 s).
        max_retries: Retries of failed requests, with the openai client's exponential backoff.
        batch_size: Most options per request.
        max_concurrency: Requests in flight at once when a step needs several.
    """

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key_env: str = "OPENAI_API_KEY",
        timeout: float = 60.0,
        max_retries: int = 3,
        batch_size: int = 1024,
        max_concurrency: int = 4,
    ) -> None:
        import openai

        if not base_url:
            raise ConfigError("llm.base_url is required for llm=openai, e.g. llm.base_url=http://127.0.0.1:8000/v1")
        if not model:
            raise ConfigError("llm.model is required for llm=openai: the model name the server serves")
        self.base_url = str(base_url)
        self.model = str(model)
        for key, value in (("batch_size", batch_size), ("max_concurrency", max_concurrency)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ConfigError(f"llm.{key} must be an integer >= 1, got {value!r}")
        self.batch_size, self.max_concurrency, self.max_retries = batch_size, max_concurrency, int(max_retries)
        self._openai = openai
        self.client = openai.OpenAI(
            base_url=self.base_url,
            api_key=os.environ.get(api_key_env) or "EMPTY",  # local servers accept any key
            # openai's own Timeout: it is httpx's in openai 1-2 and httpx2's from 3.0, and each release
            # refuses the other library's type.
            timeout=openai.Timeout(float(timeout), connect=min(10.0, float(timeout))),
            max_retries=int(max_retries),
        )

    def close(self) -> None:
        self.client.close()

    def generate(self, prompt: str, max_tokens: int, stops: Sequence[str]) -> str:
        stop = [s for s in stops if s][:4]  # the API takes up to 4 stop strings
        reply = self._complete(prompt, max_tokens=int(max_tokens), temperature=0.0, stop=stop or None)
        if not reply.choices:
            raise LLMError(f"LLM server {self.base_url} returned no completion")
        return cut_at_stops(reply.choices[0].text or "", stops)  # again here: not every server honours `stop`

    def _complete(self, prompt: str | list[str], **kwargs: Any) -> Any:
        """One Completions call. The openai client retries timeouts, 429 and 5xx (honouring Retry-After)
        with exponential backoff; a reply cut off mid-body is retried here, within the same bound."""
        attempt = 0
        while True:
            try:
                return self.client.completions.create(model=self.model, prompt=prompt, **kwargs)
            except self._openai.APITimeoutError:
                raise LLMError(
                    f"LLM server {self.base_url} did not answer in time (llm.timeout) in {self._tries}"
                ) from None
            except self._openai.APIConnectionError as exc:
                reason = str(exc).rstrip(".")
                raise LLMError(
                    f"cannot reach the LLM server at {self.base_url} ({reason}, {self._tries}); is it running?"
                ) from None
            except self._openai.APIStatusError as exc:
                raise LLMError(f"LLM server {self.base_url} answered HTTP {exc.status_code}: {exc.message}") from None
            except (ValueError, self._openai.APIResponseValidationError) as exc:  # truncated or garbled JSON
                if attempt == self.max_retries:
                    raise LLMError(
                        f"LLM server {self.base_url} sent an unreadable reply {attempt + 1} times: {exc}"
                    ) from None
                time.sleep(min(8.0, 0.5 * 2**attempt) * random.uniform(0.75, 1.25))  # backoff with jitter
                attempt += 1

    @property
    def _tries(self) -> str:
        """How many tries the openai client made before giving up, for error messages."""
        return f"{self.max_retries + 1} {'try' if self.max_retries == 0 else 'tries'}"

    def score(self, prompt: str, options: Sequence[str]) -> OptionScores:
        """Tokens evaluated are the server's ``usage.prompt_tokens`` where it reports them."""
        prompt, options = split_trailing_space(prompt, options)
        chunks = [list(options[i : i + self.batch_size]) for i in range(0, len(options), self.batch_size)]
        if len(chunks) > 1:
            with ThreadPoolExecutor(min(self.max_concurrency, len(chunks))) as pool:
                parts = list(pool.map(lambda chunk: self._score_chunk(prompt, chunk), chunks))
        else:
            parts = [self._score_chunk(prompt, c) for c in chunks]
        return OptionScores(
            [lp for part in parts for lp in part.logprobs],
            [n for part in parts for n in part.n_tokens],
            sum(part.tokens_evaluated for part in parts),
        )

    def _score_chunk(self, prompt: str, chunk: list[str]) -> OptionScores:
        reply = self._complete([prompt + o for o in chunk], echo=True, logprobs=1, max_tokens=1, temperature=0.0)
        choices = sorted(reply.choices, key=lambda c: c.index)
        if len(choices) != len(chunk):
            raise LLMError(f"LLM server {self.base_url} returned {len(choices)} choices for {len(chunk)} prompts")
        scored = [self._option_logprob(prompt, o, c) for o, c in zip(chunk, choices, strict=True)]
        usage = getattr(getattr(reply, "usage", None), "prompt_tokens", None)
        n_tokens = [n for _, n in scored]
        return OptionScores([lp for lp, _ in scored], n_tokens, int(usage) if usage else sum(n_tokens))

    def _option_logprob(self, prompt: str, option: str, choice: Any) -> tuple[float, int]:
        """Sum the echoed logprobs of the tokens that lie inside the option's characters."""
        lp = getattr(choice, "logprobs", None)
        tokens = getattr(lp, "tokens", None) or []
        offsets = getattr(lp, "text_offset", None) or []
        values = getattr(lp, "token_logprobs", None) or []
        start, end = len(prompt), len(prompt) + len(option)
        picked = [(off, tok, val) for off, tok, val in zip(offsets, tokens, values, strict=False) if start <= off < end]
        covered = sum(len(tok) for _, tok, _ in picked)
        if not picked or picked[0][0] != start or covered < end - start:
            raise LLMError(
                f"LLM server {self.base_url} did not return prompt logprobs covering option {option!r} "
                "(servers such as llama.cpp's answer echo without them); use a server that does (vLLM) "
                "or an in-process model (llm=embedded, llm=hf)"
            )
        bad = [tok for _, tok, val in picked if val is None or not math.isfinite(float(val))]
        if bad:
            raise LLMError(f"LLM server {self.base_url} returned no finite logprob for tokens {bad} of {option!r}")
        return float(sum(float(val) for _, _, val in picked)), len(picked)
