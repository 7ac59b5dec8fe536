"""SayCan planners for tests: the kitchen skills, a plain prompt, settings given as keywords, and a fixed Pay."""

from dataclasses import fields

from saycan.planner.loop import SayCanPlanner
from saycan.planner.prompt import PromptTemplate
from saycan.planner.settings import PlannerSettings
from saycan.skill import make_library

SETTINGS = {f.name for f in fields(PlannerSettings)}
PLAIN = {"query": "Human: {instruction}\nRobot:"}


class PayOf:
    """Pay that begins every request with the same real PayPlan."""

    def __init__(self, plan):
        self.plan, self.trained, self.meta = plan, plan.trained, {}

    def begin(self, instruction, world, skills):
        return self.plan

    def nearest_training(self, text):
        return None, 0.0


def make_planner(scorer, skills=None, prompt=None, **kwargs):
    """``SayCanPlanner(scorer, skills, prompt, settings=PlannerSettings(...), ...)``: keywords that name a
    setting (``max_steps=3``) go to `PlannerSettings`, the rest (``pay=``, ``held_out=``, a loaded
    ``calibration=``) to the planner."""
    is_setting = {k: k in SETTINGS and not (k == "calibration" and not isinstance(v, str)) for k, v in kwargs.items()}
    settings = PlannerSettings(**{k: v for k, v in kwargs.items() if is_setting[k]})
    parts = {k: v for k, v in kwargs.items() if not is_setting[k]}
    library = make_library(library="skills") if skills is None else skills
    template = PromptTemplate.from_config(PLAIN) if prompt is None else prompt
    return SayCanPlanner(scorer, library, template, settings=settings, **parts)
