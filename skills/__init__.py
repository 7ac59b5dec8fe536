"""The kitchen skill library of SayCan: importing it registers the paper's seven skills, and opening and
closing places with a door.

The skill types and the registry live in `saycan.skill`; they are re-exported here so a skill
library reads ``skills.register(...)``. This package imports saycan, never the reverse: config
names it (``skills.library: skills``) and saycan imports it by that name.
"""

from saycan.skill import (
    ExecResult,
    FunctionSkill,
    Option,
    Skill,
    check_skill,
    make,
    make_library,
    register,
    register_skill,
    registry,
)

__all__ = [
    "ExecResult",
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

# The kitchen skills of the SayCan paper, and doors; entry points are imported when a skill is made.
register("find", "skills.kitchen:Find", template="find the {object}", success_rate=0.95)
register("pick_up", "skills.kitchen:PickUp", template="pick up the {object}", success_rate=0.9)
register("put_down", "skills.kitchen:PutDown", template="put down the {object}", success_rate=0.95)
register("go_to", "skills.kitchen:GoTo", template="go to the {location}", success_rate=0.98)
register("bring", "skills.kitchen:BringToUser", template="bring it to you", success_rate=0.95)
register("wipe", "skills.kitchen:Wipe", template="wipe the {spill}", success_rate=0.9, tool="sponge")
register("open", "skills.kitchen:Open", template="open the {location}", success_rate=0.95)  # places with a door
register("close", "skills.kitchen:Close", template="close the {location}", success_rate=0.95)
register("done", "skills.kitchen:Done", template="done", success_rate=1.0)
