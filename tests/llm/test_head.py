"""Streamed target log-probabilities against a float64 log-softmax over the whole vocabulary."""

import copy

import pytest
import torch

from saycan.llm.head import VOCAB_SLICE, target_logprobs


def reference(head: torch.nn.Module, hidden: torch.Tensor, rows, tokens, softcap=None) -> torch.Tensor:
    logits = copy.deepcopy(head).double()(hidden.double())
    if softcap:
        logits = softcap * torch.tanh(logits / softcap)
    return torch.log_softmax(logits, dim=-1)[rows, tokens]


@pytest.mark.parametrize("bias", [False, True])
@pytest.mark.parametrize("softcap", [None, 30.0])
def test_streamed_log_probs_equal_a_whole_row_log_softmax(bias, softcap):
    torch.manual_seed(0)
    vocab = 2 * VOCAB_SLICE + 37  # a last slice shorter than the others
    head = torch.nn.Linear(16, vocab, bias=bias)
    hidden = 8 * torch.randn(5, 16)  # large logits: the running max must rescale the sum
    rows = torch.tensor([0, 0, 1, 3, 4, 4])
    tokens = torch.tensor([0, vocab - 1, VOCAB_SLICE, 5, VOCAB_SLICE - 1, 2 * VOCAB_SLICE + 1])
    got = target_logprobs(head, hidden, rows, tokens, softcap)
    want = reference(head, hidden, rows, tokens, softcap)
    assert torch.allclose(got.double(), want, atol=2e-5), (got, want)


def test_a_head_that_is_not_a_plain_linear_runs_as_the_model_runs_it():
    torch.manual_seed(1)
    head = torch.nn.Sequential(torch.nn.Linear(8, 8), torch.nn.Linear(8, 3000))
    hidden = torch.randn(3, 8)
    rows, tokens = torch.tensor([0, 1, 2]), torch.tensor([2999, 0, 1500])
    want = reference(head, hidden, rows, tokens)
    assert torch.allclose(target_logprobs(head, hidden, rows, tokens).double(), want, atol=1e-5)
