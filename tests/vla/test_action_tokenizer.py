import numpy as np
import pytest

from saycan.vla.action_tokenizer import VOCAB_SIZE, ActionTokenizer, classes_to_tokens

VOCAB = 32000


def test_hand_computed_tokens_and_bin_centres():
    tok = ActionTokenizer(VOCAB)
    # edges: linspace(-1, 1, 256), spacing 2/255; 0.0 lies in [edges[127], edges[128]) -> bin 128
    assert tok.encode(np.array([0.0, 1.0, -1.0])).tolist() == [VOCAB - 128, VOCAB - 256, VOCAB - 1]
    # bin 128 -> centre 127 = -1 + 127.5 * 2/255 = 0; bin 256 folds to centre 254; bin 1 -> centre 0
    decoded = tok.decode(np.array([VOCAB - 128, VOCAB - 256, VOCAB - 1]))
    assert decoded == pytest.approx([0.0, -1 + 254.5 * 2 / 255, -1 + 0.5 * 2 / 255])


def test_round_trip_error_is_at_most_one_bin():
    tok = ActionTokenizer(VOCAB)
    actions = np.random.default_rng(0).uniform(-1, 1, size=(1000, 7))
    tokens = tok.encode(actions)
    assert tokens.min() >= tok.first_token and tokens.max() < VOCAB
    assert np.abs(tok.decode(tokens) - actions).max() <= 2 / 255 + 1e-9


def test_out_of_range_values_are_clipped():
    tok = ActionTokenizer(VOCAB)
    assert tok.encode(np.array([5.0, -5.0])).tolist() == tok.encode(np.array([1.0, -1.0])).tolist()
    with pytest.raises(ValueError, match="vocab_size"):
        ActionTokenizer(100)


def test_network_classes_are_openvla_action_tokens():
    tokenizer = ActionTokenizer(VOCAB_SIZE)
    tokens = tokenizer.encode(np.array([-1.0, 0.0, 1.0]))
    classes = classes_to_tokens(tokens, tokenizer)  # the map is its own inverse
    assert classes.tolist() == [0, 127, 255]  # 0.0 falls in bin 128 of linspace(-1, 1, 256): class 127
    assert classes_to_tokens(classes, tokenizer).tolist() == tokens.tolist()
