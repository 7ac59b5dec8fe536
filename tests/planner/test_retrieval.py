import numpy as np
import pytest

import skills
from saycan.errors import ConfigError
from saycan.planner.prompt import PromptExample, PromptTemplate
from saycan.planner.retrieval import ExampleRetriever, expand_bank
from saycan.storage.resources import conf_dir
from saycan.world.state import SymbolicWorld

WORDS = ["apple", "orange", "chips", "rice", "jalapeno", "bring", "throw", "away", "spicy", "sponge", "spill"]


def bag_of_words(texts):
    """A stand-in embedding: word counts over WORDS ("spicy" counts as "jalapeno"), unit length."""
    rows = []
    for text in texts:
        words = text.replace("spicy", "jalapeno").split()
        v = np.array([words.count(w) for w in WORDS], dtype=np.float32) + 1e-3
        rows.append(v / np.linalg.norm(v))
    return np.stack(rows)


def _world_and_steps(kitchen):
    world = SymbolicWorld(kitchen)
    return world, {o.text for s in skills.make_library() for o in s.options(world)}


def test_bank_fills_every_scene_name_and_skips_same_object_pairs(kitchen):
    world, steps = _world_and_steps(kitchen)
    templates = [
        PromptExample("bring me the {object}", ("find the {object}", "pick up the {object}", "done")),
        PromptExample("clean the {spill}", ("find the sponge", "go to the {spill_location}", "wipe the {spill}")),
        PromptExample("the {object} and the {other}", ("find the {object}", "find the {other}")),
    ]
    bank, groups, _ = expand_bank(templates, world, steps)
    n = len(world.objects)
    assert len(bank) == n + 1 + n * (n - 1) and groups == [0] * n + [1] + [2] * (n * (n - 1))
    spill = next(ex for ex in bank if ex.instruction == "clean the spill")
    assert spill.steps[1] == "go to the table"  # the spill's own place in the kitchen scene
    assert not any(ex.instruction == "the apple and the apple" for ex in bank)


def test_bank_fills_the_hand_and_keeps_the_first_plan_per_hand_and_request(kitchen):
    world, steps = _world_and_steps(kitchen)
    templates = [
        PromptExample("clean the {spill}", ("go to the {spill_location}", "wipe the {spill}", "done"), "sponge"),
        PromptExample("clean the {spill}", ("put down the {object}", "find the sponge", "done"), "{object}"),
    ]
    bank, _, _ = expand_bank(templates, world, steps)
    by_hand = {ex.holding: ex.steps for ex in bank}
    assert len(bank) == len(world.objects) and by_hand["sponge"][0] == "go to the table"
    assert by_hand["apple"] == ("put down the apple", "find the sponge", "done")


def test_bank_examples_whose_steps_are_not_skills_here_are_left_out_and_named(kitchen):
    world, steps = _world_and_steps(kitchen)
    templates = [PromptExample("grab the {object}", ("grab the {object}",)), PromptExample("all done", ("done",))]
    bank, groups, misfits = expand_bank(templates, world, steps)
    assert [ex.instruction for ex in bank] == ["all done"] and groups == [1]
    assert [(m.index, m.instruction, m.step) for m in misfits] == [(0, "grab the {object}", "grab the coke can")]


def test_bank_placeholders_are_checked_when_the_prompt_is_read():
    with pytest.raises(ConfigError, match=r"prompt.bank\[0\].*\['place'\]; valid placeholders"):
        PromptTemplate.from_config({"bank": [{"instruction": "go to the {place}", "steps": ["done"]}]})


def test_retriever_puts_the_nearest_example_last_and_caps_each_group():
    bank = [
        PromptExample("bring me the apple", ("done",)),
        PromptExample("bring me the jalapeno chips", ("done",)),
        PromptExample("bring me the rice chips", ("done",)),
        PromptExample("throw away the jalapeno chips and the apple", ("done",)),
        PromptExample("throw away the jalapeno chips and the rice chips", ("done",)),
    ]
    retriever = ExampleRetriever(bank, k=3, groups=[0, 0, 0, 1, 1], per_group=2, embed=bag_of_words)
    shown = [ex.instruction for ex in retriever("bring me the spicy chips")]
    assert shown[-1] == "bring me the jalapeno chips"
    assert len(shown) == 3 and sum(s.startswith("bring") for s in shown) == 2


def test_masked_names_rank_the_same_plan_shape_above_the_same_object():
    def noun_heavy(texts):
        """Like MiniLM here: the object's name weighs a little more than the verb."""
        weights = {"apple": 1.2, "orange": 1.2, "something": 1.2, "bring": 1.0, "throw": 1.0}
        rows = np.array([[w * t.split().count(word) + 1e-3 for word, w in weights.items()] for t in texts])
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)

    bank = [
        PromptExample("throw away the apple", ("done",)),
        PromptExample("bring me the orange", ("done",)),
    ]
    plain = ExampleRetriever(bank, k=1, embed=noun_heavy)
    both = ExampleRetriever(bank, k=1, embed=noun_heavy, names=["apple", "orange"])
    assert plain("bring me the apple")[0].instruction == "throw away the apple"
    assert both("bring me the apple")[0].instruction == "bring me the orange"


def test_examples_start_with_the_hand_as_empty_or_as_full_as_the_request():
    bank = [
        PromptExample("bring me the apple", ("done",)),
        PromptExample("bring me the apple", ("put down the orange", "done"), holding="orange"),
        PromptExample("bring me the orange", ("bring it to you", "done"), holding="orange"),
    ]
    retriever = ExampleRetriever(bank, k=3, embed=bag_of_words)
    assert [ex.holding for ex in retriever("bring me the apple")] == [None]
    assert [ex.holding for ex in retriever("bring me the apple", holding="orange")] == ["orange", "orange"]
    empty_hands_only = ExampleRetriever(bank[:1], k=3, embed=bag_of_words)
    assert [ex.holding for ex in empty_hands_only("bring me the apple", holding="orange")] == [None]


def test_retrieval_settings_are_checked():
    with pytest.raises(ConfigError, match="prompt.retrieve must be an integer >= 0"):
        PromptTemplate.from_config({"retrieve": -1})
    with pytest.raises(ConfigError, match="non-empty prompt.bank"):
        ExampleRetriever([], k=2, embed=bag_of_words)


def test_shipped_bank_with_minilm_shows_the_described_object(kitchen):
    from omegaconf import OmegaConf

    cfg = OmegaConf.to_container(OmegaConf.load(conf_dir() / "prompt" / "kitchen.yaml"))
    template = PromptTemplate.from_config(cfg)
    world, steps = _world_and_steps(kitchen)
    bank, groups, _ = expand_bank(template.bank, world, steps)
    shown = ExampleRetriever(bank, 6, groups)("bring me the spicy chips")
    assert "bring me the jalapeno chips" in [ex.instruction for ex in shown]


def test_a_large_scene_keeps_at_most_max_fillings_per_template_and_every_object(kitchen):
    from collections import Counter

    from saycan.planner.retrieval import MAX_FILLINGS
    from saycan.world.scene import scene_definition, scene_from_dict

    world = SymbolicWorld(scene_from_dict({**scene_definition(kitchen), "scale": 550}))
    pair = PromptExample("bring me the {object} and the {other}", ("find the {object}", "find the {other}", "done"))
    texts = {f"find the {o}" for o in world.objects} | {"done"}
    bank, _, _ = expand_bank([pair], world, texts)
    assert len(bank) == MAX_FILLINGS < len(world.objects) ** 2
    assert set(Counter(ex.steps[0] for ex in bank)) == {f"find the {o}" for o in world.objects}
