"""`LearnedAffordance`: the trained value function as the planner's "can"."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from saycan.affordance import checkpoint
from saycan.affordance.features import from_sim, from_world
from saycan.affordance.state import StateAffordance
from saycan.affordance.train import batch_tensors, predict
from saycan.embed import shared_embedder
from saycan.envs.base import EnvView
from saycan.skill import Option, Skill
from saycan.world.scene import Scene


class LearnedAffordance:
    """p(success | state, skill text) from a `ValueNet` checkpoint (default: the one shipped).

    The state comes from the simulator whenever the env has one (``env=pybullet``, with any
    executor) and from the scene graph in the symbolic world. Skills the checkpoint was not trained
    on (custom skills, ``done``) keep their own value function. In a scene with doors (`Scene.closed`)
    or with any object, place or spill outside the one it was trained on (the checkpoint's
    ``entities``), every skill keeps its own value: the network never saw such a name ("pick up the
    soup": 0.01 where the soup is in reach), and it reads the whole scene's state, so new names mislead
    it on every option (the kitchen grown to 550 skills: "put down the water bottle", held at the
    user, 0.0001).

    Args:
        checkpoint: Path stem of ``.safetensors`` + ``.json``; None for the shipped checkpoint.
    """

    def __init__(self, checkpoint_path: str | Path | None = None) -> None:
        self.model, self.meta = checkpoint.load(checkpoint_path)
        self.trained = set(self.meta.get("skills", []))
        self.entities = set(self.meta.get("entities", []))  # empty (older checkpoints): trust every name
        self.embed = shared_embedder()
        self.own_value = StateAffordance()  # for skills the checkpoint does not know

    def __call__(self, env: EnvView, skills: Mapping[str, Skill], options: Sequence[Option]) -> list[float]:
        if not self._knows_scene(env.world.scene) or env.world.on_floor:  # it never saw a fallen object
            return self.own_value(env, skills, options)
        knows = [self._knows(o) for o in options]  # this runs on every option of every step
        learned = [i for i, k in enumerate(knows) if k]
        own = [i for i, k in enumerate(knows) if not k]
        values = [0.0] * len(options)
        for i, value in zip(own, self.own_value(env, skills, [options[i] for i in own]), strict=True):
            values[i] = value
        if learned:
            tokens = from_sim(env) if env.sim is not None else from_world(env.world)  # EnvView.sim: None if symbolic
            rows = [
                {"text": options[i].text, "names": tokens.names, "features": tokens.features, "globals": tokens.globals}
                for i in learned
            ]
            for i, p in zip(learned, predict(self.model, batch_tensors(rows, self.embed)), strict=True):
                values[i] = float(p)
        return values

    def _knows_scene(self, scene: Scene) -> bool:
        """Was the checkpoint trained on scenes like this: no doors, and every name one it read?"""
        if scene.closed:
            return False
        names = {*scene.objects, *scene.locations, *scene.spills}
        return not self.entities or names <= self.entities

    def _knows(self, option: Option) -> bool:
        """Was the checkpoint trained on this skill? (Its names are the scene's, known by `_knows_scene`.)"""
        return option.skill in self.trained
