"""Objects a request names by their own name, and the bonus Pay's reading gives goals about them.

Pay reads a request through MiniLM vectors, and in a scene it was not trained on it sometimes lets a
similar object outweigh the one named ("open the tool cabinet, take the screwdriver and bring it to me"
read as the hammer, -4.1 against -6.1). A name said outright is the strongest evidence a request holds, so
each goal gets `NAMED_BONUS` added to its score per object it is about that the request names (outside
a negation: "any fruit but the apple" does not name the apple as wanted).

`NAMED_BONUS` was chosen on generated dev tasks (`benchmarks/pay_reading.py`: goal top-1 82.75% -> 86.25%
on 400 household dev tasks, 92.5% -> 92.75% in the kitchen, no task lost from 6 to 10; larger bonuses start
overriding "go look for that sponge" with goals about moving it).
"""

from __future__ import annotations

import re
from collections.abc import Collection

from saycan.text import claim_names, name_said

NAMED_BONUS = 8.0  # added to a goal's score per named object it is about (Pay's scores span about -30..0)
NEGATION_WINDOW = 30  # characters before a name in which a negation word puts it out of what is wanted
NEGATION = re.compile(
    r"\b(?:not|n't|no|nothing|except|but|without|other than|instead of|rather than|besides|apart from|non)\b"
)


def named_objects(request: str, objects: Collection[str]) -> frozenset[str]:
    """The scene's objects ``request`` names as wanted.

    A name counts as a whole word or phrase, also as a plural ("apples"), never inside a hyphenated
    word; the longest names are matched first and take their words, so "the coffee mug" names the coffee
    mug and not a "mug" beside it. A name with a negation word (`NEGATION`) in the `NEGATION_WINDOW`
    characters before it is not wanted.

    Args:
        request: The request as typed.
        objects: The scene's object names.

    Returns:
        The names of the objects the request asks about.
    """
    wanted = set()
    for name, match in claim_names(request.lower(), objects, lambda name: name_said(name.lower())):
        if not NEGATION.search(match.string[max(0, match.start() - NEGATION_WINDOW) : match.start()]):
            wanted.add(name)
    return frozenset(wanted)
