"""Requests for an action no skill does ("fold the laundry"): say so and do nothing.

A find / pick / place / wipe / open / close robot asked to fold the laundry used to wipe the spill, and
asked to turn on the TV, picked up the energy bar: the LLM and Pay always find a nearest plan. Here a
request whose clause opens with a verb of `NO_SKILL_VERBS` ("fold", "turn on", "wash"), after the polite
words before it ("please, could you ..."), stops ``not_possible`` with a warning naming the verb, unless a
skill's own template has that verb (a user who registers ``"heat the {object}"`` can be asked to heat) or
the clause puts something at a place of the scene ("wash the apple in the sink" puts it in the sink).

Only clauses addressed to the robot count: "I need to drive a nail" asks for the hammer, not for a drive.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from saycan.errors import warn

# Household actions a robot can do only with a skill made for them. Verbs that a pick-and-place plan
# can serve stay out of the list: "make" ("make some room on the table"), "set" (the table), "fill",
# "empty", "chill" and "cool" (into the fridge), "mop" and "scrub" (wipe), "lift" (pick up), "plug".
NO_SKILL_VERBS = frozenset(
    "fold iron wash rinse cook bake fry boil grill roast toast microwave heat reheat warm chop cut slice dice "
    "peel grate stir mix blend whisk pour brew vacuum sweep dust water feed walk play sing dance call phone text "
    "email turn switch unplug charge fix repair paint build assemble sew knit hang mow rake shovel drill "
    "hammer screw saw sand glue tie lock unlock read write print type tell explain order buy pay book".split()
)
# Many of those are nouns too ("water, please", "the hammer and a saw"): a verb counts only when one of
# these follows it, as an object or a particle does ("water the plants", "turn on the TV").
_PARTICLES = frozenset("on off up out down in over".split())
_DETERMINERS = "the a an my your his her our their this that these those it them some all every any me us him"
_THEN = _PARTICLES | frozenset(_DETERMINERS.split())
_SWITCH = frozenset({"on", "off"})  # "switch the two cans" swaps them, a pick-and-place plan
# Words before the verb that still address the robot: "please", "robot,", "could you", "I want you to".
_POLITE = re.compile(
    r"^(?:(?:please|robot|hey|ok|okay|now|then|also|so|just)\b[\s,]*)*"
    r"(?:(?:can|could|would|will) you\s+(?:please\s+)?|i(?: would|'d)? (?:want|need|like) you to\s+|go and\s+)?"
    r"(?:please\s+)?"
)
_CLAUSES = re.compile(r"[,;.!?]|\band then\b|\bthen\b|\band\b")


def unable_verbs(instruction: str, templates: Iterable[str], places: Iterable[str] = ()) -> list[str]:
    """The verbs of ``instruction`` that open a clause addressed to the robot and that no skill does.

    Args:
        instruction: The request, in English (after translation).
        templates: The skill templates of the plan, e.g. ``"pick up the {object}"``; a verb in one of
            them is a verb the robot can do.
        places: The scene's places. A clause that puts something at one ("wash the apple in the sink")
            has a part the skills can do, so it is planned, not refused.

    Returns:
        Each such verb once, with its particle ("turn on"), in the order said (``[]`` for a request the
        skills may serve).
    """
    can = {w for t in templates for w in re.findall(r"[a-z]+", re.sub(r"\{[^}]*\}", " ", t.lower()))}
    names = "|".join(re.escape(p.lower()) for p in places)
    into = re.compile(rf"\b(?:in|into|on|onto|to|at) (?:the )?(?:{names})\b") if names else None
    found: list[str] = []
    for clause in _CLAUSES.split(instruction.lower()):
        words = _POLITE.sub("", clause.strip()).split()
        if len(words) < 2 or words[0] not in NO_SKILL_VERBS or words[1] not in _THEN:
            continue
        verb = words[0]
        if verb in can or (verb == "switch" and not _SWITCH & set(words)) or (into and into.search(clause)):
            continue
        said = f"{verb} {words[1]}" if words[1] in _PARTICLES else verb  # "turn on", "heat up"
        if said not in found:
            found.append(said)
    return found


def unable_warnings(verbs: list[str], skill_names: Iterable[str]) -> list[str]:
    """One warning per verb no skill does, naming the skills there are; also printed."""
    have = ", ".join(skill_names)
    warnings = [f"no skill of this robot can {verb} (its skills: {have}), so the robot did nothing" for verb in verbs]
    for text in warnings:
        warn(text)
    return warnings
