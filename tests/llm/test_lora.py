import pytest

from saycan.errors import ConfigError
from saycan.llm.hf import HFScorer
from saycan.llm.lora import apply_adapter, sequences, train_adapter
from saycan.planner.prompt import PromptExample, PromptTemplate, plan_texts

TEMPLATE = PromptTemplate.from_config(
    {"examples": [{"instruction": "hold the orange", "steps": ["find the orange", "pick up the orange", "done"]}]}
)
PLANS = [
    PromptExample("bring me the apple", ("find the apple", "pick up the apple", "bring it to you", "done")),
    PromptExample("clean the spill", ("find the sponge", "pick up the sponge", "wipe the spill", "done")),
]


def test_plan_text_is_the_prompt_the_planner_sees_then_the_whole_plan():
    text = plan_texts(TEMPLATE, PLANS[:1])[0]
    assert text.prompt == TEMPLATE.render("bring me the apple", [])
    assert text.completion == " find the apple, 2. pick up the apple, 3. bring it to you, 4. done"
    # Every intermediate planning prompt is a prefix of the training text.
    done = [(s, True) for s in PLANS[0].steps[:2]]
    assert (text.prompt + text.completion).startswith(TEMPLATE.render("bring me the apple", done))


def test_loss_covers_only_the_completion_tokens(tiny_scorer):
    text = plan_texts(TEMPLATE, PLANS[:1])[0]
    ids, start = sequences(tiny_scorer.tokenizer, [(text.prompt, text.completion)])[0]
    assert tiny_scorer.tokenizer.decode(ids[start:]).strip().startswith("find the apple")
    assert start == len(tiny_scorer.tokenizer(text.prompt).input_ids)


def test_trained_adapter_raises_the_plan_likelihood_and_reloads_from_safetensors(tiny_model_dir, tmp_path):
    base = HFScorer.from_path(tiny_model_dir)
    text = plan_texts(TEMPLATE, PLANS[:1])[0]
    before = base.score(text.prompt, [text.completion]).logprobs[0]
    data = sequences(base.tokenizer, [(t.prompt, t.completion) for t in plan_texts(TEMPLATE, PLANS)])
    model = train_adapter(base.model, data, rank=4, epochs=6, lr=3e-3, accumulate=1)
    model.save_pretrained(tmp_path / "adapter", safe_serialization=True)
    assert not list((tmp_path / "adapter").glob("*.bin"))
    tuned = HFScorer.from_path(tiny_model_dir, adapter=tmp_path / "adapter")
    after = tuned.score(text.prompt, [text.completion]).logprobs[0]
    assert after > before + 1.0
    in_memory = HFScorer(model, base.tokenizer).score(text.prompt, [text.completion]).logprobs[0]
    assert after == pytest.approx(in_memory, abs=1e-3)  # merged weights score as the live adapter


def test_adapter_directory_without_safetensors_is_refused(tiny_model_dir, tmp_path):
    (tmp_path / "adapter_config.json").write_text("{}")
    (tmp_path / "adapter_model.bin").write_bytes(b"not loaded")
    with pytest.raises(ConfigError, match=r"llm.adapter=.* not a LoRA adapter directory .*adapter_model.safetensors"):
        apply_adapter(HFScorer.from_path(tiny_model_dir).model, tmp_path)


def test_a_full_hand_plan_is_trained_on_the_prompt_that_says_so():
    template = PromptTemplate.from_config({"state": " I am holding the {holding}."})
    text = plan_texts(template, [PromptExample("bring me the apple", ("bring it to you", "done"), "apple")])[0]
    assert text.prompt.endswith("bring me the apple\nRobot: I am holding the apple. 1.")


@pytest.mark.slow
def test_shipped_kitchen_adapter_loads_by_name_onto_the_embedded_model():
    from saycan.llm.embedded import load_embedded

    prompt = TEMPLATE.render("hold the apple", [("find the apple", True)])
    options = [" pick up the apple", " done"]
    base = load_embedded().score(prompt, options).logprobs
    tuned = load_embedded(adapter="kitchen").score(prompt, options).logprobs
    assert tuned[0] > base[0]  # trained on bank plans, it is surer of the next step of a pick-up
