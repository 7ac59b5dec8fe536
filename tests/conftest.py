"""Shared fixtures: the kitchen scene, a Pay plan, a tiny real causal LM built offline, the embedded LLM."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from saycan.sim.kitchen import KitchenSim
from saycan.storage.resources import conf_dir
from saycan.world.scene import Scene, load_scene

REPO = Path(__file__).resolve().parents[1]

# Property-based tests draw the same examples on every run (CI stays reproducible); set
# HYPOTHESIS_PROFILE=explore to search afresh.
settings.register_profile("ci", derandomize=True, database=None)
settings.register_profile("explore")
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def kitchen() -> Scene:
    return load_scene(conf_dir() / "scene" / "kitchen.yaml")


@pytest.fixture
def throw_chips(kitchen: Scene):
    """A real PayPlan sure the request is "throw away the jalapeno chips" (the rice chips far behind), eps 0.1."""
    from saycan.pay.goals import singles
    from saycan.pay.pay import Calibration, PayPlan
    from saycan.plan_search import PlanSearch
    from saycan.skill import make_library

    skills = {s.id: s for s in make_library(library="skills")}
    goal = next(c for c in singles(kitchen) if c.text.startswith("throw the jalapeno chips"))
    other = next(c for c in singles(kitchen) if c.text.startswith("throw the rice chips"))
    return PayPlan([(goal, 3.0), (other, -3.0)], kitchen, PlanSearch(skills), Calibration(eps=0.1), frozenset(skills))


def build_tiny_model(path: Path) -> Path:
    """A random Gemma3 causal LM with a BPE tokenizer trained on our prompt: a real model in seconds.

    The sliding window is shorter than the prompts, so cached scoring crosses it.
    """
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import Gemma3ForCausalLM, Gemma3TextConfig, PreTrainedTokenizerFast

    corpus = [(conf_dir() / "prompt" / "kitchen.yaml").read_text(), (REPO / "suites" / "kitchen.yaml").read_text()]
    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Metaspace()
    tok.decoder = decoders.Metaspace()
    tok.train_from_iterator(corpus, trainers.BpeTrainer(vocab_size=400, special_tokens=["<pad>", "<bos>", "<unk>"]))
    from tokenizers.processors import TemplateProcessing

    tok.post_processor = TemplateProcessing(single="<bos> $A", special_tokens=[("<bos>", 1)])
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<bos>", pad_token="<pad>", unk_token="<unk>")
    fast.save_pretrained(path)
    torch.manual_seed(0)
    config = Gemma3TextConfig(
        vocab_size=fast.vocab_size,
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=4,
        num_attention_heads=2,
        num_key_value_heads=1,
        head_dim=16,
        sliding_window=16,
        layer_types=["sliding_attention", "sliding_attention", "sliding_attention", "full_attention"],
        pad_token_id=0,
        bos_token_id=1,
        eos_token_id=2,
        max_position_embeddings=4096,
    )
    model = Gemma3ForCausalLM(config)
    with torch.no_grad():  # spread the random logits so scores differ clearly between options
        model.lm_head.weight.mul_(20.0)
    model.save_pretrained(path)
    return path


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_model(tmp_path_factory.mktemp("tiny-lm"))


@pytest.fixture(scope="session")
def tiny_scorer(tiny_model_dir: Path):
    from saycan.llm.hf import HFScorer

    return HFScorer.from_path(tiny_model_dir, batch_size=4)


@pytest.fixture(scope="session")
def embedded_scorer():
    """The real embedded Gemma 3 270M (converted once per cache directory)."""
    from saycan.llm.embedded import load_embedded

    return load_embedded()


@pytest.fixture
def make_sim(kitchen: Scene):
    """Build headless kitchens (optionally from start-state overrides); all are closed after the test."""
    sims = []

    def make(init=None, scene=None, **kwargs) -> KitchenSim:
        sim = KitchenSim((scene or kitchen).with_init(init), **kwargs)
        sims.append(sim)
        return sim

    yield make
    for sim in sims:
        sim.close()
