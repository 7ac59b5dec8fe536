"""The skill library: the kitchen skills and the registry to add your own."""

from skills.function_skill import FunctionSkill
from skills.registry import check_skill, make, make_library, register, register_skill, registry
from skills.skill import Option, Skill

__all__ = [
    "FunctionSkill",
    "Option",
    "Skill",
    "check_skill",
    "make",
    "make_library",
    "register",
    "register_skill",
    "registry",
]

# The kitchen skills of the SayCan paper; entry points are imported when a skill is made.
register("find", "skills.kitchen:Find", template="find the {object}", success_rate=0.95)
register("pick_up", "skills.kitchen:PickUp", template="pick up the {object}", success_rate=0.9)
register("put_down", "skills.kitchen:PutDown", template="put down the {object}", success_rate=0.95)
register("go_to", "skills.kitchen:GoTo", template="go to the {location}", success_rate=0.98)
register("bring", "skills.kitchen:BringToUser", template="bring it to you", success_rate=0.95)
register("wipe", "skills.kitchen:Wipe", template="wipe the {spill}", success_rate=0.9, tool="sponge")
register("done", "skills.kitchen:Done", template="done", success_rate=1.0)
