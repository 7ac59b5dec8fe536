"""saycan/text.py and the evaluation's hold-out: no task is answered by a near-copy of itself."""

import pytest

from saycan.embed import shared_embedder
from saycan.planner.examples import FewShot
from saycan.planner.prompt import PromptTemplate
from saycan.skill import make_library
from saycan.storage.resources import conf_dir
from saycan.text import NAME_MASK, NearCopies, name_masker, plain_words
from saycan.world.state import SymbolicWorld


def test_the_same_text_without_articles_and_prepositions_is_a_copy():
    assert (
        plain_words("Put the sponge IN the trash can!")
        == plain_words("put sponge on trash can")
        == "put sponge trash can"
    )
    copies = NearCopies(["put the sponge in the trash can"], shared_embedder())
    sims, index = copies.similarity(["Put sponge on the trash can.", "wipe the table"])
    assert sims[0] == 1.0 and index[0] == 0 and sims[1] < 0.85


def test_scene_names_are_masked_as_whole_words_longest_first():
    mask = name_masker(["apple", "apple juice", "table"])
    assert mask("put the Apple Juice on the table") == f"put the {NAME_MASK} on the {NAME_MASK}"
    assert mask("the pineapple stays") == "the pineapple stays"


def test_a_request_wrapped_in_more_words_is_a_copy_but_a_word_inside_one_is_not():
    copies = NearCopies(["throw away the water bottle", "go to the sink"], shared_embedder())
    sims, index = copies.similarity(["When you have a moment, throw away the water bottle", "undergo sinking"])
    assert sims[0] == 1.0 and index[0] == 0  # its cosine alone is just under the threshold
    assert sims[1] < 0.85  # whole words only


def test_masking_the_scene_names_finds_the_same_request_about_another_object(kitchen):
    copies = NearCopies(["bring me the apple"], shared_embedder(), name_masker([*kitchen.objects, *kitchen.locations]))
    near = copies.near(["bring me the coke can", "throw away the coke can", "clean the spill"])
    assert near.tolist() == [True, False, False]


@pytest.fixture(scope="module")
def kitchen_prompt():
    import yaml

    return PromptTemplate.from_config(yaml.safe_load((conf_dir() / "prompt" / "kitchen.yaml").read_text()))


def test_a_task_sees_no_near_copy_of_itself_and_reports_its_nearest_example(kitchen, kitchen_prompt):
    world = SymbolicWorld(kitchen)
    valid = {o.text for s in make_library(library="skills") for o in s.options(world)}
    skills = {s.id: s for s in make_library(library="skills")}
    exact = FewShot(kitchen_prompt, skills, held_out=["throw away the coke can"])
    honest = FewShot(kitchen_prompt, skills, held_out=["throw away the coke can"], holdout_similarity=0.85)
    shown = [ex.instruction for ex in exact.template("throw away the coke can", world, valid).examples]
    assert "throw away the coke can" not in shown and "throw away the sprite can" in shown  # only the exact text went
    shown = [ex.instruction for ex in honest.template("throw away the coke can", world, valid).examples]
    assert not any(ex.startswith("throw away the") and " and " not in ex for ex in shown), shown
    nearest, similarity = honest.nearest("throw away the coke can", world, valid)
    assert nearest and not nearest.startswith("throw away the") and 0 < similarity < 0.85


def test_nearest_to_measures_the_way_the_hold_out_does():
    # "Grab a water" is shorter than the task: it does not hold the task's words, so it is no copy;
    # a bank entry that wraps the task in more words is.
    copies = NearCopies(["Grab a water", "When you have a moment, throw away the water bottle"], shared_embedder())
    index, sim = copies.nearest_to("grab the water bottle")
    assert index == 0 and sim < 0.85
    assert copies.nearest_to("throw away the water bottle") == (1, 1.0)
