"""Add a skill, "heat the {object}", and plan "I want hot soup" with it in both worlds (exit 1 if it fails)."""

import sys

import saycan

MICROWAVE = "microwave"
STEPS = ["find the {object}", "pick up the {object}", "go to the microwave", "heat the {object}",
         "bring it to you", "put down the {object}", "done"]  # fmt: skip
# how the skill is used, shown to the LLM among the few-shot examples (three wordings: a 270M model needs them)
EXAMPLES = [{"instruction": text, "steps": STEPS} for text in
            ("heat up the {object} for me", "I'd like my {object} warm", "can you warm the {object} up?")]  # fmt: skip


def heat_value(world, object):  # "can": p(success | state), in [0, 1]
    hot = world.graph.nodes[object].get("heated", False)
    return 0.9 if world.holding == object and world.robot_at == MICROWAVE and not hot else 0.0


def heat(world, object):  # the effect on the symbolic world; raise SkillFailure when it cannot run
    if world.holding != object or world.robot_at != MICROWAVE:
        raise saycan.SkillFailure(f"cannot heat the {object}: hold it at the {MICROWAVE}")
    world.graph.nodes[object]["heated"] = True


def heat_in_sim(env, object):  # in the PyBullet kitchen: into the microwave, two seconds, out again
    if env.world.holding != object or env.world.robot_at != MICROWAVE:
        return saycan.ExecResult(False, f"hold the {object} at the {MICROWAVE} to heat it")
    placed = env.routine("put_down", object=object)
    if not placed.success:
        return placed
    env.wait(2.0)
    env.world.graph.nodes[object]["heated"] = True
    return env.routine("pick_up", object=object)


def heat_skill() -> saycan.FunctionSkill:  # for config too: skills.extra=[{_target_: examples.custom_skill.heat_skill}]
    return saycan.FunctionSkill("heat", "heat the {object}", heat_value, heat, heat_in_sim, examples=EXAMPLES)


if __name__ == "__main__":
    kitchen = saycan.load_scene("kitchen").extend([MICROWAVE], {"soup": "near counter"}, {"soup": ["food", "soup"]})
    planner, ok = saycan.Planner(scene=kitchen, extra_skills=[heat_skill()]), True
    for env in ("symbolic", "pybullet"):
        result = planner.run("I want hot soup", env=env, goal="at(soup, you)")
        heated = any(s.chosen == "heat the soup" and s.success for s in result.steps)
        print(f"[{env}] plan: {' -> '.join(result.plan)}; soup heated: {heated}, brought: {result.goal_reached}")
        ok &= heated and bool(result.goal_reached)
    sys.exit(0 if ok else 1)
