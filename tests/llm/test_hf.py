import pytest

from saycan.errors import ConfigError
from saycan.llm.hf import HFScorer

PROMPT = (
    "Robot: I am a kitchen robot.\nHuman: How would you throw away the coke can?\nRobot: 1. find the coke can, "
    "2. pick up the coke can, 3. go to the trash can, 4. put down the coke can, 5. done\n"
    "Human: How would you clean the spill?\nRobot: 1. find the sponge, 2."
)
OPTIONS = [" pick up the sponge", " done", " go to the table", " wipe the spill", " find the jalapeno chips", " put"]


def test_batched_cached_scores_equal_one_at_a_time(tiny_scorer):
    batched = tiny_scorer.score(PROMPT, OPTIONS)
    naive = tiny_scorer.score_naive(PROMPT, OPTIONS)
    assert batched.n_tokens == naive.n_tokens
    assert batched.logprobs == pytest.approx(naive.logprobs, abs=1e-4)
    # The prompt is run once, so far fewer positions are evaluated than with naive scoring.
    assert batched.tokens_evaluated < naive.tokens_evaluated / 2


def test_batch_size_does_not_change_scores(tiny_model_dir):
    one = HFScorer.from_path(tiny_model_dir, batch_size=1).score(PROMPT, OPTIONS)
    many = HFScorer.from_path(tiny_model_dir, batch_size=64).score(PROMPT, OPTIONS)
    assert one.logprobs == pytest.approx(many.logprobs, abs=1e-5)


def test_space_before_option_belongs_to_the_option(tiny_scorer):
    a = tiny_scorer.score(PROMPT, OPTIONS)
    b = tiny_scorer.score(PROMPT + " ", [o[1:] for o in OPTIONS])
    assert a.logprobs == pytest.approx(b.logprobs, abs=1e-5)


def test_boundary_merge_is_scored_exactly(tiny_scorer):
    # "spon" + "ge," may tokenise across the boundary; the score must still equal naive scoring.
    prompt, options = "Robot: 1. find the spon", ["ge, 2. done", "ge"]
    assert tiny_scorer.score(prompt, options).logprobs == pytest.approx(
        tiny_scorer.score_naive(prompt, options).logprobs, abs=1e-4
    )


def test_missing_model_directory_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="llm.path"):
        HFScorer.from_path(tmp_path / "nope")
    with pytest.raises(ConfigError, match="llm.path is required"):
        HFScorer.from_path("")


@pytest.mark.slow
def test_embedded_model_batched_scores_equal_one_at_a_time(embedded_scorer):
    batched = embedded_scorer.score(PROMPT, OPTIONS)
    naive = embedded_scorer.score_naive(PROMPT, OPTIONS)
    assert batched.logprobs == pytest.approx(naive.logprobs, abs=1e-4)
    # A real model prefers the step that follows "find the sponge".
    assert max(range(len(OPTIONS)), key=lambda i: batched.logprobs[i]) == 0


def test_generate_is_greedy_and_cut_at_the_first_stop(tiny_scorer):
    free = tiny_scorer.generate(PROMPT, 12, [])
    cut = tiny_scorer.generate(PROMPT, 12, [","])
    assert free == tiny_scorer.generate(PROMPT, 12, [])  # greedy: the same text every time
    assert "," not in cut and free.startswith(cut)
