"""Add your own skill: "heat the {object}" with a microwave, planned in the symbolic world and in the sim.

    python examples/custom_skill.py            # both worlds, with the embedded LLM
    python examples/custom_skill.py --symbolic # the symbolic world only

The skill brings its own value function (p(success | state)), symbolic effect and PyBullet
routine. The planner picks it when the instruction needs it ("I want hot soup"): pick up the
soup, go to the microwave, heat the soup, ... done. Exits 1 if the soup is not heated at the end.
"""

from __future__ import annotations

import argparse
import sys

import yaml

import skills
from saycan.envs import make as make_env
from saycan.planner.loop import SayCanPlanner
from saycan.planner.prompt import PromptTemplate
from saycan.skill import ExecResult
from saycan.storage.resources import conf_dir
from saycan.world.scene import Scene, load_scene, scene_definition, scene_from_dict
from saycan.world.state import SkillFailure, SymbolicWorld

MICROWAVE = "microwave"
FOODS = ("soup", "energy bar", "rice chips", "jalapeno chips")


def heat_value(world: SymbolicWorld, object: str) -> float:
    """p(success | state): the food is in hand, at the microwave, and not yet hot."""
    hot = world.graph.nodes[object].get("heated", False)
    return 0.9 if object in FOODS and world.holding == object and world.robot_at == MICROWAVE and not hot else 0.0


def heat_effect(world: SymbolicWorld, object: str) -> None:
    if world.robot_at != MICROWAVE or world.holding != object:
        raise SkillFailure(f"cannot heat the {object}: hold it at the {MICROWAVE}")
    world.graph.nodes[object]["heated"] = True


def heat_simulate(env, object: str) -> ExecResult:
    """In the kitchen: put the food in the microwave, run it for 2 s, take it out again."""
    from saycan.sim import primitives

    sim = env.sim
    if sim.robot_station() != MICROWAVE or sim.held_name() != object:
        return ExecResult(False, f"hold the {object} at the {MICROWAVE} to heat it")
    placed = primitives.place(sim, object)
    if not placed.success:
        return placed
    sim.step(240)  # two simulated seconds of heating
    env.world.graph.nodes[object]["heated"] = True
    return primitives.pick(sim, object)


def heat_skill() -> skills.FunctionSkill:
    """The same skill as an object, for config: 'skills.extra=[{_target_: examples.custom_skill.heat_skill}]'."""
    return skills.FunctionSkill(
        "heat", "heat the {object}", value_fn=heat_value, effect=heat_effect, simulate=heat_simulate
    )


def kitchen_with_microwave() -> Scene:
    """The SayCan kitchen plus a microwave and a bowl of soup on the near counter."""
    data = scene_definition(load_scene(conf_dir() / "scene" / "kitchen.yaml"))
    data["locations"].append(MICROWAVE)
    data["objects"]["soup"] = "near counter"
    return scene_from_dict(data, source="examples/custom_skill.py")


def planner() -> SayCanPlanner:
    from saycan.llm import make as make_llm

    prompt = yaml.safe_load((conf_dir() / "prompt" / "kitchen.yaml").read_text())
    # Show the LLM the new skill: one solved template in the bank of few-shot examples, filled in
    # with every object of the scene and retrieved when a request is about heating.
    prompt["bank"].append(
        {
            "instruction": "heat the {object}",
            "steps": ["find the {object}", "pick up the {object}", "go to the microwave", "heat the {object}",
                      "done"],
        }
    )  # fmt: skip
    library = skills.make_library(["find", "pick_up", "put_down", "go_to", "bring", "wipe", "done"])
    return SayCanPlanner(make_llm("embedded"), [*library, skills.make("heat")], PromptTemplate.from_config(prompt))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--symbolic", action="store_true", help="skip the PyBullet run")
    args = parser.parse_args()
    skills.register(
        "heat",
        template="heat the {object}",
        value_fn=heat_value,
        effect=heat_effect,
        simulate=heat_simulate,
        override=True,
    )
    scene, plan = kitchen_with_microwave(), planner()
    ok = True
    for env_id in ["symbolic"] if args.symbolic else ["symbolic", "pybullet"]:
        env = make_env(env_id, scene=scene)
        try:
            trace = plan.plan("I want hot soup", env)
            heated = bool(env.world.graph.nodes["soup"].get("heated"))
        finally:
            env.close()
        print(f"[{env_id}] plan: {' -> '.join(s.chosen + ('' if s.success else ' (failed)') for s in trace.steps)}")
        print(f"[{env_id}] soup heated: {heated}")
        ok &= heated and "heat the soup" in trace.plan
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
