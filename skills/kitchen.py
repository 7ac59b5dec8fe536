"""The kitchen skills of SayCan with state-based value functions and symbolic effects."""

from __future__ import annotations

from saycan.skill import Skill
from saycan.world.scene import USER
from saycan.world.state import SkillFailure, SymbolicWorld

# Value functions here read the symbolic state: p(success) is the skill's success rate when
# its preconditions hold and it would change the state, else 0. A skill whose effect already
# holds ("go to the table" at the table) cannot make progress, so it gets 0 as well; this is
# what keeps a planner from looping on no-ops. "find" is the exception: it opens every plan of the
# examples, and finding an object the robot already stands at succeeds in the sim (its learned value
# there is 1); scoring it 0 made plans start off the examples' pattern.


class Find(Skill):
    """``find the {object}``: drive to where the object is, or to the place a fallen one can be reached from
    (already there: succeeds at once)."""

    def feasible(self, world: SymbolicWorld, object: str) -> bool:
        return world.reach_from(object) is not None

    def apply(self, world: SymbolicWorld, object: str) -> None:
        loc = world.reach_from(object)
        if loc is None:
            why = "the robot is holding it" if world.holding == object else "it lies on the floor out of reach"
            raise SkillFailure(f"cannot find the {object}: {why}")
        world.move_robot(loc)


class GoTo(Skill):
    """``go to the {location}``."""

    def feasible(self, world: SymbolicWorld, location: str) -> bool:
        return world.robot_at != location

    def apply(self, world: SymbolicWorld, location: str) -> None:
        world.move_robot(location)


class PickUp(Skill):
    """``pick up the {object}``: needs the object here (or on the floor within reach), its place open and an
    empty hand."""

    def feasible(self, world: SymbolicWorld, object: str) -> bool:
        if world.holding is not None or world.reach_from(object) != world.robot_at:
            return False
        return not world.is_closed(world.location_of(object))  # the floor has no door

    def apply(self, world: SymbolicWorld, object: str) -> None:
        world.grasp(object)


class PutDown(Skill):
    """``put down the {object}``: at the robot's location, if it is open (the user's hand at ``you``)."""

    def feasible(self, world: SymbolicWorld, object: str) -> bool:
        return world.holding == object and not world.is_closed(world.robot_at)

    def apply(self, world: SymbolicWorld, object: str) -> None:
        world.release(object)


class Door(Skill):
    """A skill on a place with a door (`Scene.closed`): its options name only such places."""

    def bindings(self, world: SymbolicWorld) -> dict[str, tuple[str, ...]]:
        return {**super().bindings(world), "location": world.scene.closed}


class Open(Door):
    """``open the {location}``: at a closed place with a door (a fridge, a drawer); the hand may be full."""

    def feasible(self, world: SymbolicWorld, location: str) -> bool:
        return world.robot_at == location and world.is_closed(location)

    def apply(self, world: SymbolicWorld, location: str) -> None:
        if world.robot_at != location:
            raise SkillFailure(f"cannot open the {location}: the robot is at the {world.robot_at}")
        world.open(location)


class Close(Door):
    """``close the {location}``: at an open place with a door."""

    def feasible(self, world: SymbolicWorld, location: str) -> bool:
        return world.robot_at == location and not world.is_closed(location)

    def apply(self, world: SymbolicWorld, location: str) -> None:
        if world.robot_at != location:
            raise SkillFailure(f"cannot close the {location}: the robot is at the {world.robot_at}")
        world.close(location)


class BringToUser(Skill):
    """``bring it to you``: carry the held object to the user."""

    def feasible(self, world: SymbolicWorld) -> bool:
        return world.holding is not None and USER in world.locations and world.robot_at != USER

    def apply(self, world: SymbolicWorld) -> None:
        if world.holding is None:
            raise SkillFailure("cannot bring it to you: the robot is holding nothing")
        if USER not in world.locations:
            raise SkillFailure(f"cannot bring it to you: the scene has no {USER!r} location")
        world.move_robot(USER)


class Wipe(Skill):
    """``wipe the {spill}``: needs the wiping tool in hand, at the spill."""

    @property
    def tool(self) -> str:
        return str(self.params.get("tool", "sponge"))

    def feasible(self, world: SymbolicWorld, spill: str) -> bool:
        return world.holding == self.tool and world.location_of(spill) == world.robot_at and not world.is_clean(spill)

    def apply(self, world: SymbolicWorld, spill: str) -> None:
        if world.holding != self.tool:
            raise SkillFailure(f"cannot wipe the {spill}: not holding the {self.tool}")
        if world.location_of(spill) != world.robot_at:
            raise SkillFailure(f"cannot wipe the {spill}: it is at the {world.location_of(spill)}, not here")
        world.clean(spill)


class Done(Skill):
    """``done``: ends the plan; always affordable, as in the paper."""

    @property
    def terminal(self) -> bool:
        return True
