"""Scenes drawn from the household catalogue (household.yaml), so that Pay learns to read any scene.

A scene is a room's places (some with a door), a bin, the person, and objects of the room's categories
(and a few of any other) spread over the places, sometimes a spill and a sponge. Part of the catalogue
is held out of ``split="train"`` for measuring Pay on what it never read:

- two rooms (`DEV_ROOMS`): scenes unlike any it trained in;
- every fifth place of a room and every sixth object of a category, two bins and a recycling place;
- a few attribute words (`DEV_WORDS`): dropped from training scenes' attributes.

A fifth of the scenes carry no attributes at all, so Pay also learns to read scenes written without
them. ``split="dev"`` draws a held-out room half the time, else a training room with its held-out places
mixed in; half of a dev scene's objects are held-out ones, and its attributes keep every word. ``"all"``
draws from everything.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from saycan.errors import ConfigError
from saycan.storage.yaml_safe import safe_load
from saycan.tasks.phrase_split import SPLITS
from saycan.world.scene import USER, Scene, scene_from_dict

CATALOGUE = Path(__file__).with_name("household.yaml")
DEV_ROOMS = ("laundry room", "hallway")
DEV_WORDS = ("juicy", "chewy", "cozy", "fragile", "tropical", "bitter", "bouncy", "waterproof")
DEV_BINS = ("rubbish bin", "waste bin")
DEV_RECYCLING = ("recycling box",)
RECYCLING = 0.5  # share of scenes with a recycling place beside the bin
NO_ATTRIBUTES = 0.2  # share of scenes written without attributes
SPILL = 0.3  # share of scenes with a spill (and a sponge to wipe it)
SPILLS = ("spill", "juice spill", "coffee spill", "water puddle", "sticky mess", "milk spill")
OTHER_ROOMS = 0.25  # share of a scene's objects drawn from any category, not only its room's


@dataclass(frozen=True)
class Room:
    name: str
    places: tuple[str, ...]
    doors: frozenset[str]
    categories: tuple[str, ...]


@dataclass(frozen=True)
class Catalogue:
    """The rooms, the objects (name -> category and words), the bins and recycling places of household.yaml."""

    rooms: dict[str, Room]
    objects: dict[str, tuple[str, ...]]
    category_of: dict[str, str]
    bins: tuple[str, ...]
    recycling: tuple[str, ...] = ()

    def held_out_places(self, room: Room) -> set[str]:
        return {p for i, p in enumerate(room.places) if i % 5 == 4}

    @functools.cached_property
    def held_out_objects(self) -> frozenset[str]:
        """Every sixth object of each category (in file order)."""
        by_category: dict[str, list[str]] = {}
        for name, category in self.category_of.items():
            by_category.setdefault(category, []).append(name)
        return frozenset(name for names in by_category.values() for i, name in enumerate(names) if i % 6 == 5)


@functools.cache
def catalogue(path: Path = CATALOGUE) -> Catalogue:
    """household.yaml, read and checked once."""
    data = safe_load(path.read_text(encoding="utf-8"))
    objects, category_of = {}, {}
    for category, entry in data["categories"].items():
        for name, words in entry["objects"].items():
            if name in objects:
                raise ConfigError(f"{path}: object {name!r} is listed twice")
            objects[name] = tuple(dict.fromkeys([*entry["words"], *(words or [])]))
            category_of[name] = category
    rooms = {}
    for name, entry in data["rooms"].items():
        places = tuple(p.removesuffix(" *") for p in entry["places"])
        unknown = [c for c in entry["categories"] if c not in data["categories"]]
        if unknown:
            raise ConfigError(f"{path}: room {name!r} names unknown categories {unknown}")
        doors = frozenset(p.removesuffix(" *") for p in entry["places"] if p.endswith(" *"))
        rooms[name] = Room(name, places, doors, tuple(entry["categories"]))
    return Catalogue(rooms, objects, category_of, tuple(data["bins"]), tuple(data.get("recycling", ())))


def sample_scene(rng: random.Random, split: str = "train", cat: Catalogue | None = None) -> Scene:
    """A random scene of ``split`` (see the module doc), checked like a scene file and named for its room."""
    if split not in SPLITS:
        raise ConfigError(f"split={split!r}; valid: {', '.join(SPLITS)}")
    cat = cat or catalogue()
    train_rooms = [r for r in cat.rooms.values() if r.name not in DEV_ROOMS]
    if split == "all":
        room = rng.choice(list(cat.rooms.values()))
    elif split == "dev" and rng.random() < 0.5:
        room = cat.rooms[rng.choice(DEV_ROOMS)]
    else:
        room = rng.choice(train_rooms)
    held_places = cat.held_out_places(room)
    places = [p for p in room.places if split != "train" or p not in held_places]
    chosen = rng.sample(places, min(len(places), rng.randint(4, 7)))
    if not [p for p in chosen if p not in room.doors]:  # somewhere to put things down without a door
        chosen.append(rng.choice([p for p in places if p not in room.doors]))
    bins = [b for b in cat.bins if split != "train" or b not in DEV_BINS]
    trash = rng.choice(bins)
    recycling = [r for r in cat.recycling if split != "train" or r not in DEV_RECYCLING]
    extra = [rng.choice(recycling)] if recycling and rng.random() < RECYCLING else []
    n = rng.randint(6, 14)
    if split == "dev":  # half of them never read in training
        held = sorted(cat.held_out_objects)
        names = _draw(rng, cat, held, room, n // 2)
        names += [o for o in _draw(rng, cat, list(cat.objects), room, n) if o not in names][: n - len(names)]
    else:
        names = _draw(rng, cat, _objects(cat, split), room, n)
    objects = {o: rng.choice(chosen) for o in names}
    spills = {}
    if rng.random() < SPILL:
        spills[rng.choice(SPILLS)] = rng.choice([p for p in chosen if p not in room.doors])
        objects.setdefault("sponge", rng.choice(chosen))
    attributes = {} if rng.random() < NO_ATTRIBUTES else {o: _words(cat, o, split) for o in objects}
    data = {
        "name": room.name,
        "locations": [*chosen, trash, *extra, USER],
        "objects": objects,
        "spills": spills,
        "robot": {"at": rng.choice(chosen)},
        "attributes": {o: w for o, w in attributes.items() if w},
        "closed": [p for p in chosen if p in room.doors],
    }
    return scene_from_dict(data, source=f"a generated {room.name} ({split})")


def _objects(cat: Catalogue, split: str) -> list[str]:
    """The objects a scene of ``split`` may hold (training scenes: none held out)."""
    if split == "train":
        return [o for o in cat.objects if o not in cat.held_out_objects]
    return list(cat.objects)


def _draw(rng: random.Random, cat: Catalogue, pool: Sequence[str], room: Room, n: int) -> list[str]:
    """``n`` distinct objects, most of the room's categories, some of any."""
    own = [o for o in pool if cat.category_of[o] in room.categories]
    picked: list[str] = []
    while len(picked) < min(n, len(pool)):
        source = pool if rng.random() < OTHER_ROOMS or not own else own
        choice = rng.choice(source)
        if choice not in picked:
            picked.append(choice)
    return picked


def _words(cat: Catalogue, obj: str, split: str) -> list[str]:
    """``obj``'s catalogue words; training scenes never show `DEV_WORDS`."""
    return [w for w in cat.objects[obj] if split != "train" or w not in DEV_WORDS]
