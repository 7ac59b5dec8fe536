import itertools

import pytest

from saycan.errors import ConfigError
from saycan.llm.hf import HFScorer
from saycan.llm.prompt_cache import common_prefix

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
    auto = HFScorer.from_path(tiny_model_dir, batch_size="auto").score(PROMPT, OPTIONS)
    assert one.logprobs == pytest.approx(many.logprobs, abs=1e-5)
    assert auto.logprobs == pytest.approx(many.logprobs, abs=1e-5)


@pytest.mark.parametrize("bad", [0, -3, "many", 2.5, True])
def test_bad_batch_size_names_the_key(tiny_model_dir, bad):
    with pytest.raises(ConfigError, match="llm.batch_size"):
        HFScorer.from_path(tiny_model_dir, batch_size=bad)


def test_shared_option_prefixes_are_run_once(tiny_model_dir):
    scorer = HFScorer.from_path(tiny_model_dir)
    options = [" pick up the sponge", " pick up the apple", " pick up the coke can", " put down the apple"]
    scores = scorer.score(PROMPT, options)
    assert scores.logprobs == pytest.approx(scorer.score_naive(PROMPT, options).logprobs, abs=1e-4)
    n_prompt = len(scorer.encode(PROMPT))
    conts = [scorer.encode(PROMPT + o)[n_prompt:] for o in options]
    distinct = {tuple(c[:d]) for c in conts for d in range(1, len(c))}  # fed once each; last tokens never
    assert scores.tokens_evaluated == n_prompt + len(distinct)
    assert len(distinct) < sum(len(c) - 1 for c in conts)


def test_a_step_runs_the_prompts_new_tokens_and_the_options_in_one_forward_pass(tiny_model_dir, monkeypatch):
    scorer = HFScorer.from_path(tiny_model_dir)
    scorer.score(PROMPT, OPTIONS)
    decoder = scorer.model.get_decoder()
    calls = []
    run = decoder.forward
    monkeypatch.setattr(decoder, "forward", lambda *a, **k: calls.append(k["input_ids"].shape[1]) or run(*a, **k))
    grown = PROMPT + " pick up the sponge, 3."
    scores = scorer.score(grown, OPTIONS)
    assert calls == [scores.tokens_evaluated]  # the new line and the trie, together
    assert scores.logprobs == pytest.approx(scorer.score_naive(grown, OPTIONS).logprobs, abs=1e-4)


def test_a_growing_prompt_reuses_the_previous_steps_cache(tiny_model_dir):
    scorer = HFScorer.from_path(tiny_model_dir)
    steps = [PROMPT, PROMPT + " pick up the sponge, 3.", PROMPT + " pick up the sponge, 3. go to the table, 4."]
    first = scorer.score(steps[0], OPTIONS)
    for before, prompt in itertools.pairwise(steps):
        scores = scorer.score(prompt, OPTIONS)
        assert scores.logprobs == pytest.approx(scorer.score_naive(prompt, OPTIONS).logprobs, abs=1e-4)
        # The previous prompt is not run again: only its new line (and the options) are.
        fresh = HFScorer(scorer.model, scorer.tokenizer).score(prompt, OPTIONS)
        assert fresh.tokens_evaluated - scores.tokens_evaluated >= len(scorer.encode(before)) - 2
    # A side question in between (the termination check) does not evict the plan's prompt.
    scorer.score("Human: Is my request complete now, yes or no?\nRobot:", [" yes", " no"])
    again = scorer.score(steps[-1] + " done,", OPTIONS)
    assert again.tokens_evaluated < len(scorer.encode(steps[-1])) / 2
    # Back to an unrelated, shorter prompt: the cache is cut back, and scores stay exact.
    other = "Human: How would you bring me a fruit?\nRobot: 1."
    assert scorer.score(other, OPTIONS).logprobs == pytest.approx(scorer.score_naive(other, OPTIONS).logprobs, abs=1e-4)
    assert scorer.score(PROMPT, OPTIONS).logprobs == pytest.approx(first.logprobs, abs=1e-5)


def test_trie_scores_equal_naive_on_a_llama_and_a_gpt2(tiny_model_dir, tmp_path):
    from transformers import AutoTokenizer, GPT2Config, GPT2LMHeadModel, LlamaConfig, LlamaForCausalLM

    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    vocab = tokenizer.vocab_size
    models = {
        "llama": LlamaForCausalLM(
            LlamaConfig(vocab_size=vocab, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                        num_attention_heads=2, num_key_value_heads=1, pad_token_id=0)
        ),
        "gpt2": GPT2LMHeadModel(GPT2Config(vocab_size=vocab, n_embd=32, n_layer=2, n_head=2, n_positions=1024)),
    }  # fmt: skip
    for name, model in models.items():
        model.save_pretrained(tmp_path / name)
        tokenizer.save_pretrained(tmp_path / name)
        scorer = HFScorer.from_path(tmp_path / name)
        for prompt in (PROMPT, PROMPT + " pick up the sponge, 3."):
            assert scorer.score(prompt, OPTIONS).logprobs == pytest.approx(
                scorer.score_naive(prompt, OPTIONS).logprobs, abs=1e-4
            ), name


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
    # float32 sums in another order when batched: a clean run differed by 1.05e-4 on a log-prob of -28.7
    # (3.7e-6 relative). Reusing the wrong KV cache moves a log-prob by far more than 1e-5 of it.
    assert batched.logprobs == pytest.approx(naive.logprobs, rel=1e-5, abs=1e-4)
    # A real model prefers the step that follows "find the sponge".
    assert max(range(len(OPTIONS)), key=lambda i: batched.logprobs[i]) == 0


def test_generate_is_greedy_and_cut_at_the_first_stop(tiny_scorer):
    free = tiny_scorer.generate(PROMPT, 12, [])
    cut = tiny_scorer.generate(PROMPT, 12, [","])
    assert free == tiny_scorer.generate(PROMPT, 12, [])  # greedy: the same text every time
    assert "," not in cut and free.startswith(cut)


def test_generation_stops_once_a_stop_string_is_written_not_at_max_tokens(tiny_scorer, monkeypatch):
    free = tiny_scorer.generate(PROMPT, 12, [])
    real, written = tiny_scorer.model.generate, []

    def spy(ids, **kwargs):
        out = real(ids, **kwargs)
        written.append(out.shape[1] - ids.shape[1])
        return out

    monkeypatch.setattr(tiny_scorer.model, "generate", spy)
    assert tiny_scorer.generate(PROMPT, 12, [free[0]]) == ""  # the first token writes the stop
    tiny_scorer.generate(PROMPT, 12, [])
    assert written[0] == 1 and written[1] > 1


def test_a_generation_reuses_the_previous_ones_shared_prompt_head_and_writes_the_same(tiny_model_dir, monkeypatch):
    scorer = HFScorer.from_path(tiny_model_dir)
    shots = PROMPT + " pick up the sponge, 3. go to the table, 4."
    asks = [shots + " Request: one\nEnglish:", shots + " Request: two\nEnglish:", "Human: unrelated?\nRobot:"]
    decoder, fed = scorer.model.get_decoder(), []
    run = decoder.forward
    monkeypatch.setattr(decoder, "forward", lambda *a, **k: fed.append(k["input_ids"].shape[1]) or run(*a, **k))
    for ask in asks:
        fed.clear()
        text = scorer.generate(ask, 6, [])
        assert text == HFScorer(scorer.model, scorer.tokenizer).generate(ask, 6, [])  # as with no cache at all
        if ask == asks[1]:  # only the tokens after the shared head run (then one per written token)
            assert fed[0] == len(scorer.encode(ask)) - common_prefix(scorer.encode(asks[0]), scorer.encode(ask))
        else:
            assert fed[0] == len(scorer.encode(ask))


def test_scoring_and_generation_share_one_prompt_cache(tiny_model_dir, monkeypatch):
    scorer = HFScorer.from_path(tiny_model_dir)
    decoder, fed = scorer.model.get_decoder(), []
    run = decoder.forward
    monkeypatch.setattr(decoder, "forward", lambda *a, **k: fed.append(k["input_ids"].shape[1]) or run(*a, **k))
    scorer.score(PROMPT, OPTIONS)
    fed.clear()
    assert scorer.generate(PROMPT, 4, []) == HFScorer(scorer.model, scorer.tokenizer).generate(PROMPT, 4, [])
    assert fed[0] == 1  # the scored prompt's cache: only its last token runs again
    grown = PROMPT + " pick up the sponge, 3."
    scorer.generate(grown, 4, [])
    fed.clear()
    scores = scorer.score(grown, OPTIONS)
    unscored = HFScorer(scorer.model, scorer.tokenizer).score(grown, OPTIONS)  # no cache: the whole prompt runs
    assert fed[0] == scores.tokens_evaluated == unscored.tokens_evaluated - len(scorer.encode(grown)) + 1
    assert scores.logprobs == pytest.approx(scorer.score_naive(grown, OPTIONS).logprobs, abs=1e-4)
