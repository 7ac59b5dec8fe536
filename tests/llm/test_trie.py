import torch

from saycan.llm.trie import PROMPT, TokenTrie, chunks


def test_shared_prefixes_are_stored_once_and_last_tokens_never():
    trie = TokenTrie.build([[5, 6, 7], [5, 6, 8, 9], [5, 10], [11]])
    # Internal nodes: 5, 5-6, 5-6-8 (the last token of each sequence is only predicted).
    assert trie.tokens == [5, 6, 8]
    assert trie.parents == [PROMPT, 0, 1]
    assert trie.depths == [0, 1, 2]
    assert trie.targets[0] == [(PROMPT, 5), (0, 6), (1, 7)]
    assert trie.targets[1] == [(PROMPT, 5), (0, 6), (1, 8), (2, 9)]
    assert trie.targets[3] == [(PROMPT, 11)]


def test_each_node_attends_to_the_prompt_and_its_ancestors_only():
    trie = TokenTrie.build([[1, 2, 3], [4, 5, 6]])  # two branches: nodes 1, 1-2, 4, 4-5
    mask = trie.attention_mask(prompt_len=3, window=None, dtype=torch.float32)
    allowed = (mask[0, 0] == 0).int().tolist()
    assert allowed == [
        [1, 1, 1, 1, 0, 0, 0],
        [1, 1, 1, 1, 1, 0, 0],
        [1, 1, 1, 0, 0, 1, 0],
        [1, 1, 1, 0, 0, 1, 1],
    ]
    assert trie.position_ids(3).tolist() == [[3, 4, 3, 4]]


def test_a_sliding_window_hides_keys_further_back_than_the_window():
    trie = TokenTrie.build([[1, 2, 3]])
    allowed = (trie.attention_mask(prompt_len=4, window=2, dtype=torch.float32)[0, 0] == 0).int().tolist()
    # Node at position 4 sees positions 3..4; node at position 5 sees 4..5.
    assert allowed == [[0, 0, 0, 1, 1, 0], [0, 0, 0, 0, 1, 1]]


def test_prompt_tokens_run_with_the_trie_see_the_prompt_causally_and_no_node():
    trie = TokenTrie.build([[1, 2, 3]])  # nodes 1, 1-2
    # A prompt of 4 positions: 2 cached, the last 2 run in the same pass, before the nodes.
    mask = trie.attention_mask(prompt_len=4, window=None, dtype=torch.float32, fresh=2)
    assert (mask[0, 0] == 0).int().tolist() == [
        [1, 1, 1, 0, 0, 0],
        [1, 1, 1, 1, 0, 0],
        [1, 1, 1, 1, 1, 0],
        [1, 1, 1, 1, 1, 1],
    ]
    assert trie.position_ids(4, fresh=2).tolist() == [[2, 3, 4, 5]]
    windowed = trie.attention_mask(prompt_len=4, window=2, dtype=torch.float32, fresh=2)
    assert (windowed[0, 0] == 0).int().tolist() == [
        [0, 1, 1, 0, 0, 0],
        [0, 0, 1, 1, 0, 0],
        [0, 0, 0, 1, 1, 0],
        [0, 0, 0, 0, 1, 1],
    ]


def test_chunks_keep_every_sequence_once_within_the_node_budget():
    seqs = [[a, b, c] for a in range(4) for b in range(3) for c in range(2)]
    groups = chunks(seqs, max_nodes=6, max_sequences=100)
    assert sorted(i for g in groups for i in g) == list(range(len(seqs)))
    assert all(len(TokenTrie.build([seqs[i] for i in g])) <= 6 for g in groups)
    assert len(chunks(seqs, max_nodes=10_000, max_sequences=5)) == 5  # ceil(24 / 5)
