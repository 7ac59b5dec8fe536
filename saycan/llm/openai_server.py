"""Scoring through any OpenAI-compatible Completions server (vLLM, TGI, ...), with echoed logprobs."""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from typing import Any

from saycan.errors import ConfigError
from saycan.llm.base import LLMError, OptionScores, Scorer, cut_at_stops, split_trailing_space


class OpenAIScorer(Scorer):
    """Option log-likelihoods from the prompt logprobs a Completions server echoes back.

    Each step is one batched request: ``prompt=[prompt + option, ...]`` with ``echo=True,
    logprobs=1, max_tokens=1`` (vLLM rejects ``max_tokens=0``; the generated token is ignored).

    Args:
        base_url: Server URL, e.g. ``http://127.0.0.1:8000/v1``.
        model: Model name the server serves.
        api_key_env: Name of the environment variable holding the key; keys never sit in config.
        timeout: Seconds per request (connect timeout is capped at 10 s).
        max_retries: Retries of failed requests, with the openai client's exponential backoff.
        batch_size: Options per request.
    """

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key_env: str = "OPENAI_API_KEY",
        timeout: float = 60.0,
        max_retries: int = 3,
        batch_size: int = 256,
    ) -> None:
        import httpx
        import openai

        if not base_url:
            raise ConfigError("llm.base_url is required for llm=openai, e.g. llm.base_url=http://127.0.0.1:8000/v1")
        if not model:
            raise ConfigError("llm.model is required for llm=openai: the model name the server serves")
        self.base_url = str(base_url)
        self.model = str(model)
        self.batch_size = int(batch_size)
        self._openai = openai
        self.client = openai.OpenAI(
            base_url=self.base_url,
            api_key=os.environ.get(api_key_env) or "EMPTY",  # local servers accept any key
            timeout=httpx.Timeout(float(timeout), connect=min(10.0, float(timeout))),
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
        try:
            return self.client.completions.create(model=self.model, prompt=prompt, **kwargs)
        except self._openai.APITimeoutError:
            raise LLMError(f"LLM server {self.base_url} did not answer in time (llm.timeout)") from None
        except self._openai.APIConnectionError as exc:
            raise LLMError(f"cannot reach the LLM server at {self.base_url}: {exc}; is it running?") from None
        except self._openai.APIStatusError as exc:
            raise LLMError(f"LLM server {self.base_url} answered HTTP {exc.status_code}: {exc.message}") from None

    def score(self, prompt: str, options: Sequence[str]) -> OptionScores:
        prompt, options = split_trailing_space(prompt, options)
        logprobs: list[float] = []
        n_tokens: list[int] = []
        evaluated = 0
        for start in range(0, len(options), self.batch_size):
            chunk = list(options[start : start + self.batch_size])
            reply = self._complete([prompt + o for o in chunk], echo=True, logprobs=1, max_tokens=1, temperature=0.0)
            choices = sorted(reply.choices, key=lambda c: c.index)
            if len(choices) != len(chunk):
                raise LLMError(f"LLM server {self.base_url} returned {len(choices)} choices for {len(chunk)} prompts")
            for option, choice in zip(chunk, choices, strict=True):
                lp, n = self._option_logprob(prompt, option, choice)
                logprobs.append(lp)
                n_tokens.append(n)
                evaluated += n
        return OptionScores(logprobs, n_tokens, evaluated)

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
