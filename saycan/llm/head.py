"""Target-token log-probabilities from an LM head, streamed over slices of the vocabulary."""

from __future__ import annotations

from collections.abc import Iterator

import torch

VOCAB_SLICE = 1024  # vocabulary rows per slice: a (rows, 1024) float32 block stays in cache


def _logit_slices(head: torch.nn.Module, hidden: torch.Tensor) -> Iterator[tuple[int, torch.Tensor]]:
    """(first token id, (rows, slice) float32 logits) over the vocabulary, in order.

    A plain ``nn.Linear`` head is applied slice by slice, so the (rows, vocab) logits never exist
    whole (with Gemma's 262k words and 376 rows they would take 394 MB, written and read again by
    every pass of a log-sum-exp); any other head module runs once, as the model would run it.
    """
    if type(head) is not torch.nn.Linear:
        yield 0, head(hidden).float()
        return
    weight, bias = head.weight, head.bias
    for start in range(0, weight.shape[0], VOCAB_SLICE):
        part = slice(start, start + VOCAB_SLICE)
        yield start, torch.nn.functional.linear(hidden, weight[part], None if bias is None else bias[part]).float()


def target_logprobs(
    head: torch.nn.Module, hidden: torch.Tensor, rows: torch.Tensor, tokens: torch.Tensor, softcap: float | None = None
) -> torch.Tensor:
    """log p(tokens[i] | hidden[rows[i]]) under the head's softmax over the whole vocabulary.

    log p(token) = logit(token) - logsumexp(logits), the normaliser accumulated slice by slice
    (the online log-sum-exp: keep the running max m and sum s of exp(logit - m), rescale s when
    m grows), which is as exact as ``torch.logsumexp`` on the whole row and reads each logit once.

    Args:
        head: the model's output embedding (``get_output_embeddings()``).
        hidden: (R, d) final hidden states.
        rows: (n,) row of ``hidden`` for each target, in [0, R).
        tokens: (n,) target token ids.
        softcap: Gemma 2's final logit soft-capping (logits -> cap * tanh(logits / cap)), if any.

    Returns:
        (n,) float32 log-probabilities.
    """
    n_rows = hidden.shape[0]
    top = torch.full((n_rows,), -torch.inf)
    total = torch.zeros(n_rows)
    picked = torch.empty(len(tokens))
    for start, logits in _logit_slices(head, hidden):
        if softcap:  # as the model's own forward applies it (in place: no copies)
            logits.div_(softcap).tanh_().mul_(softcap)
        here = (tokens >= start) & (tokens < start + logits.shape[1])
        picked[here] = logits[rows[here], tokens[here] - start]
        grown = torch.maximum(top, logits.amax(dim=-1))
        total.mul_(torch.exp(top - grown)).add_(logits.sub_(grown[:, None]).exp_().sum(dim=-1))
        top = grown
    return picked - (top + total.log())[rows]
