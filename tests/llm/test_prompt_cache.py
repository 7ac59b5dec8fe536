"""saycan/llm/prompt_cache.py: which cached prompt a new one extends, and how much of it is kept."""

import torch
from transformers import DynamicCache

from saycan.llm.prompt_cache import CACHED_PROMPTS, PromptCache, common_prefix


def test_common_prefix_counts_the_leading_tokens_two_sequences_share():
    assert common_prefix([1, 2, 3], [1, 2, 4, 5]) == 2
    assert common_prefix([], [1]) == 0 and common_prefix([7, 8], [7, 8]) == 2


def test_a_grown_prompt_takes_the_cache_it_extends_out_of_the_list():
    cache, prompts = DynamicCache(), PromptCache()
    prompts.put([1, 2, 3, 4], cache, torch.zeros(2))
    taken, keep, state = prompts.take([1, 2, 3, 4, 5, 6])
    assert taken is cache and keep == 4 and state is None
    assert prompts.take([1, 2, 3, 4, 5, 6])[0] is not cache  # taken: put it back once it holds the prompt


def test_the_same_prompt_is_whole_with_its_state_and_leaves_one_token_to_run_without():
    prompts, state = PromptCache(), torch.ones(2)
    prompts.put([1, 2, 3], DynamicCache(), state)
    assert prompts.take([1, 2, 3])[1:] == (3, state)
    prompts.put([1, 2, 3], DynamicCache(), None)  # generation ran it: no state
    assert prompts.take([1, 2, 3])[1:] == (2, None)


def test_an_unrelated_prompt_starts_afresh_and_evicts_the_least_recent():
    prompts, caches = PromptCache(), [DynamicCache() for _ in range(CACHED_PROMPTS)]
    for i, cache in enumerate(caches):
        prompts.put([10 * i + 1, 10 * i + 2], cache, None)
    fresh, keep, _ = prompts.take([99, 98])
    assert fresh not in caches and keep == 0
    prompts.put([99, 98], fresh, None)
    assert prompts.take([1, 2])[0] is not caches[0]  # the oldest was dropped
    assert prompts.take([21, 22])[0] is caches[2]
