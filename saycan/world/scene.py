"""Scene files: a scene's places (some with a door), objects, spills and robot, validated into a scene graph."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import networkx as nx
import yaml

from saycan.errors import ConfigError, choices_hint
from saycan.storage.yaml_safe import safe_load
from saycan.world.scene_names import check_keys, check_name, name_list, names_of

USER = "you"  # the person the robot serves; a location objects can be brought to
# Where an object lies after it falls (read back from a sim): not a place the robot drives to or puts things
# on, so no scene may name a location so.
FLOOR = "floor"
# A place named with one of these words, or just "bin", is where "throw away" puts things (a recycling bin
# is not: "recycle" puts things in a place named with `RECYCLING_WORD`).
TRASH_WORDS = ("trash", "garbage", "rubbish", "waste", "litter", "dustbin")
RECYCLING_WORD = "recycl"  # "recycling bin", "recycle bin", "recycling box"
ROBOT = "robot"
TOP_KEYS = ("name", "locations", "objects", "spills", "robot", "attributes", "closed", "opened", "description", "scale")
INIT_KEYS = ("robot_at", "holding", "objects", "opened")
ROBOT_KEYS = ("at", "holding")


@dataclass(frozen=True)
class Scene:
    """A start state for the robot.

    Attributes:
        name: Scene name, e.g. ``"kitchen"``.
        locations: Places the robot can drive to, including the user ``"you"``.
        objects: Object name -> the location it starts at.
        spills: Spill name -> the location it is at (spills can be wiped, not carried).
        robot_at: The robot's start location.
        holding: The object in the robot's hand, or None.
        source: Where the scene came from, for error messages.
        attributes: Object name -> words that describe it (categories and properties such as
            ``drink``, ``soda``, ``spicy``, ``cleaning tool``): what requests may call it by.
        closed: Places with a door or lid (a fridge, a drawer): the robot opens one before it takes
            something from it or puts something in it. They are closed at the start unless ``opened``.
        opened: Places of ``closed`` that start open.
        written: The scene as its file wrote it, when this one is it with a task's start state applied
            (`with_init`); None when this is the scene as written. Not part of equality.
    """

    name: str
    locations: tuple[str, ...]
    objects: dict[str, str]
    spills: dict[str, str] = field(default_factory=dict)
    robot_at: str = ""
    holding: str | None = None
    source: str = "<scene>"
    attributes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    closed: tuple[str, ...] = ()
    opened: tuple[str, ...] = ()
    written: Scene | None = field(default=None, compare=False, repr=False)

    @property
    def as_written(self) -> Scene:
        """The scene as its file wrote it, before a task's start state (what is learned per scene keys on it)."""
        return self.written or self

    def graph(self) -> nx.DiGraph:
        """The scene graph: nodes carry ``kind``; ``at``/``holding`` edges carry ``relation``."""
        g = nx.DiGraph(name=self.name)
        g.add_node(ROBOT, kind="robot")
        for loc in self.locations:
            g.add_node(loc, kind="location", **({"closed": loc not in self.opened} if loc in self.closed else {}))
        for obj, loc in self.objects.items():
            g.add_node(obj, kind="object")
            if obj != self.holding:
                g.add_edge(obj, loc, relation="at")
        for spill, loc in self.spills.items():
            g.add_node(spill, kind="spill", clean=False)
            g.add_edge(spill, loc, relation="at")
        g.add_edge(ROBOT, self.robot_at, relation="at")
        if self.holding is not None:
            g.add_edge(ROBOT, self.holding, relation="holding")
        return g

    @property
    def trash(self) -> str | None:
        """The place things are thrown away in: the first named with a `TRASH_WORDS` word or just "bin", else None."""
        named = (loc for loc in self.locations if loc.lower() == "bin" or any(w in loc.lower() for w in TRASH_WORDS))
        return next(named, None)

    @property
    def recycling(self) -> str | None:
        """The place things are recycled in: the first named with "recycl" ("recycling bin"), else None."""
        return next((loc for loc in self.locations if RECYCLING_WORD in loc.lower()), None)

    def holds(self, other: Scene) -> bool:
        """Whether this scene has every place and object of ``other`` (the kitchen grown to 550 skills holds
        the kitchen)."""
        return set(other.objects) <= set(self.objects) and set(other.locations) <= set(self.locations)

    def extend(
        self,
        locations: Sequence[str] = (),
        objects: Mapping[str, str] | None = None,
        attributes: Mapping[str, Sequence[str]] | None = None,
    ) -> Scene:
        """This scene with more places, objects (name -> location) and attributes, checked like a scene file.

        ``kitchen.extend(["microwave"], {"soup": "near counter"}, {"soup": ["food", "soup"]})``
        """
        data = scene_definition(self)
        data["locations"] += [loc for loc in locations if loc not in data["locations"]]
        data["objects"].update(objects or {})
        data["attributes"].update({obj: list(words) for obj, words in (attributes or {}).items()})
        return scene_from_dict(data, source=self.source)

    def with_init(self, init: Mapping[str, Any] | None, source: str | None = None) -> Scene:
        """This scene with start-state overrides ``{robot_at, holding, objects, opened}`` applied and checked."""
        if not init:
            return self
        where = source or self.source
        check_keys(init, INIT_KEYS, where, "init")
        objects = dict(self.objects)
        moved = init.get("objects") or {}
        if not isinstance(moved, Mapping):
            raise ConfigError(f"{where}: init.objects must map objects to locations, got {moved!r}")
        for obj, loc in moved.items():
            obj = check_name(obj, where, "init.objects")
            if obj not in objects:
                raise ConfigError(f"{where}: init.objects: unknown object {obj!r}; {choices_hint(obj, objects)}")
            objects[obj] = check_name(loc, where, f"init.objects.{obj}")
        robot_at = check_name(init.get("robot_at", self.robot_at), where, "init.robot_at")
        holding = init.get("holding", self.holding)
        holding = None if holding in (None, "", "nothing") else check_name(holding, where, "init.holding")
        if holding is not None and holding in objects:
            objects[holding] = robot_at
        opened = names_of(init["opened"], where, "init.opened") if "opened" in init else self.opened
        new = replace(self, objects=objects, robot_at=robot_at, holding=holding, opened=opened, written=self.as_written)
        _validate(new, where)
        return new


def _validate(scene: Scene, source: str) -> None:
    locations = set(scene.locations)
    for key, places in (("closed", scene.closed), ("opened", scene.opened)):
        for place in places:
            if place not in locations:
                raise ConfigError(f"{source}: {key}: unknown location {place!r}; {choices_hint(place, locations)}")
    for place in scene.opened:
        if place not in scene.closed:
            raise ConfigError(
                f"{source}: opened: {place!r} has no door; list it under closed first (closed: [{place}])"
            )
    if USER in scene.closed:
        raise ConfigError(f"{source}: closed: {USER!r} is the person, not a place with a door")
    if FLOOR in locations:
        raise ConfigError(
            f"{source}: locations: {FLOOR!r} is where fallen objects lie, not a place; name yours, e.g. 'floor mat'"
        )
    for kind, table in (("objects", scene.objects), ("spills", scene.spills)):
        for name, loc in table.items():
            if loc not in locations:
                raise ConfigError(f"{source}: {kind}.{name}: unknown location {loc!r}; {choices_hint(loc, locations)}")
    clash = (set(scene.objects) | set(scene.spills)) & locations
    if clash or set(scene.objects) & set(scene.spills):
        raise ConfigError(f"{source}: names used twice across locations/objects/spills: {sorted(clash)}")
    if scene.robot_at not in locations:
        raise ConfigError(
            f"{source}: robot.at: unknown location {scene.robot_at!r}; {choices_hint(scene.robot_at, locations)}"
        )
    if scene.holding is not None and scene.holding not in scene.objects:
        raise ConfigError(
            f"{source}: robot.holding: unknown object {scene.holding!r}; {choices_hint(scene.holding, scene.objects)}"
        )


def scene_from_dict(data: Mapping[str, Any], source: str = "<scene>") -> Scene:
    """Validate a parsed scene mapping (from YAML or Hydra) into a `Scene`.

    Raises:
        ConfigError: naming ``source``, the bad key and the valid choices.
    """
    check_keys(data, TOP_KEYS, source, "scene")
    for key in ("name", "locations", "objects", "robot"):
        if key not in data:
            raise ConfigError(f"{source}: missing key {key!r} (a scene needs name, locations, objects, robot)")
    if data.get("scale") is not None:  # grow to this many kitchen skills with catalogue names
        from saycan.world.catalogue import grow

        name_list(data["locations"], source, "locations")
        if not isinstance(data["objects"], Mapping):
            raise ConfigError(f"{source}: objects must map each name to a location, got {data['objects']!r}")
        data = grow(data, data["scale"], source, USER)
    locations = name_list(data["locations"], source, "locations")
    tables: dict[str, dict[str, str]] = {}
    for key in ("objects", "spills"):
        table = data.get(key) or {}
        if not isinstance(table, Mapping):
            raise ConfigError(f"{source}: {key} must map each name to a location, got {table!r}")
        tables[key] = {check_name(k, source, key): check_name(v, source, f"{key}.{k}") for k, v in table.items()}
    attributes = data.get("attributes") or {}
    if not isinstance(attributes, Mapping):
        raise ConfigError(f"{source}: attributes must map objects to lists of words, e.g. {{apple: [fruit, red]}}")
    for obj in attributes:
        if obj not in tables["objects"]:
            raise ConfigError(
                f"{source}: attributes.{obj}: unknown object; {choices_hint(str(obj), tables['objects'])}"
            )
    robot = data["robot"]
    check_keys(robot, ROBOT_KEYS, source, "robot")
    if "at" not in robot:
        raise ConfigError(f"{source}: robot.at is required (the robot's start location)")
    holding = robot.get("holding")
    scene = Scene(
        name=check_name(data["name"], source, "name"),
        locations=locations,
        objects=tables["objects"],
        spills=tables["spills"],
        robot_at=check_name(robot["at"], source, "robot.at"),
        holding=None if holding in (None, "", "nothing") else check_name(holding, source, "robot.holding"),
        source=source,
        attributes={obj: name_list(words, source, f"attributes.{obj}") for obj, words in attributes.items()},
        closed=names_of(data.get("closed"), source, "closed"),
        opened=names_of(data.get("opened"), source, "opened"),
    )
    _validate(scene, source)
    return scene


def scene_definition(scene: Scene) -> dict[str, Any]:
    """The scene as the plain mapping `scene_from_dict` reads (for traces and replays)."""
    return {
        "name": scene.name,
        "locations": list(scene.locations),
        "objects": dict(scene.objects),
        "spills": dict(scene.spills),
        "robot": {"at": scene.robot_at, "holding": scene.holding},
        "attributes": {obj: list(words) for obj, words in scene.attributes.items()},
        "closed": list(scene.closed),
        "opened": list(scene.opened),
    }


def _read_yaml(path: Path, seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    """A scene file's mapping, with Hydra-style ``defaults: [kitchen, _self_]`` merged from sibling files."""
    if path in seen:
        raise ConfigError(f"{path}: defaults form a cycle: {' -> '.join(map(str, (*seen, path)))}")
    try:
        data = safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"scene file {str(path)!r} does not exist") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    data = data if data is not None else {}
    if not isinstance(data, dict) or "defaults" not in data:
        return data
    defaults = data.pop("defaults")
    if not isinstance(defaults, list) or not all(isinstance(d, str) for d in defaults):
        raise ConfigError(f"{path}: defaults must be a list of scene names in {path.parent}, got {defaults!r}")
    from omegaconf import OmegaConf

    merged = OmegaConf.create({})
    for name in defaults:
        part = data if name == "_self_" else _read_yaml(path.parent / f"{name}.yaml", (*seen, path))
        merged = OmegaConf.merge(merged, part)
    if "_self_" not in defaults:
        merged = OmegaConf.merge(merged, data)
    return OmegaConf.to_container(merged)


def load_scene(path: str | Path) -> Scene:
    """Read and validate a scene YAML file (``defaults`` name other scene files to start from).

    A bare name (``"kitchen"``) is a scene shipped in conf/scene/.
    """
    path = Path(path)
    if not path.suffix and not path.exists():
        from saycan.storage.resources import conf_dir

        path = conf_dir() / "scene" / f"{path}.yaml"
    return scene_from_dict(_read_yaml(path), source=str(path))
