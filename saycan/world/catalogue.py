"""Real kitchen object and location names, for growing a scene to the paper's number of skills (scene.scale)."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from saycan.errors import ConfigError
from saycan.text import name_said

LOCATIONS = ("fridge", "pantry", "cupboard", "dish rack", "stove", "island counter", "window sill", "shelf")

# Catalogue objects by category: growing a scene gives each new object its category as an attribute, and a
# request naming a catalogue object the scene lacks is answered with the scene's objects of that category.
CATEGORIES: dict[str, tuple[str, ...]] = {
    "fruit": (
        "banana", "pear", "peach", "plum", "mango", "kiwi", "lemon", "lime", "grapefruit", "pineapple", "melon",
        "grapes", "cherries", "strawberries", "blueberries", "raspberries", "apricot", "nectarine", "pomegranate",
        "papaya", "avocado", "coconut", "fig", "tangerine",
    ),
    "vegetable": (
        "carrot", "cucumber", "tomato", "potato", "onion", "garlic", "bell pepper", "zucchini", "eggplant",
        "broccoli", "cauliflower", "lettuce", "cabbage", "celery", "corn cob", "mushroom", "sweet potato", "radish",
        "leek", "ginger root",
    ),
    "drink": (
        "pepsi can", "fanta can", "root beer can", "ginger ale can", "iced tea can", "lemonade bottle",
        "orange juice carton", "apple juice box", "milk carton", "oat milk carton", "soy milk carton",
        "sparkling water can", "tonic water bottle", "cold brew can", "energy drink can", "sports drink bottle",
        "kombucha bottle", "coconut water carton", "chocolate milk carton", "beer bottle",
    ),
    "snack": (
        "pretzels", "popcorn bag", "tortilla chips", "potato chips", "kettle chips", "cheese crackers",
        "graham crackers", "rice cakes", "granola bar", "protein bar", "trail mix", "peanuts", "cashews", "almonds",
        "pistachios", "gummy bears", "chocolate bar", "cookies", "muffin", "croissant", "bagel", "donut",
        "cereal box", "oatmeal packet", "fruit cup", "applesauce pouch", "yogurt cup", "pudding cup", "beef jerky",
        "seaweed snack",
    ),
    "pantry food": (
        "peanut butter jar", "jam jar", "honey jar", "olive oil bottle", "vinegar bottle", "soy sauce bottle",
        "ketchup bottle", "mustard bottle", "mayonnaise jar", "salt shaker", "pepper shaker", "sugar bag",
        "flour bag", "rice bag", "pasta box", "tomato sauce jar", "soup can", "bean can", "tuna can", "coffee bag",
        "tea box", "cocoa tin", "spice jar", "bread loaf", "tortillas",
    ),
    "kitchenware": (
        "plate", "bowl", "mug", "cup", "glass", "fork", "knife", "spoon", "spatula", "ladle", "whisk", "tongs",
        "cutting board", "frying pan", "saucepan", "pot lid", "kettle", "teapot", "measuring cup", "mixing bowl",
        "colander", "grater", "peeler", "can opener", "bottle opener", "rolling pin", "oven mitt", "baking tray",
        "lunch box", "water jug",
    ),
    "cleaning tool": (
        "dish soap", "paper towels", "dish towel", "scrub brush", "trash bag", "spray bottle", "rubber gloves",
        "steel wool", "napkins", "tissue box",
    ),
    "household item": (
        "keys", "phone", "remote control", "wallet", "sunglasses", "book", "newspaper", "magazine", "pen",
        "notepad", "charger cable", "headphones", "candle", "flower vase", "toy car", "tennis ball", "glasses case",
        "hand cream", "lip balm", "medicine bottle",
    ),
}  # fmt: skip
OBJECTS = tuple(name for names in CATEGORIES.values() for name in names)
CATEGORY_OF = {name: category for category, names in CATEGORIES.items() for name in names}

FIXED_SKILLS = 2  # "bring it to you" and "done"
LOCATIONS_PER_25 = 1  # one new location per 25 skills added, so places grow with the objects


def kitchen_skill_count(data: Mapping[str, Any], user: str) -> int:
    """Candidates the kitchen library makes of a scene: find/pick up/put down each object, go to each place but
    the ``user``, wipe each spill, bring, done."""
    locations = [loc for loc in data["locations"] if loc != user]
    return 3 * len(data["objects"]) + len(locations) + len(data.get("spills") or {}) + FIXED_SKILLS


def grow(data: Mapping[str, Any], skills: int, source: str, user: str) -> dict[str, Any]:
    """``data`` with catalogue locations and objects added until the kitchen library has exactly ``skills`` texts.

    New objects are spread round-robin over the places things are kept (not the user or the trash
    can), so a scene of 550 skills is the paper's size with real names (SayCan's robot had 551).

    Raises:
        ConfigError: when ``skills`` is below the scene's own count or beyond the catalogue.
    """
    base = kitchen_skill_count(data, user)
    names = set(data["locations"]) | set(data["objects"]) | set(data.get("spills") or {})
    new_locations = [loc for loc in LOCATIONS if loc not in names]
    new_objects = [obj for obj in OBJECTS if obj not in names]
    most = base + len(new_locations) + 3 * len(new_objects)
    if not isinstance(skills, int) or isinstance(skills, bool) or not base <= skills <= most:
        raise ConfigError(f"{source}: scale={skills!r} skills; valid: an integer from {base} (this scene) to {most}")
    extra = skills - base
    n_loc = min(len(new_locations), extra // 25 * LOCATIONS_PER_25)
    n_obj = min(len(new_objects), (extra - n_loc) // 3)
    n_loc = extra - 3 * n_obj  # the remainder (0-2, or more once objects run out) as places
    if n_loc > len(new_locations):
        raise ConfigError(f"{source}: scale={skills} cannot be reached exactly; valid: at most {most}")
    locations = list(data["locations"]) + new_locations[:n_loc]
    shelves = [loc for loc in locations if loc not in (user, "trash can")]
    objects, attributes = dict(data["objects"]), dict(data.get("attributes") or {})
    for i, obj in enumerate(new_objects[:n_obj]):
        objects[obj] = shelves[i % len(shelves)]
        attributes[obj] = [CATEGORY_OF[obj]]
    return {**data, "locations": locations, "objects": objects, "attributes": attributes}


def missing_objects(
    text: str, objects: Collection[str], attributes: Mapping[str, Sequence[str]]
) -> dict[str, list[str]]:
    """Catalogue objects ``text`` names that are not among ``objects`` -> the objects of the same category.

    "bring me the banana" in the kitchen gives ``{"banana": ["apple", "orange"]}`` (the kitchen's
    fruit, by the scene's ``attributes``); a plural ("bananas") counts. Words the catalogue does not
    know are not judged, nor is a name the scene uses inside one of its own names or attributes ("mug"
    with a "coffee mug", "protein bar" with an energy bar called so), nor part of a hyphenated word
    ("lemon-lime soda").
    """
    lowered = f" {text.lower()} "
    own = " | ".join([*objects, *(w for words in attributes.values() for w in words)]).lower()
    found = {}
    for name, category in CATEGORY_OF.items():
        if name in objects or not re.search(name_said(name), lowered):
            continue
        if re.search(rf"\b{re.escape(name)}(?:e?s)?\b", own):
            continue
        found[name] = [obj for obj, words in attributes.items() if category in words]  # may be none
    return found
