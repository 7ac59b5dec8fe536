import pytest

from saycan.errors import ConfigError
from saycan.planner.prompt import PromptTemplate

CFG = {
    "header": "Robot: I can see {objects}.\n",
    "examples": [{"instruction": "hold the apple", "steps": ["find the apple", "pick up the apple", "done"]}],
    "query": "Human: How would you {instruction}?\nRobot:",
}


def test_prompt_ends_at_the_next_step_number():
    prompt = PromptTemplate.from_config(CFG)
    text = prompt.render("clean the spill", [], objects=["apple", "sponge"])
    assert text == (
        "Robot: I can see apple, sponge.\n"
        "Human: How would you hold the apple?\nRobot: 1. find the apple, 2. pick up the apple, 3. done\n"
        "Human: How would you clean the spill?\nRobot: 1."
    )


def test_steps_so_far_and_failures_are_in_the_prompt():
    prompt = PromptTemplate.from_config(CFG)
    text = prompt.render("clean the spill", [("find the sponge", True), ("pick up the sponge", False)])
    assert text.endswith("Robot: 1. find the sponge, 2. pick up the sponge (failed), 3.")


def test_bad_prompt_config_names_the_key():
    with pytest.raises(ConfigError, match="prompt.exampels is not a prompt setting"):
        PromptTemplate.from_config({"exampels": []})
    with pytest.raises(ConfigError, match=r"prompt.examples\[0\] needs"):
        PromptTemplate.from_config({"examples": [{"instruction": "x"}]})
    with pytest.raises(ConfigError, match="prompt.query"):
        PromptTemplate.from_config({"query": "Human: {task}"})
    with pytest.raises(ConfigError, match=r"prompt.state=.* may only use \('holding',\)"):
        PromptTemplate.from_config({"state": " I hold the {object}."})
    with pytest.raises(ConfigError, match=r"prompt.retrieve_by='words'; valid: text, both"):
        PromptTemplate.from_config({"retrieve_by": "words"})
    with pytest.raises(ConfigError, match=r"prompt.bank\[0\].holding must be an object name"):
        PromptTemplate.from_config({"bank": [{"instruction": "x", "steps": ["done"], "holding": ["apple"]}]})


def test_a_full_hand_is_said_after_the_request_in_examples_and_query():
    from dataclasses import replace

    cfg = {**CFG, "state": " I am holding the {holding}."}
    cfg["examples"] = [{"instruction": "bring me the apple", "steps": ["bring it to you", "done"], "holding": "apple"}]
    prompt = replace(PromptTemplate.from_config(cfg), holding="orange")
    text = prompt.render("pick up the sponge", [])
    assert "you bring me the apple?\nRobot: I am holding the apple. 1. bring it to you, 2. done\n" in text
    assert text.endswith("you pick up the sponge?\nRobot: I am holding the orange. 1.")
    assert replace(prompt, holding=None).render("pick up the sponge", []).endswith("sponge?\nRobot: 1.")


def test_kitchen_objects_prompt_composes_and_names_the_scene_in_its_header(kitchen):
    from omegaconf import OmegaConf

    from saycan.api import compose

    cfg = compose("config", overrides=["prompt=kitchen_objects", "instruction=x"])
    template = PromptTemplate.from_config(OmegaConf.to_container(cfg.prompt, resolve=True))
    text = template.render("clean the spill", [], kitchen.objects, kitchen.locations)
    assert "The objects here are: coke can, sprite can," in text and "The places are: far counter," in text
    assert template.bank and template.examples  # the kitchen prompt's examples and bank, inherited
