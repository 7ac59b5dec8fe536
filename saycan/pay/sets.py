"""Objects a request asks for as a set ("all the tools on the workbench", "everything recyclable in the car").

Pay reads a set request as a whole through MiniLM vectors and, in a scene it was not trained on, often
joins one object of the set with a look-alike from elsewhere (the newspaper and the paint can for
"recycle everything recyclable in the car"). The set itself can be read off the words and the scene: a
quantifier, the words that pick the objects out (a name, a name's last word, an attribute; plural or not),
and the place they are at. `saycan.pay.train.infer_goals` treats the set's objects as named
(`saycan.pay.named`) and weighs goals joining them.

A place right after the words is where the set is ("... on the workbench away in the tool cabinet",
"from the table") unless it can only be where they go: "put all the fruit in the fridge", with no other
place and a verb that leaves the place to the request, is the fruit not yet in the fridge.
"""

from __future__ import annotations

import re

from saycan.world.scene import Scene

QUANTIFIER = re.compile(r"\b(?:all|every|everything|each|both)\b(?:\s+of)?(?:\s+(?:the|my|your|these|those))?")
# Words that end the words picking the set out: a place, a destination, the next clause.
ENDS = "on|in|at|inside|from|off|out|to|into|onto|away|and|then|that|which|you|for|here|there"
STOP = re.compile(rf"\s*(?:\b(?:{ENDS})\b|[,.;:!?]|$)")
ONE_THING = re.compile(r"(?:any|some|something|a|an|that|this|one)\b")  # words for one thing, not a set
SOURCE = ("from", "off", "out of")  # always where the set is
WHERE = ("on", "in", "at", "inside")  # where the set is, or where it goes (see the module doc)
# Verbs whose destination is their own (trash, recycling, the user): a place after the set is where it is.
OWN_DESTINATION = re.compile(r"\b(?:throw|toss|trash|bin|recycle|bring|fetch|get|grab|hand|give|clear|clean)\b")


def singular_forms(word: str) -> set[str]:
    """``word`` and what it is when it is a plural ("boxes" -> "box", "berries" -> "berry", "tools" -> "tool")."""
    forms = {word}
    if word.endswith("ies"):
        forms.add(word[:-3] + "y")
    if word.endswith("es"):
        forms.add(word[:-2])
    if word.endswith("s"):
        forms.add(word[:-1])
    return forms


def _picked(words: str, scene: Scene) -> set[str]:
    """The scene's objects ``words`` pick out: a name or its last word, or an attribute (plural or not); all
    objects for no words. The whole phrase first, then its last word ("the empty bottles": bottles)."""
    if not words:
        return set(scene.objects)
    for phrase in (words, words.split()[-1]):
        forms = singular_forms(phrase)
        picked = {obj for obj in scene.objects if forms & {obj, obj.split()[-1], *scene.attributes.get(obj, ())}}
        if picked:
            return picked
    return set()


def set_objects(request: str, scene: Scene) -> frozenset[str]:
    """The objects of ``scene`` that ``request`` asks for as a set (see the module doc); empty when it asks
    for none or its words pick out no object.

    Args:
        request: The request as typed.
        scene: The scene in its current state (where each object is).

    Returns:
        The names of the set's objects.
    """
    text = " ".join(request.lower().split())
    quantifier = QUANTIFIER.search(text)
    if quantifier is None:
        return frozenset()
    rest = text[quantifier.end() :]
    stop = STOP.search(rest)
    words = rest[: stop.start()].strip()
    first = quantifier.group(0).split()[0]
    if ONE_THING.match(words) or (first == "both" and rest[stop.start() :].lstrip().startswith("and")):
        return frozenset()  # "both any fruit and any soda": two things, each read on its own
    if not words and first not in ("everything", "all"):
        return frozenset()  # "each of", "both": the names follow, `named_objects` reads them
    picked = _picked(words, scene)
    places = "|".join(re.escape(p) for p in sorted(scene.locations, key=len, reverse=True))
    where = re.match(rf"\s*({'|'.join(SOURCE + WHERE)})\s+(?:the\s+)?({places})\b", rest[stop.start() :])
    if where is None:
        return frozenset(picked) if words else frozenset()  # "everything" with no place is no set
    place = where.group(2)
    later = rest[stop.start() + where.end() :]
    is_source = (
        where.group(1) in SOURCE
        or re.search(rf"\b(?:{places})\b", later) is not None
        or OWN_DESTINATION.search(text[: quantifier.start()]) is not None
    )
    at = {obj for obj in picked if scene.objects.get(obj) == place}
    return frozenset(at if is_source else picked - at)
